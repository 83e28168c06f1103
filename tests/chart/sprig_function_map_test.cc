// The function map holds every function of Sprig v3's genericMap that helm keeps
// (helm drops env and expandenv and supplies its own fail, toJson, fromJson, mustToJson).
#include "sprig_test_util.h"

namespace skiff::chart::funcs::testing {
namespace {

TEST(SprigFunctionMap, HasEverySprigFunctionHelmUses) {
  tmpl::TemplateSet set("root");
  add_sprig_functions(set);
  const char* kNames[] = {
      "abbrev", "abbrevboth", "add", "add1", "add1f", "addf", "adler32sum", "ago", "all", "any",
      "append", "atoi", "b32dec", "b32enc", "b64dec", "b64enc", "base", "bcrypt", "biggest",
      "buildCustomCert", "camelcase", "cat", "ceil", "chunk", "clean", "coalesce", "compact", "concat",
      "contains", "date", "dateInZone", "dateModify", "date_in_zone", "date_modify", "decryptAES",
      "deepCopy", "deepEqual", "default", "derivePassword", "dict", "dig", "dir", "div", "divf",
      "duration", "durationRound", "empty", "encryptAES", "ext", "first", "float64", "floor", "genCA",
      "genCAWithKey", "genPrivateKey", "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert",
      "genSignedCertWithKey", "get", "getHostByName", "has", "hasKey", "hasPrefix",
      "hasSuffix", "hello", "htmlDate", "htmlDateInZone", "htpasswd", "indent", "initial", "initials",
      "int", "int64", "isAbs", "join", "kebabcase", "keys", "kindIs", "kindOf", "last", "list", "lower",
      "max", "maxf", "merge", "mergeOverwrite", "min", "minf", "mod", "mul", "mulf",
      "mustAppend", "mustChunk", "mustCompact", "mustDateModify", "mustDeepCopy", "mustFirst",
      "mustFromJson", "mustHas", "mustInitial", "mustLast", "mustMerge", "mustMergeOverwrite",
      "mustPrepend", "mustPush", "mustRegexFind", "mustRegexFindAll", "mustRegexMatch",
      "mustRegexReplaceAll", "mustRegexReplaceAllLiteral", "mustRegexSplit", "mustRest", "mustReverse",
      "mustSlice", "mustToDate", "mustToPrettyJson", "mustToRawJson", "mustUniq", "mustWithout",
      "must_date_modify", "nindent", "nospace", "now", "omit", "osBase", "osClean", "osDir", "osExt",
      "osIsAbs", "pick", "pluck", "plural", "prepend", "push", "quote", "randAlpha", "randAlphaNum",
      "randAscii", "randBytes", "randInt", "randNumeric", "regexFind", "regexFindAll", "regexMatch",
      "regexQuoteMeta", "regexReplaceAll", "regexReplaceAllLiteral", "regexSplit", "repeat", "replace",
      "rest", "reverse", "round", "semver", "semverCompare", "seq", "set", "sha1sum", "sha256sum",
      "sha512sum", "shuffle", "slice", "snakecase", "sortAlpha", "split", "splitList", "splitn",
      "squote", "sub", "subf", "substr", "swapcase", "ternary", "title", "toDate", "toDecimal",
      "toPrettyJson", "toRawJson", "toString", "toStrings", "trim", "trimAll", "trimPrefix",
      "trimSuffix", "trimall", "trunc", "tuple", "typeIs", "typeIsLike", "typeOf", "uniq", "unixEpoch",
      "unset", "until", "untilStep", "untitle", "upper", "urlJoin", "urlParse", "uuidv4", "values",
      "without", "wrap", "wrapWith",
  };
  for (const char* name : kNames) {
    bool builtin = true;
    EXPECT_TRUE(set.find_function(name, &builtin) != nullptr && !builtin) << name;
  }
}

TEST(SprigFunctionMap, LeavesOutEnvironmentAndHelmOwnedFunctions) {
  tmpl::TemplateSet set("root");
  add_sprig_functions(set);
  for (const char* name : {"env", "expandenv", "toJson", "fromJson", "mustToJson", "fail"}) {
    EXPECT_EQ(set.find_function(name), nullptr) << name;
  }
}

TEST(SprigFunctionMap, SliceIsSprigsNotTheBuiltin) {
  auto r = render_sprig(R"({{ slice "abc" 1 }})");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("list should be type of slice or array but string"), std::string::npos) << r.text;
}

TEST(SprigFunctionMap, Hello) { EXPECT_EQ(render_sprig("{{ hello }}").text, "Hello!"); }

}  // namespace
}  // namespace skiff::chart::funcs::testing

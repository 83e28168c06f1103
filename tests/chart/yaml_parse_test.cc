// parse_yaml against sigs.k8s.io/yaml.Unmarshal into interface{} (go-yaml v2 typing,
// then JSON: numbers float64, keys strings) and go-yaml's error texts.
#include <gtest/gtest.h>

#include "chart/yaml/go_json.h"
#include "chart/yaml/go_yaml.h"
#include "yaml_test_util.h"

namespace skiff::chart::yaml {
namespace {

using namespace testing;  // NOLINT

// The parsed value as compact JSON, which shows number types (floats print as 1.5,
// whole floats as 1) and nulls.
std::string parsed(std::string_view text) {
  auto v = parse_yaml(text);
  if (!v.ok()) return "ERROR: " + v.error().message;
  auto j = to_json(*v);
  return j.ok() ? *j : "JSON ERROR: " + j.error().message;
}

std::string error_of(std::string_view text) {
  auto v = parse_yaml(text);
  return v.ok() ? "no error" : v.error().message;
}

struct ParseCase {
  const char* name;
  const char* yaml;
  const char* json;
};

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

class ParseYamlTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseYamlTest, MatchesSigsYaml) { EXPECT_EQ(parsed(GetParam().yaml), GetParam().json); }

const ParseCase kCases[] = {
    {"simple_map", "a: 1\nb: two\n", R"({"a":1,"b":"two"})"},
    {"numbers_are_float64", "a: 1\nb: 1.5\nc: -3\nd: 1e3\n", R"({"a":1,"b":1.5,"c":-3,"d":1000})"},
    {"yaml11_booleans", "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: True\n",
     R"({"a":true,"b":false,"c":true,"d":false,"e":true,"f":false,"g":true})"},
    {"nulls", "a: ~\nb: null\nc:\nd: Null\n", R"({"a":null,"b":null,"c":null,"d":null})"},
    {"octal_hex_binary_underscore", "a: 0777\nb: 0x1F\nc: 0b11\nd: 1_000\ne: -0b101\nf: 0o17\n",
     R"({"a":511,"b":31,"c":3,"d":1000,"e":-5,"f":15})"},
    {"leading_zero_non_octal_is_float", "a: 08\nb: 09.5\n", R"({"a":8,"b":9.5})"},
    {"dot_floats", "a: .5\nb: -.5\nc: +1\n", R"({"a":0.5,"b":-0.5,"c":1})"},
    {"big_int_to_float", "a: 18446744073709551615\nb: 9007199254740993\n",
     R"({"a":18446744073709552000,"b":9007199254740992})"},
    {"huge_number_is_float", "a: 123456789012345678901234567890\n", R"({"a":1.2345678901234568e+29})"},
    {"timestamps_stay_strings", "a: 2001-12-14\nb: 2001-12-14T21:59:43.10Z\n",
     R"({"a":"2001-12-14","b":"2001-12-14T21:59:43.10Z"})"},
    {"versions_are_strings", "a: 1.2.3\nb: v1\nc: 1.0\n", R"({"a":"1.2.3","b":"v1","c":1})"},
    {"quoted_scalars_are_strings", "a: 'yes'\nb: \"1\"\nc: '~'\n", R"({"a":"yes","b":"1","c":"~"})"},
    {"double_quoted_escapes", R"(a: "x\ty\n\u00e9\x41\"")", R"({"a":"x\ty\néA\""})"},
    {"single_quoted_escape", "a: 'it''s'\n", R"({"a":"it's"})"},
    {"flow_collections", "a: [1, two, {b: c}]\nd: {}\ne: []\n", R"({"a":[1,"two",{"b":"c"}],"d":{},"e":[]})"},
    {"nested_blocks", "a:\n  b:\n  - c\n  - d: e\n    f: g\n", R"({"a":{"b":["c",{"d":"e","f":"g"}]}})"},
    {"indented_sequence", "a:\n  - 1\n  - 2\n", R"({"a":[1,2]})"},
    {"literal_block", "a: |\n  x\n   y\n\n  z\n", R"({"a":"x\n y\n\nz\n"})"},
    {"literal_strip", "a: |-\n  x\n\n", R"({"a":"x"})"},
    {"literal_keep", "a: |+\n  x\n\n", R"({"a":"x\n\n"})"},
    {"literal_indent_indicator", "a: |2\n    x\n  y\n", R"({"a":"  x\ny\n"})"},
    {"folded_block", "a: >\n  x\n  y\n\n  z\n", R"({"a":"x y\nz\n"})"},
    {"plain_multiline_folds", "a: x\n  y\n\n  z\n", R"({"a":"x y\nz"})"},
    {"comments_ignored", "# top\na: 1 # trailing\n# end\n", R"({"a":1})"},
    {"hash_inside_plain", "a: x#y\n", R"({"a":"x#y"})"},
    {"int_key_becomes_string", "1: a\n2.5: b\ntrue: c\n", R"({"1":"a","2.5":"b","true":"c"})"},
    {"yes_key_becomes_true", "yes: a\n", R"({"true":"a"})"},
    {"float_key_formatted_as_float32", "0.1: a\n1e10: b\n", R"({"0.1":"a","1e+10":"b"})"},
    {"duplicate_key_last_wins", "a: 1\na: 2\n", R"({"a":2})"},
    {"anchors_and_aliases", "a: &x {b: 1}\nc: *x\n", R"({"a":{"b":1},"c":{"b":1}})"},
    {"merge_key", "base: &b\n  p: 1\n  q: 2\nd:\n  <<: *b\n  q: 3\n", R"({"base":{"p":1,"q":2},"d":{"p":1,"q":3}})"},
    {"merge_list_earlier_wins", "a: &a {p: 1}\nb: &b {p: 2, q: 2}\nc:\n  <<: [*a, *b]\n",
     R"({"a":{"p":1},"b":{"p":2,"q":2},"c":{"p":1,"q":2}})"},
    {"y_and_n_keys_are_booleans", "y: 1\nn: 2\n", R"({"false":2,"true":1})"},
    {"merge_after_key_overrides", "a:\n  x: 1\n  <<: {x: 2}\n", R"({"a":{"x":2}})"},
    {"tagged_str", "a: !!str 123\nb: !!float 1\nc: !custom x\n", R"({"a":"123","b":1,"c":"x"})"},
    {"binary_tag", "a: !!binary aGVsbG8=\n", R"({"a":"hello"})"},
    {"explicit_document", "---\na: 1\n...\n", R"({"a":1})"},
    {"only_first_document", "a: 1\n---\nb: 2\n", R"({"a":1})"},
    {"empty_document", "", "null"},
    {"comment_only_document", "# nothing\n", "null"},
    {"scalar_document", "hello\n", R"("hello")"},
    {"crlf_line_endings", "a: 1\r\nb: 2\r\n", R"({"a":1,"b":2})"},
    {"bom_skipped", "\xEF\xBB\xBF" "a: 1\n", R"({"a":1})"},
    {"tab_after_value", "a: 1\t\n", R"({"a":1})"},
    {"empty_values_in_sequence", "- \n- a\n", R"([null,"a"])"},
    {"complex_key", "? a\n: b\n", R"({"a":"b"})"},
    {"flow_pair_in_sequence", "[a: b, c]", R"([{"a":"b"},"c"])"},
    {"urls_and_colons", "a: http://x:80/y\nb: 'c: d'\n", R"({"a":"http://x:80/y","b":"c: d"})"},
};

INSTANTIATE_TEST_SUITE_P(SigsYaml, ParseYamlTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ParseCase>& info) { return info.param.name; });

struct ErrorCase {
  const char* name;
  const char* yaml;
  const char* error;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ParseYamlErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseYamlErrorTest, ReadsLikeHelm) { EXPECT_EQ(error_of(GetParam().yaml), GetParam().error); }

// Scanner errors count lines from 1; parser errors show go-yaml's 0-based line.
const ErrorCase kErrors[] = {
    {"first_line_has_no_line_number", "a: b: c\n",
     "error converting YAML to JSON: yaml: mapping values are not allowed in this context"},
    {"mapping_value_third_line", "a: 1\nb: 2\nc: d: e\n",
     "error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context"},
    {"tab_indentation", "a:\n\tb: 1\n",
     "error converting YAML to JSON: yaml: line 2: found character that cannot start any token"},
    {"missing_colon", "a: 1\nb\nc: 2\n", "error converting YAML to JSON: yaml: line 3: could not find expected ':'"},
    {"indented_key_continues_plain_scalar", "a: 1\n b: 2\n",
     "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"},
    {"dedented_key_after_nested_map", "a:\n    b: 1\n  c: 2\n",
     "error converting YAML to JSON: yaml: line 2: did not find expected key"},
    {"sequence_then_key", "a:\n  - b\n  c: d\n",
     "error converting YAML to JSON: yaml: line 2: did not find expected '-' indicator"},
    {"unclosed_double_quote", "a: \"abc\n",
     "error converting YAML to JSON: yaml: line 2: found unexpected end of stream"},
    {"unclosed_flow_sequence", "a: [1, 2\n",
     "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"},
    {"block_entry_in_value", "a: - b\n",
     "error converting YAML to JSON: yaml: block sequence entries are not allowed in this context"},
    {"unknown_escape", "b: 1\na: \"\\q\"\n", "error converting YAML to JSON: yaml: line 2: found unknown escape character"},
    {"unknown_anchor", "a: *x\n", "error converting YAML to JSON: yaml: unknown anchor 'x' referenced"},
    {"control_character", "a: \x01\n", "error converting YAML to JSON: yaml: control characters are not allowed"},
    {"invalid_utf8", "a: \xff\n", "error converting YAML to JSON: yaml: invalid leading UTF-8 octet"},
    // Past the first 8 bytes the reader checks a word at a time: bad bytes there too.
    {"delete_in_long_value", "key: abcdefgh\x7fijklmnop\n",
     "error converting YAML to JSON: yaml: control characters are not allowed"},
    {"escape_in_long_value", "key: abcdefghijk\x1bmnop\n",
     "error converting YAML to JSON: yaml: control characters are not allowed"},
    {"invalid_utf8_in_long_value", "key: abcdefghij\xc3(lmnop\n",
     "error converting YAML to JSON: yaml: invalid trailing UTF-8 octet"},
    {"nan_cannot_be_json", "a: .nan\n", "error converting YAML to JSON: json: unsupported value: NaN"},
    {"wrong_tag", "a: !!int abc\n", "error converting YAML to JSON: yaml: cannot decode !!str `abc` as a !!int"},
    {"merge_non_map", "a:\n  <<: 1\n",
     "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"},
    {"undefined_tag_handle", "a: !x!y z\n", "error converting YAML to JSON: yaml: found undefined tag handle"},
};

INSTANTIATE_TEST_SUITE_P(GoYamlErrors, ParseYamlErrorTest, ::testing::ValuesIn(kErrors),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(ParseYaml, DocumentsSplitsStream) {
  auto docs = parse_yaml_documents("a: 1\n---\nb: 2\n---\n");
  ASSERT_TRUE(docs.ok()) << docs.error().message;
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ(*to_json((*docs)[0]), R"({"a":1})");
  EXPECT_EQ(*to_json((*docs)[1]), R"({"b":2})");
  EXPECT_FALSE((*docs)[2].is_valid());
}

TEST(ParseYaml, DocumentsReportErrorsInLaterDocuments) {
  auto docs = parse_yaml_documents("a: 1\n---\nb: c: d\n");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.error().message,
            "error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context");
}

TEST(ParseYaml, ErrorAfterFirstDocumentIsIgnoredLikeUnmarshal) { EXPECT_EQ(parsed("a: 1\n---\nb: c: d\n"), R"({"a":1})"); }

TEST(ParseYaml, SelfReferencingAliasFails) {
  EXPECT_EQ(error_of("a: &x\n  b: *x\n"), "error converting YAML to JSON: yaml: anchor 'x' value contains itself");
}

TEST(ParseYamlInto, MapTargetRejectsList) {
  auto v = parse_yaml_into("- a\n", DecodeTarget::kMap);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message,
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type "
            "map[string]interface {}");
}

TEST(ParseYamlInto, ListTargetRejectsMap) {
  auto v = parse_yaml_into("a: 1\n", DecodeTarget::kList);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message,
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type "
            "[]interface {}");
}

TEST(ParseYamlInto, EmptyInputIsEmptyMap) {
  auto v = parse_yaml_into("", DecodeTarget::kMap);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->kind(), tmpl::Kind::kMap);
  EXPECT_EQ(v->size(), 0u);
}

}  // namespace
}  // namespace skiff::chart::yaml

#include <gtest/gtest.h>

#include "util/clock.h"
#include "util/encoding.h"
#include "util/json.h"
#include "util/random.h"
#include "util/strings.h"
#include "util/yaml.h"
#include "util/yaml_resolve.h"

namespace skiff {
namespace {

TEST(Base64, RoundTripsAllPaddings) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)}) {
    auto enc = base64_encode(s);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec.has_value()) << enc;
    EXPECT_EQ(*dec, s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(base64_decode("Zm9").has_value());
  EXPECT_FALSE(base64_decode("Zm9v!mFy").has_value());
  EXPECT_FALSE(base64_decode("Z===").has_value());
  EXPECT_FALSE(base64_decode("Zm==Zm9v").has_value());
}

TEST(Json, ParseErrorIsBadRequest) {
  auto r = parse_json("{\"a\": ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
  EXPECT_EQ(r.error().reason, "BadRequest");
}

TEST(Json, DumpIsByteForByteNlohmanns) {
  // dump_json writes most values itself; it must not differ from nlohmann's dump in a byte.
  std::string every_control;
  for (int b = 0; b < 0x20; ++b) every_control += static_cast<char>(b);
  const std::vector<std::string> strings = {"", "plain", "quote \" and \\ backslash", every_control, "del \x7f",
                                            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "bad \xff end", "cut \xc3",
                                            "overlong \xc0\x80", "surrogate \xed\xa0\x80", "mix \xc3\xa9\n\xff\t"};
  Json doc = Json::object();
  Json list = Json::array();
  for (const auto& str : strings) {
    list.push_back(str);
    doc[str] = str;  // keys are escaped the same way
  }
  doc["list"] = list;
  doc["numbers"] = {0, -1, INT64_MIN, INT64_MAX, UINT64_MAX, 1.0, 0.1, -0.0, 1e300, 2.5e-8, 123456789.125};
  doc["nested"] = {{"empty_object", Json::object()}, {"empty_array", Json::array()}, {"null", nullptr},
                   {"yes", true}, {"no", false}};
  EXPECT_EQ(dump_json(doc), doc.dump(-1, ' ', false, Json::error_handler_t::replace));
  for (const auto& item : doc["list"]) EXPECT_EQ(dump_json(item), item.dump(-1, ' ', false, Json::error_handler_t::replace));
}

TEST(Json, FindPathWalksObjects) {
  auto j = Json::parse(R"({"metadata":{"name":"x","labels":{"a":"b"}}})");
  ASSERT_NE(find_path(j, "metadata.labels.a"), nullptr);
  EXPECT_EQ(*find_path(j, "metadata.name"), "x");
  EXPECT_EQ(find_path(j, "metadata.missing"), nullptr);
  EXPECT_EQ(find_path(j, "metadata.name.deeper"), nullptr);
}

TEST(Yaml, ResolvesScalarsLikeKubernetes) {
  auto r = parse_yaml("a: 1\nb: \"1\"\nc: true\nd: yes\ne: 1.5\nf: null\ng: ~\nh: hello\ni: '0x10'\nj: 0x10\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto& j = *r;
  EXPECT_EQ(j["a"], 1);
  EXPECT_EQ(j["b"], "1");
  EXPECT_EQ(j["c"], true);
  EXPECT_EQ(j["d"], true);
  EXPECT_DOUBLE_EQ(j["e"].get<double>(), 1.5);
  EXPECT_TRUE(j["f"].is_null());
  EXPECT_TRUE(j["g"].is_null());
  EXPECT_EQ(j["h"], "hello");
  EXPECT_EQ(j["i"], "0x10");
  EXPECT_EQ(j["j"], 16);
}

TEST(Yaml, NumbersJsonCannotCarryAreErrorsNotCrashes) {
  for (const char* text : {"a: .inf\n", "a: -.Inf\n", "a: .nan\n", "a: !!float 1e400\n"}) {
    auto r = parse_yaml(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, 400);
  }
  // go-yaml keeps numbers it cannot parse as the strings they are, and so does Kubernetes.
  for (const char* text : {"a: 1e400\n", "a: 0x1FFFFFFFFFFFFFFFFFFF\n"}) {
    auto r = parse_yaml(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
    EXPECT_TRUE((*r)["a"].is_string()) << text;
  }
  auto big = parse_yaml("a: 18446744073709551615\nb: 0x10\nc: 3.0\nd: 0777\n");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ((*big)["a"].get<uint64_t>(), 18446744073709551615ull);
  EXPECT_TRUE((*big)["c"].is_number_integer());  // JSON writes 3.0 as 3
  EXPECT_EQ((*big)["d"], 511);                   // YAML 1.1 octal
}

TEST(Yaml, ErrorsReadLikeGoYaml) {
  auto r = parse_yaml("a: 1\nb: c: d\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
  EXPECT_EQ(r.error().message, "yaml: line 2: mapping values are not allowed in this context");
  auto alias = parse_yaml("a: &x [*x]\n");
  ASSERT_FALSE(alias.ok());
}

TEST(Yaml, BinaryThatIsNotUtf8BecomesReplacementCharactersAsInJson) {
  auto r = parse_yaml("a: !!binary /w==\n");  // one byte, 0xFF
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["a"], "\xEF\xBF\xBD");
  EXPECT_NO_THROW((void)r->dump());
}

TEST(Yaml, MergeKeysAndAnchors) {
  auto r = parse_yaml("base: &b {p: 1, q: 2}\nderived:\n  <<: *b\n  q: 3\ny: n\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["derived"], (Json{{"p", 1}, {"q", 3}}));
  EXPECT_EQ((*r)["true"], false);  // YAML 1.1: y and n are booleans, keys too, as in Kubernetes
}

TEST(Yaml, WritesKeysInGoYamlOrderAndReadsItsOutputBack) {
  Json j = {{"b", {1, "two", nullptr}}, {"a", "multi\nline"}, {"a10", true}, {"a9", 1.5}, {"c", Json::object()}};
  std::string y = to_yaml(j);
  EXPECT_EQ(y, "a: |-\n  multi\n  line\na9: 1.5\na10: true\nb:\n- 1\n- two\n- null\nc: {}\n");
  auto back = parse_yaml(y);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, j);
}

TEST(Yaml, NaturalKeyOrderComparesNumbersByValue) {
  // yaml.v2's key order: letters before other runes, digit runs by value, ASCII or not.
  using yaml::natural_key_less;
  EXPECT_TRUE(natural_key_less("a9", "a10"));
  EXPECT_FALSE(natural_key_less("a10", "a9"));
  EXPECT_TRUE(natural_key_less("a", "b"));
  EXPECT_TRUE(natural_key_less("1", "a"));
  EXPECT_TRUE(natural_key_less("a", "ab"));
  EXPECT_TRUE(natural_key_less("a1", "a01"));    // equal values: the shorter run first
  EXPECT_TRUE(natural_key_less("x10y", "x010z"));
  EXPECT_TRUE(natural_key_less("é9", "é10"));    // the same rules over decoded runes
  EXPECT_TRUE(natural_key_less("a", "é"));
  EXPECT_FALSE(natural_key_less("é", "é"));
}

TEST(Yaml, SplitsDocumentsAndDropsEmptyOnes) {
  auto r = parse_yaml_documents("---\na: 1\n---\n---\nb: 2\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1]["b"], 2);
}

TEST(Yaml, ErrorsNameTheLine) {
  auto r = parse_yaml("a: 1\nb: [1, 2\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line"), std::string::npos) << r.error().message;
}

TEST(Yaml, EmitsStringsThatLookLikeOtherTypesQuoted) {
  Json j = {{"a", "true"}, {"b", "12"}, {"c", "plain"}, {"d", 3}};
  auto y = to_yaml(j);
  auto back = parse_yaml(y);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, j);
}

TEST(Clock, FormatsAndParsesRfc3339) {
  auto t = parse_rfc3339("2024-02-29T12:34:56Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_rfc3339(*t), "2024-02-29T12:34:56Z");
  auto t2 = parse_rfc3339("2024-02-29T13:34:56+01:00");
  ASSERT_TRUE(t2.has_value());
  EXPECT_EQ(*t, *t2);
  EXPECT_FALSE(parse_rfc3339("yesterday").has_value());
}

TEST(Clock, HumanDurationMatchesKubectl) {
  using std::chrono::seconds;
  EXPECT_EQ(human_duration(seconds(5)), "5s");
  EXPECT_EQ(human_duration(seconds(150)), "2m30s");
  EXPECT_EQ(human_duration(seconds(600)), "10m");
  EXPECT_EQ(human_duration(seconds(3 * 3600 + 60)), "3h1m");
  EXPECT_EQ(human_duration(seconds(10 * 3600)), "10h");
  EXPECT_EQ(human_duration(seconds(3 * 86400)), "3d");
}

TEST(Random, UuidHasVersion4Shape) {
  auto u = new_uuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(new_uuid(), u);
}

TEST(Strings, SplitJoinTrim) {
  EXPECT_EQ(split("a,b,,c", ',').size(), 4u);
  EXPECT_EQ(join({"a", "b"}, "/"), "a/b");
  EXPECT_EQ(trim("  x y \n"), "x y");
  EXPECT_EQ(url_decode("a%2Fb+c", true), "a/b c");
  EXPECT_EQ(url_encode("a b/c"), "a%20b%2Fc");
}

}  // namespace
}  // namespace skiff

#include "util/json_duplicates.h"

namespace skiff {
namespace {

TEST(JsonDuplicates, ReportsEachDuplicatedFieldWithItsPath) {
  auto d = find_duplicate_json_fields(
      R"({"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"image":"x"},{"image":"y","image":"z"}]}})");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], "metadata.name");
  EXPECT_EQ(d[1], "spec.containers[1].image");
}

TEST(JsonDuplicates, NoneInCleanOrInvalidJson) {
  EXPECT_TRUE(find_duplicate_json_fields(R"({"a":{"b":1},"c":[{"b":1},{"b":2}]})").empty());
  EXPECT_TRUE(find_duplicate_json_fields(R"({"a":1,"a":)").empty());
}

}  // namespace
}  // namespace skiff

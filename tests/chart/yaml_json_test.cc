// to_json / from_json against Go's encoding/json Marshal and Unmarshal.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "chart/yaml/go_json.h"
#include "chart/yaml/go_yaml.h"
#include "yaml_test_util.h"

namespace skiff::chart::yaml {
namespace {

using namespace testing;  // NOLINT

std::string json(const Value& v) {
  auto out = to_json(v);
  return out.ok() ? *out : "ERROR: " + out.error().message;
}

TEST(ToJson, SortsKeysAndWritesCompactly) {
  EXPECT_EQ(json(m({{"b", i(1)}, {"a", l({b(true), nil(), s("x")})}})), R"({"a":[true,null,"x"],"b":1})");
}

TEST(ToJson, NilContainersAreNull) {
  EXPECT_EQ(json(Value::nil_map()), "null");
  EXPECT_EQ(json(Value::nil_list()), "null");
  EXPECT_EQ(json(m({})), "{}");
  EXPECT_EQ(json(l({})), "[]");
}

TEST(ToJson, FormatsFloatsLikeGo) {
  EXPECT_EQ(json(f(1.5)), "1.5");
  EXPECT_EQ(json(f(1e6)), "1000000");
  EXPECT_EQ(json(f(1e20)), "100000000000000000000");
  EXPECT_EQ(json(f(1e21)), "1e+21");
  EXPECT_EQ(json(f(1.5e-7)), "1.5e-7");
  EXPECT_EQ(json(f(0.000001)), "0.000001");
  EXPECT_EQ(json(f(-0.0)), "-0");
  EXPECT_EQ(json(f(123456789)), "123456789");
  EXPECT_EQ(json(Value::float32(0.1f)), "0.1");
}

TEST(ToJson, IntegersKeepAllDigits) {
  EXPECT_EQ(json(i(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(json(Value::unsigned_integer(UINT64_MAX)), "18446744073709551615");
}

TEST(ToJson, EscapesHtmlAndControlCharacters) {
  EXPECT_EQ(json(s("<a&b>")), R"("\u003ca\u0026b\u003e")");
  EXPECT_EQ(json(s("\x01\x1f")), R"("\u0001\u001f")");
  EXPECT_EQ(json(s("\"\\\n\r\t\b\f")), R"("\"\\\n\r\t\b\f")");
  EXPECT_EQ(json(s("\xE2\x80\xA8\xE2\x80\xA9")), R"("\u2028\u2029")");
  EXPECT_EQ(json(s("é😀/")), "\"é😀/\"");
}

TEST(ToJson, ReplacesInvalidUtf8) { EXPECT_EQ(json(s("a\xff")), R"("a\ufffd")"); }

TEST(ToJson, RejectsNaNAndInfinity) {
  EXPECT_EQ(json(f(std::nan(""))), "ERROR: json: unsupported value: NaN");
  EXPECT_EQ(json(f(std::numeric_limits<double>::infinity())), "ERROR: json: unsupported value: +Inf");
}

TEST(ToJson, ByteSlicesAreBase64) {
  Value bytes = Value::list({Value::unsigned_integer(104, tmpl::Kind::kUint8),
                             Value::unsigned_integer(105, tmpl::Kind::kUint8)},
                            tmpl::Kind::kUint8);
  EXPECT_EQ(json(bytes), R"("aGk=")");
}

std::string decoded(std::string_view text) {
  auto v = from_json(text);
  if (!v.ok()) return "ERROR: " + v.error().message;
  return json(*v);
}

TEST(FromJson, NumbersAreFloat64) {
  auto v = from_json(R"({"a":1,"b":[2.5,-3e2]})");
  ASSERT_TRUE(v.ok());
  const auto& a = v->map_entries().at("a");
  EXPECT_EQ(a.kind(), tmpl::Kind::kFloat64);
  EXPECT_EQ(a.as_float(), 1.0);
  EXPECT_EQ(decoded(R"({"a":1,"b":[2.5,-3e2]})"), R"({"a":1,"b":[2.5,-300]})");
}

TEST(FromJson, DecodesEscapesAndSurrogatePairs) {
  EXPECT_EQ(decoded(R"("\u00e9\ud83d\ude00\/\n")"), "\"é😀/\\n\"");
  EXPECT_EQ(decoded(R"("\ud800x")"), "\"\xEF\xBF\xBDx\"");
}

TEST(FromJson, LaterDuplicateKeyWins) { EXPECT_EQ(decoded(R"({"a":1,"a":2})"), R"({"a":2})"); }

TEST(FromJson, AllowsSurroundingWhitespace) { EXPECT_EQ(decoded(" \n[ true , null ]\t"), "[true,null]"); }

struct JsonErrorCase {
  const char* name;
  const char* text;
  const char* error;
};

void PrintTo(const JsonErrorCase& c, std::ostream* os) { *os << c.name; }

class FromJsonErrorTest : public ::testing::TestWithParam<JsonErrorCase> {};

TEST_P(FromJsonErrorTest, ReadsLikeEncodingJson) {
  auto v = from_json(GetParam().text);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, GetParam().error);
}

const JsonErrorCase kJsonErrors[] = {
    {"empty", "", "unexpected end of JSON input"},
    {"unclosed_object", "{", "unexpected end of JSON input"},
    {"bare_word", "x", "invalid character 'x' looking for beginning of value"},
    {"missing_colon", R"({"a" 1})", "invalid character '1' after object key"},
    {"missing_comma_in_array", "[1 2]", "invalid character '2' after array element"},
    {"missing_comma_in_object", R"({"a":1 "b":2})", "invalid character '\"' after object key:value pair"},
    {"unquoted_key", "{a:1}", "invalid character 'a' looking for beginning of object key string"},
    {"trailing_comma_in_array", "[1,]", "invalid character ']' looking for beginning of value"},
    {"bad_literal", "trux", "invalid character 'x' in literal true (expecting 'e')"},
    {"leading_zero", "01", "invalid character '1' after top-level value"},
    {"trailing_garbage", "{} x", "invalid character 'x' after top-level value"},
    {"bad_escape", R"("\x")", "invalid character 'x' in string escape code"},
    {"control_in_string", "\"a\nb\"", "invalid character '\\n' in string literal"},
    {"exponent_cut_short", "1e+", "invalid character ' ' in exponent of numeric literal"},
    {"literal_cut_short", "[tr", "invalid character ' ' in literal true (expecting 'u')"},
    {"escape_cut_short", "\"\\", "invalid character ' ' in string escape code"},
    {"bad_fraction", "1.x", "invalid character 'x' after decimal point in numeric literal"},
    {"minus_alone", "-x", "invalid character 'x' in numeric literal"},
    {"single_quote", "'a'", "invalid character '\\'' looking for beginning of value"},
    {"number_out_of_range", "[1e400]", "json: cannot unmarshal number 1e400 into Go value of type float64"},
};

INSTANTIATE_TEST_SUITE_P(EncodingJson, FromJsonErrorTest, ::testing::ValuesIn(kJsonErrors),
                         [](const ::testing::TestParamInfo<JsonErrorCase>& info) { return info.param.name; });

TEST(FromJsonInto, MapTargetRejectsArray) {
  auto v = from_json_into("[1]", DecodeTarget::kMap);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "json: cannot unmarshal array into Go value of type map[string]interface {}");
}

TEST(FromJsonInto, NullGivesNilList) {
  auto v = from_json_into("null", DecodeTarget::kList);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->kind(), tmpl::Kind::kSlice);
  EXPECT_TRUE(v->is_nil_container());
  EXPECT_EQ(json(*v), "null");
}

TEST(FromJsonInto, TypeMismatchReportedBeforeNumberRange) {
  auto v = from_json_into("[1e400]", DecodeTarget::kMap);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "json: cannot unmarshal array into Go value of type map[string]interface {}");
}

}  // namespace
}  // namespace skiff::chart::yaml

// Go's fmt verbs and flags and strconv number formatting, as printf/print use them.
#include <gtest/gtest.h>

#include "chart/template/go_fmt.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::tmpl {
namespace {

Value i(int64_t v) { return Value::integer(v); }
Value f(double v) { return Value::float64(v); }
Value s(const char* v) { return Value::string(v); }

struct FmtCase {
  const char* name;
  const char* format;
  std::vector<Value> args;
  const char* output;
};

void PrintTo(const FmtCase& c, std::ostream* os) { *os << c.name; }

class SprintfTest : public ::testing::TestWithParam<FmtCase> {};

TEST_P(SprintfTest, MatchesGo) { EXPECT_EQ(go_sprintf(GetParam().format, GetParam().args), GetParam().output); }

const FmtCase kCases[] = {
    {"integers", "%d %5d %-5d| %05d %+d % d", {i(1), i(2), i(3), i(4), i(5), i(6)}, "1     2 3    | 00004 +5  6"},
    {"negative_zero_padded", "%05d", {i(-42)}, "-0042"},
    {"precision_on_integer", "%.3d|%6.3d|%.0d", {i(7), i(7), i(0)}, "007|   007|"},
    {"bases", "%x %X %o %O %b", {i(255), i(255), i(8), i(8), i(5)}, "ff FF 10 0o10 101"},
    {"sharp_bases", "%#x %#o %#b", {i(255), i(8), i(5)}, "0xff 010 0b101"},
    {"char_and_unicode", "%c %q %U %#U", {i(65), i(65), i(0x1F600), i(65)}, "A 'A' U+1F600 U+0041 'A'"},
    {"strings", "%s|%10s|%-10s|%.2s", {s("go"), s("go"), s("go"), s("golang")}, "go|        go|go        |go"},
    {"quoted_strings", "%q %+q %#q", {s("a\"b\n"), s("é"), s("raw")}, "\"a\\\"b\\n\" \"\\u00e9\" `raw`"},
    {"hex_strings", "%x|% x|%#x|%X", {s("hi"), s("hi"), s("hi"), s("hi")}, "6869|68 69|0x6869|6869"},
    {"floats_default", "%v %v %v %v %v", {f(1), f(1.5), f(1e6), f(1e21), f(123456789)},
     "1 1.5 1e+06 1e+21 1.23456789e+08"},
    {"small_floats", "%v %v %v", {f(0.0001), f(0.00001), f(-2.5e-7)}, "0.0001 1e-05 -2.5e-07"},
    {"float_f", "%f %.2f %8.3f| %.0f %.0f", {f(3.14159), f(3.14159), f(3.14159), f(2.5), f(3.5)},
     "3.141590 3.14    3.142| 2 4"},
    {"float_e", "%e %.2E %+.1e", {f(1234.5678), f(0.000123), f(12345)}, "1.234568e+03 1.23E-04 +1.2e+04"},
    {"float_g", "%g %g %.3g %.3g %G", {f(100000), f(1000000), f(3.14159), f(1), f(1e-7)},
     "100000 1e+06 3.14 1 1E-07"},
    {"float_zero_pad_with_sign", "%06.2f|%+06.1f", {f(-1.5), f(2)}, "-01.50|+002.0"},
    {"float_infinities", "%v %v %5.1f", {f(1.0 / 0.0), f(-1.0 / 0.0), f(1.0 / 0.0)}, "+Inf -Inf  +Inf"},
    {"float_zero", "%v %e %g", {f(0), f(0), f(0)}, "0 0.000000e+00 0"},
    {"bools", "%t %v %5t", {Value::boolean(true), Value::boolean(false), Value::boolean(true)}, "true false  true"},
    {"percent", "100%%", {}, "100%"},
    {"missing_argument", "%d %s", {i(1)}, "1 %!s(MISSING)"},
    {"extra_arguments", "%d", {i(1), s("x"), Value()}, "1%!(EXTRA string=x, <nil>)"},
    {"wrong_verb", "%d %s %t", {s("x"), i(5), f(1.5)}, "%!d(string=x) %!s(int=5) %!t(float64=1.5)"},
    {"nil_argument", "%v %d", {Value(), Value()}, "<nil> %!d(<nil>)"},
    {"no_verb", "%", {}, "%!(NOVERB)"},
    {"argument_index", "%[2]d %[1]d %d", {i(1), i(2)}, "2 1 2"},
    {"bad_argument_index", "%[3]d", {i(1)}, "%!d(BADINDEX)"},
    {"star_width_and_precision", "%*d|%-*d|%.*f", {i(4), i(1), i(3), i(2), i(2), f(3.14159)}, "   1|2  |3.14"},
    {"type_verb", "%T %T %T %T", {i(1), f(1), s("x"), Value::list({}, Kind::kString)}, "int float64 string []string"},
    {"map_sorted_with_verb", "%v|%d", {Value::map({{"b", i(2)}, {"a", i(1)}}), Value::map({{"k", i(3)}})},
     "map[a:1 b:2]|map[%!d(string=k):3]"},
    {"nested_list", "%v", {Value::list({i(1), Value::list({s("a"), Value()}), Value::map()})}, "[1 [a <nil>] map[]]"},
    {"quoted_list", "%q", {Value::list({s("a"), s("b")})}, "[\"a\" \"b\"]"},
    {"int64_and_uint8", "%v %d %T", {Value::integer(-3, Kind::kInt64), Value::unsigned_integer(200, Kind::kUint8),
                                     Value::unsigned_integer(1, Kind::kUint8)},
     "-3 200 uint8"},
};

INSTANTIATE_TEST_SUITE_P(Go, SprintfTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<FmtCase>& info) { return info.param.name; });

TEST(Sprint, AddsSpacesOnlyBetweenNonStrings) {
  EXPECT_EQ(go_sprint({i(1), i(2), s("a"), i(3), s("b"), s("c")}), "1 2a3bc");
}

TEST(Sprint, NilPrintsAsNil) { EXPECT_EQ(go_sprint({Value(), Value::nil_interface()}), "<nil> <nil>"); }

TEST(Sprintln, AlwaysSpacesAndEndsWithNewline) { EXPECT_EQ(go_sprintln({s("a"), s("b")}), "a b\n"); }

TEST(Strconv, QuoteEscapesLikeGo) {
  EXPECT_EQ(go_quote("a\tb\x01\x7f\"\\"), "\"a\\tb\\x01\\x7f\\\"\\\\\"");
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
  EXPECT_EQ(go_quote("h\xC3\xA9"), "\"h\xC3\xA9\"");
}

TEST(Strconv, UnquoteHandlesAllLiteralForms) {
  EXPECT_EQ(go_unquote(R"("a\n\x41\101\u00e9")").value_or("?"), "a\nAA\xC3\xA9");
  EXPECT_EQ(go_unquote("`a\r\nb`").value_or("?"), "a\nb");
  EXPECT_EQ(go_unquote("'x'").value_or("?"), "x");
  EXPECT_FALSE(go_unquote(R"("\'")").has_value());
  EXPECT_FALSE(go_unquote("\"a\nb\"").has_value());
  EXPECT_FALSE(go_unquote("'ab'").has_value());
}

TEST(Strconv, ParsesGoNumberLiterals) {
  EXPECT_EQ(go_parse_int("0x_1F").value_or(-1), 31);
  EXPECT_EQ(go_parse_int("-0b11").value_or(-1), -3);
  EXPECT_EQ(go_parse_int("0o17").value_or(-1), 15);
  EXPECT_EQ(go_parse_int("017").value_or(-1), 15);
  EXPECT_EQ(go_parse_int("9223372036854775807").value_or(-1), INT64_MAX);
  EXPECT_FALSE(go_parse_int("9223372036854775808").has_value());
  EXPECT_FALSE(go_parse_int("1_").has_value());
  EXPECT_FALSE(go_parse_uint("-1").has_value());
  EXPECT_DOUBLE_EQ(go_parse_float("1_000.5").value_or(0), 1000.5);
  EXPECT_DOUBLE_EQ(go_parse_float("0x1.8p1").value_or(0), 3.0);
  EXPECT_FALSE(go_parse_float("0x1.8").has_value());
  EXPECT_FALSE(go_parse_float("inf").has_value());
}

TEST(Strconv, FormatFloatShortestAndFixed) {
  EXPECT_EQ(go_format_float(0.1, 'g', -1), "0.1");
  EXPECT_EQ(go_format_float(1e20, 'g', -1), "1e+20");
  EXPECT_EQ(go_format_float(123456, 'g', -1), "123456");
  EXPECT_EQ(go_format_float(1234567, 'g', -1), "1.234567e+06");
  EXPECT_EQ(go_format_float(1e6, 'f', -1), "1000000");
  EXPECT_EQ(go_format_float(2.5, 'e', -1), "2.5e+00");
  EXPECT_EQ(go_format_float(0.5, 'f', 0), "0");
  EXPECT_EQ(go_format_float(1.5, 'f', 0), "2");
}

}  // namespace
}  // namespace skiff::chart::tmpl

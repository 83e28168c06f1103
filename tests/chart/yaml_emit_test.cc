// to_yaml against sigs.k8s.io/yaml.Marshal output (go-yaml v2 encoder and emitter).
// Cases follow go-yaml's encode_test.go where the value survives the JSON round trip.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "chart/yaml/go_yaml.h"
#include "yaml_test_util.h"

namespace skiff::chart::yaml {
namespace {

using namespace testing;  // NOLINT

struct EmitCase {
  const char* name;
  Value value;
  std::string yaml;
};

void PrintTo(const EmitCase& c, std::ostream* os) { *os << c.name; }

class ToYamlTest : public ::testing::TestWithParam<EmitCase> {};

TEST_P(ToYamlTest, MatchesGoYaml) {
  auto out = to_yaml(GetParam().value);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(*out, GetParam().yaml);
}

// to_yaml's shortcut (YAML built from the value) and the JSON text read back as YAML.
TEST_P(ToYamlTest, ShortcutMatchesJsonRoundTrip) {
  auto out = to_yaml_through_json(GetParam().value);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(*out, GetParam().yaml);
}

const std::string kWords20 = [] {
  std::string s = "xxxxxxxxxx";
  for (int k = 1; k < 20; ++k) s += " xxxxxxxxxx";
  return s;
}();

const EmitCase kCases[] = {
    {"nil", nil(), "null\n"},
    {"empty_map", m({}), "{}\n"},
    {"empty_list", l({}), "[]\n"},
    {"nil_map_value", m({{"a", Value::nil_map()}}), "a: null\n"},
    {"nil_list_value", m({{"a", Value::nil_list()}}), "a: null\n"},
    {"empty_map_in_map", m({{"a", m({})}}), "a: {}\n"},
    {"empty_list_in_map", m({{"a", l({})}}), "a: []\n"},
    {"empty_map_in_list", l({m({})}), "- {}\n"},
    {"string", m({{"v", s("hi")}}), "v: hi\n"},
    {"bool_like_string_quoted", m({{"v", s("true")}}), "v: \"true\"\n"},
    {"yaml11_bool_words_quoted", m({{"a", s("yes")}, {"b", s("on")}, {"c", s("N")}, {"d", s("Off")}}),
     "a: \"yes\"\nb: \"on\"\nc: \"N\"\nd: \"Off\"\n"},
    {"null_words_quoted", m({{"a", s("~")}, {"b", s("null")}, {"c", s("NULL")}}),
     "a: \"~\"\nb: \"null\"\nc: \"NULL\"\n"},
    {"bool", m({{"v", b(true)}, {"w", b(false)}}), "v: true\nw: false\n"},
    {"int", m({{"v", i(10)}, {"w", i(-10)}}), "v: 10\nw: -10\n"},
    {"int64_max", i(INT64_MAX), "9223372036854775807\n"},
    {"uint64_max", Value::unsigned_integer(UINT64_MAX), "18446744073709551615\n"},
    {"whole_float_prints_as_int", m({{"v", f(10)}}), "v: 10\n"},
    {"million_float_is_not_exponent", m({{"v", f(1e6)}}), "v: 1000000\n"},
    {"float", m({{"v", f(0.1)}, {"w", f(-0.1)}}), "v: 0.1\nw: -0.1\n"},
    {"float32", m({{"v", Value::float32(0.99f)}}), "v: 0.99\n"},
    {"float_1e21", f(1e21), "1e+21\n"},
    {"float_1e20_beyond_uint64", f(1e20), "1e+20\n"},
    {"float_1e19_fits_uint64", f(1e19), "10000000000000000000\n"},
    {"small_float_exponent_two_digits", f(1.5e-7), "1.5e-07\n"},
    {"small_float_1e_minus_6", f(0.000001), "1e-06\n"},
    {"negative_zero", f(-0.0), "0\n"},
    {"numeric_string_quoted", m({{"v", s("10")}}), "v: \"10\"\n"},
    {"number_like_strings_quoted",
     m({{"a", s("0777")}, {"b", s("1_000")}, {"c", s("0x1F")}, {"d", s("1e3")}, {"e", s(".5")}, {"f", s("+1")},
        {"g", s("08")}, {"h", s("-0b101")}, {"i", s(".inf")}}),
     "a: \"0777\"\nb: \"1_000\"\nc: \"0x1F\"\nd: \"1e3\"\ne: \".5\"\nf: \"+1\"\ng: \"08\"\nh: \"-0b101\"\ni: "
     "\".inf\"\n"},
    {"version_like_strings_plain", m({{"a", s("1.2.3")}, {"b", s("v1")}, {"c", s("1.0.0-rc1")}}),
     "a: 1.2.3\nb: v1\nc: 1.0.0-rc1\n"},
    {"empty_string", m({{"v", s("")}}), "v: \"\"\n"},
    {"list", m({{"v", l({s("A"), s("B")})}}), "v:\n- A\n- B\n"},
    {"list_with_multiline", m({{"v", l({s("A"), s("B\nC")})}}), "v:\n- A\n- |-\n  B\n  C\n"},
    {"list_mixed", m({{"v", l({s("A"), i(1), m({{"B", l({i(2), i(3)})}})})}}),
     "v:\n- A\n- 1\n- B:\n  - 2\n  - 3\n"},
    {"nested_map", m({{"a", m({{"b", s("c")}})}}), "a:\n  b: c\n"},
    {"dash_quoted", m({{"a", s("-")}}), "a: '-'\n"},
    {"angle_brackets_plain", m({{"a", s("<foo>")}}), "a: <foo>\n"},
    {"html_chars_unescaped", m({{"a", s("<a&b>")}}), "a: <a&b>\n"},
    {"base60_quoted", m({{"a", s("1:1")}, {"b", s("12:30:45")}}), "a: \"1:1\"\nb: \"12:30:45\"\n"},
    {"port_mapping_plain", m({{"a", s("8080:80")}}), "a: 8080:80\n"},
    {"nul_escaped", m({{"a", s(std::string("\0", 1))}}), "a: \"\\0\"\n"},
    {"unicode_plain", m({{"a", s("你好")}, {"b", s("café")}}), "a: 你好\nb: café\n"},
    {"emoji_escaped", m({{"a", s("hi \xF0\x9F\x98\x80")}}), "a: \"hi \\U0001F600\"\n"},
    {"tab_escaped", m({{"a", s("x\ty")}}), "a: \"x\\ty\"\n"},
    {"invalid_utf8_replaced", m({{"a", s("a\xff")}}), "a: a\xEF\xBF\xBD\n"},
    {"timestamp_quoted", m({{"a", s("2015-02-24T18:19:39Z")}, {"b", s("2024-01-15")}}),
     "a: \"2015-02-24T18:19:39Z\"\nb: \"2024-01-15\"\n"},
    {"impossible_date_plain", m({{"a", s("2024-02-30")}}), "a: 2024-02-30\n"},
    {"colon_space_single_quoted", m({{"a", s("b: c")}}), "a: 'b: c'\n"},
    {"comment_single_quoted", m({{"a", s("Hello #comment")}, {"b", s("#x")}}),
     "a: 'Hello #comment'\nb: '#x'\n"},
    {"hash_without_space_plain", m({{"a", s("a#b")}}), "a: a#b\n"},
    {"indicator_starts_single_quoted",
     m({{"a", s("*x")}, {"b", s("&x")}, {"c", s("!x")}, {"d", s("[x]")}, {"e", s("{x}")}, {"f", s("@x")},
        {"g", s("%x")}, {"h", s("`x")}, {"i", s("|x")}, {"j", s(">x")}}),
     "a: '*x'\nb: '&x'\nc: '!x'\nd: '[x]'\ne: '{x}'\nf: '@x'\ng: '%x'\nh: '`x'\ni: '|x'\nj: '>x'\n"},
    {"quote_starts_single_quoted_doubled", m({{"a", s("'q'")}}), "a: '''q'''\n"},
    {"double_quote_start", m({{"a", s("\"q\"")}}), "a: '\"q\"'\n"},
    {"flow_chars_inside_plain", m({{"a", s("x, y")}, {"b", s("a:b")}, {"c", s("a[0]")}}),
     "a: x, y\nb: a:b\nc: a[0]\n"},
    {"document_marker_quoted", m({{"a", s("---")}, {"b", s("...")}}), "a: '---'\nb: '...'\n"},
    {"leading_space_single_quoted", m({{"a", s("  x")}}), "a: '  x'\n"},
    {"trailing_space_single_quoted", m({{"a", s("x ")}}), "a: 'x '\n"},
    {"merge_key_string_plain", m({{"a", s("<<")}}), "a: <<\n"},
    {"literal_keep_trailing_newline", m({{"k", s("a\nb\n")}}), "k: |\n  a\n  b\n"},
    {"literal_keep_plus", m({{"k", s("a\n\n")}}), "k: |+\n  a\n\n"},
    {"literal_only_newline", m({{"k", s("\n")}}), "k: |2+\n\n"},
    {"literal_leading_space_indent_hint", m({{"k", s(" a\nb")}}), "k: |2-\n   a\n  b\n"},
    {"literal_blank_lines", m({{"k", s("a\n\nb")}}), "k: |-\n  a\n\n  b\n"},
    {"literal_long_lines_not_folded", m({{"k", s(kWords20 + "\nx")}}), "k: |-\n  " + kWords20 + "\n  x\n"},
    {"space_before_newline_double_quoted", m({{"k", s("a \nb")}}), "k: \"a \\nb\"\n"},
    {"newline_with_tab_double_quoted", m({{"k", s("a\n\tb")}}), "k: \"a\\n\\tb\"\n"},
    {"root_literal", s("a\nb"), "|-\n  a\n  b\n"},
    {"root_plain", s("hello"), "hello\n"},
    {"root_list", l({i(1), s("x")}), "- 1\n- x\n"},
    {"list_of_lists", l({l({i(1), i(2)}), l({i(3)})}), "- - 1\n  - 2\n- - 3\n"},
    {"list_of_maps", l({m({{"a", i(1)}, {"b", i(2)}})}), "- a: 1\n  b: 2\n"},
    {"map_in_list_in_map", m({{"x", l({m({{"p", m({{"z", i(1)}})}})})}}), "x:\n- p:\n    z: 1\n"},
    {"key_y_is_a_yaml11_bool", m({{"y", i(1)}, {"n", i(2)}}), "\"n\": 2\n\"y\": 1\n"},
    {"keys_letters_before_others", m({{"aB", i(1)}, {"a_", i(2)}}), "a_: 2\naB: 1\n"},
    {"keys_numeric_runs_by_value", m({{"a10", i(1)}, {"a9", i(2)}, {"b", i(3)}, {"A", i(4)}}),
     "A: 4\na9: 2\na10: 1\nb: 3\n"},
    {"keys_shorter_number_first", m({{"a01", i(1)}, {"a1", i(2)}}), "a1: 2\na01: 1\n"},
    {"key_bool_word_quoted", m({{"true", i(1)}, {"on", i(2)}}), "\"on\": 2\n\"true\": 1\n"},
    {"key_empty_quoted", m({{"", i(1)}}), "\"\": 1\n"},
    {"key_multiline_complex", m({{"a\nb", i(1)}}), "? |-\n  a\n  b\n: 1\n"},
    {"key_longer_than_128_complex", m({{std::string(130, 'k'), i(1)}}),
     "? " + std::string(130, 'k') + "\n: 1\n"},
    {"plain_folded_at_80",
     m({{"k", s(kWords20)}}),
     "k: " + repeat("xxxxxxxxxx ", 7) + "xxxxxxxxxx\n  " + repeat("xxxxxxxxxx ", 7) + "xxxxxxxxxx\n  " +
         repeat("xxxxxxxxxx ", 3) + "xxxxxxxxxx\n"},
    {"plain_folded_in_list",
     l({s(kWords20)}),
     "- " + repeat("xxxxxxxxxx ", 7) + "xxxxxxxxxx\n  " + repeat("xxxxxxxxxx ", 7) + "xxxxxxxxxx\n  " +
         repeat("xxxxxxxxxx ", 3) + "xxxxxxxxxx\n"},
    {"double_quoted_folded_at_80",
     m({{"k", s("x\t" + repeat(" yyyyyyyyy", 20))}}),
     "k: \"x\\t" + repeat(" yyyyyyyyy", 8) + "\n  yyyyyyyyy" + repeat(" yyyyyyyyy", 7) + "\n  yyyyyyyyy" +
         repeat(" yyyyyyyyy", 3) + "\"\n"},
    {"double_quoted_fold_escapes_second_space",
     m({{"k", s("x\t" + repeat(" yyyyyyyyy", 8) + "  z")}}),
     "k: \"x\\t" + repeat(" yyyyyyyyy", 8) + "\n  \\ z\"\n"},
    {"single_quoted_folded_at_80",
     m({{"k", s(" " + kWords20)}}),
     "k: ' " + repeat("xxxxxxxxxx ", 6) + "xxxxxxxxxx\n  " + repeat("xxxxxxxxxx ", 7) + "xxxxxxxxxx\n  " +
         repeat("xxxxxxxxxx ", 4) + "xxxxxxxxxx'\n"},
    {"long_word_not_broken", m({{"k", s(std::string(100, 'z'))}}), "k: " + std::string(100, 'z') + "\n"},
    // Verified against helm 4.1.4: the JSON text is re-read as YAML, where U+0085 is a
    // line break inside the double-quoted string, and a leading BOM makes go-yaml escape
    // every character.
    {"nel_folds_to_space", m({{"k", s("a\xC2\x85" "b")}}), "k: a b\n"},
    {"two_nels_fold_to_newline", m({{"k", s("a \xC2\x85\xC2\x85 b")}}), "k: |-\n  a\n  b\n"},
    {"trailing_nel_becomes_space", m({{"k", s("a\xC2\x85")}}), "k: 'a '\n"},
    {"bom_prefix_escapes_everything", m({{"k", s("\xEF\xBB\xBF" "ab")}}), "k: \"\\uFEFF\\x61\\x62\"\n"},
    {"line_separator_single_quoted", m({{"k", s("x\xE2\x80\xA8y")}}), "k: 'x\xE2\x80\xA8  y'\n"},
    {"key_of_1022_chars_is_complex", m({{std::string(1022, 'k'), i(1)}}), "? " + std::string(1022, 'k') + "\n: 1\n"},
    {"typed_int_kinds", m({{"a", Value::integer(5, tmpl::Kind::kInt64)}, {"b", Value::unsigned_integer(7)}}),
     "a: 5\nb: 7\n"},
};

INSTANTIATE_TEST_SUITE_P(GoYaml, ToYamlTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<EmitCase>& info) { return info.param.name; });

TEST(ToYaml, NaNIsAJsonMarshalError) {
  auto out = to_yaml(m({{"a", f(std::nan(""))}}));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "error marshaling into JSON: json: unsupported value: NaN");
}

TEST(ToYaml, InfinityIsAJsonMarshalError) {
  auto out = to_yaml(f(-std::numeric_limits<double>::infinity()));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "error marshaling into JSON: json: unsupported value: -Inf");
}

// A JSON key longer than 1024 characters is no longer a YAML simple key, so go-yaml
// cannot read the JSON back (helm's toYaml then renders an empty string).
TEST(ToYaml, KeyOver1024CharactersFailsLikeGoYaml) {
  auto out = to_yaml(m({{std::string(1023, 'k'), i(1)}}));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "yaml: did not find expected ',' or '}'");
}

TEST(ToYaml, KeyWithNelFailsLikeGoYaml) {
  auto out = to_yaml(m({{"a\xC2\x85" "b", i(1)}}));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "yaml: line 1: did not find expected ',' or '}'");
}

TEST(ToYaml, RoundTripsThroughParse) {
  Value v = m({{"list", l({s("a"), f(1.5), b(true), nil()})},
               {"text", s("line1\nline2\n")},
               {"quoted", s("yes")},
               {"nested", m({{"k", s("v: w")}})}});
  auto text = to_yaml(v);
  ASSERT_TRUE(text.ok());
  auto back = parse_yaml(*text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  auto again = to_yaml(*back);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *text);
}

}  // namespace
}  // namespace skiff::chart::yaml

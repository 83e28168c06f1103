// Execution of the template language against JSON-like data (numbers are float64, as
// in helm values), case by case against what Go's text/template produces.
#include <gtest/gtest.h>

#include "template_test_util.h"

namespace skiff::chart::tmpl::testing {
namespace {

constexpr const char* kData = R"({
  "str": "hello", "num": 1, "flt": 1.5, "big": 1000000, "huge": 123456789, "zero": 0,
  "t": true, "f": false, "list": ["a", "b", "c"], "nums": [1, 2, 3], "empty": [],
  "emap": {}, "map": {"b": 2, "a": 1, "c": 3}, "nested": {"inner": {"v": "deep"}},
  "null": null, "mixed": [1, "x", null, true]
})";

struct ExecCase {
  const char* name;
  const char* input;
  const char* output;  // expected output, or expected error when !ok
  bool ok = true;
  MissingKey missing_key = MissingKey::kDefault;
};

void PrintTo(const ExecCase& c, std::ostream* os) { *os << c.name; }

class ExecTest : public ::testing::TestWithParam<ExecCase> {};

TEST_P(ExecTest, MatchesGo) {
  const ExecCase& c = GetParam();
  Rendered r = render_json(c.input, kData, c.missing_key);
  EXPECT_EQ(r.ok, c.ok) << r.text;
  EXPECT_EQ(r.text, c.output);
}

const ExecCase kCases[] = {
    // Text and values printed with %v.
    {"plain_text", "hello, world", "hello, world"},
    {"string_field", "{{.str}}", "hello"},
    {"float_integral_prints_without_point", "{{.num}}", "1"},
    {"float_fraction", "{{.flt}}", "1.5"},
    {"float_million_uses_exponent", "{{.big}}", "1e+06"},
    {"float_large_uses_shortest_exponent", "{{.huge}}", "1.23456789e+08"},
    {"bools", "{{.t}} {{.f}}", "true false"},
    {"list_prints_in_brackets", "{{.list}}", "[a b c]"},
    {"map_prints_sorted", "{{.map}}", "map[a:1 b:2 c:3]"},
    {"empty_map", "{{.emap}}", "map[]"},
    {"nil_inside_list_prints_nil", "{{.mixed}}", "[1 x <nil> true]"},
    {"missing_key_prints_no_value", "{{.missing}}", "<no value>"},
    {"null_value_prints_no_value", "{{.null}}", "<no value>"},
    {"nested_fields", "{{.nested.inner.v}}", "deep"},
    {"missing_key_one_deeper_default_is_no_value", "{{.nested.x.y}}", "<no value>"},
    {"dot_is_data", "{{.nested.inner}}", "map[v:deep]"},

    // Constants.
    {"int_constants", "{{1}} {{-5}} {{+3}} {{0x10}} {{0o17}} {{0b101}} {{017}} {{1_000}}",
     "1 -5 3 16 15 5 15 1000"},
    {"float_constants", "{{1.5}} {{1e3}} {{.25}} {{0x1p-2}} {{1e21}}", "1.5 1000 0.25 0.25 1e+21"},
    {"char_constants", R"({{'a'}} {{'\n'}} {{'\x41'}} {{'é'}})", "97 10 65 233"},
    {"string_constants", R"({{"a\tb"}}|{{`raw\n`}}|{{"\u00e9"}})", "a\tb|raw\\n|\xC3\xA9"},
    {"bool_constants", "{{true}}{{false}}", "truefalse"},
    {"uint64_max_overflows_int", "{{18446744073709551615}}",
     "template: t:1:2: executing \"t\" at <18446744073709551615>: 18446744073709551615 overflows int", false},

    // Comments and trim markers.
    {"comment_removed", "a{{/* note */}}b", "ab"},
    {"trimmed_comment", "a \n {{- /* note */ -}} \n b", "ab"},
    {"trim_both_sides", "a  {{- 3 -}}  b", "a3b"},
    {"trim_newlines", "x\n  {{- .str }}\n", "xhello\n"},
    {"trim_right_only", "{{3 -}}\n\t b", "3b"},
    {"minus_without_space_is_number", "a {{-3}}", "a -3"},
    {"trim_with_tabs", "a\t{{-\t3\t-}}\tb", "a3b"},
    {"comment_trims_following", "{{/* c */ -}}\n x", "x"},
    {"trim_crlf", "a\r\n{{- 1 -}}\r\nb", "a1b"},
    {"trim_around_control", "x {{- if true }} y {{- end }} z", "x y z"},

    // Pipelines, parentheses, variables.
    {"pipe_appends_final_arg", R"({{.str | printf "%s!"}})", "hello!"},
    {"pipe_final_is_last_arg", R"({{"a" | printf "%s-%s" "b"}})", "b-a"},
    {"parenthesized_arg", R"({{printf "%d" (len .list)}})", "3"},
    {"declare_variable", "{{$x := 1}}{{$x}}", "1"},
    {"assign_variable", "{{$x := 1}}{{$x = 2}}{{$x}}", "2"},
    {"dollar_is_root", "{{with .nested}}{{$.str}}{{end}}", "hello"},
    {"variable_fields", "{{$m := .map}}{{$m.a}}", "1"},
    {"parenthesized_field_chain", "{{(.nested).inner.v}}", "deep"},
    {"parenthesized_missing_is_nil_safe", "{{(.nested.x).y}}", "<no value>", true, MissingKey::kZero},
    {"variable_scope_ends_with_if", "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21"},
    {"assignment_inside_if_persists", "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"},
    {"declaration_prints_nothing", "{{$x := .str}}", ""},

    // if / else if / with.
    {"if_true", "{{if .t}}T{{else}}F{{end}}", "T"},
    {"if_zero_false", "{{if .zero}}T{{else}}F{{end}}", "F"},
    {"if_empty_list_false", "{{if .empty}}T{{else}}F{{end}}", "F"},
    {"if_empty_map_false", "{{if .emap}}T{{else}}F{{end}}", "F"},
    {"if_missing_false", "{{if .missing}}T{{else}}F{{end}}", "F"},
    {"if_null_false", "{{if .null}}T{{else}}F{{end}}", "F"},
    {"if_string_true", "{{if .str}}T{{end}}", "T"},
    {"if_empty_string_false", R"({{if ""}}T{{else}}F{{end}})", "F"},
    {"if_float_zero_false", "{{if 0.0}}T{{else}}F{{end}}", "F"},
    {"else_if_chain", "{{if .f}}a{{else if .zero}}b{{else if .t}}c{{else}}d{{end}}", "c"},
    {"with_sets_dot", "{{with .nested.inner}}{{.v}}{{end}}", "deep"},
    {"with_else", "{{with .missing}}x{{else}}y{{end}}", "y"},
    {"else_with", "{{with .f}}x{{else with .str}}{{.}}{{end}}", "hello"},
    {"with_declares_variable", "{{with $x := .str}}{{$x}}{{end}}", "hello"},

    // range.
    {"range_list", "{{range .list}}{{.}}{{end}}", "abc"},
    {"range_index_and_element", "{{range $i, $e := .list}}{{$i}}={{$e}} {{end}}", "0=a 1=b 2=c "},
    {"range_map_sorted_keys", "{{range $k, $v := .map}}{{$k}}{{$v}}{{end}}", "a1b2c3"},
    {"range_map_one_variable_is_value", "{{range $v := .map}}{{$v}}{{end}}", "123"},
    {"range_empty_runs_else", "{{range .empty}}x{{else}}E{{end}}", "E"},
    {"range_missing_runs_else", "{{range .missing}}x{{else}}E{{end}}", "E"},
    {"range_int", "{{range 3}}{{.}}{{end}}", "012"},
    {"range_int_variable", "{{range $i := 3}}{{$i}}{{end}}", "012"},
    {"range_zero_runs_else", "{{range 0}}x{{else}}E{{end}}", "E"},
    {"range_break", R"({{range .list}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}})", "a"},
    {"range_continue", R"({{range .list}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}})", "ac"},
    {"break_inside_with_inside_range",
     R"({{range .list}}{{with .}}{{if eq . "b"}}{{break}}{{end}}{{end}}{{.}}{{end}})", "a"},
    {"range_body_variables_reset_each_iteration", "{{range .list}}{{$x := .}}{{$x}}{{end}}", "abc"},
    {"range_element_field_is_boxed",
     "{{range .mixed}}{{.x}}{{end}}",
     "template: t:1:18: executing \"t\" at <.x>: can't evaluate field x in type interface {}", false},
    {"range_assign_keeps_last", "{{$x := 0}}{{range $x = .list}}{{end}}{{$x}}", "c"},
    {"range_nil_element", "{{range .mixed}}[{{.}}]{{end}}", "[1][x][<no value>][true]"},
    {"range_over_string_fails", "{{range .str}}{{end}}",
     "template: t:1:8: executing \"t\" at <.str>: range can't iterate over hello", false},
    {"range_over_float_fails", "{{range .num}}{{end}}",
     "template: t:1:8: executing \"t\" at <.num>: range can't iterate over 1", false},
    {"range_int_two_variables_fails", "{{range $i, $v := 3}}{{end}}",
     "template: t:1:18: executing \"t\" at <3>: can't use 3 to iterate over more than one variable", false},

    // define, template, block.
    {"template_with_argument", R"({{define "x"}}X{{.}}{{end}}{{template "x" "y"}})", "Xy"},
    {"template_without_argument", R"({{define "x"}}{{.}}{{end}}{{template "x"}})", "<no value>"},
    {"template_fresh_variables", R"({{define "x"}}{{$}}{{end}}{{$y := 1}}{{template "x" "z"}})", "z"},
    {"block_renders_default", R"({{block "b" .str}}[{{.}}]{{end}})", "[hello]"},

    // and, or, not.
    {"and_returns_first_false", "{{and 1 0 2}}", "0"},
    {"and_returns_last", "{{and 1 2}}", "2"},
    {"or_returns_first_true", "{{or 0 3 4}}", "3"},
    {"or_returns_last", R"({{or 0 ""}})", ""},
    {"and_short_circuits", "{{and false (index .list 10)}}", "false"},
    {"or_short_circuits", "{{or true (index .list 10)}}", "true"},
    {"and_with_pipeline_final", R"({{"x" | and true}})", "x"},
    {"not", "{{not 0}} {{not .str}} {{not .missing}}", "true false true"},

    // len, index, slice.
    {"len_list_string_map", "{{len .list}} {{len .str}} {{len .map}} {{len \"h\xC3\xA9\"}}", "3 5 3 3"},
    {"len_of_int_fails", "{{len 3}}",
     "template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int", false},
    {"len_of_missing_zero_is_nil_pointer", "{{len .missing}}",
     "template: t:1:2: executing \"t\" at <len .missing>: error calling len: len of nil pointer", false,
     MissingKey::kZero},
    {"index_list", "{{index .list 1}}", "b"},
    {"index_map", R"({{index .map "b"}})", "2"},
    {"index_map_missing", R"({{index .map "zz"}})", "<no value>"},
    {"index_nested", R"({{index .nested "inner" "v"}})", "deep"},
    {"index_string_gives_byte", R"({{index "abc" 1}})", "98"},
    {"index_no_indexes", "{{index .list}}", "[a b c]"},
    {"index_out_of_range", "{{ index .list 10 }}",
     "template: t:1:3: executing \"t\" at <index .list 10>: error calling index: index out of range: 10", false},
    {"index_at_length", "{{index .list 3}}",
     "template: t:1:2: executing \"t\" at <index .list 3>: error calling index: reflect: slice index out of range",
     false},
    {"index_negative", "{{index .list -1}}",
     "template: t:1:2: executing \"t\" at <index .list -1>: error calling index: index out of range: -1", false},
    {"index_map_with_int", "{{index .map 1}}",
     "template: t:1:2: executing \"t\" at <index .map 1>: error calling index: value has type int; should be string",
     false},
    {"index_list_with_float", "{{index .list 1.5}}",
     "template: t:1:2: executing \"t\" at <index .list 1.5>: error calling index: cannot index slice/array with type "
     "float64",
     false},
    {"index_float_item", "{{index .num 1}}",
     "template: t:1:2: executing \"t\" at <index .num 1>: error calling index: can't index item of type float64",
     false},
    {"index_missing_item", R"({{index .missing "a"}})",
     "template: t:1:2: executing \"t\" at <index .missing \"a\">: error calling index: index of untyped nil", false},
    {"index_through_missing_key", R"({{index .map "zz" "a"}})",
     "template: t:1:2: executing \"t\" at <index .map \"zz\" \"a\">: error calling index: index of nil pointer",
     false},
    {"slice_from", "{{slice .list 1}}", "[b c]"},
    {"slice_range", "{{slice .list 1 2}}", "[b]"},
    {"slice_string", R"({{slice "hello" 1 3}})", "el"},
    {"slice_all", "{{slice .list}}", "[a b c]"},
    {"slice_inverted", "{{slice .list 2 1}}",
     "template: t:1:2: executing \"t\" at <slice .list 2 1>: error calling slice: invalid slice index: 2 > 1", false},
    {"slice_string_three_indexes", R"({{slice "abc" 0 1 2}})",
     "template: t:1:2: executing \"t\" at <slice \"abc\" 0 1 2>: error calling slice: cannot 3-index slice a string",
     false},

    // Comparisons.
    {"eq_ints", "{{eq 1 1}} {{eq 1 2}}", "true false"},
    {"eq_any_of", "{{eq 1 2 3 1}}", "true"},
    {"eq_strings", R"({{eq .str "hello"}} {{eq "a" "b"}})", "true false"},
    {"eq_float_values", "{{eq .num 1.0}}", "true"},
    {"eq_float_with_int_fails", "{{eq .num 1}}",
     "template: t:1:2: executing \"t\" at <eq .num 1>: error calling eq: incompatible types for comparison: "
     "float64 and int",
     false},
    {"eq_missing_with_nil", "{{eq .missing nil}}", "true"},
    {"eq_string_with_nil", "{{eq .str nil}}", "false"},
    {"eq_one_argument_fails", "{{eq 1}}",
     "template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison", false},
    {"eq_lists_not_comparable", "{{eq .list .list}}",
     "template: t:1:2: executing \"t\" at <eq .list .list>: error calling eq: non-comparable type [a b c]: "
     "[]interface {}",
     false},
    {"ne", R"({{ne 1 2}} {{ne "a" "a"}})", "true false"},
    {"ordering", R"({{lt 1 2}} {{le 2 2}} {{gt 3 2}} {{ge 1 2}} {{lt "a" "b"}} {{lt 1.5 2.5}})",
     "true true true false true true"},
    {"lt_float_with_int_fails", "{{lt .num 2}}",
     "template: t:1:2: executing \"t\" at <lt .num 2>: error calling lt: incompatible types for comparison: "
     "float64 and int",
     false},
    {"lt_bools_fails", "{{lt true false}}",
     "template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison", false},
    {"gt_missing_fails", "{{gt 1 .missing}}",
     "template: t:1:2: executing \"t\" at <gt 1 .missing>: error calling gt: invalid type for comparison", false},

    // print family.
    {"print_spaces_between_non_strings", R"({{print 1 2}}|{{print "a" "b"}}|{{print "a" 1 2 "b"}})",
     "1 2|ab|a1 2b"},
    {"println", R"({{println 1 "a"}})", "1 a\n"},
    {"print_missing_is_nil", "{{print .missing}} {{print nil}}", "<nil> <nil>"},
    {"printf_verbs", R"({{printf "%d|%5d|%-5d|%05d" 1 2 3 4}})", "1|    2|3    |00004"},
    {"printf_map_and_list", R"({{printf "%v %s" .map .list}})", "map[a:1 b:2 c:3] [a b c]"},
    {"printf_bad_verb_in_list", R"({{printf "%d" .list}})", "[%!d(string=a) %!d(string=b) %!d(string=c)]"},
    {"printf_type", R"({{printf "%T %T %T %T %T" 1 .num .list .map .missing}})",
     "int float64 []interface {} map[string]interface {} <nil>"},

    // Escapers.
    {"html", R"({{html "<a href='x'>&\""}})", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"},
    {"html_of_missing", "{{html .missing}}", "&lt;no value&gt;"},
    {"js", R"({{js "it's <b>=&\n"}})", "it\\'s \\u003Cb\\u003E\\u003D\\u0026\\u000A"},
    {"urlquery", "{{urlquery \"a b&c=d/\xC3\xA9\"}}", "a+b%26c%3Dd%2F%C3%A9"},
    {"escaper_joins_args", "{{urlquery 1 2}}", "1+2"},
};

INSTANTIATE_TEST_SUITE_P(Go, ExecTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ExecCase>& info) { return info.param.name; });

}  // namespace
}  // namespace skiff::chart::tmpl::testing

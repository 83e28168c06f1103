// Parse and execution errors: Go's texts, template names, lines and columns.
#include <gtest/gtest.h>

#include "template_test_util.h"

namespace skiff::chart::tmpl::testing {
namespace {

struct ErrorCase {
  const char* name;
  const char* input;
  const char* error;
  MissingKey missing_key = MissingKey::kZero;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ParseErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrorTest, MatchesGo) {
  TemplateSet set("root");
  Status s = set.parse("t", GetParam().input);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, GetParam().error);
}

const ErrorCase kParseErrors[] = {
    {"unclosed_action", "{{.str", "template: t:1: unclosed action"},
    {"unclosed_action_on_later_line", "{{.str\n", "template: t:2: unclosed action started at t:1"},
    {"unexpected_eof_in_if", "{{if .t}}x", "template: t:1: unexpected EOF"},
    {"stray_end", "a\n{{end}}", "template: t:2: unexpected {{end}}"},
    {"stray_else", "{{else}}", "template: t:1: unexpected {{else}}"},
    {"else_if_in_range", "{{range .l}}{{else if .t}}{{end}}", "template: t:1: unexpected <if> in input"},
    {"break_outside_range", "{{break}}", "template: t:1: {{break}} outside {{range}}"},
    {"continue_outside_range", "{{if true}}{{continue}}{{end}}", "template: t:1: {{continue}} outside {{range}}"},
    {"break_in_range_else", "{{range .l}}{{else}}{{break}}{{end}}", "template: t:1: {{break}} outside {{range}}"},
    {"undefined_variable", "{{$x}}", "template: t:1: undefined variable \"$x\""},
    {"variable_out_of_scope", "{{if true}}{{$x := 1}}{{end}}{{$x}}", "template: t:1: undefined variable \"$x\""},
    {"non_executable_stage", "{{.a | 3}}", "template: t:1: non executable command in pipeline stage 2"},
    {"empty_action", "{{}}", "template: t:1: missing value for command"},
    {"empty_if", "{{if}}{{end}}", "template: t:1: missing value for if"},
    {"unclosed_paren", "{{(1}}", "template: t:1: unclosed left paren"},
    {"unexpected_right_paren", "{{1)}}", "template: t:1: unexpected right paren"},
    {"unterminated_string", "{{\"abc}}", "template: t:1: unterminated quoted string"},
    {"unterminated_raw_string", "{{`abc}}", "template: t:1: unterminated raw quoted string"},
    {"unterminated_char", "{{'a}}", "template: t:1: unterminated character constant"},
    {"unclosed_comment", "{{/* x", "template: t:1: unclosed comment"},
    {"comment_not_closed_by_delim", "{{/* x */ y}}", "template: t:1: comment ends before closing delimiter"},
    {"duplicate_define", "{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}",
     "template: t:1: template: multiple definition of template \"a\""},
    {"bad_number", "{{3x}}", "template: t:1: bad number syntax: \"3x\""},
    {"number_too_large", "{{99999999999999999999}}", "template: t:1: integer overflow: \"99999999999999999999\""},
    {"float_out_of_range", "{{1e400}}", "template: t:1: illegal number syntax: \"1e400\""},
    {"double_underscore", "{{1__0}}", "template: t:1: illegal number syntax: \"1__0\""},
    {"leading_zero_non_octal", "{{08}}", "template: t:1: integer overflow: \"08\""},
    {"dot_after_field", "{{.x.}}", "template: t:1: unexpected <.> in operand"},
    {"brace_in_operand", "{{ .a } }}", "template: t:1: unexpected \"}\" in operand"},
    {"too_many_range_declarations", "{{range $a, $b, $c := .}}{{end}}",
     "template: t:1: too many declarations in range"},
    {"two_declarations_in_with", "{{with $a, $b := .}}{{end}}", "template: t:1: too many declarations in with"},
    {"range_comma_needs_variable", "{{range $a, 3}}{{end}}", "template: t:1: range can only initialize variables"},
    {"template_name_not_string", "{{template .x}}", "template: t:1: unexpected \".x\" in template clause"},
    {"define_name_not_string", "{{define x}}{{end}}", "template: t:1: unexpected \"x\" in define clause"},
    {"undefined_function", "{{nope 1}}", "template: t:1: function \"nope\" not defined"},
    {"dot_after_literal", "{{\"a\".b}}", "template: t:1: unexpected . after term \"\\\"a\\\"\""},
    {"bad_character", "{{.a#}}", "template: t:1: bad character U+0023 '#'"},
    {"unrecognized_character", "{{\x01}}", "template: t:1: unrecognized character in action: U+0001"},
    {"right_paren_without_left", "{{if \"a\" ) }}", "template: t:1: unexpected right paren"},
    {"long_token_is_abbreviated", "{{define \"a\" \"abcdefghijklmnop\"}}",
     "template: t:1: unexpected \"\\\"abcdefghi\"... in define clause"},
    {"pipe_without_command", "{{template \"x\" | }}", "template: t:1: unexpected \"|\" in template clause"},
    {"expected_end_after_else", "{{if .a}}{{else}}{{else}}{{end}}", "template: t:1: expected end; found {{else}}"},
    {"invalid_escape", R"({{"\q"}})", "template: t:1: invalid syntax"},
    {"missing_colon_equals", "{{$x := 1}}{{$x : 1}}", "template: t:1: expected :="},
    {"error_line_counts_text", "line1\nline2\n{{.a | 3}}", "template: t:3: non executable command in pipeline stage 2"},
};

INSTANTIATE_TEST_SUITE_P(Go, ParseErrorTest, ::testing::ValuesIn(kParseErrors),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

constexpr const char* kData = R"({"str": "hello", "num": 1, "list": ["a"], "nested": {"inner": {}}, "null": null})";

class ExecErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ExecErrorTest, MatchesGo) {
  TemplateSet set("root");
  set.set_missing_key(GetParam().missing_key);
  set.add_function("upper", make_function({ParamKind::kString}, false, [](std::vector<Value>& a, CallContext&) {
                     return Result<Value>(Value::string(a[0].as_string()));
                   }));
  set.add_function("fail", make_function({ParamKind::kString}, false, [](std::vector<Value>& a, CallContext&) {
                     return Result<Value>(Error::invalid(a[0].as_string()));
                   }));
  Rendered r = render_set(set, GetParam().input, data_from_json(kData));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text, GetParam().error);
}

const ErrorCase kExecErrors[] = {
    {"nil_pointer_through_missing_key", "{{.nested.x.y}}",
     "template: t:1:9: executing \"t\" at <.nested.x.y>: nil pointer evaluating interface {}.y"},
    {"nil_pointer_through_null", "{{.null.y}}",
     "template: t:1:7: executing \"t\" at <.null.y>: nil pointer evaluating interface {}.y"},
    {"field_of_string_in_map", "{{.str.x}}",
     "template: t:1:6: executing \"t\" at <.str.x>: can't evaluate field x in type interface {}"},
    {"field_of_string_variable", "{{$s := .str}}{{$s.x}}",
     "template: t:1:18: executing \"t\" at <$s.x>: can't evaluate field x in type string"},
    {"error_position_on_later_line", "a\nb {{.str.x}}",
     "template: t:2:8: executing \"t\" at <.str.x>: can't evaluate field x in type interface {}"},
    {"missingkey_error", "{{.missing}}",
     "template: t:1:2: executing \"t\" at <.missing>: map has no entry for key \"missing\"", MissingKey::kError},
    {"missingkey_error_nested", "{{.nested.inner.v}}",
     "template: t:1:9: executing \"t\" at <.nested.inner.v>: map has no entry for key \"v\"", MissingKey::kError},
    {"wrong_arg_count", "{{len 1 2}}",
     "template: t:1:2: executing \"t\" at <len>: wrong number of args for len: want 1 got 2"},
    {"wrong_arg_count_variadic", "{{printf}}",
     "template: t:1:2: executing \"t\" at <printf>: wrong number of args for printf: want at least 1 got 0"},
    {"argument_to_non_function", "{{\"x\" 1}}",
     "template: t:1:2: executing \"t\" at <\"x\">: can't give argument to non-function \"x\""},
    {"pipe_into_non_function", "{{1 | $}}",
     "template: t:1:6: executing \"t\" at <$>: can't give argument to non-function $"},
    {"map_field_with_arguments", "{{.str | .nested}}",
     "template: t:1:9: executing \"t\" at <.nested>: nested is not a method but has arguments"},
    {"nil_is_not_a_command", "{{nil}}", "template: t:1:2: executing \"t\" at <nil>: nil is not a command"},
    {"template_not_defined", "{{template \"nope\"}}",
     "template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined"},
    {"wrong_type_for_string_param", "{{upper .num}}",
     "template: t:1:8: executing \"t\" at <.num>: wrong type for value; expected string; got float64"},
    {"literal_of_wrong_type", "{{upper 3}}",
     "template: t:1:8: executing \"t\" at <3>: expected string; found 3"},
    {"nil_interface_for_string_param", "{{upper .missing}}",
     "template: t:1:8: executing \"t\" at <.missing>: wrong type for value; expected string; got interface {}"},
    {"invalid_value_for_string_param", "{{upper .missing}}",
     "template: t:1:8: executing \"t\" at <.missing>: invalid value; expected string", MissingKey::kDefault},
    {"nil_literal_for_string_param", "{{upper nil}}",
     "template: t:1:8: executing \"t\" at <nil>: cannot assign nil to string"},
    {"function_error", "{{ fail \"boom\" }}",
     "template: t:1:3: executing \"t\" at <fail \"boom\">: error calling fail: boom"},
    {"explicit_nil_chain", "{{(nil).x}}",
     "template: t:1:3: executing \"t\" at <nil>: nil is not a command"},
};

INSTANTIATE_TEST_SUITE_P(Go, ExecErrorTest, ::testing::ValuesIn(kExecErrors),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(TemplateErrors, DefineInsideFileReportsFileNameAndExecutingTemplate) {
  TemplateSet set("root");
  set.set_missing_key(MissingKey::kZero);
  ASSERT_TRUE(set.parse("file.yaml", "{{define \"d\"}}\n{{.a.b}}{{end}}{{template \"d\" .}}").ok());
  std::string out;
  Status s = set.execute("file.yaml", data_from_json(R"({"a": null})"), out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "template: file.yaml:2:4: executing \"d\" at <.a.b>: nil pointer evaluating interface {}.b");
}

TEST(TemplateErrors, UnknownTemplateNamesTheSet) {
  TemplateSet set("root");
  std::string out;
  Status s = set.execute("x", Value(), out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "template: no template \"x\" associated with template \"root\"");
}

TEST(TemplateErrors, InfiniteRecursionStopsWithDepthError) {
  Rendered r = render("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\"}}");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("exceeded maximum template depth (100000)"), std::string::npos) << r.text;
}

TEST(TemplateErrors, DeepParenthesesFailToParseInsteadOfCrashing) {
  std::string text = "{{" + std::string(20000, '(') + "1" + std::string(20000, ')') + "}}";
  Rendered r = render(text);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text, "template: t:1: max expression depth exceeded");
}

TEST(TemplateErrors, PartialOutputIsKeptOnError) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse("t", "before{{len 3}}after").ok());
  std::string out;
  EXPECT_FALSE(set.execute("t", Value(), out).ok());
  EXPECT_EQ(out, "before");
}

}  // namespace
}  // namespace skiff::chart::tmpl::testing

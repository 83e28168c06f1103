// Sprig's string functions, with Sprig's own test expectations (strings_test.go) and
// Go's semantics for the edge cases.
#include "sprig_test_util.h"

namespace skiff::chart::funcs::testing {
namespace {

TEST_P(SprigTest, MatchesSprig) { expect_case(GetParam()); }

const SprigCase kCases[] = {
    // substr / trunc
    {"substr_prefix", R"({{"fooo" | substr 0 3 }})", "foo"},
    {"substr_end_past_length", R"({{"foo" | substr 0 10 }})", "foo"},
    {"substr_negative_start_takes_head", R"({{"foobar" | substr -1 3 }})", "foo"},
    {"substr_negative_start_end_past_length_panics", R"({{"foo" | substr -1 10 }})",
     "template: t:1:10: executing \"t\" at <substr -1 10>: error calling substr: runtime error: slice bounds out of range [:10] with length 3",
     false},
    {"substr_start_after_end_panics", R"({{"foobar" | substr 4 2 }})",
     "template: t:1:13: executing \"t\" at <substr 4 2>: error calling substr: runtime error: slice bounds out of range [4:2]",
     false},
    {"trunc_head", R"({{ "foooooo" | trunc 3 }})", "foo"},
    {"trunc_negative_takes_tail", R"({{ "baaaaaar" | trunc -3 }})", "aar"},
    {"trunc_negative_beyond_length_keeps_all", R"({{ "baaaaaar" | trunc -999 }})", "baaaaaar"},
    {"trunc_zero_is_empty", R"({{ "baaaaaz" | trunc 0 }})", ""},
    {"trunc_float_argument_is_type_error", R"({{ trunc .n "abc" }})",
     "template: t:1:9: executing \"t\" at <.n>: wrong type for value; expected int; got float64", false,
     R"({"n": 2})"},
    // quote / squote / cat
    {"quote_many", R"({{quote "a" "b" "c"}})", R"("a" "b" "c")"},
    {"quote_escapes", R"({{quote "\"a\" b"}})", R"("\"a\" b")"},
    {"quote_numbers_through_strval", R"({{quote 1 2 3 }})", R"("1" "2" "3")"},
    {"quote_missing_value_is_empty", R"({{ .value | quote }})", ""},
    {"quote_float_prints_like_v", R"({{ .f | quote }})", R"("1e+06")", true, R"({"f": 1000000})"},
    {"quote_list", R"({{ .l | quote }})", R"("[a 1]")", true, R"({"l": ["a", 1]})"},
    {"squote_many", R"({{squote "a" "b" "c"}})", "'a' 'b' 'c'"},
    {"squote_numbers", R"({{squote 1 2 3 }})", "'1' '2' '3'"},
    {"squote_missing_value_is_empty", R"({{ .value | squote }})", ""},
    {"cat_joins_with_spaces", R"({{$b := "b"}}{{"c" | cat "a" $b}})", "a b c"},
    {"cat_skips_nil", R"({{ .value | cat "a" "b"}})", "a b"},
    // contains / prefix / suffix / trim
    {"contains", R"({{if contains "cat" "fair catch"}}1{{end}})", "1"},
    {"has_prefix", R"({{if hasPrefix "cat" "catch"}}1{{end}})", "1"},
    {"has_suffix", R"({{if hasSuffix "cat" "ducat"}}1{{end}})", "1"},
    {"trim", R"({{trim "   5.00   "}})", "5.00"},
    {"trim_unicode_spaces", "{{trim \"\\u00a0 x\\t\\n\"}}", "x"},
    {"trim_all", R"({{trimAll "$" "$5.00$"}})", "5.00"},
    {"trim_all_cutset", R"({{trimall "ab" "abxba"}})", "x"},
    {"trim_prefix", R"({{trimPrefix "$" "$5.00"}})", "5.00"},
    {"trim_suffix", R"({{trimSuffix "$" "5.00$"}})", "5.00"},
    {"trim_suffix_absent", R"({{trimSuffix "-" "name"}})", "name"},
    // case
    {"upper", R"({{upper "hello é"}})", "HELLO É"},
    {"lower", R"({{lower "HeLLo É"}})", "hello é"},
    {"title", R"({{title "hello world-wide_web"}})", "Hello World-Wide_web"},
    {"untitle", R"({{untitle "First Try"}})", "first try"},
    {"swapcase", R"({{swapcase "Hello World"}})", "hELLO wORLD"},
    {"snakecase", R"({{snakecase "FirstName"}})", "first_name"},
    {"snakecase_acronym", R"({{snakecase "HTTPServer"}})", "http_server"},
    {"snakecase_digits", R"({{snakecase "HTTP20xOK"}})", "http_20x_ok"},
    {"snakecase_number_suffix", R"({{snakecase "Bld4Floor3rd"}})", "bld4_floor_3rd"},
    {"snakecase_spaces", R"({{snakecase "GO PATH"}})", "go_path"},
    {"kebabcase", R"({{kebabcase "FirstName"}})", "first-name"},
    {"kebabcase_mixed", R"({{kebabcase "NoHTTPS"}})", "no-https"},
    {"camelcase", R"({{camelcase "http_server"}})", "HttpServer"},
    {"camelcase_keeps_leading_connector", R"({{camelcase "_complex__case_"}})", "_Complex_Case_"},
    {"camelcase_spaces", R"({{camelcase "some words"}})", "SomeWords"},
    // abbreviations, spaces, initials, wrapping
    {"abbrev", R"({{abbrev 5 "hello world"}})", "he..."},
    {"abbrev_short_width_is_identity", R"({{abbrev 3 "hello world"}})", "hello world"},
    {"abbrevboth", R"({{abbrevboth 5 10 "1234 5678 9123"}})", "...5678..."},
    {"nospace", R"({{nospace "h e l l o "}})", "hello"},
    {"initials", R"({{initials "First Try"}})", "FT"},
    {"wrap", R"({{wrap 5 "Hello World"}})", "Hello\nWorld"},
    {"wrap_long_word_kept", R"({{wrap 3 "Helloooo World"}})", "Helloooo\nWorld"},
    {"wrap_with", R"({{wrapWith 5 "\t" "Hello World"}})", "Hello\tWorld"},
    {"wrap_with_breaks_long_words", R"({{wrapWith 3 "|" "abcdefg"}})", "abc|def|g"},
    // indent / replace / repeat / plural
    {"indent", R"({{indent 4 "a\nb"}})", "    a\n    b"},
    {"nindent", R"({{nindent 2 "a\nb"}})", "\n  a\n  b"},
    {"indent_zero", R"({{indent 0 "a"}})", "a"},
    {"replace", R"({{"I Am Henry VIII" | replace " " "-"}})", "I-Am-Henry-VIII"},
    {"replace_empty_old_inserts_everywhere", R"({{replace "" "-" "ab"}})", "-a-b-"},
    {"repeat", R"({{"ab" | repeat 3}})", "ababab"},
    {"repeat_negative_panics", R"({{repeat -1 "ab"}})",
     "template: t:1:2: executing \"t\" at <repeat -1 \"ab\">: error calling repeat: strings: negative Repeat count",
     false},
    {"plural_one", R"({{$num := len "two"}}{{$num}} {{$num | plural "1 char" "chars"}})", "3 chars"},
    {"plural_single", R"({{len "t" | plural "cheese" "%d chars"}})", "cheese"},
    // split / join / lists of strings
    {"split_into_indexed_map", R"({{$v := "foo$bar$baz" | split "$"}}{{$v._0}}|{{$v._2}})", "foo|baz"},
    {"splitn", R"({{$v := "foo$bar$baz" | splitn "$" 2}}{{$v._0}}|{{$v._1}})", "foo|bar$baz"},
    {"split_list", R"({{splitList "," "a,b,,c" | len}})", "4"},
    {"split_list_prints_as_list", R"({{splitList "." "a.b"}})", "[a b]"},
    {"to_strings", R"({{ $s := list 1 2 3 | toStrings }}{{ index $s 1 | kindOf }})", "string"},
    {"to_strings_skips_nil", R"({{ list 1 .value 2 | toStrings }})", "[1 2]"},
    {"join_tuple", R"({{ tuple "a" "b" "c" | join "-" }})", "a-b-c"},
    {"join_numbers", R"({{ tuple 1 2 3 | join "-" }})", "1-2-3"},
    {"join_values_list", R"({{ join "-" .V }})", "a-b-c", true, R"({"V": ["a", "b", "c"]})"},
    {"join_scalar", R"({{ join "-" .V }})", "abc", true, R"({"V": "abc"})"},
    {"join_float_items", R"({{ join "," .V }})", "1,2.5", true, R"({"V": [1, 2.5]})"},
    {"sort_alpha", R"({{ list "c" "a" "b" | sortAlpha | join "" }})", "abc"},
    {"sort_alpha_numbers", R"({{ list 2 1 4 3 | sortAlpha | join "" }})", "1234"},
    {"sort_alpha_scalar", R"({{ sortAlpha 5 }})", "[5]"},
    // encodings
    {"b64enc", R"({{b64enc "Hello"}})", "SGVsbG8="},
    {"b64dec", R"({{b64dec "SGVsbG8="}})", "Hello"},
    {"b64dec_error_is_output", R"({{b64dec "SGVsbG8"}})", "illegal base64 data at input byte 4"},
    {"b64dec_bad_char_is_output", R"({{b64dec "S*Vs"}})", "illegal base64 data at input byte 1"},
    {"b32enc", R"({{b32enc "Hello"}})", "JBSWY3DP"},
    {"b32enc_padded", R"({{b32enc "Hi"}})", "JBUQ===="},
    {"b32dec", R"({{b32dec "JBUQ===="}})", "Hi"},
    // conversions
    {"to_string_float_integral", R"({{ toString .f }})", "1", true, R"({"f": 1})"},
    {"to_string_bool", R"({{ toString true }})", "true"},
    {"to_string_nil", R"({{ toString .missing }})", "<nil>"},
    {"atoi", R"({{ atoi "42" | add 1 }})", "43"},
    {"atoi_invalid_is_zero", R"({{ atoi "4x" }})", "0"},
    {"int_from_string", R"({{ int "12" }})", "12"},
    {"int_from_trailing_zero_decimal", R"({{ int "12.00" }})", "12"},
    {"int_from_fraction_string_is_zero", R"({{ int "12.5" }})", "0"},
    {"int_from_hex_string", R"({{ int "0x1F" }})", "31"},
    {"int_truncates_float", R"({{ int .f }})", "2", true, R"({"f": 2.9})"},
    {"int_kind", R"({{ int .f | kindOf }})", "int", true, R"({"f": 2})"},
    {"int64_kind", R"({{ int64 "5" | kindOf }})", "int64"},
    {"int_of_bool", R"({{ int true }})", "1"},
    {"float64_from_string", R"({{ float64 "1.5" }})", "1.5"},
    {"float64_of_garbage_is_zero", R"({{ float64 "x" }})", "0"},
    {"to_decimal", R"({{ toDecimal "0777" }})", "511"},
    {"to_decimal_invalid", R"({{ toDecimal "9" }})", "0"},
};

INSTANTIATE_TEST_SUITE_P(Strings, SprigTest, ::testing::ValuesIn(kCases), case_name);

TEST(SprigRandom, RandFunctionsHaveRequestedLengthAndAlphabet) {
  // Newlines separate the parts: randAscii may produce any printable character.
  auto r = render_sprig("{{randAlphaNum 20}}\n{{randAlpha 20}}\n{{randNumeric 20}}\n{{randAscii 20}}");
  ASSERT_TRUE(r.ok) << r.text;
  auto parts = split(r.text, '\n');
  ASSERT_EQ(parts.size(), 4u);
  for (const auto& p : parts) EXPECT_EQ(p.size(), 20u);
  for (char c : parts[0]) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  for (char c : parts[1]) EXPECT_TRUE(std::isalpha(static_cast<unsigned char>(c)));
  for (char c : parts[2]) EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(c)));
  for (char c : parts[3]) EXPECT_TRUE(c >= 32 && c <= 126);
}

TEST(SprigRandom, ShuffleKeepsCharacters) {
  auto r = render_sprig(R"({{shuffle "abcdef" | splitList "" | sortAlpha | join ""}})");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "abcdef");
}

}  // namespace
}  // namespace skiff::chart::funcs::testing

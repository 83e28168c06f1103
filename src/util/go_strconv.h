// The parts of Go's strconv and unicode/utf8 that Skiff needs (templates, YAML), with Go's exact
// syntax rules and output: quoting, unquoting, number literals and float formatting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff {

constexpr int32_t kRuneError = 0xFFFD;
constexpr int32_t kMaxRune = 0x10FFFF;

// Decodes one rune at s[0..]; sets *width (1 for invalid bytes, which yield kRuneError).
int32_t decode_rune(std::string_view s, int* width);
void append_rune(std::string& out, int32_t r);
size_t rune_count(std::string_view s);
bool valid_utf8(std::string_view s);
// unicode.IsPrint, approximated outside ASCII/Latin-1 (see go_strconv.cc).
bool is_print(int32_t r);
bool is_letter(int32_t r);
bool is_digit(int32_t r);

std::string go_quote(std::string_view s, bool ascii_only = false);  // strconv.Quote(ToASCII)
std::string go_quote_rune(int32_t r, bool ascii_only = false);      // strconv.QuoteRune
bool go_can_backquote(std::string_view s);                           // strconv.CanBackquote
// strconv.Unquote; nullopt on "invalid syntax".
std::optional<std::string> go_unquote(std::string_view s);
// strconv.UnquoteChar: one possibly escaped character; *tail receives the rest.
bool go_unquote_char(std::string_view s, char quote, int32_t* value, bool* multibyte,
                     std::string_view* tail);

// strconv.ParseInt(s, 0, 64), ParseUint(s, 0, 64), ParseFloat(s, 64).
std::optional<int64_t> go_parse_int(std::string_view s);
std::optional<uint64_t> go_parse_uint(std::string_view s);
std::optional<double> go_parse_float(std::string_view s);

// strconv.FormatFloat(v, fmt, prec, bits) for fmt in e E f g G; prec -1 is shortest.
std::string go_format_float(double v, char fmt, int prec, int bits = 64);

}  // namespace skiff

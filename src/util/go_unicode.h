// The parts of Go's unicode and strings packages that Sprig's string functions and CEL's
// string library depend on.
// Letters, case and spaces follow Go's tables for Latin, Greek and Cyrillic scripts;
// other scripts are treated as caseless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace skiff {

bool u_is_space(int32_t r);   // unicode.IsSpace
bool u_is_upper(int32_t r);   // unicode.IsUpper
bool u_is_lower(int32_t r);   // unicode.IsLower
bool u_is_letter(int32_t r);  // unicode.IsLetter
bool u_is_number(int32_t r);  // unicode.IsNumber
bool u_is_digit(int32_t r);   // unicode.IsDigit
bool u_is_punct(int32_t r);   // unicode.IsPunct
int32_t u_to_upper(int32_t r);
int32_t u_to_lower(int32_t r);
int32_t u_to_title(int32_t r);

std::vector<int32_t> to_runes(std::string_view s);
std::string from_runes(const std::vector<int32_t>& runes);

std::string go_to_upper(std::string_view s);   // strings.ToUpper
std::string go_to_lower(std::string_view s);   // strings.ToLower
std::string go_title(std::string_view s);      // strings.Title
std::string go_trim_space(std::string_view s);  // strings.TrimSpace
// strings.Trim(s, cutset): cutset is a set of runes.
std::string go_trim(std::string_view s, std::string_view cutset);
// strings.Split / SplitN (n < 0: all; n == 0: none).
std::vector<std::string> go_split(std::string_view s, std::string_view sep, int64_t n = -1);
// strings.Replace(s, old, new, -1).
std::string go_replace_all(std::string_view s, std::string_view old_s, std::string_view new_s);
// strings.Fields.
std::vector<std::string> go_fields(std::string_view s);

}  // namespace skiff

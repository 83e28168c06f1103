// String helpers the standard library lacks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff {

std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::string to_lower(std::string_view s);
// Percent-decoding for URL paths and query values ('+' is a space in queries).
std::string url_decode(std::string_view s, bool plus_is_space);
std::string url_encode(std::string_view s);

}  // namespace skiff

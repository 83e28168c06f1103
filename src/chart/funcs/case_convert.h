// Word-case conversions Sprig takes from huandu/xstrings (snakecase, kebabcase,
// camelcase = ToPascalCase, shuffle) and Masterminds/goutils (swapcase, untitle,
// initials, nospace, abbreviate, wrap), with those libraries' exact quirks.
#pragma once

#include <string>
#include <string_view>

namespace skiff::chart::funcs {

std::string to_snake_case(std::string_view s);
std::string to_kebab_case(std::string_view s);
std::string to_pascal_case(std::string_view s);
std::string shuffle_runes(std::string_view s);

std::string swap_case(std::string_view s);
std::string uncapitalize(std::string_view s);
std::string initials(std::string_view s);
std::string delete_white_space(std::string_view s);
// AbbreviateFull; `ok` false where goutils returns an error (Sprig then yields "").
std::string abbreviate_full(std::string_view s, int64_t offset, int64_t max_width, bool* ok);
std::string wrap_custom(std::string_view s, int64_t width, std::string_view newline, bool wrap_long_words);

}  // namespace skiff::chart::funcs

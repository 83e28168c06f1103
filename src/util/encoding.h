// Small codecs: base64 (standard alphabet, padded) and hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff {

std::string base64_encode(std::string_view data);
// nullopt on characters outside the alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_encode(std::string_view data);

}  // namespace skiff

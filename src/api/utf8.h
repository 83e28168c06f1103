// Go's utf8.DecodeRuneInString as a (code point, width) pair, for the API's validators and CEL;
// the decoding itself is util's (invalid bytes decode as U+FFFD, width 1).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "util/go_strconv.h"

namespace skiff::api {

constexpr uint32_t kUtf8Invalid = kRuneError;

// Returns the code point at the start of s (s non-empty) and its byte width.
inline std::pair<uint32_t, size_t> decode_utf8(std::string_view s) {
  int width;
  int32_t r = decode_rune(s, &width);
  return {static_cast<uint32_t>(r), static_cast<size_t>(width)};
}

}  // namespace skiff::api

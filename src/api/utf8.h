// Decoding one UTF-8 sequence the way Go does: invalid bytes decode as U+FFFD, width 1.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace skiff::api {

constexpr uint32_t kUtf8Invalid = 0xfffd;

// Returns the code point at the start of s (s non-empty) and its byte width.
inline std::pair<uint32_t, size_t> decode_utf8(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xc0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return {c, 1};
  if (c >= 0xc2 && c <= 0xdf && cont(1)) return {((c & 0x1fu) << 6) | (b(1) & 0x3fu), 2};
  if (c >= 0xe0 && c <= 0xef && cont(1) && cont(2)) {
    uint32_t r = ((c & 0x0fu) << 12) | ((b(1) & 0x3fu) << 6) | (b(2) & 0x3fu);
    if (r >= 0x800 && (r < 0xd800 || r > 0xdfff)) return {r, 3};
  }
  if (c >= 0xf0 && c <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    uint32_t r = ((c & 0x07u) << 18) | ((b(1) & 0x3fu) << 12) | ((b(2) & 0x3fu) << 6) | (b(3) & 0x3fu);
    if (r >= 0x10000 && r <= 0x10ffff) return {r, 4};
  }
  return {kUtf8Invalid, 1};
}

}  // namespace skiff::api

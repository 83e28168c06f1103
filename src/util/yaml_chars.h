// Byte-level character classes of libyaml/go-yaml over UTF-8 text. Reads past the end
// see NUL, as the C and Go implementations see their terminating zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace skiff::yaml {

inline uint8_t at(std::string_view s, size_t i) { return i < s.size() ? static_cast<uint8_t>(s[i]) : 0; }

// Width of the UTF-8 sequence starting with this byte; 0 for a continuation byte.
inline size_t char_width(uint8_t b) {
  if ((b & 0x80) == 0x00) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 0;
}

inline bool is_alpha(std::string_view s, size_t i) {
  uint8_t b = at(s, i);
  return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '_' ||
         b == '-';
}
inline bool is_digit(std::string_view s, size_t i) { return at(s, i) >= '0' && at(s, i) <= '9'; }
inline bool is_hex(std::string_view s, size_t i) {
  uint8_t b = at(s, i);
  return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'F') || (b >= 'a' && b <= 'f');
}
inline int as_hex(std::string_view s, size_t i) {
  uint8_t b = at(s, i);
  if (b >= 'A' && b <= 'F') return b - 'A' + 10;
  if (b >= 'a' && b <= 'f') return b - 'a' + 10;
  return b - '0';
}

// Note: 4-byte sequences (U+10000 and up) are not "printable" to go-yaml; they are
// escaped in double-quoted scalars.
inline bool is_printable(std::string_view s, size_t i) {
  uint8_t b = at(s, i), b1 = at(s, i + 1), b2 = at(s, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) ||
         (b > 0xC2 && b < 0xED) || (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

inline bool is_z(std::string_view s, size_t i) { return at(s, i) == 0; }
inline bool is_bom(std::string_view s, size_t i) {
  return at(s, i) == 0xEF && at(s, i + 1) == 0xBB && at(s, i + 2) == 0xBF;
}
// go-yaml's emitter tests the start of the value, not the current position.
inline bool starts_with_bom(std::string_view s) { return is_bom(s, 0); }
inline bool is_space(std::string_view s, size_t i) { return at(s, i) == ' '; }
inline bool is_tab(std::string_view s, size_t i) { return at(s, i) == '\t'; }
inline bool is_blank(std::string_view s, size_t i) { return at(s, i) == ' ' || at(s, i) == '\t'; }
inline bool is_break(std::string_view s, size_t i) {
  uint8_t b = at(s, i);
  if (b < 0x80) return b == '\r' || b == '\n';  // the common case reads one byte
  return (b == 0xC2 && at(s, i + 1) == 0x85) ||
         (b == 0xE2 && at(s, i + 1) == 0x80 && (at(s, i + 2) == 0xA8 || at(s, i + 2) == 0xA9));
}
inline bool is_crlf(std::string_view s, size_t i) { return at(s, i) == '\r' && at(s, i + 1) == '\n'; }
inline bool is_breakz(std::string_view s, size_t i) { return is_break(s, i) || is_z(s, i); }
inline bool is_spacez(std::string_view s, size_t i) { return is_space(s, i) || is_breakz(s, i); }
inline bool is_blankz(std::string_view s, size_t i) { return is_blank(s, i) || is_breakz(s, i); }

}  // namespace skiff::yaml

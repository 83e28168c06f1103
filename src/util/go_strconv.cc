#include "util/go_strconv.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cwctype>

namespace skiff {

int32_t decode_rune(std::string_view s, int* width) {
  *width = 1;
  if (s.empty()) return kRuneError;
  auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return b0;
  auto cont = [&](size_t i) {
    return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  };
  auto cb = [&](size_t i) { return static_cast<int32_t>(static_cast<unsigned char>(s[i]) & 0x3F); };
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    *width = 2;
    return ((b0 & 0x1F) << 6) | cb(1);
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    int32_t r = ((b0 & 0x0F) << 12) | (cb(1) << 6) | cb(2);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return kRuneError;
    *width = 3;
    return r;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    int32_t r = ((b0 & 0x07) << 18) | (cb(1) << 12) | (cb(2) << 6) | cb(3);
    if (r < 0x10000 || r > kMaxRune) return kRuneError;
    *width = 4;
    return r;
  }
  return kRuneError;
}

void append_rune(std::string& out, int32_t r) {
  if (r < 0 || r > kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

size_t rune_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    int w;
    decode_rune(s.substr(i), &w);
    i += w;
  }
  return n;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (i + 8 <= s.size()) {  // ASCII, 8 bytes at a time: no high bit set
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    int w;
    int32_t r = decode_rune(s.substr(i), &w);
    if (r == kRuneError && w == 1) return false;
    i += w;
  }
  return true;
}

// Go's tables are not reproduced: outside Latin-1 every assigned-looking code point
// counts as printable except format/control/surrogate/private-use/noncharacters.
bool is_print(int32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r < 0x7F) return true;
  if (r >= 0x80 && r < 0xA0) return false;
  if (r == 0xAD) return false;  // soft hyphen (Cf)
  if (r >= 0xD800 && r <= 0xDFFF) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;
  if (r >= 0xFDD0 && r <= 0xFDEF) return false;
  if (r >= 0x200B && r <= 0x200F) return false;
  if (r >= 0x2028 && r <= 0x202E) return false;
  if (r >= 0x2060 && r <= 0x206F) return false;
  if (r == 0xFEFF) return false;
  if (r >= 0xF0000) return false;
  if (r > kMaxRune) return false;
  return true;
}

bool is_letter(int32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  return std::iswalpha(static_cast<wint_t>(r)) != 0 || (r >= 0xC0 && r != 0xD7 && r != 0xF7 && r < 0x250);
}

bool is_digit(int32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return std::iswdigit(static_cast<wint_t>(r)) != 0;
}

namespace {

const char kLowerHex[] = "0123456789abcdef";

void append_escaped_rune(std::string& out, int32_t r, char quote, bool ascii_only) {
  if (r == quote || r == '\\') {
    out += '\\';
    append_rune(out, r);
    return;
  }
  if (ascii_only) {
    if (r < 0x80 && is_print(r)) {
      out += static_cast<char>(r);
      return;
    }
  } else if (is_print(r)) {
    append_rune(out, r);
    return;
  }
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    out += kLowerHex[(r >> 4) & 0xF];
    out += kLowerHex[r & 0xF];
    return;
  }
  if (r > kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  if (r < 0x10000) {
    out += "\\u";
    for (int s = 12; s >= 0; s -= 4) out += kLowerHex[(r >> s) & 0xF];
  } else {
    out += "\\U";
    for (int s = 28; s >= 0; s -= 4) out += kLowerHex[(r >> s) & 0xF];
  }
}

int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) { return static_cast<char>(c | ('x' - 'X')); }

// strconv's underscoreOK: underscores only between digits or after a base prefix.
bool underscore_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Unsigned magnitude of an integer literal with Go base-0 rules (no sign).
std::optional<uint64_t> parse_magnitude(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  std::string_view orig = s;
  int base = 10;
  if (s[0] == '0') {
    char p = s.size() >= 2 ? lower(s[1]) : 0;
    base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 8;
    s.remove_prefix(p == 'b' || p == 'o' || p == 'x' ? 2 : 1);
  }
  bool underscores = false;
  bool any_digit = false;
  uint64_t n = 0;
  for (char c : s) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    int d = unhex(c);
    if (d < 0 || d >= base) return std::nullopt;
    if (n > (UINT64_MAX - d) / base) return std::nullopt;
    n = n * base + d;
    any_digit = true;
  }
  if (!any_digit) return std::nullopt;
  if (underscores && !underscore_ok(orig)) return std::nullopt;
  return n;
}

// Go float literal syntax check (decimal or hexadecimal with mandatory p exponent).
bool valid_float_syntax(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool hex = s.size() >= i + 2 && s[i] == '0' && lower(s[i + 1]) == 'x';
  if (hex) i += 2;
  auto is_digit_char = [&](char c) {
    return c == '_' || (hex ? unhex(c) >= 0 : (c >= '0' && c <= '9'));
  };
  bool mantissa_digit = false;
  for (; i < s.size() && is_digit_char(s[i]); ++i) mantissa_digit |= s[i] != '_';
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && is_digit_char(s[i]); ++i) mantissa_digit |= s[i] != '_';
  }
  if (!mantissa_digit) return false;
  char exp_char = hex ? 'p' : 'e';
  if (i < s.size() && lower(s[i]) == exp_char) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    bool exp_digit = false;
    for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); ++i) {
      exp_digit |= s[i] != '_';
    }
    if (!exp_digit) return false;
  } else if (hex) {
    return false;
  }
  return i == s.size();
}

}  // namespace

std::string go_quote(std::string_view s, bool ascii_only) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    int w;
    int32_t r = decode_rune(s.substr(i), &w);
    if (w == 1 && r == kRuneError) {
      out += "\\x";
      out += kLowerHex[static_cast<unsigned char>(s[i]) >> 4];
      out += kLowerHex[static_cast<unsigned char>(s[i]) & 0xF];
      ++i;
      continue;
    }
    append_escaped_rune(out, r, '"', ascii_only);
    i += w;
  }
  out += '"';
  return out;
}

std::string go_quote_rune(int32_t r, bool ascii_only) {
  if (r < 0 || r > kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  std::string out = "'";
  append_escaped_rune(out, r, '\'', ascii_only);
  out += '\'';
  return out;
}

bool go_can_backquote(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    int w;
    int32_t r = decode_rune(s.substr(i), &w);
    i += w;
    if (w > 1) {
      if (r == 0xFEFF) return false;
      continue;
    }
    if (r == kRuneError) return false;
    if ((r < ' ' && r != '\t') || r == '`' || r == 0x7F) return false;
  }
  return true;
}

bool go_unquote_char(std::string_view s, char quote, int32_t* value, bool* multibyte,
                     std::string_view* tail) {
  *multibyte = false;
  if (s.empty()) return false;
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    int w;
    *value = decode_rune(s, &w);
    *multibyte = true;
    *tail = s.substr(w);
    return true;
  }
  if (c != '\\') {
    *value = c;
    *tail = s.substr(1);
    return true;
  }
  if (s.size() <= 1) return false;
  char e = s[1];
  s.remove_prefix(2);
  switch (e) {
    case 'a': *value = '\a'; break;
    case 'b': *value = '\b'; break;
    case 'f': *value = '\f'; break;
    case 'n': *value = '\n'; break;
    case 'r': *value = '\r'; break;
    case 't': *value = '\t'; break;
    case 'v': *value = '\v'; break;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s.size() < n) return false;
      int32_t v = 0;
      for (size_t j = 0; j < n; ++j) {
        int x = unhex(s[j]);
        if (x < 0) return false;
        v = (v << 4) | x;
      }
      s.remove_prefix(n);
      if (e != 'x') {
        if (v > kMaxRune || (v >= 0xD800 && v <= 0xDFFF)) return false;
        *multibyte = true;
      }
      *value = v;
      break;
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      int32_t v = e - '0';
      if (s.size() < 2) return false;
      for (size_t j = 0; j < 2; ++j) {
        int x = s[j] - '0';
        if (x < 0 || x > 7) return false;
        v = (v << 3) | x;
      }
      s.remove_prefix(2);
      if (v > 255) return false;
      *value = v;
      break;
    }
    case '\\': *value = '\\'; break;
    case '\'':
    case '"':
      if (e != quote) return false;
      *value = e;
      break;
    default:
      return false;
  }
  *tail = s;
  return true;
}

std::optional<std::string> go_unquote(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  char quote = s[0];
  if (quote != s.back()) return std::nullopt;
  std::string_view in = s.substr(1, s.size() - 2);
  if (quote == '`') {
    if (in.find('`') != std::string_view::npos) return std::nullopt;
    std::string out;
    for (char c : in) {
      if (c != '\r') out += c;
    }
    return out;
  }
  if (quote != '"' && quote != '\'') return std::nullopt;
  if (in.find('\n') != std::string_view::npos) return std::nullopt;
  std::string out;
  size_t runes = 0;
  while (!in.empty()) {
    int32_t v;
    bool multibyte;
    std::string_view tail;
    if (!go_unquote_char(in, quote, &v, &multibyte, &tail)) return std::nullopt;
    in = tail;
    if (v < 0x80 || !multibyte) {
      out += static_cast<char>(v);
    } else {
      append_rune(out, v);
    }
    ++runes;
    if (quote == '\'' && !in.empty()) return std::nullopt;
  }
  if (quote == '\'' && runes != 1) return std::nullopt;
  return out;
}

std::optional<uint64_t> go_parse_uint(std::string_view s) {
  if (s.empty() || s[0] == '+' || s[0] == '-') return std::nullopt;
  return parse_magnitude(s);
}

std::optional<int64_t> go_parse_int(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  auto mag = parse_magnitude(s);
  if (!mag) return std::nullopt;
  if (neg) {
    if (*mag > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - *mag);
  }
  if (*mag > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*mag);
}

std::optional<double> go_parse_float(std::string_view s) {
  if (!valid_float_syntax(s)) return std::nullopt;
  if (s.find('_') != std::string_view::npos && !underscore_ok(s)) return std::nullopt;
  std::string clean;
  for (char c : s) {
    if (c != '_') clean += c;
  }
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return std::nullopt;
  if (errno == ERANGE && std::isinf(v)) return std::nullopt;
  return v;
}

namespace {

// Decimal digits of |v| (no trailing zeros) and the decimal point position:
// value = 0.d1d2d3... * 10^dp.
struct Digits {
  std::string d;
  int dp = 0;
};

Digits scientific_digits(double v, int bits, int sig /* -1 shortest */) {
  char buf[64];
  std::to_chars_result r;
  double a = std::fabs(v);
  if (sig < 0) {
    r = bits == 32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(a), std::chars_format::scientific)
                   : std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific, sig - 1);
  }
  std::string_view text(buf, r.ptr - buf);
  size_t e = text.find('e');
  Digits out;
  for (char c : text.substr(0, e)) {
    if (c != '.') out.d += c;
  }
  int exp = std::atoi(std::string(text.substr(e + 1)).c_str());
  while (out.d.size() > 1 && out.d.back() == '0') out.d.pop_back();
  if (out.d == "0") {
    out.d.clear();
    out.dp = 0;
  } else {
    out.dp = exp + 1;
  }
  return out;
}

std::string fmt_e(bool neg, const Digits& digs, int prec, char fmt) {
  std::string out;
  if (neg) out += '-';
  out += digs.d.empty() ? '0' : digs.d[0];
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) {
      out += i < static_cast<int>(digs.d.size()) ? digs.d[i] : '0';
    }
  }
  out += fmt;
  int exp = digs.d.empty() ? 0 : digs.dp - 1;
  out += exp < 0 ? '-' : '+';
  if (exp < 0) exp = -exp;
  if (exp < 10) out += '0';
  out += std::to_string(exp);
  return out;
}

std::string fmt_f(bool neg, const Digits& digs, int prec) {
  std::string out;
  if (neg) out += '-';
  int nd = static_cast<int>(digs.d.size());
  if (digs.dp > 0) {
    int m = std::min(nd, digs.dp);
    out += digs.d.substr(0, m);
    for (; m < digs.dp; ++m) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) {
      int j = digs.dp + i - 1;
      out += (j >= 0 && j < nd) ? digs.d[j] : '0';
    }
  }
  return out;
}

}  // namespace

std::string go_format_float(double v, char fmt, int prec, int bits) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  bool neg = std::signbit(v);
  bool shortest = prec < 0;
  if (fmt == 'f' && !shortest) {
    char buf[400];
    auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::fixed, prec);
    return (neg ? "-" : "") + std::string(buf, r.ptr - buf);
  }
  Digits digs;
  if (shortest) {
    digs = scientific_digits(v, bits, -1);
  } else if (fmt == 'e' || fmt == 'E') {
    digs = scientific_digits(v, bits, prec + 1);
  } else {  // g, G
    if (prec == 0) prec = 1;
    digs = scientific_digits(v, bits, prec);
  }
  int nd = static_cast<int>(digs.d.size());
  if (nd == 0) digs.dp = 1;  // zero: Go's decimal has dp 0 but formats as "0"
  switch (fmt) {
    case 'e':
    case 'E':
      if (shortest) prec = std::max(nd - 1, 0);
      return fmt_e(neg, digs, prec, fmt);
    case 'f':
      return fmt_f(neg, digs, std::max(nd - digs.dp, 0));
    case 'g':
    case 'G': {
      int eprec = prec;
      if (nd == 0) digs.dp = 0;
      if (eprec > nd && nd >= digs.dp) eprec = nd;
      if (shortest) eprec = 6;
      int exp = digs.dp - 1;
      if (nd == 0) exp = 0;
      if (exp < -4 || exp >= eprec) {
        if (shortest || prec > nd) prec = nd;
        return fmt_e(neg, digs, std::max(prec - 1, 0), static_cast<char>(fmt + ('e' - 'g')));
      }
      if (shortest || prec > digs.dp) prec = nd;
      return fmt_f(neg, digs, std::max(prec - digs.dp, 0));
    }
    default:
      return "%" + std::string(1, fmt);
  }
}

}  // namespace skiff

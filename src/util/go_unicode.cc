#include "util/go_unicode.h"

#include "util/go_strconv.h"

namespace skiff {

namespace {

// Latin Extended-A pairs upper (even) / lower (odd), except where the pairing flips.
bool latin_ext_a_pairs_odd_upper(int32_t r) {
  return (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
}

bool in_latin_ext_a(int32_t r) {
  return r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 &&
         r != 0x178 && r != 0x17F;
}

bool in_cyrillic_pairs(int32_t r) {
  return (r >= 0x460 && r <= 0x481) || (r >= 0x48A && r <= 0x4BF) || (r >= 0x4D0 && r <= 0x52F);
}

}  // namespace

bool u_is_space(int32_t r) {
  if (r <= 0xFF) {
    return r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0;
  }
  return r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F ||
         r == 0x205F || r == 0x3000;
}

namespace {

// The Latin digraphs DŽ Lj Nj Dz come in upper, title and lower forms.
int32_t digraph_base(int32_t r) {
  if (r >= 0x1C4 && r <= 0x1CC) return 0x1C4 + (r - 0x1C4) / 3 * 3;
  if (r >= 0x1F1 && r <= 0x1F3) return 0x1F1;
  return 0;
}

}  // namespace

bool u_is_upper(int32_t r) {
  if (r < 0x80) return r >= 'A' && r <= 'Z';
  if (int32_t b = digraph_base(r)) return r == b;
  if (r >= 0xC0 && r <= 0xDE) return r != 0xD7;
  if (in_latin_ext_a(r)) return latin_ext_a_pairs_odd_upper(r) ? (r & 1) == 1 : (r & 1) == 0;
  if (r == 0x130 || r == 0x178) return true;
  if (r >= 0x391 && r <= 0x3AB) return r != 0x3A2;
  if (r >= 0x400 && r <= 0x42F) return true;
  if (in_cyrillic_pairs(r)) return (r & 1) == 0;
  if (r >= 0xFF21 && r <= 0xFF3A) return true;
  return false;
}

bool u_is_lower(int32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z';
  if (int32_t b = digraph_base(r)) return r == b + 2;
  if (r == 0xAA || r == 0xB5 || r == 0xBA) return true;
  if (r >= 0xDF && r <= 0xFF) return r != 0xF7;
  if (in_latin_ext_a(r)) return latin_ext_a_pairs_odd_upper(r) ? (r & 1) == 0 : (r & 1) == 1;
  if (r == 0x131 || r == 0x138 || r == 0x149 || r == 0x17F) return true;
  if (r >= 0x3AC && r <= 0x3CE) return true;
  if (r >= 0x430 && r <= 0x45F) return true;
  if (in_cyrillic_pairs(r)) return (r & 1) == 1;
  if (r >= 0xFF41 && r <= 0xFF5A) return true;
  return false;
}

bool u_is_letter(int32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (u_is_upper(r) || u_is_lower(r)) return true;
  return is_letter(r);
}

bool u_is_digit(int32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return is_digit(r);
}

bool u_is_number(int32_t r) {
  if (u_is_digit(r)) return true;
  return r == 0xB2 || r == 0xB3 || r == 0xB9 || (r >= 0xBC && r <= 0xBE) || (r >= 0x2150 && r <= 0x2189) ||
         (r >= 0x2460 && r <= 0x249B) || (r >= 0x2070 && r <= 0x2079 && r != 0x2071 && r != 0x2072 && r != 0x2073) ||
         (r >= 0x2080 && r <= 0x2089);
}

bool u_is_punct(int32_t r) {
  if (r < 0x80) {
    switch (r) {
      case '!': case '"': case '#': case '%': case '&': case '\'': case '(': case ')': case '*':
      case ',': case '-': case '.': case '/': case ':': case ';': case '?': case '@': case '[':
      case '\\': case ']': case '_': case '{': case '}':
        return true;
      default:
        return false;
    }
  }
  return r == 0xA1 || r == 0xA7 || r == 0xAB || r == 0xB6 || r == 0xB7 || r == 0xBB || r == 0xBF ||
         (r >= 0x2010 && r <= 0x2027) || (r >= 0x2030 && r <= 0x205E) || (r >= 0x3001 && r <= 0x3003) ||
         (r >= 0x3008 && r <= 0x3011);
}

int32_t u_to_upper(int32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  if (int32_t b = digraph_base(r)) return b;
  if (r == 0xB5) return 0x39C;
  if (r == 0xFF) return 0x178;
  if (r >= 0xE0 && r <= 0xFE && r != 0xF7) return r - 32;
  if (r == 0x131) return 'I';
  if (r == 0x17F) return 'S';
  if (in_latin_ext_a(r) && u_is_lower(r)) return r - 1;
  if (r == 0x3C2) return 0x3A3;
  if (r >= 0x3B1 && r <= 0x3CB) return r - 32;
  if (r == 0x3AC) return 0x386;
  if (r >= 0x3AD && r <= 0x3AF) return r - 37;
  if (r == 0x3CC) return 0x38C;
  if (r == 0x3CD || r == 0x3CE) return r - 63;
  if (r >= 0x430 && r <= 0x44F) return r - 32;
  if (r >= 0x450 && r <= 0x45F) return r - 80;
  if (in_cyrillic_pairs(r) && (r & 1) == 1) return r - 1;
  if (r >= 0xFF41 && r <= 0xFF5A) return r - 32;
  return r;
}

int32_t u_to_lower(int32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  if (int32_t b = digraph_base(r)) return b + 2;
  if (r >= 0xC0 && r <= 0xDE && r != 0xD7) return r + 32;
  if (r == 0x130) return 'i';
  if (r == 0x178) return 0xFF;
  if (in_latin_ext_a(r) && u_is_upper(r)) return r + 1;
  if (r >= 0x391 && r <= 0x3AB && r != 0x3A2) return r + 32;
  if (r == 0x386) return 0x3AC;
  if (r >= 0x388 && r <= 0x38A) return r + 37;
  if (r == 0x38C) return 0x3CC;
  if (r == 0x38E || r == 0x38F) return r + 63;
  if (r >= 0x410 && r <= 0x42F) return r + 32;
  if (r >= 0x400 && r <= 0x40F) return r + 80;
  if (in_cyrillic_pairs(r) && (r & 1) == 0) return r + 1;
  if (r >= 0xFF21 && r <= 0xFF3A) return r + 32;
  return r;
}

int32_t u_to_title(int32_t r) {
  if (int32_t b = digraph_base(r)) return b + 1;
  return u_to_upper(r);
}

std::vector<int32_t> to_runes(std::string_view s) {
  std::vector<int32_t> out;
  out.reserve(s.size());
  while (!s.empty()) {
    int w;
    out.push_back(decode_rune(s, &w));
    s.remove_prefix(w);
  }
  return out;
}

std::string from_runes(const std::vector<int32_t>& runes) {
  std::string out;
  out.reserve(runes.size());
  for (int32_t r : runes) append_rune(out, r);
  return out;
}

namespace {

template <class F>
std::string map_runes(std::string_view s, F f) {
  bool ascii = true;
  for (char c : s) ascii &= static_cast<unsigned char>(c) < 0x80;
  std::string out;
  out.reserve(s.size());
  if (ascii) {
    for (char c : s) out += static_cast<char>(f(c));
    return out;
  }
  while (!s.empty()) {
    int w;
    int32_t r = decode_rune(s, &w);
    append_rune(out, f(r));
    s.remove_prefix(w);
  }
  return out;
}

}  // namespace

std::string go_to_upper(std::string_view s) { return map_runes(s, u_to_upper); }
std::string go_to_lower(std::string_view s) { return map_runes(s, u_to_lower); }

std::string go_title(std::string_view s) {
  // strings.Title's isSeparator: ASCII alphanumerics and '_' are not separators, other
  // ASCII is; letters and digits are not; spaces are; everything else is not.
  auto is_separator = [](int32_t r) {
    if (r <= 0x7F) {
      if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_') return false;
      return true;
    }
    if (u_is_letter(r) || u_is_digit(r)) return false;
    return u_is_space(r);
  };
  int32_t prev = ' ';
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    int w;
    int32_t r = decode_rune(s, &w);
    append_rune(out, is_separator(prev) ? u_to_title(r) : r);
    prev = r;
    s.remove_prefix(w);
  }
  return out;
}

std::string go_trim_space(std::string_view s) {
  size_t start = 0;
  size_t end = 0;  // one past the last non-space rune
  bool seen = false;
  for (size_t off = 0; off < s.size();) {
    int w;
    int32_t r = decode_rune(s.substr(off), &w);
    if (!u_is_space(r)) {
      if (!seen) start = off;
      seen = true;
      end = off + w;
    }
    off += w;
  }
  if (!seen) return "";
  return std::string(s.substr(start, end - start));
}

std::string go_trim(std::string_view s, std::string_view cutset) {
  if (s.empty() || cutset.empty()) return std::string(s);
  std::vector<int32_t> cut = to_runes(cutset);
  auto in_cut = [&](int32_t r) {
    for (int32_t c : cut) {
      if (c == r) return true;
    }
    return false;
  };
  std::vector<int32_t> runes;
  std::vector<size_t> offsets;
  size_t off = 0;
  while (off < s.size()) {
    int w;
    runes.push_back(decode_rune(s.substr(off), &w));
    offsets.push_back(off);
    off += w;
  }
  offsets.push_back(s.size());
  size_t i = 0;
  size_t j = runes.size();
  while (i < j && in_cut(runes[i])) ++i;
  while (j > i && in_cut(runes[j - 1])) --j;
  return std::string(s.substr(offsets[i], offsets[j] - offsets[i]));
}

std::vector<std::string> go_split(std::string_view s, std::string_view sep, int64_t n) {
  std::vector<std::string> out;
  if (n == 0) return out;
  if (sep.empty()) {
    // Explode into UTF-8 sequences, the last one holding the rest when n is reached.
    while (!s.empty()) {
      if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) {
        out.emplace_back(s);
        return out;
      }
      int w;
      decode_rune(s, &w);
      out.emplace_back(s.substr(0, w));
      s.remove_prefix(w);
    }
    return out;
  }
  while (n < 0 || static_cast<int64_t>(out.size()) < n - 1) {
    size_t pos = s.find(sep);
    if (pos == std::string_view::npos) break;
    out.emplace_back(s.substr(0, pos));
    s.remove_prefix(pos + sep.size());
  }
  out.emplace_back(s);
  return out;
}

std::string go_replace_all(std::string_view s, std::string_view old_s, std::string_view new_s) {
  std::string out;
  if (old_s.empty()) {
    // Go inserts `new` at the start and after each rune.
    out.append(new_s);
    while (!s.empty()) {
      int w;
      decode_rune(s, &w);
      out.append(s.substr(0, w));
      out.append(new_s);
      s.remove_prefix(w);
    }
    return out;
  }
  size_t pos;
  while ((pos = s.find(old_s)) != std::string_view::npos) {
    out.append(s.substr(0, pos));
    out.append(new_s);
    s.remove_prefix(pos + old_s.size());
  }
  out.append(s);
  return out;
}

std::vector<std::string> go_fields(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_field = false;
  while (!s.empty()) {
    int w;
    int32_t r = decode_rune(s, &w);
    if (u_is_space(r)) {
      if (in_field) out.push_back(std::move(cur));
      cur.clear();
      in_field = false;
    } else {
      cur.append(s.substr(0, w));
      in_field = true;
    }
    s.remove_prefix(w);
  }
  if (in_field) out.push_back(std::move(cur));
  return out;
}

}  // namespace skiff

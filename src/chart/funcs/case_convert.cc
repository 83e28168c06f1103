#include "chart/funcs/case_convert.h"

#include <vector>

#include "util/go_unicode.h"
#include "chart/funcs/random.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {

namespace {

bool is_connector(int32_t r) { return r == '-' || r == '_' || u_is_space(r); }

// xstrings treats letters below the CJK blocks as alphabet.
bool is_alphabet(int32_t r) { return u_is_letter(r) && r < 0x3400; }

enum class Word { kInvalid, kNumber, kUpper, kAlphabet, kConnector, kPunct, kOther };

// The next valid rune (skipping invalid bytes, counted in *size); `prev` when none.
int32_t next_valid_rune(std::string_view s, int32_t prev, int* size) {
  *size = 0;
  while (!s.empty()) {
    int w;
    int32_t r = tmpl::decode_rune(s, &w);
    *size += w;
    if (!(r == tmpl::kRuneError && w == 1)) return r;
    s.remove_prefix(w);
  }
  return prev;
}

struct Split {
  Word type = Word::kInvalid;
  std::string_view word;
  std::string_view rest;
};

// xstrings' nextWord: one run of connectors, punctuation, an upper-case word
// ("HTTP" in "HTTPServer"), a lower-case word, digits, or other runes.
Split next_word(std::string_view str) {
  Split out;
  if (str.empty()) return out;
  size_t offset = 0;
  std::string_view rest = str;
  int size;
  int32_t r = next_valid_rune(rest, tmpl::kRuneError, &size);
  offset += size;
  if (r == tmpl::kRuneError) {
    out.type = Word::kInvalid;
    out.word = str.substr(0, offset);
    out.rest = str.substr(offset);
    return out;
  }
  auto run_while = [&](auto pred) {
    rest.remove_prefix(size);
    while (!rest.empty()) {
      r = next_valid_rune(rest, r, &size);
      if (!pred(r)) break;
      offset += size;
      rest.remove_prefix(size);
    }
  };
  if (is_connector(r)) {
    out.type = Word::kConnector;
    run_while(is_connector);
  } else if (u_is_punct(r)) {
    out.type = Word::kPunct;
    run_while(u_is_punct);
  } else if (u_is_upper(r)) {
    out.type = Word::kUpper;
    rest.remove_prefix(size);
    if (!rest.empty()) {
      r = next_valid_rune(rest, r, &size);
      if (u_is_upper(r)) {
        int prev_size = size;
        offset += size;
        rest.remove_prefix(size);
        while (!rest.empty()) {
          r = next_valid_rune(rest, r, &size);
          if (!u_is_upper(r)) break;
          prev_size = size;
          offset += size;
          rest.remove_prefix(size);
        }
        // "HTTPStatus" splits into "HTTP" and "Status".
        if (!rest.empty() && is_alphabet(r)) {
          offset -= prev_size;
          rest = str.substr(offset);
        }
      } else if (is_alphabet(r)) {
        offset += size;
        rest.remove_prefix(size);
        while (!rest.empty()) {
          r = next_valid_rune(rest, r, &size);
          if (!is_alphabet(r) || u_is_upper(r)) break;
          offset += size;
          rest.remove_prefix(size);
        }
      }
    }
  } else if (is_alphabet(r)) {
    out.type = Word::kAlphabet;
    run_while([](int32_t c) { return is_alphabet(c) && !u_is_upper(c); });
  } else if (u_is_number(r)) {
    out.type = Word::kNumber;
    run_while(u_is_number);
  } else {
    out.type = Word::kOther;
    rest.remove_prefix(size);
    while (!rest.empty()) {
      r = next_valid_rune(rest, r, &size);
      if (size == 0 || is_connector(r) || is_alphabet(r) || u_is_number(r) || u_is_punct(r)) break;
      offset += size;
      rest.remove_prefix(size);
    }
  }
  out.word = str.substr(0, offset);
  out.rest = rest;
  return out;
}

void write_lower(std::string& buf, Word type, std::string_view s, int32_t connector) {
  if (type != Word::kUpper && type != Word::kConnector) {
    buf.append(s);
    return;
  }
  while (!s.empty()) {
    int w;
    int32_t r = tmpl::decode_rune(s, &w);
    s.remove_prefix(w);
    if (is_connector(r)) {
      tmpl::append_rune(buf, connector);
    } else if (u_is_upper(r)) {
      tmpl::append_rune(buf, u_to_lower(r));
    } else {
      tmpl::append_rune(buf, r);
    }
  }
}

std::string camel_to_lower(std::string_view str, int32_t connector) {
  if (str.empty()) return "";
  std::string buf;
  Split cur = next_word(str);
  while (!cur.rest.empty()) {
    if (cur.type != Word::kConnector) write_lower(buf, cur.type, cur.word, connector);
    Word prev = cur.type;
    std::string_view last = cur.word;
    cur = next_word(cur.rest);
    switch (prev) {
      case Word::kNumber:
        while (cur.type == Word::kAlphabet || cur.type == Word::kNumber) {
          write_lower(buf, cur.type, cur.word, connector);
          cur = next_word(cur.rest);
        }
        if (cur.type != Word::kInvalid && cur.type != Word::kPunct && cur.type != Word::kConnector) {
          tmpl::append_rune(buf, connector);
        }
        break;
      case Word::kConnector:
        write_lower(buf, prev, last, connector);
        break;
      case Word::kPunct:
        break;
      default: {
        if (cur.type != Word::kNumber) {
          if (cur.type != Word::kConnector && cur.type != Word::kPunct) tmpl::append_rune(buf, connector);
          break;
        }
        if (cur.rest.empty()) break;
        std::string_view number = cur.word;
        cur = next_word(cur.rest);
        // A number followed by a non-letter belongs to the previous word ("Bld4Floor").
        if (cur.type != Word::kAlphabet) {
          write_lower(buf, Word::kNumber, number, connector);
          if (cur.type != Word::kConnector && cur.type != Word::kPunct) tmpl::append_rune(buf, connector);
          break;
        }
        // Lower-case letters after a number start a new word with it ("HTTP2xx").
        tmpl::append_rune(buf, connector);
        write_lower(buf, Word::kNumber, number, connector);
        while (cur.type == Word::kAlphabet || cur.type == Word::kNumber) {
          write_lower(buf, cur.type, cur.word, connector);
          cur = next_word(cur.rest);
        }
        if (cur.type != Word::kInvalid && cur.type != Word::kConnector && cur.type != Word::kPunct) {
          tmpl::append_rune(buf, connector);
        }
      }
    }
  }
  write_lower(buf, cur.type, cur.word, connector);
  return buf;
}

}  // namespace

std::string to_snake_case(std::string_view s) { return camel_to_lower(s, '_'); }
std::string to_kebab_case(std::string_view s) { return camel_to_lower(s, '-'); }

std::string to_pascal_case(std::string_view str) {
  if (str.empty()) return "";
  std::string buf;
  int32_t r0 = 0;
  int32_t r1 = 0;
  int size = 0;
  // Leading connectors are kept.
  while (!str.empty()) {
    r0 = tmpl::decode_rune(str, &size);
    str.remove_prefix(size);
    if (!is_connector(r0)) {
      r0 = u_to_upper(r0);
      break;
    }
    tmpl::append_rune(buf, r0);
  }
  if (str.empty()) {
    if (size != 0) tmpl::append_rune(buf, r0);
    return buf;
  }
  while (!str.empty()) {
    r1 = r0;
    r0 = tmpl::decode_rune(str, &size);
    str.remove_prefix(size);
    if (is_connector(r0) && is_connector(r1)) {
      tmpl::append_rune(buf, r1);
      continue;
    }
    if (is_connector(r1)) {
      r0 = u_to_upper(r0);
    } else {
      tmpl::append_rune(buf, r1);
    }
  }
  tmpl::append_rune(buf, r0);
  return buf;
}

std::string shuffle_runes(std::string_view s) {
  std::vector<int32_t> runes = to_runes(s);
  for (size_t i = runes.size(); i > 1; --i) {
    size_t j = random_below(i);
    std::swap(runes[i - 1], runes[j]);
  }
  return from_runes(runes);
}

std::string swap_case(std::string_view s) {
  std::vector<int32_t> runes = to_runes(s);
  bool whitespace = true;
  for (int32_t& r : runes) {
    if (u_is_upper(r)) {
      r = u_to_lower(r);
      whitespace = false;
    } else if (u_is_lower(r)) {
      r = whitespace ? u_to_title(r) : u_to_upper(r);
      whitespace = false;
    } else {
      whitespace = u_is_space(r);
    }
  }
  return from_runes(runes);
}

std::string uncapitalize(std::string_view s) {
  std::vector<int32_t> runes = to_runes(s);
  bool next = true;
  for (int32_t& r : runes) {
    if (u_is_space(r)) {
      next = true;
    } else if (next) {
      r = u_to_lower(r);
      next = false;
    }
  }
  return from_runes(runes);
}

// goutils walks bytes, treating each as a Latin-1 rune (multi-byte characters are
// re-encoded byte by byte).
std::string initials(std::string_view s) {
  std::string out;
  bool gap = true;
  for (char c : s) {
    int32_t r = static_cast<unsigned char>(c);
    if (u_is_space(r)) {
      gap = true;
    } else if (gap) {
      tmpl::append_rune(out, r);
      gap = false;
    }
  }
  return out;
}

std::string delete_white_space(std::string_view s) {
  std::string out;
  size_t kept = 0;
  for (char c : s) {
    int32_t r = static_cast<unsigned char>(c);
    if (!u_is_space(r)) {
      tmpl::append_rune(out, r);
      ++kept;
    }
  }
  if (kept == s.size()) return std::string(s);
  return out;
}

std::string abbreviate_full(std::string_view str, int64_t offset, int64_t max_width, bool* ok) {
  *ok = true;
  if (str.empty()) return "";
  if (max_width < 4) {
    *ok = false;
    return "";
  }
  int64_t len = static_cast<int64_t>(str.size());
  if (len <= max_width) return std::string(str);
  if (offset > len) offset = len;
  if (len - offset < max_width - 3) offset = len - (max_width - 3);
  if (offset <= 4) return std::string(str.substr(0, max_width - 3)) + "...";
  if (max_width < 7) {
    *ok = false;
    return "";
  }
  if (offset + max_width - 3 < len) {
    bool inner_ok;
    return "..." + abbreviate_full(str.substr(offset), 0, max_width - 3, &inner_ok);
  }
  return "..." + std::string(str.substr(len - (max_width - 3)));
}

std::string wrap_custom(std::string_view str, int64_t width, std::string_view newline, bool wrap_long_words) {
  if (str.empty()) return "";
  std::string nl = newline.empty() ? "\n" : std::string(newline);
  if (width < 1) width = 1;
  size_t w = static_cast<size_t>(width);
  size_t len = str.size();
  size_t offset = 0;
  std::string out;
  while (len - offset > w) {
    if (str[offset] == ' ') {
      ++offset;
      continue;
    }
    size_t end = w + offset + 1;
    size_t space = str.substr(offset, end - offset).rfind(' ');
    if (space != std::string_view::npos) {
      out.append(str.substr(offset, space));
      out += nl;
      offset += space + 1;
    } else if (wrap_long_words) {
      out.append(str.substr(offset, w));
      out += nl;
      offset += w;
    } else {
      size_t index = str.find(' ', w + offset);
      if (index == std::string_view::npos) {
        out.append(str.substr(offset));
        offset = len;
      } else {
        out.append(str.substr(offset, index - offset));
        out += nl;
        offset = index + 1;
      }
    }
  }
  out.append(str.substr(offset));
  return out;
}

}  // namespace skiff::chart::funcs

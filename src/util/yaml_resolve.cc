#include "util/yaml_resolve.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "util/encoding.h"
#include "util/go_strconv.h"

namespace skiff::yaml {
namespace {


bool lookup_special(std::string_view s, Resolved* r) {
  auto any_of = [&](std::initializer_list<std::string_view> words) {
    for (auto w : words) {
      if (s == w) return true;
    }
    return false;
  };
  if (any_of({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})) {
    r->tag = ResolvedTag::kBool;
    r->boolean = true;
    return true;
  }
  if (any_of({"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})) {
    r->tag = ResolvedTag::kBool;
    r->boolean = false;
    return true;
  }
  if (any_of({"", "~", "null", "Null", "NULL"})) {
    r->tag = ResolvedTag::kNull;
    return true;
  }
  if (any_of({".nan", ".NaN", ".NAN"})) {
    r->tag = ResolvedTag::kFloat;
    r->floating = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (any_of({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    r->tag = ResolvedTag::kFloat;
    r->floating = std::numeric_limits<double>::infinity();
    return true;
  }
  if (any_of({"-.inf", "-.Inf", "-.INF"})) {
    r->tag = ResolvedTag::kFloat;
    r->floating = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (s == "<<") {
    r->tag = ResolvedTag::kMerge;
    return true;
  }
  return false;
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool is_yaml_style_float(std::string_view s) {
  size_t i = 0;
  auto digits = [&]() {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

bool set_int(std::string_view text, Resolved* r) {
  if (auto v = go_parse_int(text)) {
    r->tag = ResolvedTag::kInt;
    r->integer = *v;
    return true;
  }
  return false;
}

// strconv.ParseInt/ParseUint(s, 2, 64) on the digits after a 0b prefix.
std::optional<uint64_t> parse_binary(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c != '0' && c != '1') return std::nullopt;
    if (v >> 63) return std::nullopt;
    v = v * 2 + (c - '0');
  }
  return v;
}

}  // namespace

Resolved resolve_plain(std::string_view in, bool try_timestamp) {
  Resolved r;
  char first = in.empty() ? 0 : in[0];
  bool sign_or_digit = first == '+' || first == '-' || (first >= '0' && first <= '9');
  bool in_map = std::string_view("yYnNtTfFoO~").find(first) != std::string_view::npos && first != 0;
  if (!(in.empty() || sign_or_digit || in_map || first == '.')) return r;
  if (lookup_special(in, &r)) return r;
  if (first == '.') {
    if (auto f = go_parse_float(in)) {
      r.tag = ResolvedTag::kFloat;
      r.floating = *f;
    }
    return r;
  }
  if (!sign_or_digit) return r;
  if (try_timestamp && is_yaml_timestamp(in)) {
    r.tag = ResolvedTag::kTimestamp;
    return r;
  }
  std::string plain;
  for (char c : in) {
    if (c != '_') plain += c;
  }
  if (set_int(plain, &r)) return r;
  if (auto u = go_parse_uint(plain)) {
    r.tag = ResolvedTag::kInt;
    r.is_unsigned = true;
    r.uint = *u;
    return r;
  }
  if (is_yaml_style_float(plain)) {
    if (auto f = go_parse_float(plain)) {
      r.tag = ResolvedTag::kFloat;
      r.floating = *f;
      return r;
    }
  }
  std::string_view p = plain;
  if (p.substr(0, 2) == "0b") {
    if (auto v = parse_binary(p.substr(2))) {
      r.tag = ResolvedTag::kInt;
      if (*v <= static_cast<uint64_t>(INT64_MAX)) {
        r.integer = static_cast<int64_t>(*v);
      } else {
        r.is_unsigned = true;
        r.uint = *v;
      }
      return r;
    }
  } else if (p.substr(0, 3) == "-0b") {
    if (auto v = parse_binary(p.substr(3)); v && *v <= static_cast<uint64_t>(INT64_MAX) + 1) {
      r.tag = ResolvedTag::kInt;
      r.integer = static_cast<int64_t>(0 - *v);
      return r;
    }
  }
  return r;
}

// ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
bool is_base60_float(std::string_view s) {
  if (s.empty()) return false;
  char c = s[0];
  if (!(c == '+' || c == '-' || (c >= '0' && c <= '9')) || s.find(':') == std::string_view::npos) {
    return false;
  }
  size_t i = 0;
  auto is_d = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (s[i] == '+' || s[i] == '-') ++i;
  if (!is_d(i)) return false;
  ++i;
  while (i < s.size() && (is_d(i) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    // [0-5]?[0-9]: one digit, or two digits when the first is 0-5.
    if (!is_d(i)) return false;
    if (s[i] <= '5' && is_d(i + 1)) {
      i += 2;
    } else {
      i += 1;
    }
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (is_d(i) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

namespace {

// time.Parse's getnum: one or two digits.
bool get_num(std::string_view* v, int* out) {
  auto d = [&](size_t k) { return k < v->size() && (*v)[k] >= '0' && (*v)[k] <= '9'; };
  if (!d(0)) return false;
  if (!d(1)) {
    *out = (*v)[0] - '0';
    v->remove_prefix(1);
    return true;
  }
  *out = ((*v)[0] - '0') * 10 + ((*v)[1] - '0');
  v->remove_prefix(2);
  return true;
}

bool take(std::string_view* v, char c) {
  if (v->empty() || (*v)[0] != c) return false;
  v->remove_prefix(1);
  return true;
}

int days_in(int month, int year) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) return 29;
  return kDays[month - 1];
}

// The clock part "15:4:5.999999999" of go-yaml's layouts.
bool parse_clock(std::string_view* v) {
  int hour, minute, second;
  if (!get_num(v, &hour) || hour >= 24 || !take(v, ':')) return false;
  if (!get_num(v, &minute) || minute >= 60 || !take(v, ':')) return false;
  if (!get_num(v, &second) || second >= 60) return false;
  if (v->size() >= 2 && ((*v)[0] == '.' || (*v)[0] == ',') && (*v)[1] >= '0' && (*v)[1] <= '9') {
    size_t i = 1;
    while (i < v->size() && (*v)[i] >= '0' && (*v)[i] <= '9') ++i;
    v->remove_prefix(i);
  }
  return true;
}

bool parse_zone(std::string_view* v) {
  if (take(v, 'Z')) return true;
  if (v->size() < 6 || ((*v)[0] != '+' && (*v)[0] != '-') || (*v)[3] != ':') return false;
  auto dd = [&](size_t k) {
    return (*v)[k] >= '0' && (*v)[k] <= '9' && (*v)[k + 1] >= '0' && (*v)[k + 1] <= '9';
  };
  if (!dd(1) || !dd(4)) return false;
  int hh = ((*v)[1] - '0') * 10 + ((*v)[2] - '0');
  int mm = ((*v)[4] - '0') * 10 + ((*v)[5] - '0');
  if (hh > 24 || mm > 60) return false;
  v->remove_prefix(6);
  return true;
}

}  // namespace

bool is_yaml_timestamp(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i != 4 || i == s.size() || s[i] != '-') return false;
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  std::string_view v = s.substr(5);
  int month, day;
  if (!get_num(&v, &month) || month < 1 || month > 12 || !take(&v, '-')) return false;
  if (!get_num(&v, &day) || day < 1 || day > days_in(month, year)) return false;
  if (v.empty()) return true;  // "2006-1-2"
  std::string_view rest = v;
  if (take(&rest, 'T') || take(&rest, 't')) {
    return parse_clock(&rest) && parse_zone(&rest) && rest.empty();
  }
  if (!v.empty() && v[0] == ' ') {
    while (!v.empty() && v[0] == ' ') v.remove_prefix(1);
    return parse_clock(&v) && v.empty();
  }
  return false;
}

namespace {

// unicode.IsDigit: ASCII and the common decimal-digit blocks.
bool go_is_digit(int32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return (r >= 0x660 && r <= 0x669) || (r >= 0x6F0 && r <= 0x6F9) || (r >= 0x966 && r <= 0x96F) ||
         (r >= 0xFF10 && r <= 0xFF19);
}

// unicode.IsLetter, approximated outside Latin-1: scripts count as letters, the
// punctuation, symbol, emoji and private-use blocks do not.
bool go_is_letter(int32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (r < 0x100) return r == 0xAA || r == 0xB5 || r == 0xBA || (r >= 0xC0 && r != 0xD7 && r != 0xF7);
  if (go_is_digit(r)) return false;
  if (r >= 0x2000 && r <= 0x2BFF) return false;   // punctuation, symbols, arrows, box drawing
  if (r >= 0x3000 && r <= 0x303F) return false;   // CJK punctuation
  if (r >= 0xE000 && r <= 0xF8FF) return false;   // private use
  if (r >= 0xFE00 && r <= 0xFE6F) return false;   // variation selectors, small forms
  if (r >= 0xFF00 && r <= 0xFF20) return false;   // fullwidth punctuation
  if (r >= 0xFFF0 && r <= 0xFFFF) return false;   // specials
  if (r == 0xFEFF || r == 0x85 || r == 0xAD) return false;  // format characters
  if (r >= 0x1F000 && r <= 0x1FAFF) return false; // emoji and pictographs
  if (r >= 0x300 && r <= 0x36F) return false;     // combining marks
  return true;
}

}  // namespace

// go-yaml v2 sorter.go keyList.Less for two string keys: letters sort before other
// characters, runs of digits compare by numeric value (int64 arithmetic, wrapping as Go's does).
namespace {

// yaml.v2's keyList.Less over two sequences of runes: `Runes` is a vector of decoded runes, or
// a string_view of ASCII text, whose bytes are its runes.
template <class Runes>
bool natural_runes_less(const Runes& ar, const Runes& br) {
  auto rune = [](const Runes& r, size_t i) { return static_cast<int32_t>(r[i]); };
  for (size_t i = 0; i < ar.size() && i < br.size(); ++i) {
    if (rune(ar, i) == rune(br, i)) continue;
    bool al = go_is_letter(rune(ar, i));
    bool bl = go_is_letter(rune(br, i));
    if (al && bl) return rune(ar, i) < rune(br, i);
    if (al || bl) return bl;
    uint64_t an = 0, bn = 0;
    if (rune(ar, i) == '0' || rune(br, i) == '0') {
      for (size_t j = i; j-- > 0 && go_is_digit(rune(ar, j));) {
        if (rune(ar, j) != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    for (; ai < ar.size() && go_is_digit(rune(ar, ai)); ++ai) an = an * 10 + static_cast<uint64_t>(rune(ar, ai) - '0');
    for (; bi < br.size() && go_is_digit(rune(br, bi)); ++bi) bn = bn * 10 + static_cast<uint64_t>(rune(br, bi) - '0');
    if (an != bn) return static_cast<int64_t>(an) < static_cast<int64_t>(bn);
    if (ai != bi) return ai < bi;
    return rune(ar, i) < rune(br, i);
  }
  return ar.size() < br.size();
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::vector<int32_t> runes_of(std::string_view s) {
  std::vector<int32_t> runes;
  for (size_t i = 0; i < s.size();) {
    int w = 1;
    runes.push_back(decode_rune(s.substr(i), &w));
    i += w;
  }
  return runes;
}

}  // namespace

bool natural_key_less(std::string_view a, std::string_view b) {
  if (is_ascii(a) && is_ascii(b)) return natural_runes_less(a, b);  // keys nearly always are
  return natural_runes_less(runes_of(a), runes_of(b));
}

namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

std::string short_tag(std::string_view tag) {
  if (tag.substr(0, kTagPrefix.size()) == kTagPrefix) return "!!" + std::string(tag.substr(kTagPrefix.size()));
  return std::string(tag);
}

std::string tag_name(ResolvedTag t) {
  switch (t) {
    case ResolvedTag::kStr: return "!!str";
    case ResolvedTag::kBool: return "!!bool";
    case ResolvedTag::kInt: return "!!int";
    case ResolvedTag::kFloat: return "!!float";
    case ResolvedTag::kNull: return "!!null";
    case ResolvedTag::kTimestamp: return "!!timestamp";
    case ResolvedTag::kMerge: return "!!merge";
  }
  return "!!str";
}

bool is_resolvable_tag(std::string_view tag) {
  for (std::string_view t : {"", "tag:yaml.org,2002:str", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                             "tag:yaml.org,2002:float", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"})
    if (tag == t) return true;
  return false;
}

}  // namespace

// decoder.scalar + resolve(tag, value).
Result<DecodedScalar> decode_scalar(const YamlNode& n) {
  DecodedScalar s;
  const std::string& tag = n.tag;
  if (tag == "tag:yaml.org,2002:binary") {
    auto data = base64_decode(n.value);
    if (!data) return Error::invalid("yaml: !!binary value contains invalid base64 data");
    s.text = *data;
    return s;
  }
  if ((tag.empty() && !n.implicit) || tag == "tag:yaml.org,2002:str" || !is_resolvable_tag(tag)) {
    s.text = n.value;  // quoted, !!str, or an unknown tag: the text as it is
    return s;
  }
  // Only untagged or !!timestamp scalars are tried as timestamps.
  Resolved r = resolve_plain(n.value, tag.empty() || tag == "tag:yaml.org,2002:timestamp");
  if (!tag.empty()) {
    std::string want = short_tag(tag);
    std::string got = tag_name(r.tag);
    if (want != got) {
      if (want != "!!float" || r.tag != ResolvedTag::kInt)
        return Error::invalid("yaml: cannot decode " + got + " `" + n.value + "` as a " + want);
      r.tag = ResolvedTag::kFloat;
      r.floating = r.is_unsigned ? static_cast<double>(r.uint) : static_cast<double>(r.integer);
    }
  }
  s.tag = r.tag;
  s.resolved = r;
  if (r.tag == ResolvedTag::kStr || r.tag == ResolvedTag::kTimestamp || r.tag == ResolvedTag::kMerge) {
    s.tag = ResolvedTag::kStr;
    s.text = n.value;
  }
  return s;
}

bool is_merge_key(const YamlNode& n) {
  return n.kind == YamlNode::Kind::kScalar && n.value == "<<" && (n.implicit || n.tag == "tag:yaml.org,2002:merge");
}

}  // namespace skiff::yaml

#include "chart/yaml/yaml_resolve.h"

#include <cmath>
#include <limits>
#include <string>

#include "chart/template/go_strconv.h"

namespace skiff::chart::yaml {
namespace {

using tmpl::go_parse_float;
using tmpl::go_parse_int;
using tmpl::go_parse_uint;

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

}  // namespace skiff::chart::yaml

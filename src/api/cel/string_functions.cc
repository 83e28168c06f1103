// Strings as cel-go treats them: indexes count code points; split/replace/trim follow Go's
// strings package; matches/find/findAll use RE2 (Go's regexp syntax).
#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "api/cel/format.h"
#include "api/cel/function_groups.h"
#include "api/utf8.h"
#include "util/go_strconv.h"
#include "util/go_unicode.h"

namespace skiff::api::cel {
namespace {

using K = ValueKind;

uint64_t traversal_cost(uint64_t size) { return static_cast<uint64_t>(std::ceil(static_cast<double>(size) * 0.1)); }

// Byte offsets of each code point (and of the end), as Go's []rune(s) sees them.
std::vector<size_t> rune_offsets(std::string_view s) {
  std::vector<size_t> offsets;
  size_t i = 0;
  while (i < s.size()) {
    offsets.push_back(i);
    i += decode_utf8(s.substr(i)).second;
  }
  offsets.push_back(s.size());
  return offsets;
}

std::vector<uint32_t> runes(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    auto [r, width] = decode_utf8(s.substr(i));
    out.push_back(r);
    i += width;
  }
  return out;
}

Value index_error(int64_t i) { return Value::error("index out of range: " + std::to_string(i)); }

Value index_of(const std::string& str, const std::string& sub, int64_t offset, bool last, bool has_offset) {
  std::vector<uint32_t> s = runes(str), t = runes(sub);
  const int64_t n = static_cast<int64_t>(s.size()), m = static_cast<int64_t>(t.size());
  if (!has_offset) offset = last ? n - 1 : 0;
  if (sub.empty()) return Value::integer(last && !has_offset ? n : offset);
  if (offset < 0) return index_error(offset);
  if (offset >= n) return Value::integer(-1);
  auto match_at = [&](int64_t i) {
    for (int64_t j = 0; j < m; ++j)
      if (s[i + j] != t[j]) return false;
    return true;
  };
  if (!last) {
    for (int64_t i = offset; i < n - (m - 1); ++i)
      if (match_at(i)) return Value::integer(i);
    return Value::integer(-1);
  }
  if (offset > n - m) offset = n - m;
  for (int64_t i = offset; i >= 0; --i)
    if (match_at(i)) return Value::integer(i);
  return Value::integer(-1);
}

// Go's strings.Replace (n < 0: all).
std::string replace(const std::string& s, const std::string& from, const std::string& to, int64_t n) {
  if (n == 0 || (from == to)) return s;
  std::string out;
  if (from.empty()) {
    // Matches before every code point and at the end: up to k+1 replacements for k runes.
    auto offsets = rune_offsets(s);
    const size_t count = offsets.size() - 1;
    int64_t done = 0;
    for (size_t i = 0; i <= count; ++i) {
      if (n < 0 || done < n) {
        out += to;
        ++done;
      }
      if (i < count) out += s.substr(offsets[i], offsets[i + 1] - offsets[i]);
    }
    return out;
  }
  size_t start = 0;
  int64_t done = 0;
  while (n < 0 || done < n) {
    size_t pos = s.find(from, start);
    if (pos == std::string::npos) break;
    out += s.substr(start, pos - start) + to;
    start = pos + from.size();
    ++done;
  }
  return out + s.substr(start);
}

std::string ascii_case(std::string s, bool upper) {
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto [r, width] = decode_utf8(s.substr(i));
    std::string_view raw = s.substr(i, width);
    i += width;
    switch (r) {
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default: out += r == kUtf8Invalid && width == 1 ? std::string("\uFFFD") : std::string(raw);
    }
  }
  return out + "\"";
}

// The subset of string.format() that CRD messages use: %s, %d, %f/%.Nf, %e, %x, %X, %o, %b, %%.
Value format(const std::string& pattern, const ListValue& args) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    if (++i >= pattern.size()) return Value::error("unexpected end of string");
    if (pattern[i] == '%') {
      out += '%';
      continue;
    }
    int precision = -1;
    if (pattern[i] == '.') {
      precision = 0;
      while (++i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9')
        precision = precision * 10 + (pattern[i] - '0');
      if (i >= pattern.size()) return Value::error("unexpected end of string");
    }
    if (next >= args.size()) return Value::error("index " + std::to_string(next) + " out of range");
    Value arg = args.get(next++);
    char verb = pattern[i];
    switch (verb) {
      case 's':
        if (arg.is(K::kString))
          out += arg.as_string();
        else if (arg.is(K::kBytes))
          out += arg.as_bytes();
        else if (arg.is(K::kInt))
          out += std::to_string(arg.as_int());
        else if (arg.is(K::kUint))
          out += std::to_string(arg.as_uint());
        else if (arg.is(K::kDouble))
          out += format_double(arg.as_double());
        else if (arg.is(K::kBool))
          out += arg.as_bool() ? "true" : "false";
        else if (arg.is(K::kNull))
          out += "null";
        else if (arg.is(K::kDuration))
          out += format_duration(arg.as_duration());
        else if (arg.is(K::kTimestamp))
          out += format_timestamp(arg.as_timestamp());
        else
          return Value::error(
              "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, "
              "and timestamps, was given " +
              type_name_of(arg));
        break;
      case 'd':
        if (arg.is(K::kInt))
          out += std::to_string(arg.as_int());
        else if (arg.is(K::kUint))
          out += std::to_string(arg.as_uint());
        else
          return Value::error("decimal clause can only be used on integers, was given " + type_name_of(arg));
        break;
      case 'f':
      case 'e': {
        double d;
        if (arg.is(K::kDouble))
          d = arg.as_double();
        else if (arg.is(K::kInt))
          d = static_cast<double>(arg.as_int());
        else if (arg.is(K::kUint))
          d = static_cast<double>(arg.as_uint());
        else
          return Value::error("fixed-point clause can only be used on doubles, was given " + type_name_of(arg));
        char buf[512];
        std::snprintf(buf, sizeof buf, verb == 'f' ? "%.*f" : "%.*e", precision < 0 ? 6 : std::min(precision, 100), d);
        out += buf;
        break;
      }
      case 'x':
      case 'X':
      case 'o':
      case 'b': {
        if (arg.is(K::kString) && (verb == 'x' || verb == 'X')) {
          static const char* kHex = "0123456789abcdef";
          for (unsigned char c : arg.as_string()) {
            char hi = kHex[c >> 4], lo = kHex[c & 15];
            out += verb == 'X' ? static_cast<char>(std::toupper(hi)) : hi;
            out += verb == 'X' ? static_cast<char>(std::toupper(lo)) : lo;
          }
          break;
        }
        uint64_t magnitude;
        bool negative = false;
        if (arg.is(K::kInt)) {
          negative = arg.as_int() < 0;
          magnitude = negative ? 0 - static_cast<uint64_t>(arg.as_int()) : static_cast<uint64_t>(arg.as_int());
        } else if (arg.is(K::kUint)) {
          magnitude = arg.as_uint();
        } else {
          return Value::error("integer clause can only be used on integers, was given " + type_name_of(arg));
        }
        unsigned base = verb == 'o' ? 8 : verb == 'b' ? 2 : 16;
        const char* digits = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        std::string rev;
        do {
          rev += digits[magnitude % base];
          magnitude /= base;
        } while (magnitude);
        if (negative) out += '-';
        out.append(rev.rbegin(), rev.rend());
        break;
      }
      default: return Value::error(std::string("unrecognized formatting clause \"") + verb + "\"");
    }
  }
  return Value::string(out);
}

std::shared_ptr<const RE2> compile(const std::string& pattern, std::string& error) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) {
    error = "error parsing regexp: " + re->error();
    return nullptr;
  }
  return re;
}

std::optional<Value> call_regex(std::string_view name, const std::string& s, const std::vector<Value>& args,
                                CostMeter& cost, const RE2* precompiled) {
  if (args.empty() || !args[0].is(K::kString)) return Value::no_such_overload();
  const std::string& pattern = args[0].as_string();
  cost.charge(traversal_cost(s.size() + 1) *
              static_cast<uint64_t>(std::ceil(static_cast<double>(pattern.size()) * 0.25)));
  std::shared_ptr<const RE2> owned;
  const RE2* re = precompiled;
  if (!re) {
    std::string error;
    owned = compile(pattern, error);
    if (!owned) return Value::error(error);
    re = owned.get();
  }
  if (name == "matches") return Value::boolean(RE2::PartialMatch(s, *re));
  if (name == "find") {
    re2::StringPiece match;
    if (re->Match(s, 0, s.size(), RE2::UNANCHORED, &match, 1))
      return Value::string(std::string(match.data(), match.size()));
    return Value::string("");
  }
  // findAll
  int64_t limit = -1;
  if (args.size() == 2) {
    if (!args[1].is(K::kInt)) return Value::no_such_overload();
    limit = args[1].as_int();
  }
  std::vector<Value> found;
  if (limit == 0) return make_list({});
  size_t pos = 0;
  size_t prev_end = std::string::npos;
  while (pos <= s.size() && (limit < 0 || static_cast<int64_t>(found.size()) < limit)) {
    re2::StringPiece match;
    if (!re->Match(s, pos, s.size(), RE2::UNANCHORED, &match, 1)) break;
    size_t start = static_cast<size_t>(match.data() - s.data());
    size_t end = start + match.size();
    // Go's FindAllString skips an empty match right after the previous match.
    if (!(match.empty() && start == prev_end)) found.push_back(Value::string(std::string(match.data(), match.size())));
    prev_end = end;
    if (end > pos)
      pos = end;
    else
      pos += pos < s.size() ? decode_utf8(std::string_view(s).substr(pos)).second : 1;
  }
  return make_list(std::move(found));
}

// Kubernetes' IP library parses with Go's netip: no zones, no IPv4-mapped IPv6 addresses.
std::optional<int> ip_family(const std::string& s) {
  if (s.find('%') != std::string::npos) return std::nullopt;
  unsigned char buf[16];
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), buf) != 1) return std::nullopt;
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped, kMapped + 12, buf)) return std::nullopt;
    return 6;
  }
  if (inet_pton(AF_INET, s.c_str(), buf) != 1) return std::nullopt;
  return 4;
}

bool is_cidr(const std::string& s) {
  size_t slash = s.find('/');
  if (slash == std::string::npos) return false;
  auto family = ip_family(s.substr(0, slash));
  std::string bits = s.substr(slash + 1);
  if (!family || bits.empty() || bits.size() > 3 || (bits.size() > 1 && bits[0] == '0')) return false;
  if (!std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return std::stoi(bits) <= (*family == 4 ? 32 : 128);
}

}  // namespace

std::optional<Value> call_string_function(std::string_view name, const Value* target, const std::vector<Value>& args,
                                          CostMeter& cost, const re2::RE2* regex) {
  if (name == "strings.quote" && !target && args.size() == 1) {
    if (!args[0].is(K::kString)) return Value::no_such_overload();
    cost.charge(traversal_cost(args[0].as_string().size()));
    return Value::string(quote(args[0].as_string()));
  }
  if ((name == "isIP" || name == "isCIDR") && !target && args.size() == 1) {
    if (!args[0].is(K::kString)) return Value::no_such_overload();
    const std::string& text = args[0].as_string();
    return Value::boolean(name == "isIP" ? ip_family(text).has_value() : is_cidr(text));
  }
  if (name == "matches" && !target && args.size() == 2) {
    if (!args[0].is(K::kString)) return Value::no_such_overload();
    return call_regex(name, args[0].as_string(), {args[1]}, cost, regex);
  }
  if (target && target->is(K::kList) && name == "join") {
    const ListValue& l = target->as_list();
    std::string sep;
    if (args.size() == 1) {
      if (!args[0].is(K::kString)) return Value::no_such_overload();
      sep = args[0].as_string();
    } else if (!args.empty()) {
      return Value::no_such_overload();
    }
    std::string out;
    for (size_t i = 0; i < l.size(); ++i) {
      Value e = l.get(i);
      if (!e.is(K::kString)) return Value::error("join: invalid input: " + display(e));
      if (i) out += sep;
      out += e.as_string();
    }
    cost.charge(traversal_cost(out.size()));
    return Value::string(out);
  }
  if (!target || !target->is(K::kString)) return std::nullopt;
  const std::string& s = target->as_string();
  auto str_arg = [&](size_t i) { return i < args.size() && args[i].is(K::kString); };
  auto int_arg = [&](size_t i) { return i < args.size() && args[i].is(K::kInt); };
  const size_t n = args.size();

  if (name == "size" && n == 0) return Value::integer(static_cast<int64_t>(rune_count(s)));
  if (name == "matches" || name == "find" || name == "findAll") return call_regex(name, s, args, cost, regex);
  if ((name == "contains" || name == "startsWith" || name == "endsWith") && n == 1) {
    if (!str_arg(0)) return Value::no_such_overload();
    const std::string& t = args[0].as_string();
    if (name == "contains") {
      cost.charge(traversal_cost(s.size()) * traversal_cost(t.size()));
      return Value::boolean(s.find(t) != std::string::npos);
    }
    cost.charge(traversal_cost(s.size()));
    if (t.size() > s.size()) return Value::boolean(false);
    return Value::boolean(name == "startsWith" ? s.compare(0, t.size(), t) == 0
                                               : s.compare(s.size() - t.size(), t.size(), t) == 0);
  }
  cost.charge(traversal_cost(s.size()));
  if (name == "charAt" && n == 1 && int_arg(0)) {
    auto offsets = rune_offsets(s);
    int64_t i = args[0].as_int();
    const int64_t len = static_cast<int64_t>(offsets.size()) - 1;
    if (i < 0 || i > len) return index_error(i);
    if (i == len) return Value::string("");
    return Value::string(s.substr(offsets[i], offsets[i + 1] - offsets[i]));
  }
  if ((name == "indexOf" || name == "lastIndexOf") && (n == 1 || n == 2) && str_arg(0) && (n == 1 || int_arg(1)))
    return index_of(s, args[0].as_string(), n == 2 ? args[1].as_int() : 0, name == "lastIndexOf", n == 2);
  if (name == "lowerAscii" && n == 0) return Value::string(ascii_case(s, false));
  if (name == "upperAscii" && n == 0) return Value::string(ascii_case(s, true));
  if (name == "trim" && n == 0) return Value::string(go_trim_space(s));
  if (name == "replace" && (n == 2 || n == 3) && str_arg(0) && str_arg(1) && (n == 2 || int_arg(2)))
    return Value::string(replace(s, args[0].as_string(), args[1].as_string(), n == 3 ? args[2].as_int() : -1));
  if (name == "split" && (n == 1 || n == 2) && str_arg(0) && (n == 1 || int_arg(1))) {
    std::vector<Value> parts;
    for (auto& p : go_split(s, args[0].as_string(), n == 2 ? args[1].as_int() : -1))
      parts.push_back(Value::string(std::move(p)));
    return make_list(std::move(parts));
  }
  if (name == "substring" && (n == 1 || n == 2) && int_arg(0) && (n == 1 || int_arg(1))) {
    auto offsets = rune_offsets(s);
    const int64_t len = static_cast<int64_t>(offsets.size()) - 1;
    int64_t start = args[0].as_int();
    int64_t end = n == 2 ? args[1].as_int() : len;
    if (n == 2 && start > end)
      return Value::error("invalid substring range. start: " + std::to_string(start) + ", end: " + std::to_string(end));
    if (start < 0 || start > len) return index_error(start);
    if (end < 0 || end > len) return index_error(end);
    return Value::string(s.substr(offsets[start], offsets[end] - offsets[start]));
  }
  if (name == "format" && n == 1) {
    if (!args[0].is(K::kList)) return Value::no_such_overload();
    return format(s, args[0].as_list());
  }
  return std::nullopt;
}

std::optional<Value> call_time_function(std::string_view name, const Value* target, const std::vector<Value>& args) {
  if (!target || args.size() > 1) return std::nullopt;
  if (target->is(K::kDuration)) {
    if (!args.empty()) return std::nullopt;
    int64_t ns = target->as_duration().nanos;
    if (name == "getHours") return Value::integer(ns / 3600000000000LL);
    if (name == "getMinutes") return Value::integer(ns / 60000000000LL);
    if (name == "getSeconds") return Value::integer(ns / 1000000000LL);
    if (name == "getMilliseconds") return Value::integer(ns / 1000000LL);
    return std::nullopt;
  }
  if (!target->is(K::kTimestamp)) return std::nullopt;
  int64_t offset = 0;
  if (args.size() == 1) {
    if (!args[0].is(K::kString)) return Value::no_such_overload();
    auto z = zone_offset(args[0].as_string());
    if (!z) return Value::error("unknown time zone " + args[0].as_string());
    offset = *z;
  }
  Timestamp t = target->as_timestamp();
  CivilTime c = civil_time(t, offset);
  if (name == "getFullYear") return Value::integer(c.year);
  if (name == "getMonth") return Value::integer(c.month - 1);
  if (name == "getDate") return Value::integer(c.day);
  if (name == "getDayOfMonth") return Value::integer(c.day - 1);
  if (name == "getDayOfWeek") return Value::integer(c.day_of_week);
  if (name == "getDayOfYear") return Value::integer(c.day_of_year);
  if (name == "getHours") return Value::integer(c.hour);
  if (name == "getMinutes") return Value::integer(c.minute);
  if (name == "getSeconds") return Value::integer(c.second);
  if (name == "getMilliseconds") return Value::integer(t.nanos / 1000000);
  return std::nullopt;
}

}  // namespace skiff::api::cel

#include "api/quantity.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "api/decimal_digits.h"

namespace skiff::api {
namespace {

constexpr int64_t kNanoExponent = -9;
constexpr std::string_view kMaxInt64 = "9223372036854775807";
constexpr std::string_view kMinInt64Magnitude = "9223372036854775808";

Error format_error() {
  return Error::bad_request(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
}
Error numeric_error() { return Error::bad_request("unable to parse numeric part of quantity"); }
Error suffix_error() { return Error::bad_request("unable to parse quantity's suffix"); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The pieces of a quantity string, split the way apimachinery's scanner splits them.
struct Scanned {
  bool negative = false;
  std::string_view num;     // integer digits without leading zeros; "0" when there are none
  std::string_view denom;   // fraction digits
  std::string_view suffix;
  bool has_digits = true;   // whether the numeric part held any digit at all ("." and "" do not)
};

// Returns false when the text cannot be a quantity at all (the regular-expression error).
bool scan(std::string_view s, Scanned& out) {
  size_t pos = 0, end = s.size();
  if (s[0] == '-' || s[0] == '+') {
    out.negative = s[0] == '-';
    ++pos;
  }
  size_t zeros_start = pos;
  while (pos < end && s[pos] == '0') ++pos;
  if (pos == end) {
    out.num = "0";
    return true;
  }
  bool had_zeros = pos > zeros_start;
  size_t num_start = pos;
  while (pos < end && is_digit(s[pos])) ++pos;
  out.num = s.substr(num_start, pos - num_start);
  if (pos == end) return true;
  out.has_digits = had_zeros || !out.num.empty();
  if (out.num.empty()) out.num = "0";
  if (s[pos] == '.') {
    size_t denom_start = ++pos;
    while (pos < end && is_digit(s[pos])) ++pos;
    out.denom = s.substr(denom_start, pos - denom_start);
    out.has_digits = out.has_digits || !out.denom.empty();
    if (pos == end) return true;
  }
  size_t suffix_start = pos;
  while (pos < end && std::strchr("eEinumkKMGTP", s[pos]) != nullptr) ++pos;
  if (pos < end && (s[pos] == '-' || s[pos] == '+')) ++pos;
  while (pos < end && is_digit(s[pos])) ++pos;
  if (pos != end) return false;
  out.suffix = s.substr(suffix_start);
  return true;
}

struct Suffix {
  int base = 10;
  int64_t exponent = 0;
  Quantity::Format format = Quantity::Format::kDecimalSI;
};

std::optional<int64_t> parse_go_int64(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+') return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<Suffix> interpret(std::string_view s) {
  using F = Quantity::Format;
  static constexpr std::pair<std::string_view, int> kDecimal[] = {
      {"", 0}, {"n", -9}, {"u", -6}, {"m", -3}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}};
  static constexpr std::pair<std::string_view, int> kBinary[] = {
      {"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  for (auto [name, exp] : kDecimal)
    if (s == name) return Suffix{10, exp, F::kDecimalSI};
  for (auto [name, exp] : kBinary)
    if (s == name) return Suffix{2, exp, F::kBinarySI};
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    auto exp = parse_go_int64(s.substr(1));
    // Kubernetes silently wraps exponents outside int32; refusing them keeps values meaningful.
    if (!exp || *exp < INT32_MIN || *exp > INT32_MAX) return std::nullopt;
    return Suffix{10, *exp, F::kDecimalExponent};
  }
  return std::nullopt;
}

std::string_view decimal_suffix(int64_t exponent) {
  switch (exponent) {
    case -9: return "n";
    case -6: return "u";
    case -3: return "m";
    case 0: return "";
    case 3: return "k";
    case 6: return "M";
    case 9: return "G";
    case 12: return "T";
    case 15: return "P";
    case 18: return "E";
  }
  return "?";
}

int64_t floor_to_multiple_of_3(int64_t e) { return e - ((e % 3) + 3) % 3; }

}  // namespace

Result<Quantity> Quantity::parse(std::string_view text) {
  if (text.empty()) return format_error();
  Quantity q;
  if (text == "0") {
    q.parsed_spelling_ = "0";
    return q;
  }
  Scanned s;
  if (!scan(text, s)) return format_error();
  auto suffix = interpret(s.suffix);
  if (!suffix) return suffix_error();

  // apimachinery takes an int64 fast path for "small" inputs and an arbitrary-precision path
  // otherwise; only the latter rounds, caps and may reject an empty number, so mirror the split.
  int64_t len = static_cast<int64_t>(s.num.size() + s.denom.size());
  bool fast = false;
  if (suffix->base == 10) {
    fast = 18 - len >= 0 && suffix->exponent - static_cast<int64_t>(s.denom.size()) >= kNanoExponent;
  } else if (s.denom.empty()) {
    fast = 14 - len - suffix->exponent * 3 / 10 >= 0;
  }
  if (!fast && !s.has_digits) return numeric_error();

  std::string shifted = std::string(s.num) + std::string(s.denom);
  q.negative_ = s.negative;
  q.format_ = suffix->format;
  q.digits_ = shifted;
  if (suffix->base == 10) {
    q.exponent_ = suffix->exponent - static_cast<int64_t>(s.denom.size());
  } else {
    q.exponent_ = -static_cast<int64_t>(s.denom.size());
    for (int64_t i = 0; i < suffix->exponent / 10; ++i) digits::multiply_small(q.digits_, 1024);
  }
  digits::normalize(q.digits_, q.exponent_);

  if (fast) {
    bool echo;
    if (suffix->base == 10) {
      echo = (suffix->exponent - static_cast<int64_t>(s.denom.size())) % 3 == 0 &&
             !(shifted.size() >= 3 && shifted.compare(shifted.size() - 3, 3, "000") == 0) && shifted[0] != '0';
    } else {
      uint64_t v = 0;  // at most 11 digits on this path
      for (char c : shifted) v = v * 10 + static_cast<uint64_t>(c - '0');
      echo = (v & 7) != 0;
    }
    if (echo) q.parsed_spelling_ = std::string(text);
  } else {
    // Anything finer than a nano-unit rounds up: asking for some resource must get some.
    digits::round_up_to(q.digits_, q.exponent_, kNanoExponent);
    if (q.format_ == Format::kBinarySI) {
      if (digits::compare(q.digits_, q.exponent_, kMaxInt64, 0) > 0) {
        q.digits_ = std::string(kMaxInt64);
        q.exponent_ = 0;
      }
      if (!q.digits_.empty() && digits::compare(q.digits_, q.exponent_, "1", 0) < 0) q.format_ = Format::kDecimalSI;
    }
  }
  if (q.digits_.empty()) q.negative_ = false;
  // Exponents beyond int32 could not be written back in a form that parses again.
  if (q.exponent_ > INT32_MAX) return suffix_error();
  return q;
}

Quantity Quantity::from_int(int64_t value, Format format) {
  Quantity q;
  q.format_ = format;
  q.negative_ = value < 0;
  uint64_t magnitude = value < 0 ? ~static_cast<uint64_t>(value) + 1 : static_cast<uint64_t>(value);
  q.digits_ = std::to_string(magnitude);
  digits::normalize(q.digits_, q.exponent_);
  if (q.digits_.empty()) q.negative_ = false;
  return q;
}

Quantity Quantity::from_milli(int64_t milli, Format format) {
  Quantity q = from_int(milli, format);
  if (!q.digits_.empty()) q.exponent_ -= 3;
  return q;
}

Result<Quantity> Quantity::from_json(const nlohmann::json& value) {
  if (value.is_null()) return Quantity();
  if (value.is_string()) {
    std::string_view s = value.get_ref<const std::string&>();
    auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return parse(s);
  }
  return parse(value.dump());
}

std::string Quantity::to_string() const { return parsed_spelling_.empty() ? canonical() : parsed_spelling_; }

std::string Quantity::canonical() const {
  if (digits_.empty()) return "0";
  Format format = format_;
  if (format == Format::kBinarySI &&
      (digits::compare(digits_, exponent_, "1024", 0) < 0 || exponent_ < 0)) {
    // Below 1Ki, or fractional: binary suffixes would round, so show the exact decimal form.
    format = Format::kDecimalSI;
  }
  std::string out = negative_ ? "-" : "";
  if (format == Format::kBinarySI) {
    std::string mantissa = digits_;
    mantissa.append(static_cast<size_t>(exponent_), '0');
    int power = 0;
    while (power < 6 && digits::divide_exact_small(mantissa, 1024)) ++power;
    static constexpr std::string_view kBinarySuffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    return out + mantissa + std::string(kBinarySuffix[power]);
  }
  int64_t e3 = floor_to_multiple_of_3(exponent_);
  out += digits_;
  out.append(static_cast<size_t>(exponent_ - e3), '0');
  if (format == Format::kDecimalSI && e3 >= -9 && e3 <= 18) return out + std::string(decimal_suffix(e3));
  // Beyond "E" there is no SI suffix; the exponent form keeps the value intact.
  if (e3 != 0) out += "e" + std::to_string(e3);
  return out;
}

int64_t Quantity::scaled_value(int64_t scale) const {
  if (digits_.empty()) return 0;
  std::string d = digits_;
  int64_t e = exponent_;
  digits::round_up_to(d, e, scale);
  int64_t zeros = e - scale;
  std::string_view limit = negative_ ? kMinInt64Magnitude : kMaxInt64;
  if (static_cast<int64_t>(d.size()) + zeros > static_cast<int64_t>(limit.size()) ||
      digits::compare(d, zeros, limit, 0) > 0) {
    return negative_ ? INT64_MIN : INT64_MAX;
  }
  d.append(static_cast<size_t>(zeros), '0');
  uint64_t magnitude = 0;
  for (char c : d) magnitude = magnitude * 10 + static_cast<uint64_t>(c - '0');
  return negative_ ? static_cast<int64_t>(~magnitude + 1) : static_cast<int64_t>(magnitude);
}

int64_t Quantity::value() const { return scaled_value(0); }
int64_t Quantity::milli_value() const { return scaled_value(-3); }

int Quantity::compare(const Quantity& other) const {
  if (sign() != other.sign()) return sign() < other.sign() ? -1 : 1;
  int c = digits::compare(digits_, exponent_, other.digits_, other.exponent_);
  return negative_ ? -c : c;
}

void Quantity::add_signed(bool negate_other, const Quantity& other) {
  parsed_spelling_.clear();
  if (is_zero()) format_ = other.format_;
  bool other_negative = other.negative_ != negate_other;
  if (negative_ == other_negative) {
    digits::add(digits_, exponent_, other.digits_, other.exponent_, digits_, exponent_);
  } else if (digits::compare(digits_, exponent_, other.digits_, other.exponent_) >= 0) {
    digits::subtract_smaller(digits_, exponent_, other.digits_, other.exponent_, digits_, exponent_);
  } else {
    std::string d;
    int64_t e;
    digits::subtract_smaller(other.digits_, other.exponent_, digits_, exponent_, d, e);
    digits_ = std::move(d);
    exponent_ = e;
    negative_ = other_negative;
  }
  if (digits_.empty()) negative_ = false;
}

Quantity& Quantity::operator+=(const Quantity& other) {
  add_signed(false, other);
  return *this;
}

Quantity& Quantity::operator-=(const Quantity& other) {
  add_signed(true, other);
  return *this;
}

}  // namespace skiff::api

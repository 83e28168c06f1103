// Resource quantities ("100m", "1Gi", "2.5e3"): exact parsing, canonical formatting,
// comparison and arithmetic, as k8s.io/apimachinery/pkg/api/resource.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "util/result.h"

namespace skiff::api {

class Quantity {
 public:
  enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };

  Quantity() = default;
  // 400 BadRequest "quantities must match the regular expression ..." on bad input.
  static Result<Quantity> parse(std::string_view text);
  static Quantity from_milli(int64_t milli, Format format = Format::kDecimalSI);
  static Quantity from_int(int64_t value, Format format = Format::kDecimalSI);
  // A quantity field of a JSON object: a string (surrounding spaces ignored), a number, or null (zero).
  static Result<Quantity> from_json(const nlohmann::json& value);

  // Canonical form, as Kubernetes serializes it ("1500m" -> "1500m", "1.5" -> "1500m", "1024Mi" -> "1Gi").
  // Like Kubernetes, a parsed spelling that is already canonical up to a sign or leading zeros
  // ("+1k", "01Ki", "1E3") is echoed verbatim until the value changes.
  std::string to_string() const;
  std::string canonical() const;  // always recomputed, never the parsed spelling
  int64_t value() const;        // rounded up (away from zero) to an integer; saturates at int64 bounds
  int64_t milli_value() const;  // rounded up (away from zero) to milli-units; saturates
  Format format() const { return format_; }
  bool is_zero() const { return digits_.empty(); }
  int sign() const { return digits_.empty() ? 0 : (negative_ ? -1 : 1); }
  int compare(const Quantity& other) const;  // <0, 0, >0

  Quantity& operator+=(const Quantity& other);
  Quantity& operator-=(const Quantity& other);
  friend Quantity operator+(Quantity a, const Quantity& b) { return a += b; }
  friend Quantity operator-(Quantity a, const Quantity& b) { return a -= b; }
  friend bool operator==(const Quantity& a, const Quantity& b) { return a.compare(b) == 0; }
  friend bool operator<(const Quantity& a, const Quantity& b) { return a.compare(b) < 0; }

 private:
  // The exact value is (negative_ ? -1 : 1) * digits_ * 10^exponent_. digits_ holds decimal digits
  // with no leading or trailing zeros (trailing zeros live in exponent_); empty means zero.
  bool negative_ = false;
  std::string digits_;
  int64_t exponent_ = 0;
  Format format_ = Format::kDecimalSI;
  std::string parsed_spelling_;  // what to_string() echoes; cleared when the value changes

  void add_signed(bool negate_other, const Quantity& other);
  int64_t scaled_value(int64_t scale) const;
};

}  // namespace skiff::api

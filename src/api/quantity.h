// Resource quantities ("100m", "1Gi", "2.5e3"): exact parsing, canonical formatting,
// comparison and arithmetic, as k8s.io/apimachinery/pkg/api/resource.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

  // Canonical form, as Kubernetes serializes it ("1500m" -> "1500m", "1.5" -> "1500m", "1024Mi" -> "1Gi").
  std::string to_string() const;
  int64_t value() const;        // rounded up to an integer
  int64_t milli_value() const;  // rounded up to milli-units
  Format format() const { return format_; }
  bool is_zero() const;
  int compare(const Quantity& other) const;  // <0, 0, >0

  Quantity& operator+=(const Quantity& other);
  Quantity& operator-=(const Quantity& other);
  friend bool operator==(const Quantity& a, const Quantity& b) { return a.compare(b) == 0; }
  friend bool operator<(const Quantity& a, const Quantity& b) { return a.compare(b) < 0; }

 private:
  // Value = unscaled_ * 10^scale_ (exact decimal); large values fall back to a wider representation
  // chosen by the implementation.
  __int128 unscaled_ = 0;
  int32_t scale_ = 0;
  Format format_ = Format::kDecimalSI;
};

}  // namespace skiff::api

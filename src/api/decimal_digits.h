// Arithmetic on unsigned decimal digit strings ("12345", most significant digit first), the
// exact representation behind Quantity. Inputs carry no leading zeros unless stated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skiff::api::digits {

// Removes leading zeros and moves trailing zeros into *exponent; "" (zero) gets exponent 0.
void normalize(std::string& digits, int64_t& exponent);

// Compares a*10^ea with b*10^eb; both normalized.
int compare(std::string_view a, int64_t ea, std::string_view b, int64_t eb);

// Exact a*10^ea + b*10^eb (or the difference, larger minus smaller), normalized.
void add(std::string_view a, int64_t ea, std::string_view b, int64_t eb, std::string& out, int64_t& eout);
void subtract_smaller(std::string_view larger, int64_t el, std::string_view smaller, int64_t es,
                      std::string& out, int64_t& eout);

// Rounds a normalized value to a multiple of 10^exponent, away from zero.
void round_up_to(std::string& digits, int64_t& exponent, int64_t target_exponent);

// Multiplies by a small factor in place (digits may be "" for zero).
void multiply_small(std::string& digits, uint32_t factor);

// Divides in place when the division is exact; returns false (digits untouched) otherwise.
bool divide_exact_small(std::string& digits, uint32_t divisor);

}  // namespace skiff::api::digits

// Exact decimal arithmetic as shopspring/decimal performs it for Sprig's float
// functions (addf, subf, mulf, divf, add1f): operands enter through their shortest
// decimal form, division keeps 16 decimal places.
#pragma once

#include <optional>
#include <string>

namespace skiff::chart::funcs {

enum class DecimalOp { kAdd, kSub, kMul, kDiv };

// Folds `op` over the operands left to right and converts back to float64.
// nullopt: a NaN/Inf operand or division by zero (shopspring panics), with *error set.
std::optional<double> decimal_fold(double first, const double* rest, size_t n, DecimalOp op, std::string* error);

}  // namespace skiff::chart::funcs

// Sprig's arithmetic (numeric.go and functions.go): integer functions convert every
// operand with cast.ToInt64 and return int64; the f variants use exact decimals.
#include <cmath>

#include "chart/funcs/decimal.h"
#include "chart/funcs/go_values.h"
#include "chart/funcs/random.h"
#include "chart/funcs/registry.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

Value i64(int64_t v) { return Value::integer(v, Kind::kInt64); }

Error divide_by_zero() { return func_error("runtime error: integer divide by zero"); }

// Two's-complement arithmetic as Go defines it (wrapping, no traps).
int64_t wrap_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t wrap_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t wrap_mul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

std::vector<int64_t> until_step(int64_t start, int64_t stop, int64_t step) {
  std::vector<int64_t> v;
  if (stop < start) {
    if (step >= 0) return v;
    for (int64_t i = start; i > stop; i += step) v.push_back(i);
    return v;
  }
  if (step <= 0) return v;
  for (int64_t i = start; i < stop; i += step) v.push_back(i);
  return v;
}

Value int_list(const std::vector<int64_t>& items) {
  ValueList out;
  out.reserve(items.size());
  for (int64_t i : items) out.push_back(Value::integer(i, Kind::kInt));
  return Value::list(std::move(out), Kind::kInt);
}

std::string seq(const Args& a) {
  std::vector<int64_t> p;
  for (const auto& v : a) p.push_back(v.as_int());
  std::vector<int64_t> out;
  switch (p.size()) {
    case 1: {
      int64_t inc = p[0] < 1 ? -1 : 1;
      out = until_step(1, p[0] + inc, inc);
      break;
    }
    case 2: {
      int64_t step = p[1] < p[0] ? -1 : 1;
      out = until_step(p[0], p[1] + step, step);
      break;
    }
    case 3: {
      int64_t inc = 1;
      if (p[2] < p[0]) {
        inc = -1;
        if (p[1] > 0) return "";
      }
      out = until_step(p[0], p[2] + inc, p[1]);
      break;
    }
    default: return "";
  }
  std::string s;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) s += ' ';
    s += std::to_string(out[i]);
  }
  return s;
}

Result<Value> decimal_op(const Value& first, const Value* rest, size_t n, DecimalOp op) {
  std::vector<double> operands;
  for (size_t i = 0; i < n; ++i) operands.push_back(to_float64(rest[i]));
  std::string error;
  auto r = decimal_fold(to_float64(first), operands.data(), operands.size(), op, &error);
  if (!r) return func_error(error);
  return Value::float64(*r);
}

double round_to(double val, double places, double round_on) {
  double pow = std::pow(10, places);
  double digit = pow * val;
  double int_part;
  double frac = std::modf(digit, &int_part);
  double rounded = frac >= round_on ? std::ceil(digit) : std::floor(digit);
  return rounded / pow;
}

}  // namespace

void register_numeric_functions(tmpl::TemplateSet& set) {
  add(set, "add1", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return i64(wrap_add(to_int64(a[0]), 1)); });
  add(set, "add", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    int64_t sum = 0;
    for (const auto& v : a) sum = wrap_add(sum, to_int64(v));
    return i64(sum);
  });
  add(set, "sub", {P::kAny, P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return i64(wrap_sub(to_int64(a[0]), to_int64(a[1]))); });
  add(set, "div", {P::kAny, P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    int64_t x = to_int64(a[0]);
    int64_t y = to_int64(a[1]);
    if (y == 0) return divide_by_zero();
    if (x == INT64_MIN && y == -1) return i64(INT64_MIN);
    return i64(x / y);
  });
  add(set, "mod", {P::kAny, P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    int64_t x = to_int64(a[0]);
    int64_t y = to_int64(a[1]);
    if (y == 0) return divide_by_zero();
    if (y == -1) return i64(0);
    return i64(x % y);
  });
  add(set, "mul", {P::kAny, P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    int64_t v = to_int64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) v = wrap_mul(v, to_int64(a[i]));
    return i64(v);
  });
  add(set, "randInt", {P::kInt, P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    int64_t lo = a[0].as_int();
    int64_t n = wrap_sub(a[1].as_int(), lo);
    if (n <= 0) return func_error("invalid argument to Intn");
    return Value::integer(static_cast<int64_t>(random_below(static_cast<uint64_t>(n))) + lo, Kind::kInt);
  });
  add(set, "add1f", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    Value one = Value::integer(1);
    return decimal_op(a[0], &one, 1, DecimalOp::kAdd);
  });
  add(set, "addf", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    return decimal_op(Value::float64(0), a.data(), a.size(), DecimalOp::kAdd);
  });
  add(set, "subf", {P::kAny, P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    return decimal_op(a[0], a.data() + 1, a.size() - 1, DecimalOp::kSub);
  });
  add(set, "divf", {P::kAny, P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    return decimal_op(a[0], a.data() + 1, a.size() - 1, DecimalOp::kDiv);
  });
  add(set, "mulf", {P::kAny, P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    return decimal_op(a[0], a.data() + 1, a.size() - 1, DecimalOp::kMul);
  });
  auto max_fn = [](Args& a, CallContext&) -> Result<Value> {
    int64_t v = to_int64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) v = std::max(v, to_int64(a[i]));
    return i64(v);
  };
  add(set, "max", {P::kAny, P::kAny}, true, max_fn);
  add(set, "biggest", {P::kAny, P::kAny}, true, max_fn);
  add(set, "min", {P::kAny, P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    int64_t v = to_int64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) v = std::min(v, to_int64(a[i]));
    return i64(v);
  });
  add(set, "maxf", {P::kAny, P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    double v = to_float64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) {
      double b = to_float64(a[i]);
      // math.Max: NaN wins, +0 beats -0.
      if (std::isnan(v) || std::isnan(b)) {
        v = NAN;
      } else if (v == 0 && b == 0) {
        v = std::signbit(v) ? b : v;
      } else {
        v = std::max(v, b);
      }
    }
    return Value::float64(v);
  });
  add(set, "minf", {P::kAny, P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    double v = to_float64(a[0]);
    for (size_t i = 1; i < a.size(); ++i) {
      double b = to_float64(a[i]);
      if (std::isnan(v) || std::isnan(b)) {
        v = NAN;
      } else if (v == 0 && b == 0) {
        v = std::signbit(v) ? v : b;
      } else {
        v = std::min(v, b);
      }
    }
    return Value::float64(v);
  });
  add(set, "floor", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::float64(std::floor(to_float64(a[0]))); });
  add(set, "ceil", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::float64(std::ceil(to_float64(a[0]))); });
  add(set, "round", {P::kAny, P::kInt, P::kFloat64}, true, [](Args& a, CallContext&) -> Result<Value> {
    double round_on = a.size() > 2 ? a[2].as_float() : 0.5;
    return Value::float64(round_to(to_float64(a[0]), static_cast<double>(a[1].as_int()), round_on));
  });
  add(set, "until", {P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    int64_t count = a[0].as_int();
    return int_list(until_step(0, count, count < 0 ? -1 : 1));
  });
  add(set, "untilStep", {P::kInt, P::kInt, P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    return int_list(until_step(a[0].as_int(), a[1].as_int(), a[2].as_int()));
  });
  add(set, "seq", {P::kInt}, true, [](Args& a, CallContext&) -> Result<Value> { return Value::string(seq(a)); });
}

}  // namespace skiff::chart::funcs

#include "chart/funcs/decimal.h"

#include <openssl/bn.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {

namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn bn() { return Bn(BN_new()); }

struct Decimal {
  Bn coef;
  long exp = 0;
};

BN_CTX* ctx() {
  thread_local std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> c(BN_CTX_new(), BN_CTX_free);
  return c.get();
}

Bn pow10(long n) {
  Bn ten = bn();
  BN_set_word(ten.get(), 10);
  Bn e = bn();
  BN_set_word(e.get(), static_cast<BN_ULONG>(n));
  Bn r = bn();
  BN_exp(r.get(), ten.get(), e.get(), ctx());
  return r;
}

void scale_up(Decimal& d, long to_exp) {
  if (d.exp <= to_exp) return;
  Bn f = pow10(d.exp - to_exp);
  BN_mul(d.coef.get(), d.coef.get(), f.get(), ctx());
  d.exp = to_exp;
}

// The shortest decimal that round-trips the double (Go's FormatFloat(f, 'e', -1)).
Decimal from_double(double f) {
  std::string s = tmpl::go_format_float(f, 'e', -1);
  size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  long exp = std::strtol(s.c_str() + e + 1, nullptr, 10);
  std::string digits;
  long frac = 0;
  bool after_point = false;
  for (char c : mant) {
    if (c == '.') {
      after_point = true;
    } else {
      digits += c;
      if (after_point && c != '-') ++frac;
    }
  }
  Decimal d{bn(), exp - frac};
  BIGNUM* raw = d.coef.get();
  BN_dec2bn(&raw, digits.c_str());
  return d;
}

double to_double(const Decimal& d) {
  char* digits = BN_bn2dec(d.coef.get());
  std::string s = std::string(digits) + "e" + std::to_string(d.exp);
  OPENSSL_free(digits);
  return std::strtod(s.c_str(), nullptr);
}

void add_sub(Decimal& a, Decimal b, bool sub) {
  long e = std::min(a.exp, b.exp);
  scale_up(a, e);
  scale_up(b, e);
  if (sub) {
    BN_sub(a.coef.get(), a.coef.get(), b.coef.get());
  } else {
    BN_add(a.coef.get(), a.coef.get(), b.coef.get());
  }
}

// shopspring's DivRound(d2, 16): quotient truncated at 16 places, then rounded half
// away from zero.
void divide(Decimal& a, const Decimal& b) {
  constexpr long kPrecision = 16;
  long k = a.exp - b.exp + kPrecision;
  Bn num(BN_dup(a.coef.get()));
  Bn den(BN_dup(b.coef.get()));
  if (k >= 0) {
    Bn f = pow10(k);
    BN_mul(num.get(), num.get(), f.get(), ctx());
  } else {
    Bn f = pow10(-k);
    BN_mul(den.get(), den.get(), f.get(), ctx());
  }
  Bn q = bn();
  Bn r = bn();
  BN_div(q.get(), r.get(), num.get(), den.get(), ctx());  // truncates toward zero
  Bn r2(BN_dup(r.get()));
  BN_set_negative(r2.get(), 0);
  BN_lshift1(r2.get(), r2.get());
  Bn den_abs(BN_dup(den.get()));
  BN_set_negative(den_abs.get(), 0);
  if (BN_cmp(r2.get(), den_abs.get()) >= 0) {
    bool negative = BN_is_negative(a.coef.get()) != BN_is_negative(b.coef.get());
    if (negative) {
      BN_sub_word(q.get(), 1);
    } else {
      BN_add_word(q.get(), 1);
    }
  }
  a.coef = std::move(q);
  a.exp = -kPrecision;
}

}  // namespace

std::optional<double> decimal_fold(double first, const double* rest, size_t n, DecimalOp op, std::string* error) {
  auto check = [&](double f) {
    if (std::isnan(f)) {
      *error = "Cannot create a Decimal from NaN";
      return false;
    }
    if (std::isinf(f)) {
      *error = f > 0 ? "Cannot create a Decimal from +Inf" : "Cannot create a Decimal from -Inf";
      return false;
    }
    return true;
  };
  if (!check(first)) return std::nullopt;
  Decimal acc = from_double(first);
  for (size_t i = 0; i < n; ++i) {
    if (!check(rest[i])) return std::nullopt;
    Decimal d = from_double(rest[i]);
    switch (op) {
      case DecimalOp::kAdd: add_sub(acc, std::move(d), false); break;
      case DecimalOp::kSub: add_sub(acc, std::move(d), true); break;
      case DecimalOp::kMul:
        BN_mul(acc.coef.get(), acc.coef.get(), d.coef.get(), ctx());
        acc.exp += d.exp;
        break;
      case DecimalOp::kDiv:
        if (BN_is_zero(d.coef.get())) {
          *error = "decimal division by zero";
          return std::nullopt;
        }
        divide(acc, d);
        break;
    }
  }
  return to_double(acc);
}

}  // namespace skiff::chart::funcs

#include "api/decimal_digits.h"

#include <algorithm>

namespace skiff::api::digits {
namespace {

// a*10^(ea-target) written out; target <= ea.
std::string aligned(std::string_view d, int64_t e, int64_t target) {
  std::string out(d);
  out.append(static_cast<size_t>(e - target), '0');
  return out;
}

// Adds one unit in the last place of a digit string.
void increment(std::string& d) {
  for (size_t i = d.size(); i-- > 0;) {
    if (d[i] != '9') {
      ++d[i];
      return;
    }
    d[i] = '0';
  }
  d.insert(d.begin(), '1');
}

}  // namespace

void normalize(std::string& d, int64_t& exponent) {
  size_t first = d.find_first_not_of('0');
  if (first == std::string::npos) {
    d.clear();
    exponent = 0;
    return;
  }
  size_t last = d.find_last_not_of('0');
  exponent += static_cast<int64_t>(d.size() - 1 - last);
  d = d.substr(first, last - first + 1);
}

int compare(std::string_view a, int64_t ea, std::string_view b, int64_t eb) {
  if (a.empty() || b.empty()) return a.empty() ? (b.empty() ? 0 : -1) : 1;
  // Position just above the leading digit decides first; without trailing zeros, equal leading
  // positions compare as plain strings (a proper prefix is the smaller number).
  int64_t top_a = ea + static_cast<int64_t>(a.size());
  int64_t top_b = eb + static_cast<int64_t>(b.size());
  if (top_a != top_b) return top_a < top_b ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

void add(std::string_view a, int64_t ea, std::string_view b, int64_t eb, std::string& out, int64_t& eout) {
  if (a.empty() || b.empty()) {
    out = std::string(a.empty() ? b : a);
    eout = a.empty() ? eb : ea;
    return;
  }
  int64_t base = std::min(ea, eb);
  std::string x = aligned(a, ea, base), y = aligned(b, eb, base);
  if (x.size() < y.size()) x.swap(y);
  std::string sum(x.size() + 1, '0');
  int carry = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    int dx = x[x.size() - 1 - i] - '0';
    int dy = i < y.size() ? y[y.size() - 1 - i] - '0' : 0;
    int s = dx + dy + carry;
    sum[sum.size() - 1 - i] = static_cast<char>('0' + s % 10);
    carry = s / 10;
  }
  sum[0] = static_cast<char>('0' + carry);
  out = std::move(sum);
  eout = base;
  normalize(out, eout);
}

void subtract_smaller(std::string_view larger, int64_t el, std::string_view smaller, int64_t es,
                      std::string& out, int64_t& eout) {
  if (smaller.empty()) {
    out = std::string(larger);
    eout = el;
    return;
  }
  int64_t base = std::min(el, es);
  std::string x = aligned(larger, el, base), y = aligned(smaller, es, base);
  int borrow = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    int dx = x[x.size() - 1 - i] - '0';
    int dy = i < y.size() ? y[y.size() - 1 - i] - '0' : 0;
    int d = dx - dy - borrow;
    borrow = d < 0;
    if (d < 0) d += 10;
    x[x.size() - 1 - i] = static_cast<char>('0' + d);
  }
  out = std::move(x);
  eout = base;
  normalize(out, eout);
}

void round_up_to(std::string& d, int64_t& exponent, int64_t target) {
  if (d.empty() || exponent >= target) return;
  int64_t keep = exponent + static_cast<int64_t>(d.size()) - target;  // digits at or above 10^target
  if (keep <= 0) {
    d = "1";
  } else {
    // Normalized digits end in a non-zero digit, so whatever is dropped is non-zero.
    d.resize(static_cast<size_t>(keep));
    increment(d);
  }
  exponent = target;
  normalize(d, exponent);
}

void multiply_small(std::string& d, uint32_t factor) {
  uint64_t carry = 0;
  for (size_t i = d.size(); i-- > 0;) {
    uint64_t p = static_cast<uint64_t>(d[i] - '0') * factor + carry;
    d[i] = static_cast<char>('0' + p % 10);
    carry = p / 10;
  }
  std::string prefix;
  while (carry) {
    prefix.insert(prefix.begin(), static_cast<char>('0' + carry % 10));
    carry /= 10;
  }
  d.insert(0, prefix);
}

bool divide_exact_small(std::string& d, uint32_t divisor) {
  std::string q;
  q.reserve(d.size());
  uint64_t rem = 0;
  for (char c : d) {
    rem = rem * 10 + static_cast<uint64_t>(c - '0');
    q.push_back(static_cast<char>('0' + rem / divisor));
    rem %= divisor;
  }
  if (rem != 0) return false;
  size_t first = q.find_first_not_of('0');
  d = first == std::string::npos ? std::string() : q.substr(first);
  return true;
}

}  // namespace skiff::api::digits

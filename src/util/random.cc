#include "util/random.h"

#include <cstdio>
#include <mutex>
#include <random>

namespace skiff {
namespace {
std::mt19937_64& rng() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen;
}
std::mutex& rng_mu() {
  static std::mutex mu;
  return mu;
}
}  // namespace

std::string new_uuid() {
  uint64_t a, b;
  {
    std::lock_guard lk(rng_mu());
    a = rng()();
    b = rng()();
  }
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", uint32_t(a >> 32), uint32_t((a >> 16) & 0xffff),
                uint32_t(a & 0xffff), uint32_t(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string random_name_suffix(int n) {
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  std::lock_guard lk(rng_mu());
  std::uniform_int_distribution<int> dist(0, sizeof(alphabet) - 2);
  for (int i = 0; i < n; ++i) out += alphabet[dist(rng())];
  return out;
}

}  // namespace skiff

#include "chart/funcs/random.h"

#include <openssl/rand.h>

#include <random>

namespace skiff::chart::funcs {

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    // OpenSSL's generator failing is not expected; fall back to the OS source.
    std::random_device rd;
    for (auto& c : out) c = static_cast<char>(rd());
  }
  return out;
}

uint64_t random_below(uint64_t n) {
  // Rejection sampling keeps the choice uniform.
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    std::string b = random_bytes(8);
    uint64_t x = 0;
    for (char c : b) x = (x << 8) | static_cast<unsigned char>(c);
    if (x < limit) return x % n;
  }
}

}  // namespace skiff::chart::funcs

#include "chart/funcs/random.h"

#include <sys/random.h>

#include <cerrno>
#include <random>

namespace skiff::chart::funcs {

// The kernel's generator (getrandom) rather than OpenSSL's: a template that only needs a
// random password must not pay for initialising OpenSSL's DRBG and providers.
std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  size_t filled = 0;
  while (filled < n) {
    ssize_t got = getrandom(out.data() + filled, n - filled, 0);
    if (got > 0) {
      filled += static_cast<size_t>(got);
    } else if (got < 0 && errno != EINTR) {
      break;
    }
  }
  if (filled < n) {
    std::random_device rd;
    for (size_t i = filled; i < n; ++i) out[i] = static_cast<char>(rd());
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

// Cryptographic randomness for Sprig's rand*, uuidv4, shuffle and key generation.
#pragma once

#include <cstdint>
#include <string>

namespace skiff::chart::funcs {

std::string random_bytes(size_t n);
// Uniform in [0, n); n > 0.
uint64_t random_below(uint64_t n);

}  // namespace skiff::chart::funcs

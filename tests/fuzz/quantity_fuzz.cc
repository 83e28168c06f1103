// Quantity parsing: anything that parses must print to a form that parses back to the same value.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "api/quantity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto q = skiff::api::Quantity::parse(text);
  if (!q.ok()) return 0;
  for (const std::string& printed : {q->to_string(), q->canonical()}) {
    auto again = skiff::api::Quantity::parse(printed);
    if (!again.ok() || again->compare(*q) != 0) {
      std::fprintf(stderr, "%.*s printed as %s does not parse back to the same value\n", static_cast<int>(size),
                   text.data(), printed.c_str());
      std::abort();
    }
    // Kubernetes prints an inexact binary amount without a suffix ("191562.5Ki" -> "196160000"),
    // which then reads back as decimal ("196160k"); from there the form must be a fixed point.
    auto third = skiff::api::Quantity::parse(again->canonical());
    if (!third.ok() || third->canonical() != again->canonical()) {
      std::fprintf(stderr, "canonical form of %s is not stable\n", printed.c_str());
      std::abort();
    }
  }
  (void)q->value();
  (void)q->milli_value();
  return 0;
}

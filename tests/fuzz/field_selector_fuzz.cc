// Field selector parsing: a parsed selector prints to a string that parses to the same terms.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <tuple>

#include "api/labels.h"

namespace {

// Printing may change a term's spelling ("==" becomes "="), and terms are ordered by spelling.
std::vector<std::tuple<std::string, bool, std::string>> terms(const skiff::api::FieldSelector& s) {
  std::vector<std::tuple<std::string, bool, std::string>> out;
  for (const auto& r : s.requirements()) out.emplace_back(r.field, r.negate, r.value);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sel = skiff::api::FieldSelector::parse(text);
  if (!sel.ok()) return 0;
  std::string printed = sel->to_string();
  auto again = skiff::api::FieldSelector::parse(printed);
  if (!again.ok() || terms(*sel) != terms(*again)) {
    std::fprintf(stderr, "field selector printed as %s does not parse back to the same terms\n", printed.c_str());
    std::abort();
  }
  (void)sel->matches([](std::string_view field) -> std::optional<std::string> {
    if (field == "metadata.name") return std::string("x");
    return std::nullopt;
  });
  return 0;
}

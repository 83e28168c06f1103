// Label selector parsing: a parsed selector prints to a string that parses to the same requirements.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "api/labels.h"

namespace {

bool same(const skiff::api::LabelSelector& a, const skiff::api::LabelSelector& b) {
  const auto &x = a.requirements(), &y = b.requirements();
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].key != y[i].key || x[i].op != y[i].op || x[i].values != y[i].values) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sel = skiff::api::LabelSelector::parse(text);
  if (!sel.ok()) return 0;
  std::string printed = sel->to_string();
  auto again = skiff::api::LabelSelector::parse(printed);
  if (!again.ok() || !same(*sel, *again) || again->to_string() != printed) {
    std::fprintf(stderr, "selector printed as %s does not parse back to itself\n", printed.c_str());
    std::abort();
  }
  skiff::Json labels = skiff::Json::object();
  for (const auto& r : sel->requirements()) labels[r.key] = r.values.empty() ? "" : r.values.front();
  (void)sel->matches(labels);
  (void)sel->matches(nullptr);
  return 0;
}

// Pod counts per topology domain as a plugin's cycle state sees them: the cache's counts,
// plus the changes of preemption's what-ifs (pods removed from or added to a node).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace skiff::scheduler::plugins {

struct DomainCounts {
  int32_t topology_id = -1;
  const std::vector<int32_t>* base = nullptr;
  std::vector<std::pair<int32_t, int32_t>> delta;  // (domain, change), usually empty

  int32_t at(int32_t domain) const {
    if (domain < 0) return 0;
    int32_t v = base && domain < static_cast<int32_t>(base->size()) ? (*base)[domain] : 0;
    for (const auto& [d, change] : delta)
      if (d == domain) v += change;
    return v;
  }
  void adjust(int32_t domain, int32_t change) {
    if (domain < 0) return;
    for (auto& [d, c] : delta)
      if (d == domain) {
        c += change;
        return;
      }
    delta.emplace_back(domain, change);
  }
};

}  // namespace skiff::scheduler::plugins

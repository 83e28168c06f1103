#include "agent/cri/crash_backoff.h"

#include <algorithm>

namespace skiff::agent::cri {

using std::chrono::milliseconds;

std::optional<milliseconds> CrashBackoff::remaining(const std::string& key, WallTime failed_at, WallTime now) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  auto waited = std::chrono::duration_cast<milliseconds>(now - failed_at);
  if (waited >= it->second.delay) return std::nullopt;
  return it->second.delay - waited;
}

void CrashBackoff::started(const std::string& key, WallTime now) {
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (inserted || now - e.last_update > 2 * max_) e.delay = base_;
  else e.delay = std::min(e.delay * 2, max_);
  e.last_update = now;
}

milliseconds CrashBackoff::current(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? milliseconds(0) : it->second.delay;
}

}  // namespace skiff::agent::cri

// The kubelet's restart back-off, per key (a container or an image): the first restart goes at
// once, later ones wait 10 s, 20 s, 40 s ... up to 5 min; a key quiet for 10 min starts over.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "util/clock.h"

namespace skiff::agent::cri {

class CrashBackoff {
 public:
  CrashBackoff(std::chrono::milliseconds base, std::chrono::milliseconds max) : base_(base), max_(max) {}

  // How long the key must still wait after a failure at `failed_at`; nullopt when it may go now.
  std::optional<std::chrono::milliseconds> remaining(const std::string& key, WallTime failed_at, WallTime now) const;
  // Records a restart (not a first start) at `now`, lengthening the next wait.
  void started(const std::string& key, WallTime now);
  void forget(const std::string& key) { entries_.erase(key); }
  std::chrono::milliseconds current(const std::string& key) const;

 private:
  struct Entry {
    std::chrono::milliseconds delay{0};
    WallTime last_update;
  };
  std::chrono::milliseconds base_;
  std::chrono::milliseconds max_;
  std::map<std::string, Entry> entries_;
};

}  // namespace skiff::agent::cri

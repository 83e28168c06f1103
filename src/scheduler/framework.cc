#include "scheduler/framework.h"

#include <algorithm>
#include <functional>
#include <map>

#include "scheduler/plugins/plugins.h"

namespace skiff::scheduler {

CycleState CycleState::clone() const {
  CycleState copy(pod, cache);
  for (const auto& [p, s] : states_) copy.states_.emplace_back(p, s->clone());
  copy.active_filters = active_filters;
  return copy;
}

void CycleState::put(const void* plugin, std::unique_ptr<PluginState> state) {
  for (auto& [p, s] : states_)
    if (p == plugin) {
      s = std::move(state);
      return;
    }
  states_.emplace_back(plugin, std::move(state));
}

void default_normalize(std::vector<int64_t>& scores, bool reverse) {
  int64_t hi = 0;
  for (int64_t s : scores) hi = std::max(hi, s);
  if (hi == 0) {
    if (reverse)
      for (int64_t& s : scores) s = kMaxNodeScore;
    return;
  }
  for (int64_t& s : scores) {
    s = kMaxNodeScore * s / hi;
    if (reverse) s = kMaxNodeScore - s;
  }
}

namespace {

struct Plugin {
  std::shared_ptr<void> owner;
  FilterPlugin* filter = nullptr;
  ScorePlugin* score = nullptr;
};

template <class T>
Plugin make() {
  auto p = std::make_shared<T>();
  Plugin out{p, nullptr, nullptr};
  if constexpr (std::is_base_of_v<FilterPlugin, T>) out.filter = p.get();
  if constexpr (std::is_base_of_v<ScorePlugin, T>) out.score = p.get();
  return out;
}

const std::map<std::string, std::function<Plugin()>, std::less<>>& registry() {
  static const std::map<std::string, std::function<Plugin()>, std::less<>> r = {
      {"NodeUnschedulable", make<plugins::NodeUnschedulable>},
      {"NodeName", make<plugins::NodeName>},
      {"TaintToleration", make<plugins::TaintToleration>},
      {"NodeAffinity", make<plugins::NodeAffinity>},
      {"NodePorts", make<plugins::NodePorts>},
      {"VolumeBinding", make<plugins::VolumeBinding>},
      {"NodeResourcesFit", make<plugins::NodeResourcesFit>},
      {"PodTopologySpread", make<plugins::PodTopologySpread>},
      {"InterPodAffinity", make<plugins::InterPodAffinity>},
      {"NodeResourcesBalancedAllocation", make<plugins::BalancedAllocation>},
  };
  return r;
}

}  // namespace

Result<Profile> make_profile(const std::vector<std::string>& filters,
                             const std::vector<std::pair<std::string, int64_t>>& scores) {
  Profile profile;
  std::map<std::string, Plugin> made;
  auto get = [&](const std::string& name) -> Result<Plugin> {
    if (auto it = made.find(name); it != made.end()) return it->second;
    auto it = registry().find(name);
    if (it == registry().end()) return Error::bad_request("unknown scheduler plugin \"" + name + "\"");
    Plugin p = it->second();
    profile.owned.push_back(p.owner);
    made[name] = p;
    return p;
  };
  for (const auto& name : filters) {
    SKIFF_ASSIGN_OR_RETURN(auto p, get(name));
    if (!p.filter) return Error::bad_request("scheduler plugin \"" + name + "\" has no filter");
    profile.filters.push_back(p.filter);
  }
  for (const auto& [name, weight] : scores) {
    SKIFF_ASSIGN_OR_RETURN(auto p, get(name));
    if (!p.score) return Error::bad_request("scheduler plugin \"" + name + "\" has no score");
    profile.scores.push_back({p.score, weight});
  }
  return profile;
}

Profile default_profile() {
  auto p = make_profile({"NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts",
                         "NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity"},
                        {{"TaintToleration", 3},
                         {"NodeAffinity", 2},
                         {"PodTopologySpread", 2},
                         {"InterPodAffinity", 2},
                         {"NodeResourcesFit", 1},
                         {"NodeResourcesBalancedAllocation", 1}});
  return std::move(p).value();
}

}  // namespace skiff::scheduler

// The plugin framework, after Kubernetes' scheduling framework: filter plugins decide
// whether a pod fits a node, score plugins rank the nodes that fit. Each plugin computes
// what it needs about the pod once per cycle (pre_filter / pre_score) into the CycleState.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler/cache.h"
#include "scheduler/node_info.h"
#include "scheduler/pod_info.h"

namespace skiff::scheduler {

enum class Code {
  kSuccess,
  kUnschedulable,
  kUnresolvable,  // UnschedulableAndUnresolvable: preempting pods on the node would not help
  kSkip,          // from pre_filter / pre_score: this plugin has nothing to check for the pod
  kError,
};

struct PluginStatus {
  Code code = Code::kSuccess;
  std::vector<std::string> reasons;
  bool ok() const { return code == Code::kSuccess || code == Code::kSkip; }
  static PluginStatus unschedulable(std::string reason) { return {Code::kUnschedulable, {std::move(reason)}}; }
  static PluginStatus unresolvable(std::string reason) { return {Code::kUnresolvable, {std::move(reason)}}; }
  static PluginStatus skip() { return {Code::kSkip, {}}; }
};

class FilterPlugin;

class PluginState {
 public:
  virtual ~PluginState() = default;
  virtual std::unique_ptr<PluginState> clone() const = 0;
};

// What one scheduling attempt knows about its pod.
class CycleState {
 public:
  CycleState(const PodInfo& pod, Cache& cache) : pod(pod), cache(cache) {}
  CycleState clone() const;

  template <class T>
  T* get(const void* plugin) const {
    for (const auto& [p, s] : states_)
      if (p == plugin) return static_cast<T*>(s.get());
    return nullptr;
  }
  void put(const void* plugin, std::unique_ptr<PluginState> state);

  const PodInfo& pod;
  Cache& cache;
  // Filters whose pre_filter did not skip this pod.
  std::vector<const FilterPlugin*> active_filters;

 private:
  std::vector<std::pair<const void*, std::unique_ptr<PluginState>>> states_;
};

class FilterPlugin {
 public:
  virtual ~FilterPlugin() = default;
  virtual std::string_view name() const = 0;
  virtual PluginStatus pre_filter(CycleState& state) { return {}; }
  virtual PluginStatus filter(const CycleState& state, const NodeInfo& node) const = 0;
  // Preemption's what-ifs: adjust the pre_filter state as if pod left / joined node.
  virtual void remove_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const {}
  virtual void add_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const {}
};

inline constexpr int64_t kMaxNodeScore = 100;

class ScorePlugin {
 public:
  virtual ~ScorePlugin() = default;
  virtual std::string_view name() const = 0;
  // false: the plugin has nothing to say about this pod (its scores are not computed).
  virtual bool pre_score(CycleState& state, const std::vector<NodeInfo*>& feasible) { return true; }
  virtual int64_t score(const CycleState& state, const NodeInfo& node) const = 0;
  // Scales scores (one per feasible node, same order) to 0..kMaxNodeScore.
  virtual void normalize(const CycleState& state, std::vector<int64_t>& scores) const {}
};

// Rescales to 0..100 relative to the highest score (reverse: high raw scores become low).
void default_normalize(std::vector<int64_t>& scores, bool reverse);

struct WeightedScorePlugin {
  ScorePlugin* plugin;
  int64_t weight;
};

// The plugins of one scheduler profile, in Kubernetes' default order.
struct Profile {
  std::vector<std::shared_ptr<void>> owned;
  std::vector<FilterPlugin*> filters;
  std::vector<WeightedScorePlugin> scores;
};

// Kubernetes' default plugin set and score weights: TaintToleration 3, NodeAffinity 2,
// PodTopologySpread 2, InterPodAffinity 2, NodeResourcesFit (LeastAllocated) 1,
// NodeResourcesBalancedAllocation 1.
Profile default_profile();
// The same plugins chosen by name (Kubernetes' plugin names); nullopt-like error on unknown names.
Result<Profile> make_profile(const std::vector<std::string>& filters,
                             const std::vector<std::pair<std::string, int64_t>>& scores);

}  // namespace skiff::scheduler

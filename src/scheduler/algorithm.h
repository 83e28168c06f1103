// One scheduling attempt: filter nodes (a sample of them in big clusters, as Kubernetes'
// percentageOfNodesToScore), score the feasible ones, pick the best; or explain why none fits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scheduler/cache.h"
#include "scheduler/framework.h"

namespace skiff::scheduler {

// Why a pod fits no node, printed as Kubernetes' FitError:
// "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) were unschedulable."
struct FitError {
  int32_t num_all_nodes = 0;
  std::vector<std::pair<std::string, PluginStatus>> statuses;  // node name -> why it failed
  std::string pre_filter_message;
  std::string post_filter_message;  // preemption's explanation, if any
  std::string message() const;
};

struct ScheduleOutcome {
  std::string node;  // empty when the pod fits nowhere
  int32_t evaluated_nodes = 0;
  int32_t feasible_nodes = 0;
  FitError error;  // when node is empty
};

struct AlgorithmOptions {
  int32_t percentage_of_nodes_to_score = 0;  // 0: adaptive (50 - nodes/125, at least 5)
  uint64_t seed = 0x5eed;
};

// Kubernetes' numFeasibleNodesToFind.
int32_t feasible_nodes_to_find(int32_t all_nodes, int32_t percentage);

class Algorithm {
 public:
  explicit Algorithm(Profile profile, AlgorithmOptions options = {});

  ScheduleOutcome schedule(Cache& cache, const PodInfo& pod);

  // Building blocks shared with preemption.
  // Runs every pre_filter; a rejection is returned with its reasons (the pod fits nowhere).
  PluginStatus pre_filter(CycleState& state) const;
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const;
  const Profile& profile() const { return profile_; }

 private:
  PluginStatus run_filters(const CycleState& state, const NodeInfo& node) const;
  std::string select_host(CycleState& state, const std::vector<NodeInfo*>& feasible);
  uint64_t next_random();

  Profile profile_;
  AlgorithmOptions options_;
  size_t next_start_index_ = 0;
  uint64_t rng_;
  std::vector<int64_t> totals_, scores_;
};

}  // namespace skiff::scheduler

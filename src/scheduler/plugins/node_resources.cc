// NodeResourcesFit (filter + LeastAllocated score) and NodeResourcesBalancedAllocation.
#include <cmath>

#include "scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

int64_t least_allocated(int64_t requested, int64_t allocatable) {
  if (allocatable == 0 || requested > allocatable) return 0;
  return (allocatable - requested) * kMaxNodeScore / allocatable;
}

}  // namespace

PluginStatus NodeResourcesFit::filter(const CycleState& state, const NodeInfo& node) const {
  const PodInfo& pod = state.pod;
  PluginStatus status;
  auto fail = [&](std::string reason) {
    status.code = Code::kUnschedulable;
    status.reasons.push_back(std::move(reason));
  };
  if (static_cast<int64_t>(node.pods.size()) + 1 > node.allowed_pods) fail(kReasonTooManyPods);
  const Resources& want = pod.requests;
  const Resources& used = node.requested;
  const Resources& have = node.allocatable;
  if (want.milli_cpu > 0 && want.milli_cpu > have.milli_cpu - used.milli_cpu) fail("Insufficient cpu");
  if (want.memory > 0 && want.memory > have.memory - used.memory) fail("Insufficient memory");
  if (want.ephemeral_storage > 0 && want.ephemeral_storage > have.ephemeral_storage - used.ephemeral_storage)
    fail("Insufficient ephemeral-storage");
  for (const auto& [name, amount] : want.scalars)
    if (amount > 0 && amount > have.scalar(name) - used.scalar(name)) fail("Insufficient " + name);
  return status;
}

int64_t NodeResourcesFit::score(const CycleState& state, const NodeInfo& node) const {
  int64_t cpu = least_allocated(node.nonzero_milli_cpu + state.pod.nonzero_milli_cpu, node.allocatable.milli_cpu);
  int64_t memory = least_allocated(node.nonzero_memory + state.pod.nonzero_memory, node.allocatable.memory);
  return (cpu + memory) / 2;
}

int64_t BalancedAllocation::score(const CycleState& state, const NodeInfo& node) const {
  double fractions[2];
  int n = 0;
  auto fraction = [&](int64_t requested, int64_t allocatable) {
    if (allocatable == 0) return;
    double f = static_cast<double>(requested) / static_cast<double>(allocatable);
    fractions[n++] = f > 1 ? 1 : f;
  };
  fraction(node.requested.milli_cpu + state.pod.requests.milli_cpu, node.allocatable.milli_cpu);
  fraction(node.requested.memory + state.pod.requests.memory, node.allocatable.memory);
  double deviation = n == 2 ? std::abs((fractions[0] - fractions[1]) / 2) : 0;
  return static_cast<int64_t>((1 - deviation) * kMaxNodeScore);
}

}  // namespace skiff::scheduler::plugins

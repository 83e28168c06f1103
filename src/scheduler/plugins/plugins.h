// The built-in plugins, named as in Kubernetes (pkg/scheduler/framework/plugins/names).
#pragma once

#include <memory>

#include "scheduler/framework.h"
#include "scheduler/volume_binding.h"

namespace skiff::scheduler::plugins {

// Failure reasons, word for word as Kubernetes prints them.
inline constexpr const char* kReasonNodeName = "node(s) didn't match the requested node name";
inline constexpr const char* kReasonUnschedulable = "node(s) were unschedulable";
inline constexpr const char* kReasonNodeAffinity = "node(s) didn't match Pod's node affinity/selector";
inline constexpr const char* kReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";
inline constexpr const char* kReasonTooManyPods = "Too many pods";
inline constexpr const char* kReasonAffinity = "node(s) didn't match pod affinity rules";
inline constexpr const char* kReasonAntiAffinity = "node(s) didn't match pod anti-affinity rules";
inline constexpr const char* kReasonExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules";
inline constexpr const char* kReasonSpread = "node(s) didn't match pod topology spread constraints";
inline constexpr const char* kReasonSpreadMissingLabel =
    "node(s) didn't match pod topology spread constraints (missing required label)";
// "Insufficient cpu", "node(s) had untolerated taint {key: value}" are built by the plugins.

class NodeName final : public FilterPlugin {
 public:
  std::string_view name() const override { return "NodeName"; }
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
};

class NodeUnschedulable final : public FilterPlugin {
 public:
  std::string_view name() const override { return "NodeUnschedulable"; }
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
};

class NodePorts final : public FilterPlugin {
 public:
  std::string_view name() const override { return "NodePorts"; }
  PluginStatus pre_filter(CycleState& state) override;
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
};

class TaintToleration final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view name() const override { return "TaintToleration"; }
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
  int64_t score(const CycleState& state, const NodeInfo& node) const override;
  void normalize(const CycleState& state, std::vector<int64_t>& scores) const override;
};

class NodeAffinity final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view name() const override { return "NodeAffinity"; }
  PluginStatus pre_filter(CycleState& state) override;
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
  bool pre_score(CycleState& state, const std::vector<NodeInfo*>& feasible) override;
  int64_t score(const CycleState& state, const NodeInfo& node) const override;
  void normalize(const CycleState& state, std::vector<int64_t>& scores) const override;
};

// NodeResourcesFit: the filter, and the LeastAllocated score.
class NodeResourcesFit final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view name() const override { return "NodeResourcesFit"; }
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
  int64_t score(const CycleState& state, const NodeInfo& node) const override;
};

class BalancedAllocation final : public ScorePlugin {
 public:
  std::string_view name() const override { return "NodeResourcesBalancedAllocation"; }
  int64_t score(const CycleState& state, const NodeInfo& node) const override;
};

class InterPodAffinity final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view name() const override { return "InterPodAffinity"; }
  PluginStatus pre_filter(CycleState& state) override;
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
  void remove_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const override;
  void add_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const override;
  bool pre_score(CycleState& state, const std::vector<NodeInfo*>& feasible) override;
  int64_t score(const CycleState& state, const NodeInfo& node) const override;
  void normalize(const CycleState& state, std::vector<int64_t>& scores) const override;
};

class PodTopologySpread final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view name() const override { return "PodTopologySpread"; }
  PluginStatus pre_filter(CycleState& state) override;
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
  void remove_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const override;
  void add_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const override;
  bool pre_score(CycleState& state, const std::vector<NodeInfo*>& feasible) override;
  int64_t score(const CycleState& state, const NodeInfo& node) const override;
  void normalize(const CycleState& state, std::vector<int64_t>& scores) const override;
};

// VolumeBinding's filter over PodInfo::volumes (resolved per attempt by the scheduler).
class VolumeBinding final : public FilterPlugin {
 public:
  std::string_view name() const override { return "VolumeBinding"; }
  PluginStatus pre_filter(CycleState& state) override;
  PluginStatus filter(const CycleState& state, const NodeInfo& node) const override;
};

// Shared by NodeAffinity and PodTopologySpread (nodeAffinityPolicy: Honor).
bool matches_node_selector_and_affinity(const PodInfo& pod, const NodeInfo& node);
bool node_selector_term_matches(const NodeSelectorTerm& term, const NodeInfo& node);

}  // namespace skiff::scheduler::plugins

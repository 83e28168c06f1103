// The objects a simulated node writes: its Node (labels, capacity, addresses, conditions,
// nodeInfo) and its Lease in kube-node-lease.
#pragma once

#include <string>

#include "agent/sim/sim_node_runtime.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::agent::sim {

inline constexpr const char* kKubeletVersion = "v1.33.0-skiff-sim";
inline constexpr const char* kNodeLeaseNamespace = "kube-node-lease";

// Where node number index (first_index + ordinal) lives.
struct SimNodeIdentity {
  int index = 0;
  std::string name;
  std::string zone;
  std::string internal_ip;  // from 10.200.0.0/16
  std::string pod_cidr;     // 10.42.<index>.0/24 (the second octet grows past 255 nodes)
  std::string pod_network;  // pod_cidr without ".0/24": pod IPs are <pod_network>.<1..254>
};

SimNodeIdentity sim_node_identity(const SimNodeOptions& options, int ordinal);

// The Node to register: metadata, spec and status (Ready since `now`).
Json sim_node_object(const SimNodeOptions& options, const SimNodeIdentity& node, WallTime now);
// The full status; heartbeat stamps lastHeartbeatTime, ready_since the Ready transition.
Json sim_node_status(const SimNodeOptions& options, const SimNodeIdentity& node, WallTime heartbeat,
                     WallTime ready_since);
Json sim_node_conditions(WallTime heartbeat, WallTime ready_since);

// node_uid, when known, makes the Node own the Lease (as the kubelet does).
Json sim_node_lease(const SimNodeOptions& options, const std::string& node_name, const std::string& node_uid,
                    WallTime renew);

}  // namespace skiff::agent::sim

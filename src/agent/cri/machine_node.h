// The Node object of a real machine: capacity from the machine itself (CPU count, /proc/meminfo,
// the data directory's filesystem), addresses, nodeInfo, and conditions from the runtime's health.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/cri/cri_types.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::agent::cri {

struct MachineInfo {
  std::string hostname;
  std::string internal_ip;  // first non-loopback IPv4 address, else 127.0.0.1
  int cpus = 1;
  int64_t memory_bytes = 0;
  int64_t ephemeral_storage_bytes = 0;
  std::string kernel_version;
  std::string os_image;
  std::string machine_id;
  std::string boot_id;
  std::string architecture;  // GOARCH spelling: amd64, arm64
};

// storage_path: whose filesystem is the node's ephemeral storage.
MachineInfo read_machine_info(const std::string& storage_path);

struct NodeSpecOptions {
  std::string name;
  int max_pods = 110;
  int kubelet_port = 10250;  // where the agent's kubelet API listens (status.daemonEndpoints)
  Json extra_labels = Json::object();
  Json taints = Json::array();
};

struct RuntimeHealth {
  bool ready = false;
  std::string message;     // why not ready
  std::string version;     // "containerd://1.6.20"
  std::vector<Image> images;
};

Json machine_node_object(const NodeSpecOptions& node, const MachineInfo& machine, const RuntimeHealth& runtime,
                         WallTime now);
Json machine_node_status(const NodeSpecOptions& node, const MachineInfo& machine, const RuntimeHealth& runtime,
                         WallTime heartbeat, WallTime ready_since);

}  // namespace skiff::agent::cri

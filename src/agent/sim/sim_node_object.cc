#include "agent/sim/sim_node_object.h"

#include <functional>

#include "agent/sim/sim_annotations.h"
#include "util/encoding.h"

namespace skiff::agent::sim {
namespace {

std::string octets(int a, int b, int c, int d) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." + std::to_string(d);
}

// Stable per-node identifiers for nodeInfo (machineID, systemUUID, bootID).
std::string pseudo_id(const std::string& seed, size_t length) {
  std::string out;
  for (size_t salt = 0; out.size() < length; ++salt) {
    size_t h = std::hash<std::string>{}(seed + "/" + std::to_string(salt));
    out += hex_encode(std::string_view(reinterpret_cast<const char*>(&h), sizeof h));
  }
  out.resize(length);
  return out;
}

std::string uuid_from(const std::string& hex32) {
  return hex32.substr(0, 8) + "-" + hex32.substr(8, 4) + "-" + hex32.substr(12, 4) + "-" + hex32.substr(16, 4) +
         "-" + hex32.substr(20, 12);
}

Json condition(const char* type, const char* status, const char* reason, const char* message, WallTime heartbeat,
               WallTime transition) {
  return {{"type", type},
          {"status", status},
          {"lastHeartbeatTime", format_rfc3339(heartbeat)},
          {"lastTransitionTime", format_rfc3339(transition)},
          {"reason", reason},
          {"message", message}};
}

}  // namespace

SimNodeIdentity sim_node_identity(const SimNodeOptions& options, int ordinal) {
  SimNodeIdentity id;
  id.index = options.first_index + ordinal;
  id.name = options.name_prefix + std::to_string(id.index);
  id.zone = options.zones.empty() ? "" : options.zones[static_cast<size_t>(id.index) % options.zones.size()];
  int host = id.index + 1;
  id.internal_ip = octets(10, 200 + (host >> 16) % 56, (host >> 8) & 255, host & 255);
  id.pod_network = std::to_string(10) + "." + std::to_string(42 + (id.index >> 8) % 214) + "." +
                   std::to_string(id.index & 255);
  id.pod_cidr = id.pod_network + ".0/24";
  return id;
}

Json sim_node_conditions(WallTime heartbeat, WallTime ready_since) {
  return Json::array({
      condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available",
                heartbeat, ready_since),
      condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", heartbeat,
                ready_since),
      condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
                heartbeat, ready_since),
      condition("Ready", "True", "KubeletReady", "simulated kubelet is posting ready status", heartbeat,
                ready_since),
      condition("NetworkUnavailable", "False", "RouteCreated", "simulated node network is configured", heartbeat,
                ready_since),
  });
}

Json sim_node_status(const SimNodeOptions& options, const SimNodeIdentity& node, WallTime heartbeat,
                     WallTime ready_since) {
  Json resources = {{"cpu", options.cpu},
                    {"memory", options.memory},
                    {"pods", options.pods},
                    {"ephemeral-storage", options.ephemeral_storage}};
  std::string machine = pseudo_id("machine/" + node.name, 32);
  return {{"capacity", resources},
          {"allocatable", resources},
          {"conditions", sim_node_conditions(heartbeat, ready_since)},
          {"addresses", Json::array({{{"type", "InternalIP"}, {"address", node.internal_ip}},
                                     {{"type", "Hostname"}, {"address", node.name}}})},
          {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
          {"nodeInfo",
           {{"machineID", machine},
            {"systemUUID", uuid_from(pseudo_id("system/" + node.name, 32))},
            {"bootID", uuid_from(pseudo_id("boot/" + node.name + "/" + format_rfc3339(ready_since), 32))},
            {"kernelVersion", "6.0.0-skiff-sim"},
            {"osImage", "Skiff simulated node"},
            {"containerRuntimeVersion", "sim://1"},
            {"kubeletVersion", kKubeletVersion},
            {"kubeProxyVersion", kKubeletVersion},
            {"operatingSystem", "linux"},
            {"architecture", "amd64"}}}};
}

Json sim_node_object(const SimNodeOptions& options, const SimNodeIdentity& node, WallTime now) {
  Json labels = {{"kubernetes.io/hostname", node.name},
                 {"kubernetes.io/os", "linux"},
                 {"kubernetes.io/arch", "amd64"},
                 {"beta.kubernetes.io/os", "linux"},
                 {"beta.kubernetes.io/arch", "amd64"},
                 {"node.kubernetes.io/instance-type", "sim"},
                 {"topology.kubernetes.io/region", options.region}};
  if (!node.zone.empty()) labels["topology.kubernetes.io/zone"] = node.zone;
  for (const auto& role : options.roles) labels["node-role.kubernetes.io/" + role] = "";
  for (const auto& [k, v] : options.extra_labels.items()) labels[k] = v;

  Json spec = {{"podCIDR", node.pod_cidr}, {"podCIDRs", Json::array({node.pod_cidr})}};
  if (!options.taints.empty()) spec["taints"] = options.taints;
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"name", node.name},
            {"labels", labels},
            {"annotations",
             {{kSimulatedAnnotation, "true"}, {"node.alpha.kubernetes.io/ttl", "0"},
              {"volumes.kubernetes.io/controller-managed-attach-detach", "true"}}}}},
          {"spec", spec},
          {"status", sim_node_status(options, node, now, now)}};
}

Json sim_node_lease(const SimNodeOptions& options, const std::string& node_name, const std::string& node_uid,
                    WallTime renew) {
  Json meta = {{"name", node_name}, {"namespace", kNodeLeaseNamespace}};
  if (!node_uid.empty())
    meta["ownerReferences"] = Json::array(
        {{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node_name}, {"uid", node_uid}}});
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", meta},
          {"spec",
           {{"holderIdentity", node_name},
            {"leaseDurationSeconds", options.lease_duration_seconds},
            {"renewTime", format_rfc3339_micro(renew)}}}};
}

}  // namespace skiff::agent::sim

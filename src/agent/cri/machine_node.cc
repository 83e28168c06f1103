#include "agent/cri/machine_node.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "util/strings.h"

namespace skiff::agent::cri {
namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(trim(line));
}

int64_t meminfo_total_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemTotal:") return kib * 1024;
  return 0;
}

std::string os_pretty_name() {
  std::ifstream in("/etc/os-release");
  std::string line;
  while (std::getline(in, line))
    if (starts_with(line, "PRETTY_NAME=")) {
      std::string v = line.substr(12);
      if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
  return "Linux";
}

std::string first_ipv4() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "127.0.0.1";
  std::string found = "127.0.0.1";
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK)) continue;
    if (!(a->ifa_flags & IFF_UP)) continue;
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, buf, sizeof buf);
    found = buf;
    break;
  }
  freeifaddrs(list);
  return found;
}

std::string uuid_or(const std::string& id) {
  if (id.size() != 32) return id;
  return id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" + id.substr(16, 4) + "-" + id.substr(20);
}

Json condition(const char* type, bool value, const char* reason, const std::string& message, WallTime heartbeat,
               WallTime transition) {
  return {{"type", type},
          {"status", value ? "True" : "False"},
          {"lastHeartbeatTime", format_rfc3339(heartbeat)},
          {"lastTransitionTime", format_rfc3339(transition)},
          {"reason", reason},
          {"message", message}};
}

}  // namespace

MachineInfo read_machine_info(const std::string& storage_path) {
  MachineInfo m;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  m.hostname = to_lower(host);
  m.internal_ip = first_ipv4();
  m.cpus = std::max(1u, std::thread::hardware_concurrency());
  m.memory_bytes = meminfo_total_bytes();
  struct statvfs fs {};
  if (statvfs(storage_path.c_str(), &fs) == 0) m.ephemeral_storage_bytes = static_cast<int64_t>(fs.f_blocks) * fs.f_frsize;
  utsname u{};
  uname(&u);
  m.kernel_version = u.release;
  std::string machine = u.machine;
  m.architecture = machine == "x86_64" ? "amd64" : machine == "aarch64" ? "arm64" : machine;
  m.os_image = os_pretty_name();
  m.machine_id = first_line("/etc/machine-id");
  m.boot_id = first_line("/proc/sys/kernel/random/boot_id");
  return m;
}

Json machine_node_status(const NodeSpecOptions& node, const MachineInfo& machine, const RuntimeHealth& runtime,
                         WallTime heartbeat, WallTime ready_since) {
  Json capacity = {{"cpu", std::to_string(machine.cpus)},
                   {"memory", std::to_string(machine.memory_bytes / 1024) + "Ki"},
                   {"pods", std::to_string(node.max_pods)},
                   {"ephemeral-storage", std::to_string(machine.ephemeral_storage_bytes / 1024) + "Ki"}};
  Json images = Json::array();
  for (const auto& image : runtime.images) {
    Json names = Json::array();
    for (const auto& d : image.repo_digests) names.push_back(d);
    for (const auto& t : image.repo_tags) names.push_back(t);
    if (names.empty()) continue;
    images.push_back({{"names", names}, {"sizeBytes", image.size}});
  }
  return {{"capacity", capacity},
          {"allocatable", capacity},
          {"conditions",
           Json::array({condition("MemoryPressure", false, "KubeletHasSufficientMemory",
                                  "kubelet has sufficient memory available", heartbeat, ready_since),
                        condition("DiskPressure", false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
                                  heartbeat, ready_since),
                        condition("PIDPressure", false, "KubeletHasSufficientPID",
                                  "kubelet has sufficient PID available", heartbeat, ready_since),
                        runtime.ready ? condition("Ready", true, "KubeletReady", "kubelet is posting ready status",
                                                  heartbeat, ready_since)
                                      : condition("Ready", false, "KubeletNotReady", runtime.message, heartbeat,
                                                  ready_since)})},
          {"addresses", Json::array({{{"type", "InternalIP"}, {"address", machine.internal_ip}},
                                     {{"type", "Hostname"}, {"address", machine.hostname}}})},
          {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", node.kubelet_port}}}}},
          {"images", images},
          {"nodeInfo",
           {{"machineID", machine.machine_id},
            {"systemUUID", uuid_or(machine.machine_id)},
            {"bootID", machine.boot_id},
            {"kernelVersion", machine.kernel_version},
            {"osImage", machine.os_image},
            {"containerRuntimeVersion", runtime.version},
            {"kubeletVersion", "v1.33.0-skiff"},
            {"kubeProxyVersion", "v1.33.0-skiff"},
            {"operatingSystem", "linux"},
            {"architecture", machine.architecture}}}};
}

Json machine_node_object(const NodeSpecOptions& node, const MachineInfo& machine, const RuntimeHealth& runtime,
                         WallTime now) {
  Json labels = {{"kubernetes.io/hostname", node.name},
                 {"kubernetes.io/os", "linux"},
                 {"kubernetes.io/arch", machine.architecture},
                 {"beta.kubernetes.io/os", "linux"},
                 {"beta.kubernetes.io/arch", machine.architecture}};
  for (const auto& [k, v] : node.extra_labels.items()) labels[k] = v;
  Json spec = Json::object();
  if (!node.taints.empty()) spec["taints"] = node.taints;
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"name", node.name},
            {"labels", labels},
            {"annotations", {{"node.alpha.kubernetes.io/ttl", "0"},
                             {"volumes.kubernetes.io/controller-managed-attach-detach", "true"}}}}},
          {"spec", spec},
          {"status", machine_node_status(node, machine, runtime, now, now)}};
}

}  // namespace skiff::agent::cri

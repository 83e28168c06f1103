// Plain C++ views of the CRI (runtime.v1) messages the agent sends and receives; cri_convert.cc maps
// them to the generated protobuf types. Times are nanoseconds since the Unix epoch, as on the wire.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::agent::cri {

using StringMap = std::map<std::string, std::string>;

struct RuntimeVersion {
  std::string version;              // the CRI version the runtime speaks, e.g. "0.1.0"
  std::string runtime_name;         // "containerd"
  std::string runtime_version;
  std::string runtime_api_version;  // "v1"
};

struct RuntimeCondition {
  std::string type;  // RuntimeReady, NetworkReady
  bool status = false;
  std::string reason;
  std::string message;
};

struct RuntimeStatus {
  std::vector<RuntimeCondition> conditions;
  StringMap info;  // only with verbose: JSON documents keyed by name (e.g. "config")

  // nullptr when the runtime did not report the condition.
  const RuntimeCondition* condition(std::string_view type) const;
};

// ---- Shared pieces ----

enum class NamespaceMode { kPod = 0, kContainer = 1, kNode = 2, kTarget = 3 };

// The CRI's defaults (all kPod); the kubelet sets pid to kContainer unless the pod shares its process
// namespace, and network to kNode for hostNetwork pods (which then must have no hostname).
struct NamespaceOptions {
  NamespaceMode network = NamespaceMode::kPod;
  NamespaceMode pid = NamespaceMode::kPod;
  NamespaceMode ipc = NamespaceMode::kPod;
  std::string target_id;  // with kTarget
};

// Seccomp/AppArmor: empty = not set (containerd: unconfined for seccomp), "RuntimeDefault",
// "Unconfined", or "localhost/<ref>".
using SecurityProfile = std::string;

enum class Protocol { kTcp = 0, kUdp = 1, kSctp = 2 };

struct PortMapping {
  Protocol protocol = Protocol::kTcp;
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string host_ip;
};

struct DnsConfig {
  std::vector<std::string> servers;
  std::vector<std::string> searches;
  std::vector<std::string> options;
};

enum class MountPropagation { kPrivate = 0, kHostToContainer = 1, kBidirectional = 2 };

struct Mount {
  std::string container_path;
  std::string host_path;
  bool readonly = false;
  bool selinux_relabel = false;
  MountPropagation propagation = MountPropagation::kPrivate;
};

struct LinuxResources {
  int64_t cpu_period = 0;
  int64_t cpu_quota = 0;
  int64_t cpu_shares = 0;
  int64_t memory_limit_in_bytes = 0;
  int64_t oom_score_adj = 0;
  std::string cpuset_cpus;
  std::string cpuset_mems;
  StringMap unified;  // cgroup v2 files, e.g. memory.max
  int64_t memory_swap_limit_in_bytes = 0;
};

// ---- Pod sandboxes ----

struct PodSandboxMetadata {
  std::string name;
  std::string uid;
  std::string namespace_name;
  uint32_t attempt = 0;
};

struct PodSandboxConfig {
  PodSandboxMetadata metadata;
  std::string hostname;       // empty only with a node network namespace
  std::string log_directory;  // container log paths are relative to it
  std::optional<DnsConfig> dns;
  std::vector<PortMapping> port_mappings;
  StringMap labels;
  StringMap annotations;
  // Linux
  std::string cgroup_parent;
  NamespaceOptions namespaces;
  bool privileged = false;
  bool readonly_rootfs = false;
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::vector<int64_t> supplemental_groups;
  SecurityProfile seccomp;
  SecurityProfile apparmor;
  StringMap sysctls;
  std::optional<LinuxResources> overhead;
  std::optional<LinuxResources> resources;
};

enum class SandboxState { kReady = 0, kNotReady = 1 };

struct PodSandbox {
  std::string id;
  PodSandboxMetadata metadata;
  SandboxState state = SandboxState::kNotReady;
  int64_t created_at = 0;
  StringMap labels;
  StringMap annotations;
  std::string runtime_handler;
};

struct PodSandboxStatus {
  std::string id;
  PodSandboxMetadata metadata;
  SandboxState state = SandboxState::kNotReady;
  int64_t created_at = 0;
  std::string ip;  // empty for host-network sandboxes
  std::vector<std::string> additional_ips;
  StringMap labels;
  StringMap annotations;
  std::string runtime_handler;
  StringMap info;  // only with verbose
};

struct PodSandboxFilter {
  std::string id;
  std::optional<SandboxState> state;
  StringMap label_selector;
};

// ---- Containers ----

struct ContainerMetadata {
  std::string name;
  uint32_t attempt = 0;
};

struct Device {
  std::string container_path;
  std::string host_path;
  std::string permissions;  // "rwm"
};

struct ContainerSecurity {
  std::vector<std::string> add_capabilities;
  std::vector<std::string> drop_capabilities;
  bool privileged = false;
  NamespaceOptions namespaces;
  std::optional<int64_t> run_as_user;
  std::string run_as_username;
  std::optional<int64_t> run_as_group;
  bool readonly_rootfs = false;
  std::vector<int64_t> supplemental_groups;
  bool no_new_privs = false;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  SecurityProfile seccomp;
  SecurityProfile apparmor;
};

struct ContainerConfig {
  ContainerMetadata metadata;
  std::string image;  // a reference or the image ID PullImage returned
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::string working_dir;
  std::vector<std::pair<std::string, std::string>> envs;
  std::vector<Mount> mounts;
  std::vector<Device> devices;
  StringMap labels;
  StringMap annotations;
  std::string log_path;  // relative to the sandbox's log_directory
  bool stdin = false;
  bool stdin_once = false;
  bool tty = false;
  std::optional<LinuxResources> resources;
  ContainerSecurity security;
};

enum class ContainerState { kCreated = 0, kRunning = 1, kExited = 2, kUnknown = 3 };

struct Container {
  std::string id;
  std::string pod_sandbox_id;
  ContainerMetadata metadata;
  std::string image;
  std::string image_ref;
  ContainerState state = ContainerState::kUnknown;
  int64_t created_at = 0;
  StringMap labels;
  StringMap annotations;
  std::string image_id;
};

struct ContainerStatus {
  std::string id;
  ContainerMetadata metadata;
  ContainerState state = ContainerState::kUnknown;
  int64_t created_at = 0;
  int64_t started_at = 0;
  int64_t finished_at = 0;
  int32_t exit_code = 0;
  std::string image;
  std::string image_ref;
  std::string reason;  // e.g. "OOMKilled", "Completed", "Error"
  std::string message;
  StringMap labels;
  StringMap annotations;
  std::vector<Mount> mounts;
  std::string log_path;  // absolute
  std::optional<LinuxResources> resources;
  std::string image_id;
  StringMap info;  // only with verbose (containerd: "info" holds pid, spec, ...)
};

struct ContainerFilter {
  std::string id;
  std::optional<ContainerState> state;
  std::string pod_sandbox_id;
  StringMap label_selector;
};

// ---- Exec, attach, port-forward ----

struct ExecSyncResult {
  std::string stdout_bytes;
  std::string stderr_bytes;
  int32_t exit_code = 0;
};

struct ExecRequest {
  std::string container_id;
  std::vector<std::string> cmd;
  bool tty = false;
  bool stdin = false;
  bool stdout = true;
  bool stderr = true;  // must be false with tty
};

struct AttachRequest {
  std::string container_id;
  bool stdin = false;
  bool tty = false;
  bool stdout = true;
  bool stderr = true;
};

// ---- Stats ----

struct CpuUsage {
  int64_t timestamp = 0;
  std::optional<uint64_t> usage_core_nano_seconds;
  std::optional<uint64_t> usage_nano_cores;
};

struct MemoryUsage {
  int64_t timestamp = 0;
  std::optional<uint64_t> working_set_bytes;
  std::optional<uint64_t> available_bytes;
  std::optional<uint64_t> usage_bytes;
  std::optional<uint64_t> rss_bytes;
  std::optional<uint64_t> page_faults;
  std::optional<uint64_t> major_page_faults;
};

struct FilesystemUsage {
  int64_t timestamp = 0;
  std::string mountpoint;
  std::optional<uint64_t> used_bytes;
  std::optional<uint64_t> inodes_used;
};

struct ContainerStats {
  std::string id;
  ContainerMetadata metadata;
  StringMap labels;
  StringMap annotations;
  std::optional<CpuUsage> cpu;
  std::optional<MemoryUsage> memory;
  std::optional<FilesystemUsage> writable_layer;
};

// ---- Images ----

struct Image {
  std::string id;
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  uint64_t size = 0;
  std::optional<int64_t> uid;
  std::string username;
  bool pinned = false;
};

struct AuthConfig {
  std::string username;
  std::string password;
  std::string auth;  // base64 "user:password", as in a docker config
  std::string server_address;
  std::string identity_token;
  std::string registry_token;
};

struct ImageFsInfo {
  std::vector<FilesystemUsage> image_filesystems;
  std::vector<FilesystemUsage> container_filesystems;
};

std::string_view to_string(ContainerState state);
std::string_view to_string(SandboxState state);

}  // namespace skiff::agent::cri

#include "agent/cri/cri_convert.h"

namespace skiff::agent::cri {

namespace pb = runtime::v1;

namespace {

template <class ProtoMap>
void copy_map(const StringMap& in, ProtoMap* out) {
  for (const auto& [key, value] : in) (*out)[key] = value;
}

template <class ProtoMap>
StringMap to_map(const ProtoMap& in) {
  return StringMap(in.begin(), in.end());
}

template <class ProtoRepeated>
std::vector<std::string> to_strings(const ProtoRepeated& in) {
  return std::vector<std::string>(in.begin(), in.end());
}

template <class Container, class ProtoRepeated>
void append(const Container& in, ProtoRepeated* out) {
  for (const auto& item : in) out->Add(typename Container::value_type(item));
}

void to_proto(const NamespaceOptions& in, pb::NamespaceOption* out) {
  out->set_network(static_cast<pb::NamespaceMode>(in.network));
  out->set_pid(static_cast<pb::NamespaceMode>(in.pid));
  out->set_ipc(static_cast<pb::NamespaceMode>(in.ipc));
  out->set_target_id(in.target_id);
}

// "" leaves the message unset: the runtime's default for an absent profile (containerd: unconfined
// seccomp) differs from an explicit RuntimeDefault.
template <class Owner>
void set_profile(const SecurityProfile& in, Owner* owner, pb::SecurityProfile* (Owner::*mutable_profile)()) {
  if (in.empty()) return;
  pb::SecurityProfile* out = (owner->*mutable_profile)();
  constexpr std::string_view kLocalhost = "localhost/";
  if (in == "Unconfined") {
    out->set_profile_type(pb::SecurityProfile::Unconfined);
  } else if (in.starts_with(kLocalhost)) {
    out->set_profile_type(pb::SecurityProfile::Localhost);
    out->set_localhost_ref(in.substr(kLocalhost.size()));
  } else {
    out->set_profile_type(pb::SecurityProfile::RuntimeDefault);
  }
}

void to_proto(const LinuxResources& in, pb::LinuxContainerResources* out) {
  out->set_cpu_period(in.cpu_period);
  out->set_cpu_quota(in.cpu_quota);
  out->set_cpu_shares(in.cpu_shares);
  out->set_memory_limit_in_bytes(in.memory_limit_in_bytes);
  out->set_oom_score_adj(in.oom_score_adj);
  out->set_cpuset_cpus(in.cpuset_cpus);
  out->set_cpuset_mems(in.cpuset_mems);
  copy_map(in.unified, out->mutable_unified());
  out->set_memory_swap_limit_in_bytes(in.memory_swap_limit_in_bytes);
}

LinuxResources from_proto(const pb::LinuxContainerResources& in) {
  LinuxResources out;
  out.cpu_period = in.cpu_period();
  out.cpu_quota = in.cpu_quota();
  out.cpu_shares = in.cpu_shares();
  out.memory_limit_in_bytes = in.memory_limit_in_bytes();
  out.oom_score_adj = in.oom_score_adj();
  out.cpuset_cpus = in.cpuset_cpus();
  out.cpuset_mems = in.cpuset_mems();
  out.unified = to_map(in.unified());
  out.memory_swap_limit_in_bytes = in.memory_swap_limit_in_bytes();
  return out;
}

void to_proto(const Mount& in, pb::Mount* out) {
  out->set_container_path(in.container_path);
  out->set_host_path(in.host_path);
  out->set_readonly(in.readonly);
  out->set_selinux_relabel(in.selinux_relabel);
  out->set_propagation(static_cast<pb::MountPropagation>(in.propagation));
}

Mount from_proto(const pb::Mount& in) {
  return {in.container_path(), in.host_path(), in.readonly(), in.selinux_relabel(),
          static_cast<MountPropagation>(in.propagation())};
}

PodSandboxMetadata from_proto(const pb::PodSandboxMetadata& in) {
  return {in.name(), in.uid(), in.namespace_(), in.attempt()};
}

ContainerMetadata from_proto(const pb::ContainerMetadata& in) { return {in.name(), in.attempt()}; }

std::optional<uint64_t> value_of(bool present, const pb::UInt64Value& in) {
  if (!present) return std::nullopt;
  return in.value();
}

}  // namespace

void to_proto(const PodSandboxConfig& in, pb::PodSandboxConfig* out) {
  pb::PodSandboxMetadata* metadata = out->mutable_metadata();
  metadata->set_name(in.metadata.name);
  metadata->set_uid(in.metadata.uid);
  metadata->set_namespace_(in.metadata.namespace_name);
  metadata->set_attempt(in.metadata.attempt);
  out->set_hostname(in.hostname);
  out->set_log_directory(in.log_directory);
  if (in.dns) {
    pb::DNSConfig* dns = out->mutable_dns_config();
    append(in.dns->servers, dns->mutable_servers());
    append(in.dns->searches, dns->mutable_searches());
    append(in.dns->options, dns->mutable_options());
  }
  for (const PortMapping& port : in.port_mappings) {
    pb::PortMapping* mapping = out->add_port_mappings();
    mapping->set_protocol(static_cast<pb::Protocol>(port.protocol));
    mapping->set_container_port(port.container_port);
    mapping->set_host_port(port.host_port);
    mapping->set_host_ip(port.host_ip);
  }
  copy_map(in.labels, out->mutable_labels());
  copy_map(in.annotations, out->mutable_annotations());

  pb::LinuxPodSandboxConfig* linux = out->mutable_linux();
  linux->set_cgroup_parent(in.cgroup_parent);
  copy_map(in.sysctls, linux->mutable_sysctls());
  if (in.overhead) to_proto(*in.overhead, linux->mutable_overhead());
  if (in.resources) to_proto(*in.resources, linux->mutable_resources());
  pb::LinuxSandboxSecurityContext* security = linux->mutable_security_context();
  to_proto(in.namespaces, security->mutable_namespace_options());
  security->set_privileged(in.privileged);
  security->set_readonly_rootfs(in.readonly_rootfs);
  if (in.run_as_user) security->mutable_run_as_user()->set_value(*in.run_as_user);
  if (in.run_as_group) security->mutable_run_as_group()->set_value(*in.run_as_group);
  append(in.supplemental_groups, security->mutable_supplemental_groups());
  set_profile(in.seccomp, security, &pb::LinuxSandboxSecurityContext::mutable_seccomp);
  set_profile(in.apparmor, security, &pb::LinuxSandboxSecurityContext::mutable_apparmor);
}

void to_proto(const ContainerConfig& in, pb::ContainerConfig* out) {
  out->mutable_metadata()->set_name(in.metadata.name);
  out->mutable_metadata()->set_attempt(in.metadata.attempt);
  out->mutable_image()->set_image(in.image);
  append(in.command, out->mutable_command());
  append(in.args, out->mutable_args());
  out->set_working_dir(in.working_dir);
  for (const auto& [key, value] : in.envs) {
    pb::KeyValue* env = out->add_envs();
    env->set_key(key);
    env->set_value(value);
  }
  for (const Mount& mount : in.mounts) to_proto(mount, out->add_mounts());
  for (const Device& device : in.devices) {
    pb::Device* proto = out->add_devices();
    proto->set_container_path(device.container_path);
    proto->set_host_path(device.host_path);
    proto->set_permissions(device.permissions);
  }
  copy_map(in.labels, out->mutable_labels());
  copy_map(in.annotations, out->mutable_annotations());
  out->set_log_path(in.log_path);
  out->set_stdin(in.stdin);
  out->set_stdin_once(in.stdin_once);
  out->set_tty(in.tty);

  pb::LinuxContainerConfig* linux = out->mutable_linux();
  if (in.resources) to_proto(*in.resources, linux->mutable_resources());
  const ContainerSecurity& sec = in.security;
  pb::LinuxContainerSecurityContext* security = linux->mutable_security_context();
  if (!sec.add_capabilities.empty() || !sec.drop_capabilities.empty()) {
    append(sec.add_capabilities, security->mutable_capabilities()->mutable_add_capabilities());
    append(sec.drop_capabilities, security->mutable_capabilities()->mutable_drop_capabilities());
  }
  security->set_privileged(sec.privileged);
  to_proto(sec.namespaces, security->mutable_namespace_options());
  if (sec.run_as_user) security->mutable_run_as_user()->set_value(*sec.run_as_user);
  security->set_run_as_username(sec.run_as_username);
  if (sec.run_as_group) security->mutable_run_as_group()->set_value(*sec.run_as_group);
  security->set_readonly_rootfs(sec.readonly_rootfs);
  append(sec.supplemental_groups, security->mutable_supplemental_groups());
  security->set_no_new_privs(sec.no_new_privs);
  append(sec.masked_paths, security->mutable_masked_paths());
  append(sec.readonly_paths, security->mutable_readonly_paths());
  set_profile(sec.seccomp, security, &pb::LinuxContainerSecurityContext::mutable_seccomp);
  set_profile(sec.apparmor, security, &pb::LinuxContainerSecurityContext::mutable_apparmor);
}

void to_proto(const PodSandboxFilter& in, pb::PodSandboxFilter* out) {
  out->set_id(in.id);
  if (in.state) out->mutable_state()->set_state(static_cast<pb::PodSandboxState>(*in.state));
  copy_map(in.label_selector, out->mutable_label_selector());
}

void to_proto(const ContainerFilter& in, pb::ContainerFilter* out) {
  out->set_id(in.id);
  if (in.state) out->mutable_state()->set_state(static_cast<pb::ContainerState>(*in.state));
  out->set_pod_sandbox_id(in.pod_sandbox_id);
  copy_map(in.label_selector, out->mutable_label_selector());
}

void to_proto(const AuthConfig& in, pb::AuthConfig* out) {
  out->set_username(in.username);
  out->set_password(in.password);
  out->set_auth(in.auth);
  out->set_server_address(in.server_address);
  out->set_identity_token(in.identity_token);
  out->set_registry_token(in.registry_token);
}

RuntimeVersion from_proto(const pb::VersionResponse& in) {
  return {in.version(), in.runtime_name(), in.runtime_version(), in.runtime_api_version()};
}

RuntimeStatus from_proto(const pb::StatusResponse& in) {
  RuntimeStatus out;
  for (const pb::RuntimeCondition& condition : in.status().conditions()) {
    out.conditions.push_back({condition.type(), condition.status(), condition.reason(), condition.message()});
  }
  out.info = to_map(in.info());
  return out;
}

PodSandbox from_proto(const pb::PodSandbox& in) {
  PodSandbox out;
  out.id = in.id();
  out.metadata = from_proto(in.metadata());
  out.state = static_cast<SandboxState>(in.state());
  out.created_at = in.created_at();
  out.labels = to_map(in.labels());
  out.annotations = to_map(in.annotations());
  out.runtime_handler = in.runtime_handler();
  return out;
}

PodSandboxStatus from_proto(const pb::PodSandboxStatusResponse& in) {
  const pb::PodSandboxStatus& status = in.status();
  PodSandboxStatus out;
  out.id = status.id();
  out.metadata = from_proto(status.metadata());
  out.state = static_cast<SandboxState>(status.state());
  out.created_at = status.created_at();
  out.ip = status.network().ip();
  for (const pb::PodIP& ip : status.network().additional_ips()) out.additional_ips.push_back(ip.ip());
  out.labels = to_map(status.labels());
  out.annotations = to_map(status.annotations());
  out.runtime_handler = status.runtime_handler();
  out.info = to_map(in.info());
  return out;
}

Container from_proto(const pb::Container& in) {
  Container out;
  out.id = in.id();
  out.pod_sandbox_id = in.pod_sandbox_id();
  out.metadata = from_proto(in.metadata());
  out.image = in.image().image();
  out.image_ref = in.image_ref();
  out.state = static_cast<ContainerState>(in.state());
  out.created_at = in.created_at();
  out.labels = to_map(in.labels());
  out.annotations = to_map(in.annotations());
  out.image_id = in.image_id();
  return out;
}

ContainerStatus from_proto(const pb::ContainerStatusResponse& in) {
  const pb::ContainerStatus& status = in.status();
  ContainerStatus out;
  out.id = status.id();
  out.metadata = from_proto(status.metadata());
  out.state = static_cast<ContainerState>(status.state());
  out.created_at = status.created_at();
  out.started_at = status.started_at();
  out.finished_at = status.finished_at();
  out.exit_code = status.exit_code();
  out.image = status.image().image();
  out.image_ref = status.image_ref();
  out.reason = status.reason();
  out.message = status.message();
  out.labels = to_map(status.labels());
  out.annotations = to_map(status.annotations());
  for (const pb::Mount& mount : status.mounts()) out.mounts.push_back(from_proto(mount));
  out.log_path = status.log_path();
  if (status.has_resources() && status.resources().has_linux()) {
    out.resources = from_proto(status.resources().linux());
  }
  out.image_id = status.image_id();
  out.info = to_map(in.info());
  return out;
}

FilesystemUsage from_proto(const pb::FilesystemUsage& in) {
  FilesystemUsage out;
  out.timestamp = in.timestamp();
  out.mountpoint = in.fs_id().mountpoint();
  out.used_bytes = value_of(in.has_used_bytes(), in.used_bytes());
  out.inodes_used = value_of(in.has_inodes_used(), in.inodes_used());
  return out;
}

ContainerStats from_proto(const pb::ContainerStats& in) {
  ContainerStats out;
  out.id = in.attributes().id();
  out.metadata = from_proto(in.attributes().metadata());
  out.labels = to_map(in.attributes().labels());
  out.annotations = to_map(in.attributes().annotations());
  if (in.has_cpu()) {
    const pb::CpuUsage& cpu = in.cpu();
    out.cpu = CpuUsage{cpu.timestamp(), value_of(cpu.has_usage_core_nano_seconds(), cpu.usage_core_nano_seconds()),
                       value_of(cpu.has_usage_nano_cores(), cpu.usage_nano_cores())};
  }
  if (in.has_memory()) {
    const pb::MemoryUsage& memory = in.memory();
    out.memory = MemoryUsage{memory.timestamp(),
                             value_of(memory.has_working_set_bytes(), memory.working_set_bytes()),
                             value_of(memory.has_available_bytes(), memory.available_bytes()),
                             value_of(memory.has_usage_bytes(), memory.usage_bytes()),
                             value_of(memory.has_rss_bytes(), memory.rss_bytes()),
                             value_of(memory.has_page_faults(), memory.page_faults()),
                             value_of(memory.has_major_page_faults(), memory.major_page_faults())};
  }
  if (in.has_writable_layer()) out.writable_layer = from_proto(in.writable_layer());
  return out;
}

Image from_proto(const pb::Image& in) {
  Image out;
  out.id = in.id();
  out.repo_tags = to_strings(in.repo_tags());
  out.repo_digests = to_strings(in.repo_digests());
  out.size = in.size();
  if (in.has_uid()) out.uid = in.uid().value();
  out.username = in.username();
  out.pinned = in.pinned();
  return out;
}

}  // namespace skiff::agent::cri

#include "agent/cri/pod_spec.h"

#include <algorithm>

#include "agent/cri/pod_labels.h"
#include "api/quantity.h"

namespace skiff::agent::cri {
namespace {

constexpr int64_t kMinShares = 2;
constexpr int64_t kSharesPerCpu = 1024;
constexpr int64_t kQuotaPeriod = 100000;  // microseconds, the kubelet's default cfs period
constexpr int64_t kMinQuota = 1000;

const Json& field(const Json& obj, const char* key) {
  static const Json null;
  if (!obj.is_object()) return null;
  auto it = obj.find(key);
  return it == obj.end() ? null : *it;
}

std::optional<api::Quantity> quantity(const Json& resources, const char* kind, const char* name) {
  const Json& q = field(field(resources, kind), name);
  if (q.is_null()) return std::nullopt;
  auto parsed = api::Quantity::from_json(q);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

StringMap string_map(const Json& obj) {
  StringMap out;
  if (obj.is_object())
    for (const auto& [k, v] : obj.items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

std::vector<std::string> strings(const Json& arr) {
  std::vector<std::string> out;
  if (arr.is_array())
    for (const auto& v : arr)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::vector<const Json*> all_containers(const Json& pod) {
  std::vector<const Json*> out;
  for (const char* list : {"initContainers", "containers"}) {
    const Json& cs = field(field(pod, "spec"), list);
    if (cs.is_array())
      for (const auto& c : cs) out.push_back(&c);
  }
  return out;
}

}  // namespace

PodSandboxConfig sandbox_config_for(const Json& pod, uint32_t attempt, const SandboxSettings& settings) {
  const Json& meta = field(pod, "metadata");
  const Json& spec = field(pod, "spec");
  PodSandboxConfig config;
  config.metadata.name = get_string(meta, "name");
  config.metadata.namespace_name = get_string(meta, "namespace");
  config.metadata.uid = get_string(meta, "uid");
  config.metadata.attempt = attempt;
  bool host_network = field(spec, "hostNetwork").is_boolean() && field(spec, "hostNetwork").get<bool>();
  if (host_network) {
    config.namespaces.network = NamespaceMode::kNode;
  } else {
    config.hostname = get_string(spec, "hostname", config.metadata.name);
  }
  if (field(spec, "hostPID").is_boolean() && field(spec, "hostPID").get<bool>()) config.namespaces.pid = NamespaceMode::kNode;
  else if (field(spec, "shareProcessNamespace").is_boolean() && field(spec, "shareProcessNamespace").get<bool>())
    config.namespaces.pid = NamespaceMode::kPod;
  else config.namespaces.pid = NamespaceMode::kContainer;
  if (field(spec, "hostIPC").is_boolean() && field(spec, "hostIPC").get<bool>()) config.namespaces.ipc = NamespaceMode::kNode;
  config.log_directory = settings.log_root + "/" + config.metadata.namespace_name + "_" + config.metadata.name + "_" +
                         config.metadata.uid;

  config.labels = string_map(field(meta, "labels"));
  config.labels[kPodUidLabel] = config.metadata.uid;
  config.labels[kPodNameLabel] = config.metadata.name;
  config.labels[kPodNamespaceLabel] = config.metadata.namespace_name;
  config.labels[kManagedByLabel] = kManagedByValue;
  config.annotations = string_map(field(meta, "annotations"));

  // With dnsPolicy None (or an explicit dnsConfig) the pod says what it wants; otherwise containerd
  // copies the node's resolv.conf (there is no cluster DNS service yet).
  const Json& dns = field(spec, "dnsConfig");
  if (get_string(spec, "dnsPolicy") == "None" || dns.is_object()) {
    DnsConfig d;
    d.servers = strings(field(dns, "nameservers"));
    d.searches = strings(field(dns, "searches"));
    const Json& options = field(dns, "options");
    if (options.is_array())
      for (const auto& o : options) {
        std::string opt = get_string(o, "name");
        if (o.contains("value") && o["value"].is_string()) opt += ":" + o["value"].get<std::string>();
        if (!opt.empty()) d.options.push_back(opt);
      }
    config.dns = d;
  }

  for (const Json* c : all_containers(pod)) {
    const Json& ports = field(*c, "ports");
    if (!ports.is_array()) continue;
    for (const auto& p : ports) {
      int host_port = field(p, "hostPort").is_number_integer() ? field(p, "hostPort").get<int>() : 0;
      if (host_port <= 0) continue;
      PortMapping m;
      m.container_port = field(p, "containerPort").is_number_integer() ? field(p, "containerPort").get<int>() : 0;
      m.host_port = host_port;
      m.host_ip = get_string(p, "hostIP");
      std::string proto = get_string(p, "protocol", "TCP");
      m.protocol = proto == "UDP" ? Protocol::kUdp : proto == "SCTP" ? Protocol::kSctp : Protocol::kTcp;
      config.port_mappings.push_back(m);
    }
  }
  const Json& security = field(spec, "securityContext");
  if (field(security, "runAsUser").is_number_integer()) config.run_as_user = field(security, "runAsUser").get<int64_t>();
  if (field(security, "runAsGroup").is_number_integer()) config.run_as_group = field(security, "runAsGroup").get<int64_t>();
  if (field(security, "supplementalGroups").is_array())
    for (const auto& g : field(security, "supplementalGroups"))
      if (g.is_number_integer()) config.supplemental_groups.push_back(g.get<int64_t>());
  return config;
}

std::string expand_vars(const std::string& text, const EnvList& env) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] == '(') {
      auto close = text.find(')', i + 2);
      if (close != std::string::npos) {
        std::string name = text.substr(i + 2, close - i - 2);
        // The last definition wins, as in the kubelet's map of the container's env.
        auto it = std::find_if(env.rbegin(), env.rend(), [&](const auto& kv) { return kv.first == name; });
        if (it != env.rend()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

std::string qos_class(const Json& pod) {
  bool any = false, guaranteed = true;
  for (const Json* c : all_containers(pod)) {
    const Json& res = field(*c, "resources");
    for (const char* name : {"cpu", "memory"}) {
      auto request = quantity(res, "requests", name);
      auto limit = quantity(res, "limits", name);
      if (request && !request->is_zero()) any = true;
      if (limit && !limit->is_zero()) any = true;
      if (!limit || limit->is_zero()) guaranteed = false;
      else if (request && request->compare(*limit) != 0) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

LinuxResources container_resources(const Json& pod, const Json& container, int64_t node_memory_bytes) {
  const Json& res = field(container, "resources");
  LinuxResources r;
  auto cpu_request = quantity(res, "requests", "cpu");
  auto cpu_limit = quantity(res, "limits", "cpu");
  int64_t request_milli = cpu_request ? cpu_request->milli_value() : (cpu_limit ? cpu_limit->milli_value() : 0);
  r.cpu_shares = std::max(kMinShares, request_milli * kSharesPerCpu / 1000);
  if (cpu_limit && !cpu_limit->is_zero()) {
    r.cpu_period = kQuotaPeriod;
    r.cpu_quota = std::max(kMinQuota, cpu_limit->milli_value() * kQuotaPeriod / 1000);
  }
  if (auto memory_limit = quantity(res, "limits", "memory")) r.memory_limit_in_bytes = memory_limit->value();

  std::string qos = qos_class(pod);
  if (qos == "Guaranteed") {
    r.oom_score_adj = -997;
  } else if (qos == "BestEffort") {
    r.oom_score_adj = 1000;
  } else {
    auto memory_request = quantity(res, "requests", "memory");
    int64_t request = memory_request ? memory_request->value() : 0;
    int64_t adj = node_memory_bytes > 0 ? 1000 - (1000 * request) / node_memory_bytes : 1000;
    r.oom_score_adj = std::clamp<int64_t>(adj, 2, 999);
  }
  return r;
}

std::string image_pull_policy(const Json& container) {
  std::string policy = get_string(container, "imagePullPolicy");
  if (!policy.empty()) return policy;
  std::string image = get_string(container, "image");
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!tagged || image.substr(colon + 1) == "latest") return "Always";
  return "IfNotPresent";
}

ContainerConfig container_config_for(const Json& pod, const Json& container, const EnvList& env,
                                     const std::string& image_ref, uint32_t attempt, int64_t node_memory_bytes) {
  const Json& meta = field(pod, "metadata");
  ContainerConfig config;
  config.metadata.name = get_string(container, "name");
  config.metadata.attempt = attempt;
  config.image = image_ref;
  for (const auto& c : strings(field(container, "command"))) config.command.push_back(expand_vars(c, env));
  for (const auto& a : strings(field(container, "args"))) config.args.push_back(expand_vars(a, env));
  config.working_dir = get_string(container, "workingDir");
  config.envs = env;
  config.labels = {{kPodUidLabel, get_string(meta, "uid")},
                   {kPodNameLabel, get_string(meta, "name")},
                   {kPodNamespaceLabel, get_string(meta, "namespace")},
                   {kContainerNameLabel, config.metadata.name},
                   {kManagedByLabel, kManagedByValue}};
  config.annotations = {{"io.kubernetes.container.restartCount", std::to_string(attempt)},
                        {"io.kubernetes.pod.terminationGracePeriod",
                         std::to_string(field(field(pod, "spec"), "terminationGracePeriodSeconds").is_number_integer()
                                            ? field(field(pod, "spec"), "terminationGracePeriodSeconds").get<int64_t>()
                                            : 30)}};
  config.log_path = config.metadata.name + "/" + std::to_string(attempt) + ".log";
  config.stdin = field(container, "stdin").is_boolean() && field(container, "stdin").get<bool>();
  config.stdin_once = field(container, "stdinOnce").is_boolean() && field(container, "stdinOnce").get<bool>();
  config.tty = field(container, "tty").is_boolean() && field(container, "tty").get<bool>();
  config.resources = container_resources(pod, container, node_memory_bytes);

  // The container's securityContext overrides the pod's.
  const Json& pod_security = field(field(pod, "spec"), "securityContext");
  const Json& security = field(container, "securityContext");
  config.security.namespaces.pid = sandbox_config_for(pod, 0, {}).namespaces.pid;
  config.security.namespaces.network =
      field(field(pod, "spec"), "hostNetwork").is_boolean() && field(field(pod, "spec"), "hostNetwork").get<bool>()
          ? NamespaceMode::kNode
          : NamespaceMode::kPod;
  for (const Json* sc : {&pod_security, &security}) {
    if (field(*sc, "runAsUser").is_number_integer()) config.security.run_as_user = field(*sc, "runAsUser").get<int64_t>();
    if (field(*sc, "runAsGroup").is_number_integer()) config.security.run_as_group = field(*sc, "runAsGroup").get<int64_t>();
  }
  if (field(pod_security, "supplementalGroups").is_array())
    for (const auto& g : field(pod_security, "supplementalGroups"))
      if (g.is_number_integer()) config.security.supplemental_groups.push_back(g.get<int64_t>());
  config.security.privileged = field(security, "privileged").is_boolean() && field(security, "privileged").get<bool>();
  config.security.readonly_rootfs =
      field(security, "readOnlyRootFilesystem").is_boolean() && field(security, "readOnlyRootFilesystem").get<bool>();
  config.security.add_capabilities = strings(field(field(security, "capabilities"), "add"));
  config.security.drop_capabilities = strings(field(field(security, "capabilities"), "drop"));
  const Json& escalation = field(security, "allowPrivilegeEscalation");
  config.security.no_new_privs = escalation.is_boolean() && !escalation.get<bool>();
  return config;
}

}  // namespace skiff::agent::cri

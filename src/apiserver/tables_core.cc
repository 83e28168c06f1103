// Printers for the core group (v1): services, nodes, events, volumes and the small kinds (pods: tables_pod.cc).
#include <algorithm>
#include <cctype>
#include <set>

#include "apiserver/tables_format.h"
#include "apiserver/tables_printers.h"

namespace skiff::apiserver::tables {

namespace {

std::string name_of(const Json& obj) { return str(obj, "metadata.name"); }

PrintedRow print_pod_template(const Json& obj, const PrintContext&) {
  auto [names, images] = container_names_and_images(at(obj, "template.spec.containers"));
  return {{name_of(obj), names, images, format_labels(at(obj, "template.metadata.labels"))}, nullptr};
}

PrintedRow print_replication_controller(const Json& obj, const PrintContext& ctx) {
  auto [names, images] = container_names_and_images(at(obj, "spec.template.spec.containers"));
  return {{name_of(obj), integer(obj, "spec.replicas", 1), integer(obj, "status.replicas"),
           integer(obj, "status.readyReplicas"), object_age(obj, ctx.now), names, images,
           format_labels(at(obj, "spec.selector"))},
          nullptr};
}

// ---- Service ----

std::string load_balancer_ingress(const Json& ingress) {
  std::set<std::string> addresses;
  if (ingress.is_array()) {
    for (const Json& i : ingress) {
      if (!str(i, "ip").empty()) {
        addresses.insert(str(i, "ip"));
      } else if (!str(i, "hostname").empty()) {
        addresses.insert(str(i, "hostname"));
      }
    }
  }
  return join_strings({addresses.begin(), addresses.end()}, ",");
}

std::vector<std::string> string_list(const Json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const Json& s : v) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

std::string service_external_ip(const Json& svc, const std::string& type) {
  std::vector<std::string> external_ips = string_list(at(svc, "spec.externalIPs"));
  if (type == "ClusterIP" || type == "NodePort") {
    return external_ips.empty() ? "<none>" : join_strings(external_ips, ",");
  }
  if (type == "LoadBalancer") {
    // Servers render tables wide, so load-balancer addresses are never clipped.
    std::string lb = load_balancer_ingress(at(svc, "status.loadBalancer.ingress"));
    if (!external_ips.empty()) {
      std::vector<std::string> all;
      if (!lb.empty()) all.push_back(lb);
      all.insert(all.end(), external_ips.begin(), external_ips.end());
      return join_strings(all, ",");
    }
    return lb.empty() ? "<pending>" : lb;
  }
  if (type == "ExternalName") return str(svc, "spec.externalName");
  return "<unknown>";
}

std::string service_ports(const Json& ports) {
  std::vector<std::string> pieces;
  if (ports.is_array()) {
    for (const Json& p : ports) {
      std::string protocol = str(p, "protocol");
      if (protocol.empty()) protocol = "TCP";
      std::string piece = std::to_string(integer(p, "port"));
      int64_t node_port = integer(p, "nodePort");
      if (node_port > 0) piece += ":" + std::to_string(node_port);
      pieces.push_back(piece + "/" + protocol);
    }
  }
  return join_strings(pieces, ",");
}

PrintedRow print_service(const Json& svc, const PrintContext& ctx) {
  std::string type = str(svc, "spec.type");
  if (type.empty()) type = "ClusterIP";
  std::string cluster_ip;
  const Json& cluster_ips = at(svc, "spec.clusterIPs");
  if (cluster_ips.is_array() && !cluster_ips.empty() && cluster_ips[0].is_string()) {
    cluster_ip = cluster_ips[0].get<std::string>();
  } else {
    cluster_ip = str(svc, "spec.clusterIP");
  }
  return {{name_of(svc), type, or_none(cluster_ip), service_external_ip(svc, type),
           or_none(service_ports(at(svc, "spec.ports"))), object_age(svc, ctx.now),
           format_labels(at(svc, "spec.selector"))},
          nullptr};
}

// ---- Endpoints ----

// At most three addresses, then " + N more...".
std::string format_endpoints(const Json& subsets) {
  if (!subsets.is_array() || subsets.empty()) return "<none>";
  constexpr size_t kMax = 3;
  std::vector<std::string> list;
  bool more = false;
  size_t total = 0;
  for (const Json& ss : subsets) {
    const Json& addresses = at(ss, "addresses");
    size_t n_addresses = addresses.is_array() ? addresses.size() : 0;
    const Json& ports = at(ss, "ports");
    if (!ports.is_array() || ports.empty()) {
      total += n_addresses;
      for (size_t i = 0; i < n_addresses; ++i) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        list.push_back(str(addresses[i], "ip"));
      }
      continue;
    }
    for (const Json& port : ports) {
      total += n_addresses;
      for (size_t i = 0; i < n_addresses; ++i) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        list.push_back(join_host_port(str(addresses[i], "ip"), integer(port, "port")));
      }
    }
  }
  std::string joined = join_strings(list, ",");
  if (more) return joined + " + " + std::to_string(total - kMax) + " more...";
  return joined;
}

PrintedRow print_endpoints(const Json& obj, const PrintContext& ctx) {
  return {{name_of(obj), format_endpoints(at(obj, "subsets")), object_age(obj, ctx.now)}, nullptr};
}

// ---- Small kinds ----

PrintedRow print_namespace(const Json& obj, const PrintContext& ctx) {
  return {{name_of(obj), str(obj, "status.phase"), object_age(obj, ctx.now)}, nullptr};
}

PrintedRow print_config_map(const Json& obj, const PrintContext& ctx) {
  return {{name_of(obj), count(obj, "data") + count(obj, "binaryData"), object_age(obj, ctx.now)}, nullptr};
}

PrintedRow print_secret(const Json& obj, const PrintContext& ctx) {
  return {{name_of(obj), str(obj, "type"), count(obj, "data"), object_age(obj, ctx.now)}, nullptr};
}

PrintedRow print_service_account(const Json& obj, const PrintContext& ctx) {
  return {{name_of(obj), count(obj, "secrets"), object_age(obj, ctx.now)}, nullptr};
}

// ---- Node ----

std::string node_address(const Json& node, std::string_view type) {
  const Json& addresses = at(node, "status.addresses");
  if (addresses.is_array()) {
    for (const Json& a : addresses) {
      if (str(a, "type") == type) return str(a, "address");
    }
  }
  return "<none>";
}

std::string node_roles(const Json& node) {
  constexpr std::string_view kRolePrefix = "node-role.kubernetes.io/";
  std::set<std::string> roles;
  const Json& labels = at(node, "metadata.labels");
  if (labels.is_object()) {
    for (auto it = labels.begin(); it != labels.end(); ++it) {
      const std::string& key = it.key();
      if (key.size() > kRolePrefix.size() && key.compare(0, kRolePrefix.size(), kRolePrefix) == 0) {
        roles.insert(key.substr(kRolePrefix.size()));
      } else if (key == "kubernetes.io/role" && it->is_string() && !it->get<std::string>().empty()) {
        roles.insert(it->get<std::string>());
      }
    }
  }
  return or_none(join_strings({roles.begin(), roles.end()}, ","));
}

std::string or_unknown(std::string s) { return s.empty() ? "<unknown>" : s; }

PrintedRow print_node(const Json& node, const PrintContext& ctx) {
  // Only the Ready condition is shown; if it repeats, the last one counts.
  std::string ready = "Unknown";
  const Json& conditions = at(node, "status.conditions");
  if (conditions.is_array()) {
    for (const Json& c : conditions) {
      if (str(c, "type") == "Ready") ready = str(c, "status") == "True" ? "Ready" : "NotReady";
    }
  }
  std::vector<std::string> status{ready};
  if (flag(node, "spec.unschedulable")) status.push_back("SchedulingDisabled");

  return {{name_of(node), join_strings(status, ","), node_roles(node), object_age(node, ctx.now),
           str(node, "status.nodeInfo.kubeletVersion"), node_address(node, "InternalIP"),
           node_address(node, "ExternalIP"), or_unknown(str(node, "status.nodeInfo.osImage")),
           or_unknown(str(node, "status.nodeInfo.kernelVersion")),
           or_unknown(str(node, "status.nodeInfo.containerRuntimeVersion"))},
          nullptr};
}

// ---- Events (core/v1 and events.k8s.io/v1 name the same facts differently) ----

struct EventFields {
  std::string_view involved_object;
  std::string_view message;
  std::string_view source;
  std::string_view first_timestamp;
  std::string_view last_timestamp;
  std::string_view count;
};

constexpr EventFields kCoreEventFields{"involvedObject", "message", "source",
                                       "firstTimestamp", "lastTimestamp", "count"};
constexpr EventFields kEventsGroupFields{"regarding",
                                         "note",
                                         "deprecatedSource",
                                         "deprecatedFirstTimestamp",
                                         "deprecatedLastTimestamp",
                                         "deprecatedCount"};

std::string trim_space(std::string s) {
  const char* ws = " \t\n\r\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

PrintedRow print_event_with(const Json& ev, const PrintContext& ctx, const EventFields& f) {
  const Json& first_ts = at(ev, f.first_timestamp);
  std::string first_seen =
      timestamp(first_ts) ? age_of(first_ts, ctx.now) : age_of(at(ev, "eventTime"), ctx.now);
  std::string last_seen = timestamp(at(ev, f.last_timestamp)) ? age_of(at(ev, f.last_timestamp), ctx.now) : first_seen;

  int64_t n = integer(ev, f.count);
  if (at(ev, "series").is_object()) {
    last_seen = age_of(at(ev, "series.lastObservedTime"), ctx.now);
    n = integer(ev, "series.count");
  } else if (n == 0) {
    n = 1;  // singleton events of the new API carry no count
  }

  const Json& involved = at(ev, f.involved_object);
  std::string kind;
  for (char c : str(involved, "kind")) kind += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string target = str(involved, "name").empty() ? kind : kind + "/" + str(involved, "name");

  const Json& source = at(ev, f.source);
  std::string component = str(source, "component");
  if (component.empty()) component = str(ev, "reportingController");
  std::string host = str(source, "host");
  if (host.empty()) host = str(ev, "reportingInstance");
  std::string source_cell = host.empty() ? component : component + ", " + host;

  return {{last_seen, str(ev, "type"), str(ev, "reason"), target, str(involved, "fieldPath"), source_cell,
           trim_space(str(ev, f.message)), first_seen, n, name_of(ev)},
          nullptr};
}

PrintedRow print_core_event(const Json& ev, const PrintContext& ctx) { return print_event_with(ev, ctx, kCoreEventFields); }
PrintedRow print_events_group_event(const Json& ev, const PrintContext& ctx) {
  return print_event_with(ev, ctx, kEventsGroupFields);
}

// ---- Volumes ----

std::string access_modes(const Json& modes) {
  std::set<std::string> present;
  if (modes.is_array()) {
    for (const Json& m : modes) {
      if (m.is_string()) present.insert(m.get<std::string>());
    }
  }
  std::vector<std::string> out;
  if (present.count("ReadWriteOnce")) out.push_back("RWO");
  if (present.count("ReadOnlyMany")) out.push_back("ROX");
  if (present.count("ReadWriteMany")) out.push_back("RWX");
  if (present.count("ReadWriteOncePod")) out.push_back("RWOP");
  return join_strings(out, ",");
}

// The beta annotation wins over spec.storageClassName, as in Kubernetes' helpers.
std::string storage_class_of(const Json& obj) {
  const Json& annotation = at(obj, "metadata.annotations");
  if (annotation.is_object()) {
    auto it = annotation.find("volume.beta.kubernetes.io/storage-class");
    if (it != annotation.end() && it->is_string()) return it->get<std::string>();
  }
  return str(obj, "spec.storageClassName");
}

std::string or_unset(const Json& v) { return v.is_string() ? v.get<std::string>() : "<unset>"; }

PrintedRow print_persistent_volume(const Json& pv, const PrintContext& ctx) {
  std::string claim;
  if (at(pv, "spec.claimRef").is_object()) {
    claim = str(pv, "spec.claimRef.namespace") + "/" + str(pv, "spec.claimRef.name");
  }
  std::string phase = has(pv, "metadata.deletionTimestamp") ? "Terminating" : str(pv, "status.phase");
  return {{name_of(pv), quantity(at(pv, "spec.capacity.storage")), access_modes(at(pv, "spec.accessModes")),
           str(pv, "spec.persistentVolumeReclaimPolicy"), phase, claim, storage_class_of(pv),
           or_unset(at(pv, "spec.volumeAttributesClassName")), str(pv, "status.reason"), object_age(pv, ctx.now),
           or_unset(at(pv, "spec.volumeMode"))},
          nullptr};
}

PrintedRow print_persistent_volume_claim(const Json& pvc, const PrintContext& ctx) {
  std::string phase = has(pvc, "metadata.deletionTimestamp") ? "Terminating" : str(pvc, "status.phase");
  std::string volume = str(pvc, "spec.volumeName");
  std::string capacity, modes;
  if (!volume.empty()) {
    modes = access_modes(at(pvc, "status.accessModes"));
    capacity = quantity(at(pvc, "status.capacity.storage"));
  }
  return {{name_of(pvc), phase, volume, capacity, modes, storage_class_of(pvc),
           or_unset(at(pvc, "spec.volumeAttributesClassName")), object_age(pvc, ctx.now),
           or_unset(at(pvc, "spec.volumeMode"))},
          nullptr};
}

// ---- ResourceQuota ----

PrintedRow print_resource_quota(const Json& rq, const PrintContext& ctx) {
  const Json& hard = at(rq, "status.hard");
  const Json& used = at(rq, "status.used");
  std::vector<std::string> names;
  if (hard.is_object()) {
    for (auto it = hard.begin(); it != hard.end(); ++it) names.push_back(it.key());
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> requests, limits;
  for (const auto& name : names) {
    const Json& used_value = used.is_object() && used.contains(name) ? used[name] : Json();
    std::string piece = name + ": " + quantity(used_value) + "/" + quantity(hard[name]);
    bool is_limit = name.rfind("limits.", 0) == 0;
    (is_limit ? limits : requests).push_back(std::move(piece));
  }
  return {{name_of(rq), join_strings(requests, ", "), join_strings(limits, ", "), object_age(rq, ctx.now)}, nullptr};
}

}  // namespace

void add_core_printers(PrinterRegistry& r) {
  r.add("", "", "Pod",
        {{name_column(), column("Ready", "string", "Ready containers out of all containers."),
          column("Status", "string", "The pod's aggregate state, computed as kubectl shows it."),
          column("Restarts", "string", "Container restarts, and how long ago the last one was."), age_column(),
          column("IP", "string", "The pod's first IP address.", 1),
          column("Node", "string", "The node the pod is bound to.", 1),
          column("Nominated Node", "string", "The node the scheduler nominated after preemption.", 1),
          column("Readiness Gates", "string", "Readiness gates that are true, out of all gates.", 1)},
         print_pod});

  r.add("", "", "PodTemplate",
        {{name_column(), column("Containers", "string", "Container names in the template."),
          column("Images", "string", "Container images in the template."),
          column("Pod Labels", "string", "Labels of the pod template.")},
         print_pod_template});

  r.add("", "", "ReplicationController",
        {{name_column(), column("Desired", "integer", "Desired number of replicas."),
          column("Current", "integer", "Observed number of replicas."),
          column("Ready", "integer", "Replicas that are ready."), age_column(),
          column("Containers", "string", "Container names in the template.", 1),
          column("Images", "string", "Container images in the template.", 1),
          column("Selector", "string", "Labels that select the controlled pods.", 1)},
         print_replication_controller});

  r.add("", "", "Service",
        {{name_column(), column("Type", "string", "How the service is exposed."),
          column("Cluster-IP", "string", "The service's cluster IP address."),
          column("External-IP", "string", "External addresses of the service."),
          column("Port(s)", "string", "Service ports, with node ports where allocated."), age_column(),
          column("Selector", "string", "Labels that select the service's pods.", 1)},
         print_service});

  r.add("", "", "Endpoints",
        {{name_column(), column("Endpoints", "string", "Addresses and ports of the endpoints."), age_column()},
         print_endpoints});

  r.add("", "", "Namespace",
        {{name_column(), column("Status", "string", "The namespace's phase."), age_column()}, print_namespace});

  r.add("", "", "ConfigMap",
        {{name_column(), column("Data", "string", "Number of data and binaryData keys."), age_column()},
         print_config_map});

  r.add("", "", "Secret",
        {{name_column(), column("Type", "string", "The secret's type."),
          column("Data", "string", "Number of data keys."), age_column()},
         print_secret});

  r.add("", "", "ServiceAccount",
        {{name_column(), column("Secrets", "string", "Number of secrets listed on the service account."),
          age_column()},
         print_service_account});

  r.add("", "", "Node",
        {{name_column(), column("Status", "string", "Readiness and schedulability of the node."),
          column("Roles", "string", "Roles from node-role.kubernetes.io labels."), age_column(),
          column("Version", "string", "The node agent's reported version."),
          column("Internal-IP", "string", "The node's internal address.", 1),
          column("External-IP", "string", "The node's external address.", 1),
          column("OS-Image", "string", "The node's operating system image.", 1),
          column("Kernel-Version", "string", "The node's kernel version.", 1),
          column("Container-Runtime", "string", "The node's container runtime and version.", 1)},
         print_node});

  std::vector<api::PrinterColumn> event_columns = {
      column("Last Seen", "string", "Time since the event was last observed."),
      column("Type", "string", "Normal or Warning."),
      column("Reason", "string", "Short machine-readable reason."),
      column("Object", "string", "The object the event is about."),
      column("Subobject", "string", "The part of the object the event is about.", 1),
      column("Source", "string", "The component that reported the event.", 1),
      column("Message", "string", "Human-readable description."),
      column("First Seen", "string", "Time since the event was first observed.", 1),
      column("Count", "string", "How many times the event was observed.", 1),
      {"Name", "string", "name", "Name of the event object.", 1}};
  r.add("", "", "Event", {event_columns, print_core_event});
  r.add("events.k8s.io", "", "Event", {event_columns, print_events_group_event});

  r.add("", "", "PersistentVolume",
        {{name_column(), column("Capacity", "string", "Storage capacity of the volume."),
          column("Access Modes", "string", "Access modes the volume supports."),
          column("Reclaim Policy", "string", "What happens to the volume when its claim is released."),
          column("Status", "string", "The volume's phase."),
          column("Claim", "string", "The claim bound to the volume."),
          column("StorageClass", "string", "Storage class of the volume."),
          column("VolumeAttributesClass", "string", "Volume attributes class of the volume."),
          column("Reason", "string", "Why the volume is in its phase."), age_column(),
          column("VolumeMode", "string", "Filesystem or Block.", 1)},
         print_persistent_volume});

  r.add("", "", "PersistentVolumeClaim",
        {{name_column(), column("Status", "string", "The claim's phase."),
          column("Volume", "string", "The volume bound to the claim."),
          column("Capacity", "string", "Storage capacity of the bound volume."),
          column("Access Modes", "string", "Access modes of the bound volume."),
          column("StorageClass", "string", "Storage class of the claim."),
          column("VolumeAttributesClass", "string", "Volume attributes class of the claim."), age_column(),
          column("VolumeMode", "string", "Filesystem or Block.", 1)},
         print_persistent_volume_claim});

  r.add("", "", "ResourceQuota",
        {{name_column(), column("Request", "string", "Used and hard amounts of non-limit resources."),
          column("Limit", "string", "Used and hard amounts of limits.* resources."), age_column()},
         print_resource_quota});

  r.add("", "", "LimitRange", created_at_printer());
}

}  // namespace skiff::apiserver::tables

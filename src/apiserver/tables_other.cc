// Printers for the remaining API groups: networking, RBAC, coordination, discovery, storage,
// scheduling, admission registration and node, plus the kinds Kubernetes prints generically.
#include <set>

#include "apiserver/tables_format.h"
#include "apiserver/tables_printers.h"

namespace skiff::apiserver::tables {

namespace {

std::string name_of(const Json& obj) { return str(obj, "metadata.name"); }

// ---- networking.k8s.io ----

// At most three hosts, then " + N more..."; "*" when no rule names a host.
std::string ingress_hosts(const Json& rules) {
  constexpr size_t kMax = 3;
  std::vector<std::string> list;
  bool more = false;
  size_t n_rules = rules.is_array() ? rules.size() : 0;
  for (size_t i = 0; i < n_rules; ++i) {
    if (list.size() == kMax) more = true;
    std::string host = str(rules[i], "host");
    if (!more && !host.empty()) list.push_back(host);
  }
  if (list.empty()) return "*";
  std::string joined = join_strings(list, ",");
  if (more) return joined + " + " + std::to_string(n_rules - kMax) + " more...";
  return joined;
}

std::string ingress_address(const Json& ingress) {
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

PrintedRow print_ingress(const Json& ing, const PrintContext& ctx) {
  std::string class_name = has(ing, "spec.ingressClassName") ? str(ing, "spec.ingressClassName") : "<none>";
  std::string ports = count(ing, "spec.tls") > 0 ? "80, 443" : "80";
  return {{name_of(ing), class_name, ingress_hosts(at(ing, "spec.rules")),
           ingress_address(at(ing, "status.loadBalancer.ingress")), ports, object_age(ing, ctx.now)},
          nullptr};
}

PrintedRow print_ingress_class(const Json& ic, const PrintContext& ctx) {
  std::string parameters = "<none>";
  const Json& p = at(ic, "spec.parameters");
  if (p.is_object()) {
    parameters = str(p, "kind");
    if (has(p, "apiGroup")) parameters += "." + str(p, "apiGroup");
    parameters += "/" + str(p, "name");
  }
  return {{name_of(ic), str(ic, "spec.controller"), parameters, object_age(ic, ctx.now)}, nullptr};
}

PrintedRow print_network_policy(const Json& np, const PrintContext& ctx) {
  return {{name_of(np), format_label_selector(at(np, "spec.podSelector")), object_age(np, ctx.now)}, nullptr};
}

// ---- rbac.authorization.k8s.io ----

PrintedRow print_binding(const Json& b, const PrintContext& ctx) {
  std::vector<std::string> users, groups, service_accounts;
  const Json& subjects = at(b, "subjects");
  if (subjects.is_array()) {
    for (const Json& s : subjects) {
      std::string kind = str(s, "kind");
      if (kind == "ServiceAccount") {
        service_accounts.push_back(str(s, "namespace") + "/" + str(s, "name"));
      } else if (kind == "User") {
        users.push_back(str(s, "name"));
      } else if (kind == "Group") {
        groups.push_back(str(s, "name"));
      }
    }
  }
  return {{name_of(b), str(b, "roleRef.kind") + "/" + str(b, "roleRef.name"), object_age(b, ctx.now),
           join_strings(users, ", "), join_strings(groups, ", "), join_strings(service_accounts, ", ")},
          nullptr};
}

// ---- coordination.k8s.io ----

PrintedRow print_lease(const Json& lease, const PrintContext& ctx) {
  return {{name_of(lease), str(lease, "spec.holderIdentity"), object_age(lease, ctx.now)}, nullptr};
}

// ---- discovery.k8s.io ----

// At most three entries, then " + N more..."; "<unset>" when there are none.
std::string list_with_more(const std::vector<std::string>& all) {
  constexpr size_t kMax = 3;
  if (all.empty()) return "<unset>";
  if (all.size() <= kMax) return join_strings(all, ",");
  std::vector<std::string> head(all.begin(), all.begin() + kMax);
  return join_strings(head, ",") + " + " + std::to_string(all.size() - kMax) + " more...";
}

PrintedRow print_endpoint_slice(const Json& es, const PrintContext& ctx) {
  std::vector<std::string> ports, addresses;
  const Json& port_list = at(es, "ports");
  if (port_list.is_array()) {
    for (const Json& p : port_list) {
      if (has(p, "port")) {
        ports.push_back(std::to_string(integer(p, "port")));
      } else if (has(p, "name")) {
        ports.push_back(str(p, "name"));
      } else {
        ports.push_back("*");
      }
    }
  }
  const Json& endpoints = at(es, "endpoints");
  if (endpoints.is_array()) {
    for (const Json& e : endpoints) {
      const Json& addrs = at(e, "addresses");
      if (!addrs.is_array()) continue;
      for (const Json& a : addrs) addresses.push_back(a.is_string() ? a.get<std::string>() : "");
    }
  }
  return {{name_of(es), str(es, "addressType"), list_with_more(ports), list_with_more(addresses),
           object_age(es, ctx.now)},
          nullptr};
}

// ---- storage.k8s.io ----

bool annotation_true(const Json& obj, std::string_view key) {
  const Json& annotations = at(obj, "metadata.annotations");
  if (!annotations.is_object()) return false;
  auto it = annotations.find(key);
  return it != annotations.end() && it->is_string() && it->get<std::string>() == "true";
}

PrintedRow print_storage_class(const Json& sc, const PrintContext& ctx) {
  std::string name = name_of(sc);
  if (annotation_true(sc, "storageclass.kubernetes.io/is-default-class") ||
      annotation_true(sc, "storageclass.beta.kubernetes.io/is-default-class")) {
    name += " (default)";
  }
  std::string reclaim = has(sc, "reclaimPolicy") ? str(sc, "reclaimPolicy") : "Delete";
  std::string binding = has(sc, "volumeBindingMode") ? str(sc, "volumeBindingMode") : "Immediate";
  return {{name, str(sc, "provisioner"), reclaim, binding, flag(sc, "allowVolumeExpansion"), object_age(sc, ctx.now)},
          nullptr};
}

// ---- scheduling.k8s.io ----

PrintedRow print_priority_class(const Json& pc, const PrintContext& ctx) {
  return {{name_of(pc), integer(pc, "value"), flag(pc, "globalDefault"), object_age(pc, ctx.now),
           str(pc, "preemptionPolicy")},
          nullptr};
}

// ---- admissionregistration.k8s.io, node.k8s.io ----

PrintedRow print_webhook_configuration(const Json& wc, const PrintContext& ctx) {
  return {{name_of(wc), count(wc, "webhooks"), object_age(wc, ctx.now)}, nullptr};
}

PrintedRow print_runtime_class(const Json& rc, const PrintContext& ctx) {
  return {{name_of(rc), str(rc, "handler"), object_age(rc, ctx.now)}, nullptr};
}

}  // namespace

void add_other_printers(PrinterRegistry& r) {
  r.add("networking.k8s.io", "", "Ingress",
        {{name_column(), column("Class", "string", "The ingress class that implements the ingress."),
          column("Hosts", "string", "Hosts the rules match."),
          column("Address", "string", "Addresses of the load balancer."),
          column("Ports", "string", "Ports the ingress serves."), age_column()},
         print_ingress});

  r.add("networking.k8s.io", "", "IngressClass",
        {{name_column(), column("Controller", "string", "The controller that implements the class."),
          column("Parameters", "string", "The resource holding the class's parameters."), age_column()},
         print_ingress_class});

  r.add("networking.k8s.io", "", "NetworkPolicy",
        {{name_column(), column("Pod-Selector", "string", "Pods the policy applies to."), age_column()},
         print_network_policy});

  for (const char* kind : {"RoleBinding", "ClusterRoleBinding"}) {
    r.add("rbac.authorization.k8s.io", "", kind,
          {{name_column(), column("Role", "string", "The role the binding grants."), age_column(),
            column("Users", "string", "Users the binding names.", 1),
            column("Groups", "string", "Groups the binding names.", 1),
            column("ServiceAccounts", "string", "Service accounts the binding names.", 1)},
           print_binding});
  }

  r.add("coordination.k8s.io", "", "Lease",
        {{name_column(), column("Holder", "string", "Identity of the current holder."), age_column()}, print_lease});

  r.add("discovery.k8s.io", "", "EndpointSlice",
        {{name_column(), column("AddressType", "string", "IPv4, IPv6 or FQDN."),
          column("Ports", "string", "Ports of the endpoints."),
          column("Endpoints", "string", "Addresses of the endpoints."), age_column()},
         print_endpoint_slice});

  r.add("storage.k8s.io", "", "StorageClass",
        {{name_column(), column("Provisioner", "string", "The volume provisioner."),
          column("ReclaimPolicy", "string", "Reclaim policy of provisioned volumes."),
          column("VolumeBindingMode", "string", "When volumes are bound and provisioned."),
          column("AllowVolumeExpansion", "string", "Whether volumes may be expanded."), age_column()},
         print_storage_class});

  r.add("scheduling.k8s.io", "", "PriorityClass",
        {{name_column(), column("Value", "integer", "The priority value."),
          column("Global-Default", "boolean", "Whether this is the default priority class."), age_column(),
          column("PreemptionPolicy", "string", "Whether pods of this class may preempt others.")},
         print_priority_class});

  for (const char* kind : {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}) {
    r.add("admissionregistration.k8s.io", "", kind,
          {{name_column(), column("Webhooks", "integer", "Number of webhooks in the configuration."), age_column()},
           print_webhook_configuration});
  }

  r.add("node.k8s.io", "", "RuntimeClass",
        {{name_column(), column("Handler", "string", "The runtime handler."), age_column()}, print_runtime_class});

  // Built-in kinds with no printer of their own get Kubernetes' generic NAME / CREATED AT table.
  r.add("rbac.authorization.k8s.io", "", "Role", created_at_printer());
  r.add("rbac.authorization.k8s.io", "", "ClusterRole", created_at_printer());
  r.add("apiextensions.k8s.io", "", "CustomResourceDefinition", created_at_printer());
  r.add("apiregistration.k8s.io", "", "APIService", created_at_printer());
}

}  // namespace skiff::apiserver::tables

#include "controllers/endpoints_pods.h"

#include "api/labels.h"
#include "controllers/ownership.h"

namespace skiff::controllers {

bool service_has_selector(const Json& service) {
  const Json* sel = find_path(service, "spec.selector");
  return sel && sel->is_object() && !sel->empty();
}

namespace {

bool selector_matches(const Json& service, const Json& pod) {
  const Json* sel = find_path(service, "spec.selector");
  if (!sel || !sel->is_object() || sel->empty()) return false;
  const Json* labels = find_path(pod, "metadata.labels");
  if (!labels || !labels->is_object()) return false;
  for (const auto& [k, v] : sel->items()) {
    auto it = labels->find(k);
    if (it == labels->end() || *it != v) return false;
  }
  return true;
}

}  // namespace

std::vector<client::ObjectPtr> pods_selected_by(const client::Informer& pods, const Json& service) {
  std::vector<client::ObjectPtr> out;
  for (auto& pod : pods.list_namespace(namespace_of(service)))
    if (selector_matches(service, *pod)) out.push_back(pod);
  return out;
}

bool pod_in_endpoints(const Json& pod, bool include_terminating) {
  const Json* ip = find_path(pod, "status.podIP");
  if (!ip || !ip->is_string() || ip->get<std::string>().empty()) return false;
  const Json* phase = find_path(pod, "status.phase");
  if (phase && (*phase == "Succeeded" || *phase == "Failed")) return false;
  if (!include_terminating && being_deleted(pod)) return false;
  return true;
}

std::optional<int64_t> resolve_target_port(const Json& service_port, const Json& pod) {
  auto target = service_port.find("targetPort");
  if (target == service_port.end() || target->is_null()) return service_port.value("port", int64_t{0});
  if (target->is_number_integer()) return target->get<int64_t>();
  if (!target->is_string()) return std::nullopt;
  const std::string name = target->get<std::string>();
  const std::string protocol = service_port.value("protocol", "TCP");
  if (const Json* containers = find_path(pod, "spec.containers"); containers && containers->is_array())
    for (const auto& c : *containers)
      if (const Json* ports = find_path(c, "ports"); ports && ports->is_array())
        for (const auto& p : *ports)
          if (p.value("name", "") == name && p.value("protocol", "TCP") == protocol)
            return p.value("containerPort", int64_t{0});
  return std::nullopt;
}

std::vector<std::string> services_selecting(const client::Informer& services, const Json& pod) {
  std::vector<std::string> out;
  for (auto& svc : services.list_namespace(namespace_of(pod)))
    if (selector_matches(*svc, pod)) out.push_back(client::object_key(*svc));
  return out;
}

Json endpoint_ports(const Json& service, const Json& pod) {
  Json out = Json::array();
  const Json* ports = find_path(service, "spec.ports");
  if (!ports || !ports->is_array()) return out;
  for (const auto& sp : *ports) {
    auto port = resolve_target_port(sp, pod);
    if (!port) continue;
    Json ep = {{"port", *port}, {"protocol", sp.value("protocol", "TCP")}};
    if (sp.contains("name") && !get_string(sp, "name").empty()) ep["name"] = sp["name"];
    if (sp.contains("appProtocol")) ep["appProtocol"] = sp["appProtocol"];
    out.push_back(std::move(ep));
  }
  return out;
}

}  // namespace skiff::controllers

// The "endpointslice" controller: keeps discovery.k8s.io/v1 EndpointSlices for every Service with
// a selector, at most 100 endpoints per slice, one slice set per distinct port set, and a
// placeholder slice when the Service has no endpoints (kube's endpointslice controller).
#include <algorithm>
#include <map>
#include <set>

#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/endpoints_pods.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

constexpr size_t kMaxEndpointsPerSlice = 100;
constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";
constexpr const char* kManagedByLabel = "endpointslice.kubernetes.io/managed-by";
constexpr const char* kManagedBy = "endpointslice-controller.k8s.io";
constexpr const char* kTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time";
constexpr const char* kZoneLabel = "topology.kubernetes.io/zone";

bool is_true(const Json* v) { return v && v->is_boolean() && v->get<bool>(); }

std::string endpoint_identity(const Json& ep) {
  const Json* uid = find_path(ep, "targetRef.uid");
  return uid && uid->is_string() ? uid->get<std::string>() : ep["addresses"].dump();
}

Json desired_labels(const Json& service) {
  Json labels = Json::object();
  if (const Json* l = find_path(service, "metadata.labels"); l && l->is_object()) labels = *l;
  labels[kServiceNameLabel] = name_of(service);
  labels[kManagedByLabel] = kManagedBy;
  const Json* ip = find_path(service, "spec.clusterIP");
  if (ip && *ip == "None") labels["service.kubernetes.io/headless"] = "";
  else labels.erase("service.kubernetes.io/headless");
  return labels;
}

Json service_owner_ref(const Json& service) {
  return {{"apiVersion", "v1"}, {"kind", "Service"}, {"name", name_of(service)}, {"uid", uid_of(service)},
          {"controller", true}, {"blockOwnerDeletion", true}};
}

class EndpointSliceController final : public Controller {
 public:
  explicit EndpointSliceController(ControllerContext& ctx)
      : ctx_(ctx),
        services_(ctx.informers.informer("", "v1", "services")),
        pods_(ctx.informers.informer("", "v1", "pods")),
        nodes_(ctx.informers.informer("", "v1", "nodes")),
        slices_(ctx.informers.informer("discovery.k8s.io", "v1", "endpointslices")),
        queue_("endpoint_slice") {
    auto enqueue = [this](const client::ObjectPtr& o) { queue_.add(client::object_key(*o)); };
    services_.add_handler({enqueue, [enqueue](const auto&, const auto& o) { enqueue(o); }, enqueue});
    auto pod_changed = [this](const client::ObjectPtr& pod) {
      for (const auto& key : services_selecting(services_, *pod)) queue_.add(key);
    };
    pods_.add_handler({pod_changed,
                       [pod_changed](const auto& o, const auto& n) {
                         pod_changed(o);
                         pod_changed(n);
                       },
                       pod_changed});
    slices_.add_index("service", [](const Json& slice) {
      std::vector<std::string> out;
      const Json* svc = find_path(slice, "metadata.labels");
      if (svc && svc->is_object() && svc->value(kManagedByLabel, "") == kManagedBy && svc->contains(kServiceNameLabel))
        out.push_back(client::object_key(namespace_of(slice), svc->value(kServiceNameLabel, "")));
      return out;
    });
    auto service_of = [](const Json& slice) {
      const Json* labels = find_path(slice, "metadata.labels");
      if (!labels || !labels->is_object() || labels->value(kManagedByLabel, "") != kManagedBy) return std::string();
      return client::object_key(namespace_of(slice), labels->value(kServiceNameLabel, ""));
    };
    slices_.add_handler({[this, service_of](const client::ObjectPtr& s) {
                           std::string key = service_of(*s);
                           if (key.empty()) return;
                           expectations_.observed_add(key);
                           queue_.add(key);
                         },
                         [this, service_of](const auto&, const client::ObjectPtr& s) {
                           std::string key = service_of(*s);
                           if (!key.empty()) queue_.add(key);
                         },
                         [this, service_of](const client::ObjectPtr& s) {
                           std::string key = service_of(*s);
                           if (key.empty()) return;
                           expectations_.observed_delete(key);
                           queue_.add(key);
                         }});
    // A node's zone label feeds its endpoints' zone.
    auto all_services = [this] {
      for (const auto& svc : services_.list()) queue_.add(client::object_key(*svc));
    };
    nodes_.add_handler({[this, all_services](const client::ObjectPtr& n) {
                          if (!zone_of(*n).empty()) all_services();
                        },
                        [all_services](const client::ObjectPtr& o, const client::ObjectPtr& n) {
                          if (zone_of(*o) != zone_of(*n)) all_services();
                        },
                        nullptr});
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override { pool_.reset(); }

 private:
  static std::string zone_of(const Json& node) {
    const Json* labels = find_path(node, "metadata.labels");
    return labels && labels->is_object() ? labels->value(kZoneLabel, "") : "";
  }

  Json endpoint_for(const Json& service, const Json& pod) const {
    bool publish_not_ready = is_true(find_path(service, "spec.publishNotReadyAddresses"));
    bool ready = pod_ready(pod);
    bool terminating = being_deleted(pod);
    Json ep = {{"addresses", Json::array({pod["status"]["podIP"]})},
               {"conditions",
                {{"ready", publish_not_ready || (ready && !terminating)},
                 {"serving", ready},
                 {"terminating", terminating}}},
               {"targetRef",
                {{"kind", "Pod"}, {"namespace", namespace_of(pod)}, {"name", name_of(pod)}, {"uid", uid_of(pod)}}}};
    std::string node = find_path(pod, "spec.nodeName") ? get_string(pod["spec"], "nodeName") : "";
    if (!node.empty()) {
      ep["nodeName"] = node;
      if (auto n = nodes_.get(node)) {
        std::string zone = zone_of(*n);
        if (!zone.empty()) ep["zone"] = zone;
      }
    }
    const Json& spec = pod["spec"];
    if (!get_string(spec, "hostname").empty() && get_string(spec, "subdomain") == name_of(service))
      ep["hostname"] = spec["hostname"];
    return ep;
  }

  // Desired endpoints, grouped by their port set (the ports array's dump).
  std::map<std::string, std::vector<Json>> desired_endpoints(const Json& service) const {
    std::map<std::string, std::vector<Json>> out;
    const Json* svc_ports = find_path(service, "spec.ports");
    bool service_has_ports = svc_ports && svc_ports->is_array() && !svc_ports->empty();
    for (const auto& p : pods_selected_by(pods_, service)) {
      const Json& pod = *p;
      if (!pod_in_endpoints(pod, true)) continue;
      if (pod["status"]["podIP"].get<std::string>().find(':') != std::string::npos) continue;  // IPv4 only
      Json ports = endpoint_ports(service, pod);
      // The API server defaults an EndpointPort's name to "" (as Kubernetes does); compare like
      // with like, or every reconcile would see a different port set and recreate the slice.
      for (auto& port : ports)
        if (!port.contains("name")) port["name"] = "";
      if (service_has_ports && ports.empty()) continue;
      out[ports.dump()].push_back(endpoint_for(service, pod));
    }
    for (auto& [ports, eps] : out)
      std::sort(eps.begin(), eps.end(), [](const Json& a, const Json& b) { return a["addresses"] < b["addresses"]; });
    return out;
  }

  Json new_slice(const Json& service, const Json& ports, Json endpoints) const {
    Json slice = {{"apiVersion", "discovery.k8s.io/v1"},
                  {"kind", "EndpointSlice"},
                  {"metadata",
                   {{"generateName", name_of(service) + "-"},
                    {"namespace", namespace_of(service)},
                    {"labels", desired_labels(service)},
                    {"annotations", {{kTriggerTime, format_rfc3339(ctx_.clock.now())}}},
                    {"ownerReferences", Json::array({service_owner_ref(service)})}}},
                  {"addressType", "IPv4"},
                  {"endpoints", std::move(endpoints)}};
    if (!ports.is_null() && !ports.empty()) slice["ports"] = ports;
    return slice;
  }

  client::ReconcileResult reconcile(const std::string& key) {
    auto [ns, name] = client::split_key(key);
    client::ObjectPtr service = services_.get(key);
    // Slices of a deleted Service go with it through their owner reference (garbage collector).
    if (!service || !service_has_selector(*service) || being_deleted(*service)) return {};
    if (!expectations_.satisfied(key)) return {.requeue_after = std::chrono::seconds(1)};

    std::vector<Json> existing;
    for (const auto& s : slices_.by_index("service", key))
      if (!being_deleted(*s)) existing.push_back(*s);
    std::sort(existing.begin(), existing.end(),
              [](const Json& a, const Json& b) { return name_of(a) < name_of(b); });

    auto desired = desired_endpoints(*service);
    const Json labels = desired_labels(*service);
    std::vector<Json> to_create, to_update, to_delete;

    if (desired.empty()) {
      // A placeholder: one slice without endpoints or ports.
      bool kept = false;
      for (auto& s : existing) {
        bool placeholder = s.value("endpoints", Json::array()).empty() && !s.contains("ports");
        if (placeholder && !kept) {
          kept = true;
          if (s["metadata"].value("labels", Json::object()) != labels) {
            s["metadata"]["labels"] = labels;
            to_update.push_back(s);
          }
        } else {
          to_delete.push_back(s);
        }
      }
      if (!kept) to_create.push_back(new_slice(*service, Json(), Json::array()));
    } else {
      std::set<std::string> placed;
      std::map<std::string, Json> by_id;  // identity -> desired endpoint, per port set below
      for (const auto& [ports_key, eps] : desired) {
        Json ports = Json::parse(ports_key);
        by_id.clear();
        for (const auto& ep : eps) by_id[endpoint_identity(ep)] = ep;
        std::vector<Json*> kept_slices;
        for (auto& s : existing) {
          Json cur_ports = s.contains("ports") && !s["ports"].is_null() ? s["ports"] : Json::array();
          if (cur_ports != ports) continue;
          Json kept = Json::array();
          for (const auto& ep : s.value("endpoints", Json::array())) {
            auto it = by_id.find(endpoint_identity(ep));
            if (it == by_id.end() || placed.count(it->first)) continue;
            kept.push_back(it->second);
            placed.insert(it->first);
          }
          s["__new_endpoints"] = std::move(kept);
          kept_slices.push_back(&s);
        }
        std::vector<Json> unplaced;
        for (const auto& ep : eps)
          if (!placed.count(endpoint_identity(ep))) unplaced.push_back(ep);
        size_t next = 0;
        for (Json* s : kept_slices) {
          Json& eps_new = (*s)["__new_endpoints"];
          while (next < unplaced.size() && eps_new.size() < kMaxEndpointsPerSlice) eps_new.push_back(unplaced[next++]);
        }
        while (next < unplaced.size()) {
          Json chunk = Json::array();
          while (next < unplaced.size() && chunk.size() < kMaxEndpointsPerSlice) chunk.push_back(unplaced[next++]);
          to_create.push_back(new_slice(*service, ports, std::move(chunk)));
        }
      }
      for (auto& s : existing) {
        if (!s.contains("__new_endpoints") || s["__new_endpoints"].empty()) {
          to_delete.push_back(s);
          continue;
        }
        Json eps_new = std::move(s["__new_endpoints"]);
        s.erase("__new_endpoints");
        if (s.value("endpoints", Json::array()) == eps_new && s["metadata"].value("labels", Json::object()) == labels)
          continue;
        s["endpoints"] = std::move(eps_new);
        s["metadata"]["labels"] = labels;
        s["metadata"]["annotations"][kTriggerTime] = format_rfc3339(ctx_.clock.now());
        to_update.push_back(s);
      }
    }

    const auto& resource = ctx_.client.resource("discovery.k8s.io", "v1", "endpointslices");
    expectations_.expect(key, static_cast<int>(to_create.size()), static_cast<int>(to_delete.size()));
    bool failed = false;
    for (auto& s : to_create)
      if (!ctx_.client.create(resource, ns, std::move(s)).ok()) {
        expectations_.observed_add(key);
        failed = true;
      }
    for (auto& s : to_update)
      if (!ctx_.client.update(resource, ns, std::move(s)).ok()) failed = true;
    for (auto& s : to_delete) {
      auto removed = ctx_.client.remove(resource, ns, name_of(s));
      if (!removed.ok()) {
        expectations_.observed_delete(key);
        if (removed.error().code != 404) failed = true;
      }
    }
    return {.requeue = failed};
  }

  ControllerContext& ctx_;
  client::Informer& services_;
  client::Informer& pods_;
  client::Informer& nodes_;
  client::Informer& slices_;
  client::WorkQueue queue_;
  Expectations expectations_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> endpointslice(ControllerContext& ctx) {
  return std::make_unique<EndpointSliceController>(ctx);
}

}  // namespace skiff::controllers

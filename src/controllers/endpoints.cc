// The "endpoint" controller: keeps a v1 Endpoints object beside every Service with a selector,
// listing the ready and not-ready addresses of the pods it selects (kube's endpoint controller).
#include <algorithm>
#include <map>

#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/endpoints_pods.h"
#include "controllers/ownership.h"
#include "util/log.h"

namespace skiff::controllers {
namespace {

constexpr const char* kTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time";

Json address_of(const Json& pod) {
  Json a = {{"ip", pod["status"]["podIP"]},
            {"targetRef",
             {{"kind", "Pod"}, {"namespace", namespace_of(pod)}, {"name", name_of(pod)}, {"uid", uid_of(pod)}}}};
  std::string node = find_path(pod, "spec.nodeName") ? get_string(pod["spec"], "nodeName") : "";
  if (!node.empty()) a["nodeName"] = node;
  return a;
}

bool headless(const Json& service) {
  const Json* ip = find_path(service, "spec.clusterIP");
  return ip && *ip == "None";
}

// Subsets grouped by port set, addresses sorted by IP (kube's RepackSubsets).
Json desired_subsets(const Json& service, const std::vector<client::ObjectPtr>& pods) {
  bool publish_not_ready = find_path(service, "spec.publishNotReadyAddresses") &&
                           *find_path(service, "spec.publishNotReadyAddresses") == true;
  const Json* svc_ports = find_path(service, "spec.ports");
  bool no_ports = !svc_ports || !svc_ports->is_array() || svc_ports->empty();
  if (no_ports && !headless(service)) return Json::array();
  std::map<std::string, Json> by_ports;  // ports dump -> subset
  for (const auto& p : pods) {
    const Json& pod = *p;
    if (!pod_in_endpoints(pod, publish_not_ready)) continue;
    Json ports = endpoint_ports(service, pod);
    if (!no_ports && ports.empty()) continue;
    Json& subset = by_ports[ports.dump()];
    if (subset.is_null()) {
      subset = Json::object();
      if (!ports.empty()) subset["ports"] = ports;
    }
    bool ready = publish_not_ready || (pod_ready(pod) && !being_deleted(pod));
    subset[ready ? "addresses" : "notReadyAddresses"].push_back(address_of(pod));
  }
  Json out = Json::array();
  for (auto& [key, subset] : by_ports) {
    for (const char* f : {"addresses", "notReadyAddresses"})
      if (subset.contains(f))
        std::sort(subset[f].begin(), subset[f].end(),
                  [](const Json& a, const Json& b) { return a.value("ip", "") < b.value("ip", ""); });
    out.push_back(std::move(subset));
  }
  return out;
}

Json desired_labels(const Json& service) {
  Json labels = Json::object();
  if (const Json* l = find_path(service, "metadata.labels"); l && l->is_object()) labels = *l;
  labels["endpointslice.kubernetes.io/skip-mirror"] = "true";
  if (headless(service)) labels["service.kubernetes.io/headless"] = "";
  else labels.erase("service.kubernetes.io/headless");
  return labels;
}

class EndpointsController final : public Controller {
 public:
  explicit EndpointsController(ControllerContext& ctx)
      : ctx_(ctx),
        services_(ctx.informers.informer("", "v1", "services")),
        pods_(ctx.informers.informer("", "v1", "pods")),
        endpoints_(ctx.informers.informer("", "v1", "endpoints")),
        queue_("endpoint"),
        events_(ctx.client, "endpoint-controller") {
    auto enqueue = [this](const client::ObjectPtr& o) { queue_.add(client::object_key(*o)); };
    services_.add_handler({enqueue, [enqueue](const auto&, const auto& o) { enqueue(o); }, enqueue});
    auto pod_changed = [this](const client::ObjectPtr& pod) {
      for (const auto& key : services_selecting(services_, *pod)) queue_.add(key);
    };
    pods_.add_handler({pod_changed,
                       [pod_changed](const auto& old_pod, const auto& new_pod) {
                         pod_changed(old_pod);
                         pod_changed(new_pod);
                       },
                       pod_changed});
    endpoints_.add_handler({nullptr, nullptr, enqueue});  // recreate what someone deleted
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override { pool_.reset(); }

 private:
  client::ReconcileResult reconcile(const std::string& key) {
    auto [ns, name] = client::split_key(key);
    const auto& resource = ctx_.client.resource("", "v1", "endpoints");
    client::ObjectPtr service = services_.get(key);
    client::ObjectPtr current = endpoints_.get(key);
    if (!service) {
      if (current) {
        auto removed = ctx_.client.remove(resource, ns, name);
        if (!removed.ok() && removed.error().code != 404) return {.requeue = true};
      }
      return {};
    }
    if (!service_has_selector(*service)) return {};

    Json subsets = desired_subsets(*service, pods_selected_by(pods_, *service));
    Json labels = desired_labels(*service);
    auto same = [&](const Json& ep) {
      Json cur_subsets = ep.value("subsets", Json::array());
      if (cur_subsets.is_null()) cur_subsets = Json::array();
      return cur_subsets == subsets && ep["metadata"].value("labels", Json::object()) == labels;
    };
    if (current && same(*current)) return {};

    Json ep = current ? *current : Json{{"apiVersion", "v1"}, {"kind", "Endpoints"},
                                        {"metadata", {{"name", name}, {"namespace", ns}}}};
    ep["metadata"]["labels"] = labels;
    ep["metadata"]["annotations"][kTriggerTime] = format_rfc3339(ctx_.clock.now());
    if (subsets.empty()) ep.erase("subsets");
    else ep["subsets"] = subsets;
    auto written = current ? ctx_.client.update(resource, ns, ep) : ctx_.client.create(resource, ns, ep);
    if (!written.ok()) {
      if (written.error().code != 409 && written.error().code != 404)
        events_.record(*service, "Warning", "FailedToUpdateEndpoint",
                       "Failed to update endpoint " + key + ": " + written.error().message);
      return {.requeue = true};
    }
    return {};
  }

  ControllerContext& ctx_;
  client::Informer& services_;
  client::Informer& pods_;
  client::Informer& endpoints_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> endpoint(ControllerContext& ctx) { return std::make_unique<EndpointsController>(ctx); }

}  // namespace skiff::controllers

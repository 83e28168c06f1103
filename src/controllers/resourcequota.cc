// The "resourcequota" controller: keeps each ResourceQuota's status (hard from spec.hard, used
// counted from the namespace's objects, as the ResourceQuota admission plugin counts them).
#include <set>

#include "api/quota_usage.h"
#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

// Usage can also change through kinds no informer here follows (count/deployments.apps).
constexpr auto kFullResync = std::chrono::minutes(5);

class ResourceQuotaController final : public Controller {
 public:
  explicit ResourceQuotaController(ControllerContext& ctx)
      : ctx_(ctx), quotas_(ctx.informers.informer("", "v1", "resourcequotas")), queue_("resourcequota") {
    auto quota_changed = [this](const client::ObjectPtr& q) { queue_.add(client::object_key(*q)); };
    quotas_.add_handler({quota_changed, [quota_changed](const auto&, const auto& q) { quota_changed(q); }, nullptr});
    for (const char* plural : {"pods", "services", "configmaps", "secrets", "persistentvolumeclaims"}) {
      auto changed = [this](const client::ObjectPtr& o) { enqueue_namespace(namespace_of(*o)); };
      ctx.informers.informer("", "v1", plural)
          .add_handler({changed, [changed](const auto&, const auto& o) { changed(o); }, changed});
    }
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override { pool_.reset(); }

 private:
  void enqueue_namespace(const std::string& ns) {
    for (const auto& q : quotas_.list_namespace(ns)) queue_.add(client::object_key(*q));
  }

  client::ReconcileResult reconcile(const std::string& key) {
    client::ObjectPtr quota = quotas_.get(key);
    if (!quota || being_deleted(*quota)) return {};
    const std::string ns = namespace_of(*quota);
    api::ResourceList hard = api::resource_list_from_json(find_path(*quota, "spec.hard"));

    // Which resources to count for which quota names.
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_resource;
    for (const auto& [name, q] : hard) {
      std::string group, plural;
      if (api::quota_name_resource(name, group, plural)) by_resource[{group, plural}].push_back(name);
    }
    api::ResourceList used;
    for (const auto& [name, q] : hard) used[name] = api::Quantity();
    for (const auto& [resource, names] : by_resource) {
      const api::ResourceInfo* info = nullptr;
      for (const api::ResourceInfo* r : ctx_.client.schemas().resources())
        if (r->gvk.group == resource.first && r->resource == resource.second && (!info || r->gvk.version == "v1"))
          info = r;
      if (!info) continue;
      auto listed = ctx_.client.list(*info, ns, {});
      if (!listed.ok()) return {.requeue = true};
      for (const auto& obj : listed->items) {
        api::ResourceList usage = api::quota_usage(resource.first, resource.second, *obj);
        for (const auto& n : names)
          if (auto it = usage.find(n); it != usage.end()) used[n] += it->second;
      }
    }

    Json status = {{"hard", api::resource_list_json(hard)}, {"used", api::resource_list_json(used)}};
    client::ReconcileResult result{.requeue_after = kFullResync};
    if (quota->value("status", Json::object()) == status) return result;
    Json updated = *quota;
    updated["status"] = std::move(status);
    auto written = ctx_.client.update(ctx_.client.resource("", "v1", "resourcequotas"), ns, std::move(updated), "status");
    if (!written.ok() && written.error().code != 404) return {.requeue = true};
    return result;
  }

  ControllerContext& ctx_;
  client::Informer& quotas_;
  client::WorkQueue queue_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> resourcequota(ControllerContext& ctx) {
  return std::make_unique<ResourceQuotaController>(ctx);
}

}  // namespace skiff::controllers

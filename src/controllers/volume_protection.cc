// The "pvc_protection" and "pv_protection" controllers (Kubernetes' pvc-protection and
// pv-protection): they lift the finalizers StorageObjectInUseProtection admission puts on
// claims and volumes once a deleted object is no longer in use — a claim when no scheduled pod
// that has not finished mounts it, a volume when it is no longer Bound.
#include <algorithm>

#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

constexpr const char* kPvcFinalizer = "kubernetes.io/pvc-protection";
constexpr const char* kPvFinalizer = "kubernetes.io/pv-protection";
constexpr const char* kPodsByClaim = "pvc-protection/claims";

bool has_finalizer(const Json& obj, const char* finalizer) {
  const Json* f = find_path(obj, "metadata.finalizers");
  return f && f->is_array() && std::find(f->begin(), f->end(), finalizer) != f->end();
}

// Writes obj back without the finalizer; false when the write failed (a conflict: try again).
bool remove_finalizer(client::Client& client, const api::ResourceInfo& resource, const Json& obj,
                      const char* finalizer) {
  Json updated = obj;
  Json& list = updated["metadata"]["finalizers"];
  list.erase(std::remove(list.begin(), list.end(), finalizer), list.end());
  auto r = client.update(resource, namespace_of(obj), std::move(updated));
  return r.ok() || r.error().code == 404;
}

// The claims a scheduled, unfinished pod mounts, as "namespace/claim".
std::vector<std::string> claims_in_use(const Json& pod) {
  const Json* node = find_path(pod, "spec.nodeName");
  const Json* phase = find_path(pod, "status.phase");
  if (!node || !node->is_string() || node->get<std::string>().empty()) return {};
  if (phase && phase->is_string() && (*phase == "Succeeded" || *phase == "Failed")) return {};
  return pod_claim_keys(pod);
}

class PvcProtectionController final : public Controller {
 public:
  explicit PvcProtectionController(ControllerContext& ctx)
      : ctx_(ctx),
        claims_resource_(ctx.client.resource("", "v1", "persistentvolumeclaims")),
        pods_resource_(ctx.client.resource("", "v1", "pods")),
        claims_(ctx.informers.informer(claims_resource_)),
        pods_(ctx.informers.informer(pods_resource_)),
        queue_("pvc-protection") {
    pods_.add_index(kPodsByClaim, claims_in_use);
    auto claim_changed = [this](const client::ObjectPtr& c) {
      if (being_deleted(*c) && has_finalizer(*c, kPvcFinalizer)) queue_.add(client::object_key(*c));
    };
    claims_.add_handler({claim_changed, [claim_changed](const auto&, const auto& c) { claim_changed(c); }, nullptr});
    // A pod that stops using a claim may free it.
    auto pod_released = [this](const client::ObjectPtr& pod) {
      for (const auto& key : pod_claim_keys(*pod)) queue_.add(key);
    };
    pods_.add_handler({nullptr, [pod_released](const auto&, const auto& p) { pod_released(p); }, pod_released});
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override { pool_.reset(); }

 private:
  client::ReconcileResult reconcile(const std::string& key) {
    client::ObjectPtr claim = claims_.get(key);
    if (!claim || !being_deleted(*claim) || !has_finalizer(*claim, kPvcFinalizer)) return {};
    if (!pods_.by_index(kPodsByClaim, key).empty()) return {};  // a pod event brings it back
    // The cache may not show a pod that was just scheduled: ask the server before letting go.
    auto live = ctx_.client.list(pods_resource_, namespace_of(*claim), {});
    if (!live.ok()) return {.requeue = true};
    for (const auto& pod : live->items)
      for (const auto& used : claims_in_use(*pod))
        if (used == key) return {};
    if (!remove_finalizer(ctx_.client, claims_resource_, *claim, kPvcFinalizer)) return {.requeue = true};
    return {};
  }

  ControllerContext& ctx_;
  const api::ResourceInfo& claims_resource_;
  const api::ResourceInfo& pods_resource_;
  client::Informer& claims_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  std::unique_ptr<client::WorkerPool> pool_;
};

class PvProtectionController final : public Controller {
 public:
  explicit PvProtectionController(ControllerContext& ctx)
      : ctx_(ctx),
        volumes_resource_(ctx.client.resource("", "v1", "persistentvolumes")),
        volumes_(ctx.informers.informer(volumes_resource_)),
        queue_("pv-protection") {
    auto changed = [this](const client::ObjectPtr& v) {
      if (being_deleted(*v) && has_finalizer(*v, kPvFinalizer)) queue_.add(name_of(*v));
    };
    volumes_.add_handler({changed, [changed](const auto&, const auto& v) { changed(v); }, nullptr});
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override { pool_.reset(); }

 private:
  client::ReconcileResult reconcile(const std::string& name) {
    client::ObjectPtr volume = volumes_.get(name);
    if (!volume || !being_deleted(*volume) || !has_finalizer(*volume, kPvFinalizer)) return {};
    const Json* phase = find_path(*volume, "status.phase");
    if (phase && *phase == "Bound") return {};  // the binder's Released brings it back
    if (!remove_finalizer(ctx_.client, volumes_resource_, *volume, kPvFinalizer)) return {.requeue = true};
    return {};
  }

  ControllerContext& ctx_;
  const api::ResourceInfo& volumes_resource_;
  client::Informer& volumes_;
  client::WorkQueue queue_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> pvc_protection(ControllerContext& ctx) {
  return std::make_unique<PvcProtectionController>(ctx);
}

std::unique_ptr<Controller> pv_protection(ControllerContext& ctx) {
  return std::make_unique<PvProtectionController>(ctx);
}

}  // namespace skiff::controllers

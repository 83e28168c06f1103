// The "local_path_provisioner" controller: Skiff's built-in dynamic provisioner. It makes sure
// the default StorageClass `local-path` exists and creates a hostPath PersistentVolume, pre-bound
// to the claim, for each pending claim of a class it provisions; the persistentvolume_binder
// then binds the two. The directory itself is made by the node agent when a pod mounts it.
//
// WaitForFirstConsumer: the node comes from the claim's selected-node annotation, which the
// scheduler sets before binding the pod (its VolumeBinding PreBind). Failing that, from a pod
// using the claim that is already bound to a node: pods created with spec.nodeName bypass the
// scheduler, and Kubernetes would leave their claims pending forever.
#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "controllers/persistentvolume_binder_helpers.h"
#include "util/log.h"

namespace skiff::controllers {
namespace {

constexpr const char* kProvisioner = "skiff.dev/local-path";
constexpr const char* kClassName = "local-path";
constexpr const char* kStorageRoot = "/var/lib/skiff/storage/";
constexpr const char* kClaimIndex = "claim";

Json default_storage_class() {
  return {{"apiVersion", "storage.k8s.io/v1"},
          {"kind", "StorageClass"},
          {"metadata",
           {{"name", kClassName}, {"annotations", {{"storageclass.kubernetes.io/is-default-class", "true"}}}}},
          {"provisioner", kProvisioner},
          {"reclaimPolicy", "Delete"},
          {"volumeBindingMode", "WaitForFirstConsumer"}};
}

class LocalPathProvisioner final : public Controller {
 public:
  explicit LocalPathProvisioner(ControllerContext& ctx)
      : ctx_(ctx),
        claims_(ctx.informers.informer("", "v1", "persistentvolumeclaims")),
        volumes_(ctx.informers.informer("", "v1", "persistentvolumes")),
        classes_(ctx.informers.informer("storage.k8s.io", "v1", "storageclasses")),
        pods_(ctx.informers.informer("", "v1", "pods")),
        queue_("local-path-provisioner"),
        events_(ctx.client, kProvisioner) {
    auto claim_changed = [this](const client::ObjectPtr& c) { queue_.add(client::object_key(*c)); };
    claims_.add_handler({claim_changed, [claim_changed](const auto&, const auto& c) { claim_changed(c); }, nullptr});
    // Claims may name a class before it exists (local-path itself is created in run()).
    auto class_changed = [this](const client::ObjectPtr&) {
      for (const auto& c : claims_.list())
        if (string_at(*c, "spec.volumeName").empty()) queue_.add(client::object_key(*c));
    };
    classes_.add_handler({class_changed, [class_changed](const auto&, const auto& c) { class_changed(c); }, nullptr});
    pods_.add_index(kClaimIndex, pod_claim_keys);
    auto pod_changed = [this](const client::ObjectPtr& pod) {
      if (string_at(*pod, "spec.nodeName").empty()) return;
      for (const auto& key : pod_claim_keys(*pod)) queue_.add(key);
    };
    pods_.add_handler({pod_changed, [pod_changed](const auto&, const auto& p) { pod_changed(p); }, nullptr});
  }

  void run() override {
    ensure_default_class();
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override { pool_.reset(); }

 private:
  void ensure_default_class() {
    const auto& resource = ctx_.client.resource("storage.k8s.io", "v1", "storageclasses");
    auto existing = ctx_.client.get(resource, "", kClassName);
    if (existing.ok()) return;
    auto created = ctx_.client.create(resource, "", default_storage_class());
    if (!created.ok() && created.error().code != 409)
      log::error("local-path-provisioner", "creating StorageClass local-path: " + created.error().message);
  }

  // The node a WaitForFirstConsumer claim's volume goes to, "" while unknown.
  std::string consumer_node(const Json& claim) {
    std::string selected = annotation(claim, kSelectedNodeAnnotation);
    if (!selected.empty()) return selected;
    for (const auto& pod : pods_.by_index(kClaimIndex, client::object_key(claim))) {
      std::string node = string_at(*pod, "spec.nodeName");
      if (!node.empty() && pod_active(*pod)) return node;
    }
    return "";
  }

  client::ReconcileResult reconcile(const std::string& key) {
    client::ObjectPtr claim = claims_.get(key);
    if (!claim || being_deleted(*claim) || !string_at(*claim, "spec.volumeName").empty()) return {};
    if (string_at(*claim, "status.phase") != "Pending" && !string_at(*claim, "status.phase").empty()) return {};
    client::ObjectPtr sc = classes_.get(claim_class(*claim));
    if (!sc || sc->value("provisioner", "") != kProvisioner) return {};
    const std::string pv_name = "pvc-" + uid_of(*claim);
    if (volumes_.get(pv_name)) return {};  // provisioned; the binder binds

    std::string node;
    if (sc->value("volumeBindingMode", "") == "WaitForFirstConsumer") {
      node = consumer_node(*claim);
      if (node.empty()) return {};  // a pod using the claim being bound to a node brings us back
    }
    events_.record(*claim, "Normal", "Provisioning",
                   "External provisioner is provisioning volume for claim \"" + key + "\"");
    Json pv = {{"apiVersion", "v1"},
               {"kind", "PersistentVolume"},
               {"metadata", {{"name", pv_name}, {"annotations", {{kProvisionedByAnnotation, kProvisioner}}}}},
               {"spec",
                {{"capacity", {{"storage", claim_request(*claim).to_string()}}},
                 {"accessModes", find_path(*claim, "spec.accessModes") ? (*claim)["spec"]["accessModes"]
                                                                       : Json::array({"ReadWriteOnce"})},
                 {"persistentVolumeReclaimPolicy", sc->value("reclaimPolicy", "Delete")},
                 {"storageClassName", claim_class(*claim)},
                 {"volumeMode", volume_mode(*claim)},
                 {"hostPath", {{"path", kStorageRoot + pv_name}, {"type", "DirectoryOrCreate"}}},
                 {"claimRef",
                  {{"kind", "PersistentVolumeClaim"},
                   {"apiVersion", "v1"},
                   {"namespace", namespace_of(*claim)},
                   {"name", name_of(*claim)},
                   {"uid", uid_of(*claim)}}}}}};
    if (!node.empty()) {
      pv["spec"]["nodeAffinity"] = {
          {"required",
           {{"nodeSelectorTerms",
             Json::array({{{"matchExpressions", Json::array({{{"key", "kubernetes.io/hostname"},
                                                              {"operator", "In"},
                                                              {"values", Json::array({node})}}})}}})}}}};
    }
    auto created = ctx_.client.create(ctx_.client.resource("", "v1", "persistentvolumes"), "", std::move(pv));
    if (!created.ok() && created.error().code != 409) {
      events_.record(*claim, "Warning", "ProvisioningFailed",
                     "failed to provision volume with StorageClass \"" + claim_class(*claim) + "\": " +
                         created.error().message);
      return {.requeue = true};
    }
    events_.record(*claim, "Normal", "ProvisioningSucceeded", "Successfully provisioned volume " + pv_name);
    return {};
  }

  ControllerContext& ctx_;
  client::Informer& claims_;
  client::Informer& volumes_;
  client::Informer& classes_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> local_path_provisioner(ControllerContext& ctx) {
  return std::make_unique<LocalPathProvisioner>(ctx);
}

}  // namespace skiff::controllers

// The "persistentvolume_binder" controller (kube's persistentvolume-binder): binds pending
// claims to the smallest available volume that fits, keeps both sides' phases, and applies a
// volume's reclaim policy once its claim is gone (Delete: the PersistentVolume is deleted;
// Retain and Recycle: it is Released).
#include <optional>

#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "controllers/persistentvolume_binder_helpers.h"

namespace skiff::controllers {
namespace {

constexpr const char* kClaimPrefix = "claim:";
constexpr const char* kVolumePrefix = "volume:";

class VolumeBinder final : public Controller {
 public:
  explicit VolumeBinder(ControllerContext& ctx)
      : ctx_(ctx),
        claims_(ctx.informers.informer("", "v1", "persistentvolumeclaims")),
        volumes_(ctx.informers.informer("", "v1", "persistentvolumes")),
        classes_(ctx.informers.informer("storage.k8s.io", "v1", "storageclasses")),
        queue_("persistentvolume-binder"),
        events_(ctx.client, "persistentvolume-controller") {
    auto claim_changed = [this](const client::ObjectPtr& c) { queue_.add(kClaimPrefix + client::object_key(*c)); };
    claims_.add_handler({claim_changed, [claim_changed](const auto&, const auto& c) { claim_changed(c); },
                         [this](const client::ObjectPtr& c) {
                           // The claim's volume now follows its reclaim policy.
                           std::string volume = string_at(*c, "spec.volumeName");
                           if (!volume.empty()) queue_.add(kVolumePrefix + volume);
                         }});
    // A claim's class decides whether binding waits and who provisions.
    auto class_changed = [this](const client::ObjectPtr&) {
      for (const auto& c : claims_.list())
        if (string_at(*c, "spec.volumeName").empty()) queue_.add(kClaimPrefix + client::object_key(*c));
    };
    classes_.add_handler({class_changed, [class_changed](const auto&, const auto& c) { class_changed(c); }, nullptr});
    auto volume_changed = [this](const client::ObjectPtr& v) {
      queue_.add(kVolumePrefix + name_of(*v));
      // A new or freed volume may fit a waiting claim.
      if (!find_path(*v, "spec.claimRef"))
        for (const auto& c : claims_.list())
          if (string_at(*c, "status.phase") == "Pending") queue_.add(kClaimPrefix + client::object_key(*c));
      if (const Json* ref = find_path(*v, "spec.claimRef"); ref && ref->is_object())
        queue_.add(kClaimPrefix + client::object_key(ref->value("namespace", ""), ref->value("name", "")));
    };
    volumes_.add_handler({volume_changed, [volume_changed](const auto&, const auto& v) { volume_changed(v); },
                          [this](const client::ObjectPtr& v) {
                            if (const Json* ref = find_path(*v, "spec.claimRef"); ref && ref->is_object())
                              queue_.add(kClaimPrefix +
                                         client::object_key(ref->value("namespace", ""), ref->value("name", "")));
                          }});
  }

  void run() override {
    // One worker, as kube's: bindings are decided one claim at a time.
    pool_ = std::make_unique<client::WorkerPool>(queue_, 1, [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override { pool_.reset(); }

 private:
  const api::ResourceInfo& pvcs() { return ctx_.client.resource("", "v1", "persistentvolumeclaims"); }
  const api::ResourceInfo& pvs() { return ctx_.client.resource("", "v1", "persistentvolumes"); }

  client::ReconcileResult reconcile(const std::string& key) {
    bool ok = key.rfind(kClaimPrefix, 0) == 0 ? sync_claim(key.substr(6)) : sync_volume(key.substr(7));
    return {.requeue = !ok};
  }

  // The claim's StorageClass, when it names one that exists.
  client::ObjectPtr class_of(const Json& claim) {
    std::string name = claim_class(claim);
    return name.empty() ? nullptr : classes_.get(name);
  }

  bool delays_binding(const Json& claim) {
    if (!annotation(claim, kSelectedNodeAnnotation).empty()) return false;
    auto sc = class_of(claim);
    return sc && sc->value("volumeBindingMode", "") == "WaitForFirstConsumer";
  }

  // Pre-bound volumes first; otherwise the smallest fitting Available volume (none while
  // binding waits for a consumer).
  client::ObjectPtr best_match(const Json& claim, bool delayed) {
    client::ObjectPtr best;
    for (const auto& v : volumes_.list()) {
      if (being_deleted(*v) || !volume_fits_claim(*v, claim)) continue;
      if (claim_ref_matches(*v, claim)) return v;
      if (delayed || find_path(*v, "spec.claimRef")) continue;
      if (string_at(*v, "status.phase") != "Available" && string_at(*v, "status.phase") != "Pending") continue;
      if (!best || volume_capacity(*v).compare(volume_capacity(*best)) < 0) best = v;
    }
    return best;
  }

  bool sync_claim(const std::string& key) {
    client::ObjectPtr claim = claims_.get(key);
    if (!claim || being_deleted(*claim)) return true;
    std::string volume_name = string_at(*claim, "spec.volumeName");
    if (volume_name.empty()) return sync_unbound_claim(*claim);
    client::ObjectPtr volume = volumes_.get(volume_name);
    if (!volume) {
      if (string_at(*claim, "status.phase") == "Bound") {
        events_.record(*claim, "Warning", "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
        return set_claim_phase(*claim, "Lost", nullptr);
      }
      return true;  // the named volume may yet be created
    }
    if (!find_path(*volume, "spec.claimRef")) return bind(*claim, *volume);
    if (!claim_ref_matches(*volume, *claim)) {
      events_.record(*claim, "Warning", "FailedBinding",
                     "volume \"" + volume_name + "\" already bound to a different claim.");
      return true;
    }
    return bind(*claim, *volume);
  }

  bool sync_unbound_claim(const Json& claim) {
    bool delayed = delays_binding(claim);
    if (client::ObjectPtr volume = best_match(claim, delayed)) return bind(claim, *volume);
    if (delayed) {
      events_.record(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
      return true;
    }
    auto sc = class_of(claim);
    std::string provisioner = sc ? sc->value("provisioner", "") : "";
    if (!provisioner.empty() && provisioner != "kubernetes.io/no-provisioner") {
      if (annotation(claim, kStorageProvisionerAnnotation) != provisioner) {
        Json updated = claim;
        updated["metadata"]["annotations"][kStorageProvisionerAnnotation] = provisioner;
        updated["metadata"]["annotations"][kBetaStorageProvisionerAnnotation] = provisioner;
        if (!ctx_.client.update(pvcs(), namespace_of(claim), std::move(updated)).ok()) return false;
        events_.record(claim, "Normal", "ExternalProvisioning",
                       "Waiting for a volume to be created either by the external provisioner '" + provisioner +
                           "' or manually by the system administrator. If volume creation is delayed, please verify "
                           "that the provisioner is running and correctly registered.");
      }
      return true;
    }
    std::string message = claim_class(claim).empty()
                              ? "no persistent volumes available for this claim and no storage class is set"
                              : (sc ? "no persistent volumes available for this claim"
                                    : "storageclass.storage.k8s.io \"" + claim_class(claim) + "\" not found");
    events_.record(claim, "Normal", "FailedBinding", message);
    return true;
  }

  // kube's bind(): the volume's claimRef, its phase, the claim's volumeName, the claim's status.
  bool bind(const Json& claim, const Json& volume) {
    const std::string ns = namespace_of(claim);
    Json v = volume;
    Json ref = {{"kind", "PersistentVolumeClaim"}, {"namespace", ns}, {"name", name_of(claim)},
                {"uid", uid_of(claim)}, {"apiVersion", "v1"},
                {"resourceVersion", string_at(claim, "metadata.resourceVersion")}};
    const Json* cur_ref = find_path(volume, "spec.claimRef");
    bool ref_done = cur_ref && cur_ref->value("uid", "") == uid_of(claim);
    if (!ref_done) {
      v["spec"]["claimRef"] = ref;
      if (!cur_ref) v["metadata"]["annotations"][kBoundByControllerAnnotation] = "yes";
      auto written = ctx_.client.update(pvs(), "", v);
      if (!written.ok()) return false;
      v = std::move(*written);
    }
    if (string_at(v, "status.phase") != "Bound") {
      v["status"]["phase"] = "Bound";
      auto written = ctx_.client.update(pvs(), "", v, "status");
      if (!written.ok()) return false;
    }
    Json c = claim;
    if (string_at(c, "spec.volumeName") != name_of(volume) || annotation(c, kBindCompletedAnnotation) != "yes") {
      bool by_controller = string_at(c, "spec.volumeName").empty();
      c["spec"]["volumeName"] = name_of(volume);
      c["metadata"]["annotations"][kBindCompletedAnnotation] = "yes";
      if (by_controller) c["metadata"]["annotations"][kBoundByControllerAnnotation] = "yes";
      auto written = ctx_.client.update(pvcs(), ns, c);
      if (!written.ok()) return false;
      c = std::move(*written);
    }
    if (string_at(c, "status.phase") != "Bound") {
      if (!set_claim_phase(c, "Bound", &volume)) return false;
    }
    return true;
  }

  bool set_claim_phase(const Json& claim, const std::string& phase, const Json* volume) {
    Json c = claim;
    c["status"]["phase"] = phase;
    if (volume) {
      if (const Json* modes = find_path(*volume, "spec.accessModes")) c["status"]["accessModes"] = *modes;
      if (const Json* cap = find_path(*volume, "spec.capacity")) c["status"]["capacity"] = *cap;
    }
    return ctx_.client.update(pvcs(), namespace_of(claim), std::move(c), "status").ok();
  }

  bool set_volume_phase(const Json& volume, const std::string& phase) {
    if (string_at(volume, "status.phase") == phase) return true;
    Json v = volume;
    v["status"]["phase"] = phase;
    return ctx_.client.update(pvs(), "", std::move(v), "status").ok();
  }

  bool sync_volume(const std::string& name) {
    client::ObjectPtr volume = volumes_.get(name);
    if (!volume || being_deleted(*volume)) return true;
    const Json* ref = find_path(*volume, "spec.claimRef");
    if (!ref || !ref->is_object()) return set_volume_phase(*volume, "Available");
    std::string claim_key = client::object_key(ref->value("namespace", ""), ref->value("name", ""));
    client::ObjectPtr claim = claims_.get(claim_key);
    std::string ref_uid = ref->value("uid", "");
    if (claim && (ref_uid.empty() || ref_uid == uid_of(*claim))) {
      // Pre-bound, or bound: the claim's sync finishes the binding.
      if (ref_uid.empty()) return set_volume_phase(*volume, "Available");
      return set_volume_phase(*volume, "Bound");
    }
    // The claim is gone. Confirm with the server before acting on a possibly stale cache.
    auto live = ctx_.client.get(pvcs(), ref->value("namespace", ""), ref->value("name", ""));
    if (live.ok() && uid_of(*live) == ref_uid) return true;
    if (!live.ok() && live.error().code != 404) return false;
    // Released first, as Kubernetes: the pv-protection finalizer lets a deleted volume go only
    // once it is no longer Bound.
    if (string_at(*volume, "status.phase") != "Released") return set_volume_phase(*volume, "Released");
    if (string_at(*volume, "spec.persistentVolumeReclaimPolicy") == "Delete") {
      auto removed = ctx_.client.remove(pvs(), "", name);
      return removed.ok() || removed.error().code == 404;
    }
    return true;
  }

  ControllerContext& ctx_;
  client::Informer& claims_;
  client::Informer& volumes_;
  client::Informer& classes_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> persistentvolume_binder(ControllerContext& ctx) {
  return std::make_unique<VolumeBinder>(ctx);
}

}  // namespace skiff::controllers

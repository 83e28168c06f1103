// The StorageObjectInUseProtection admission plugin: every new PersistentVolumeClaim gets the
// kubernetes.io/pvc-protection finalizer and every new PersistentVolume kubernetes.io/pv-protection,
// so that deleting one still in use waits (the pvc_protection and pv_protection controllers
// lift them once nothing uses the object).
#include <algorithm>

#include "apiserver/admission.h"

namespace skiff::apiserver {
namespace {

class StorageProtection final : public AdmissionPlugin {
 public:
  std::string name() const override { return "StorageObjectInUseProtection"; }

  Status admit(AdmissionRequest& r) override {
    if (r.operation != AdmissionOperation::kCreate || !r.subresource.empty()) return ok_status();
    const char* finalizer = r.is("", "PersistentVolumeClaim") ? "kubernetes.io/pvc-protection"
                            : r.is("", "PersistentVolume")    ? "kubernetes.io/pv-protection"
                                                              : nullptr;
    if (!finalizer) return ok_status();
    Json& finalizers = r.object["metadata"]["finalizers"];
    if (!finalizers.is_array()) finalizers = Json::array();
    if (std::find(finalizers.begin(), finalizers.end(), finalizer) == finalizers.end()) finalizers.push_back(finalizer);
    return ok_status();
  }
};

}  // namespace

std::unique_ptr<AdmissionPlugin> make_storage_protection(const ObjectLookup&, const AdmissionOptions&) {
  return std::make_unique<StorageProtection>();
}

}  // namespace skiff::apiserver

// DefaultStorageClass: a claim created without spec.storageClassName gets the default
// StorageClass (annotation storageclass.kubernetes.io/is-default-class=true; the newest when
// several are marked). An explicit "" keeps meaning "no class".
#include "apiserver/admission.h"

namespace skiff::apiserver {
namespace {

bool is_default_class(const Json& sc) {
  const Json* a = find_path(sc, "metadata.annotations");
  if (!a || !a->is_object()) return false;
  return a->value("storageclass.kubernetes.io/is-default-class", "") == "true" ||
         a->value("storageclass.beta.kubernetes.io/is-default-class", "") == "true";
}

class DefaultStorageClass final : public AdmissionPlugin {
 public:
  explicit DefaultStorageClass(const ObjectLookup& lookup) : lookup_(lookup) {}
  std::string name() const override { return "DefaultStorageClass"; }
  Status admit(AdmissionRequest& r) override {
    if (!r.is("", "PersistentVolumeClaim") || r.operation != AdmissionOperation::kCreate || !r.subresource.empty())
      return ok_status();
    Json& spec = r.object["spec"];
    if (!spec.is_object() || (spec.contains("storageClassName") && !spec["storageClassName"].is_null()))
      return ok_status();
    const Json* chosen = nullptr;
    auto classes = lookup_.list("storage.k8s.io", "v1", "storageclasses", "");
    for (const auto& sc : classes) {
      if (!is_default_class(sc)) continue;
      // RFC 3339 UTC timestamps order as strings; ties go to the lexically first name.
      if (!chosen) {
        chosen = &sc;
        continue;
      }
      std::string a = get_string(sc["metadata"], "creationTimestamp");
      std::string b = get_string((*chosen)["metadata"], "creationTimestamp");
      if (a > b || (a == b && get_string(sc["metadata"], "name") < get_string((*chosen)["metadata"], "name")))
        chosen = &sc;
    }
    if (chosen) spec["storageClassName"] = get_string((*chosen)["metadata"], "name");
    return ok_status();
  }

 private:
  const ObjectLookup& lookup_;
};

}  // namespace

std::unique_ptr<AdmissionPlugin> make_default_storage_class(const ObjectLookup& lookup, const AdmissionOptions&) {
  return std::make_unique<DefaultStorageClass>(lookup);
}

}  // namespace skiff::apiserver

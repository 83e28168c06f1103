// ServiceAccount: pods without spec.serviceAccountName run as the namespace's "default" account.
// (Kubernetes' plugin also mounts the account's token; Skiff does not inject token volumes yet.)
#include "apiserver/admission.h"

namespace skiff::apiserver {
namespace {

class ServiceAccountDefaulting final : public AdmissionPlugin {
 public:
  std::string name() const override { return "ServiceAccount"; }
  Status admit(AdmissionRequest& r) override {
    if (!r.is("", "Pod") || r.operation != AdmissionOperation::kCreate || !r.subresource.empty()) return ok_status();
    // Static (mirror) pods may not reference API objects.
    if (const Json* a = find_path(r.object, "metadata.annotations"); a && a->contains("kubernetes.io/config.mirror"))
      return ok_status();
    Json& spec = r.object["spec"];
    if (!spec.is_object()) return ok_status();
    if (get_string(spec, "serviceAccountName").empty()) {
      std::string legacy = get_string(spec, "serviceAccount");
      spec["serviceAccountName"] = legacy.empty() ? "default" : legacy;
    }
    return ok_status();
  }
};

}  // namespace

std::unique_ptr<AdmissionPlugin> make_service_account(const ObjectLookup&, const AdmissionOptions&) {
  return std::make_unique<ServiceAccountDefaulting>();
}

}  // namespace skiff::apiserver

#include "apiserver/admission_default_tolerations.h"

namespace skiff::apiserver {
namespace {

constexpr const char* kNotReady = "node.kubernetes.io/not-ready";
constexpr const char* kUnreachable = "node.kubernetes.io/unreachable";

// Whether some toleration already covers the NoExecute taint with this key.
bool tolerates(const Json& tolerations, const std::string& key) {
  for (const auto& t : tolerations) {
    if (!t.is_object()) continue;
    std::string effect = get_string(t, "effect");
    if (!effect.empty() && effect != "NoExecute") continue;
    std::string tkey = get_string(t, "key");
    if (tkey == key || (tkey.empty() && get_string(t, "operator") == "Exists")) return true;
  }
  return false;
}

}  // namespace

Status DefaultTolerationSeconds::admit(AdmissionRequest& r) {
  if (!r.is("", "Pod") || r.operation != AdmissionOperation::kCreate || !r.subresource.empty()) return ok_status();
  Json& spec = r.object["spec"];
  if (!spec.is_object()) return ok_status();
  Json& tolerations = spec["tolerations"];
  if (!tolerations.is_array()) tolerations = Json::array();
  for (auto [key, seconds] : {std::pair<const char*, int64_t>{kNotReady, not_ready_seconds_.load()},
                              std::pair<const char*, int64_t>{kUnreachable, unreachable_seconds_.load()}}) {
    if (tolerates(tolerations, key)) continue;
    tolerations.push_back(
        {{"key", key}, {"operator", "Exists"}, {"effect", "NoExecute"}, {"tolerationSeconds", seconds}});
  }
  return ok_status();
}

std::unique_ptr<AdmissionPlugin> make_default_toleration_seconds(const ObjectLookup&, const AdmissionOptions& options) {
  return std::make_unique<DefaultTolerationSeconds>(options.default_not_ready_toleration_seconds,
                                                    options.default_unreachable_toleration_seconds);
}

}  // namespace skiff::apiserver

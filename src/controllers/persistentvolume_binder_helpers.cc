#include "controllers/persistentvolume_binder_helpers.h"

#include <algorithm>

#include "api/labels.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

api::Quantity storage_at(const Json& obj, const char* path) {
  const Json* q = find_path(obj, path);
  if (!q) return {};
  auto parsed = api::Quantity::from_json(*q);
  return parsed.ok() ? *parsed : api::Quantity();
}

}  // namespace

std::string string_at(const Json& obj, const char* path) {
  const Json* v = find_path(obj, path);
  return v && v->is_string() ? v->get<std::string>() : "";
}

std::string claim_class(const Json& claim) { return string_at(claim, "spec.storageClassName"); }
std::string volume_class(const Json& volume) { return string_at(volume, "spec.storageClassName"); }
api::Quantity claim_request(const Json& claim) { return storage_at(claim, "spec.resources.requests.storage"); }
api::Quantity volume_capacity(const Json& volume) { return storage_at(volume, "spec.capacity.storage"); }

std::string volume_mode(const Json& obj) {
  std::string mode = string_at(obj, "spec.volumeMode");
  return mode.empty() ? "Filesystem" : mode;
}

std::string annotation(const Json& obj, const std::string& key) {
  const Json* a = find_path(obj, "metadata.annotations");
  if (!a || !a->is_object()) return "";
  auto it = a->find(key);
  return it != a->end() && it->is_string() ? it->get<std::string>() : "";
}

bool claim_ref_matches(const Json& volume, const Json& claim) {
  const Json* ref = find_path(volume, "spec.claimRef");
  if (!ref || !ref->is_object()) return false;
  if (ref->value("name", "") != name_of(claim) || ref->value("namespace", "") != namespace_of(claim)) return false;
  std::string uid = ref->value("uid", "");
  return uid.empty() || uid == uid_of(claim);
}

bool volume_fits_claim(const Json& volume, const Json& claim) {
  if (volume_class(volume) != claim_class(claim)) return false;
  if (volume_mode(volume) != volume_mode(claim)) return false;
  const Json* wanted = find_path(claim, "spec.accessModes");
  const Json* offered = find_path(volume, "spec.accessModes");
  if (wanted && wanted->is_array())
    for (const auto& mode : *wanted)
      if (!offered || !offered->is_array() || std::find(offered->begin(), offered->end(), mode) == offered->end())
        return false;
  if (const Json* sel = find_path(claim, "spec.selector"); sel && sel->is_object()) {
    auto selector = api::LabelSelector::from_json(*sel);
    if (!selector.ok()) return false;
    const Json* labels = find_path(volume, "metadata.labels");
    if (!selector->matches(labels ? *labels : Json())) return false;
  }
  return volume_capacity(volume).compare(claim_request(claim)) >= 0;
}

}  // namespace skiff::controllers

#include "apiserver/crd_versions.h"

namespace skiff::apiserver {

ObjectRef as_served_version(const api::ResourceInfo& info, const ObjectRef& object) {
  if (!info.custom || !object) return object;
  const std::string expected = "\"apiVersion\":" + Json(info.gvk.api_version()).dump();
  if (object->bytes.find(expected) != std::string::npos) return object;
  Json obj = Json::parse(object->bytes, nullptr, false);
  if (!obj.is_object()) return object;
  obj["apiVersion"] = info.gvk.api_version();
  return WatchCache::make_object(object->key, dump_json(obj), object->resource_version);
}

void set_served_version(const api::ResourceInfo& info, Json& obj) {
  if (info.custom && obj.is_object()) obj["apiVersion"] = info.gvk.api_version();
}

}  // namespace skiff::apiserver

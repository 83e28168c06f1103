// JSON merge patch (RFC 7386).
#include "api/patch.h"

namespace skiff::api {
namespace {

void merge_into(Json& target, const Json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = Json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      merge_into(target[key], value);
    }
  }
}

}  // namespace

Json apply_merge_patch(const Json& doc, const Json& patch) {
  if (!patch.is_object()) return patch;
  Json result = doc;
  merge_into(result, patch);
  return result;
}

}  // namespace skiff::api

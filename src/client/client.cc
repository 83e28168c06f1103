#include "client/client.h"

#include <cstdlib>

#include "util/log.h"

namespace skiff::client {

const api::ResourceInfo& Client::resource(std::string_view group, std::string_view version,
                                          std::string_view plural) const {
  const api::ResourceInfo* info = schemas().find_resource(group, version, plural);
  if (!info) {
    log::error("client", "no resource " + std::string(plural) + " in " + std::string(group) + "/" +
                             std::string(version));
    std::abort();
  }
  return *info;
}

std::string object_key(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  std::string key;
  key.reserve(ns.size() + name.size() + 1);
  key.append(ns).append("/").append(name);
  return key;
}

void drop_managed_fields(Json& obj) {
  if (auto meta = obj.find("metadata"); meta != obj.end() && meta->is_object()) meta->erase("managedFields");
}

std::string object_key(const Json& obj) {
  const Json& meta = obj.at("metadata");
  auto field = [&](const char* name) -> std::string_view {
    auto it = meta.find(name);
    if (it == meta.end() || !it->is_string()) return {};
    return it->get_ref<const std::string&>();
  };
  return object_key(field("namespace"), field("name"));
}

std::pair<std::string, std::string> split_key(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

}  // namespace skiff::client

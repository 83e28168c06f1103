#include "agent/cri/downward_api.h"

#include <map>

#include "api/quantity.h"
#include "util/go_strconv.h"

namespace skiff::agent::cri {
namespace {

Error config_error(std::string message) { return Error(400, "CreateContainerConfigError", std::move(message)); }

const Json& metadata_map(const Json& pod, const char* name) {
  static const Json empty = Json::object();
  const Json* map = find_path(pod, std::string("metadata.") + name);
  return map && map->is_object() ? *map : empty;
}

// "metadata.labels['app']" -> ("metadata.labels", "app").
std::optional<std::pair<std::string, std::string>> split_subscript(const std::string& path) {
  auto open = path.find("['");
  if (open == std::string::npos || path.size() < open + 4 || path.compare(path.size() - 2, 2, "']") != 0)
    return std::nullopt;
  return std::pair{path.substr(0, open), path.substr(open + 2, path.size() - open - 4)};
}

const Json* find_container(const Json& pod, const std::string& name) {
  for (const char* list : {"containers", "initContainers"}) {
    const Json* containers = find_path(pod, std::string("spec.") + list);
    if (!containers || !containers->is_array()) continue;
    for (const auto& c : *containers)
      if (get_string(c, "name") == name) return &c;
  }
  return nullptr;
}

std::optional<int64_t> allocatable_for(const std::string& resource, const NodeAllocatable& node) {
  if (resource == "cpu") return node.cpu_millis;
  if (resource == "memory") return node.memory_bytes;
  if (resource == "ephemeral-storage") return node.ephemeral_storage_bytes;
  return std::nullopt;
}

bool known_resource(const std::string& kind, const std::string& resource) {
  return (kind == "limits" || kind == "requests") &&
         (resource == "cpu" || resource == "memory" || resource == "ephemeral-storage" ||
          resource.rfind("hugepages-", 0) == 0);
}

int64_t divide_rounding_up(int64_t value, int64_t divisor) {
  if (value <= 0) return value / divisor;
  return (value + divisor - 1) / divisor;
}

}  // namespace

std::string format_metadata_map(const Json& map) {
  std::map<std::string, std::string> sorted;
  if (map.is_object())
    for (const auto& [key, value] : map.items())
      if (value.is_string()) sorted[key] = value.get<std::string>();
  std::string out;
  for (const auto& [key, value] : sorted) {
    if (!out.empty()) out += '\n';
    out += key + "=" + go_quote(value);
  }
  return out;
}

std::optional<std::string> metadata_field_value(const Json& pod, const std::string& field_path) {
  if (auto subscripted = split_subscript(field_path)) {
    const auto& [path, key] = *subscripted;
    if (path != "metadata.labels" && path != "metadata.annotations") return std::nullopt;
    const Json& map = metadata_map(pod, path == "metadata.labels" ? "labels" : "annotations");
    return map.contains(key) && map[key].is_string() ? map[key].get<std::string>() : std::string();
  }
  if (field_path == "metadata.labels") return format_metadata_map(metadata_map(pod, "labels"));
  if (field_path == "metadata.annotations") return format_metadata_map(metadata_map(pod, "annotations"));
  const Json* meta = find_path(pod, "metadata");
  if (!meta) return std::nullopt;
  for (const char* field : {"name", "namespace", "uid"})
    if (field_path == std::string("metadata.") + field) return get_string(*meta, field);
  return std::nullopt;
}

Result<std::string> resource_field_value(const Json& pod, const Json* current, const Json& ref,
                                         const NodeAllocatable& node) {
  std::string container_name = get_string(ref, "containerName");
  const Json* container = container_name.empty() ? current : find_container(pod, container_name);
  if (!container) return config_error("container " + container_name + " not found");
  std::string selector = get_string(ref, "resource");
  auto dot = selector.find('.');
  std::string kind = selector.substr(0, dot);
  std::string resource = dot == std::string::npos ? "" : selector.substr(dot + 1);
  if (!known_resource(kind, resource)) return config_error("unsupported container resource : " + selector);

  bool is_cpu = resource == "cpu";
  int64_t amount = 0;  // milli-units for CPU, whole units otherwise
  if (const Json* q = find_path(*container, "resources." + kind); q && q->is_object() && q->contains(resource)) {
    auto value = api::Quantity::from_json((*q)[resource]);
    if (!value.ok()) return config_error(value.error().message);
    amount = is_cpu ? value->milli_value() : value->value();
  }
  if (amount == 0 && kind == "limits")
    if (auto allocatable = allocatable_for(resource, node)) amount = *allocatable;

  int64_t divisor = is_cpu ? 1000 : 1;
  if (ref.contains("divisor")) {
    auto d = api::Quantity::from_json(ref["divisor"]);
    if (!d.ok()) return config_error("resourceFieldRef divisor: " + d.error().message);
    int64_t parsed = is_cpu ? d->milli_value() : d->value();
    if (parsed > 0) divisor = parsed;
  }
  return std::to_string(divide_rounding_up(amount, divisor));
}

}  // namespace skiff::agent::cri

#include "scheduler/resources.h"

#include <algorithm>

#include "api/quantity.h"

namespace skiff::scheduler {
namespace {

void merge_scalars(std::vector<std::pair<std::string, int64_t>>& into,
                   const std::vector<std::pair<std::string, int64_t>>& from, int mode) {
  // mode 0: add, 1: subtract, 2: max
  for (const auto& [name, value] : from) {
    auto it = std::lower_bound(into.begin(), into.end(), name,
                               [](const auto& item, const std::string& n) { return item.first < n; });
    if (it == into.end() || it->first != name) it = into.insert(it, {name, 0});
    if (mode == 0) it->second += value;
    else if (mode == 1) it->second -= value;
    else it->second = std::max(it->second, value);
  }
}

bool is_restartable(const Json& container) { return get_string(container, "restartPolicy") == "Always"; }

}  // namespace

int64_t Resources::scalar(const std::string& name) const {
  for (const auto& [n, v] : scalars)
    if (n == name) return v;
  return 0;
}

void Resources::add(const Resources& o) {
  milli_cpu += o.milli_cpu;
  memory += o.memory;
  ephemeral_storage += o.ephemeral_storage;
  if (!o.scalars.empty()) merge_scalars(scalars, o.scalars, 0);
}

void Resources::subtract(const Resources& o) {
  milli_cpu -= o.milli_cpu;
  memory -= o.memory;
  ephemeral_storage -= o.ephemeral_storage;
  if (!o.scalars.empty()) merge_scalars(scalars, o.scalars, 1);
}

void Resources::max_with(const Resources& o) {
  milli_cpu = std::max(milli_cpu, o.milli_cpu);
  memory = std::max(memory, o.memory);
  ephemeral_storage = std::max(ephemeral_storage, o.ephemeral_storage);
  if (!o.scalars.empty()) merge_scalars(scalars, o.scalars, 2);
}

bool Resources::is_zero() const {
  if (milli_cpu || memory || ephemeral_storage) return false;
  for (const auto& [n, v] : scalars)
    if (v) return false;
  return true;
}

Result<Resources> resources_from_json(const Json* list) {
  Resources out;
  if (!list || !list->is_object()) return out;
  for (auto it = list->begin(); it != list->end(); ++it) {
    const std::string& name = it.key();
    if (name == "pods") continue;
    SKIFF_ASSIGN_OR_RETURN(auto q, api::Quantity::from_json(it.value()));
    if (name == "cpu") out.milli_cpu = q.milli_value();
    else if (name == "memory") out.memory = q.value();
    else if (name == "ephemeral-storage") out.ephemeral_storage = q.value();
    else if (name.find('/') != std::string::npos || name.rfind("hugepages-", 0) == 0 ||
             name.rfind("attachable-volumes-", 0) == 0)
      out.scalars.emplace_back(name, q.value());
    // Other names (storage, ...) are not node resources the scheduler fits.
  }
  std::sort(out.scalars.begin(), out.scalars.end());
  return out;
}

Result<Resources> pod_requests(const Json& spec) {
  Resources total;
  if (const Json* containers = find_path(spec, "containers"); containers && containers->is_array())
    for (const auto& c : *containers) {
      SKIFF_ASSIGN_OR_RETURN(auto r, resources_from_json(find_path(c, "resources.requests")));
      total.add(r);
    }
  Resources init_peak, sidecars;
  if (const Json* inits = find_path(spec, "initContainers"); inits && inits->is_array())
    for (const auto& c : *inits) {
      SKIFF_ASSIGN_OR_RETURN(auto r, resources_from_json(find_path(c, "resources.requests")));
      if (is_restartable(c)) {
        // A sidecar keeps running beside everything started after it.
        total.add(r);
        sidecars.add(r);
        init_peak.max_with(sidecars);
      } else {
        r.add(sidecars);
        init_peak.max_with(r);
      }
    }
  total.max_with(init_peak);
  SKIFF_ASSIGN_OR_RETURN(auto overhead, resources_from_json(find_path(spec, "overhead")));
  total.add(overhead);
  return total;
}

}  // namespace skiff::scheduler

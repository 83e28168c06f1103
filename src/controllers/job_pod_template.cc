#include "controllers/job_pod_template.h"

#include <string>

#include "controllers/job_indexes.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

void add_index_env(Json& containers) {
  if (!containers.is_array()) return;
  for (auto& c : containers) {
    Json& env = c["env"];
    if (!env.is_array()) env = Json::array();
    bool present = false;
    for (const auto& e : env) present = present || e.value("name", "") == "JOB_COMPLETION_INDEX";
    if (present) continue;
    env.push_back({{"name", "JOB_COMPLETION_INDEX"},
                   {"valueFrom",
                    {{"fieldRef",
                      {{"apiVersion", "v1"},
                       {"fieldPath", std::string("metadata.annotations['") + kJobCompletionIndexKey + "']"}}}}}});
  }
}

}  // namespace

Json pod_for_job(const Json& job, std::optional<int64_t> index) {
  const std::string name = name_of(job);
  const Json* tmpl = find_path(job, "spec.template");
  std::string generate_name = name + "-";
  if (index) generate_name += std::to_string(*index) + "-";
  Json pod = pod_from_template(tmpl ? *tmpl : Json::object(), job, generate_name);
  if (!index) return pod;
  const std::string value = std::to_string(*index);
  pod["metadata"]["annotations"][kJobCompletionIndexKey] = value;
  pod["metadata"]["labels"][kJobCompletionIndexKey] = value;
  Json& spec = pod["spec"];
  add_index_env(spec["containers"]);
  if (spec.contains("initContainers")) add_index_env(spec["initContainers"]);
  if (spec.value("hostname", "").empty()) spec["hostname"] = name + "-" + value;
  return pod;
}

}  // namespace skiff::controllers

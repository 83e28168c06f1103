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

std::optional<Json> generated_selector_patch(const Json& job) {
  const Json* manual = find_path(job, "spec.manualSelector");
  if (manual && manual->is_boolean() && manual->get<bool>()) return std::nullopt;
  const Json* selector = find_path(job, "spec.selector");
  if (selector && selector->is_object() && !selector->empty()) return std::nullopt;
  const std::string name = name_of(job), uid = uid_of(job);
  const Json* tl = find_path(job, "spec.template.metadata.labels");
  Json template_labels = tl && tl->is_object() ? *tl : Json::object();
  const Json* jl = find_path(job, "metadata.labels");
  // Defaulting copied the template's labels when the Job had none; Kubernetes shares that map,
  // so the generated labels show up on the Job too.
  const bool job_labels_from_template = !jl || !jl->is_object() || jl->empty() || *jl == template_labels;
  Json added = Json::object();
  for (const char* key : {kLegacyJobNameLabel, kJobNameLabel})
    if (!template_labels.contains(key)) added[key] = name;
  for (const char* key : {kLegacyControllerUidLabel, kControllerUidLabel})
    if (!template_labels.contains(key)) added[key] = uid;
  Json patch = {{"spec",
                 {{"selector", {{"matchLabels", {{kControllerUidLabel, uid}}}}},
                  {"template", {{"metadata", {{"labels", added}}}}}}}};
  if (job_labels_from_template) {
    Json labels = template_labels;
    labels.update(added);
    patch["metadata"] = {{"labels", labels}};
  }
  return patch;
}

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

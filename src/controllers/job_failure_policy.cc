#include "controllers/job_failure_policy.h"

#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

using Action = PodFailurePolicyMatch::Action;

Action parse_action(const std::string& a) {
  if (a == "FailJob") return Action::kFailJob;
  if (a == "FailIndex") return Action::kFailIndex;
  if (a == "Ignore") return Action::kIgnore;
  if (a == "Count") return Action::kCount;
  return Action::kNone;
}

// The first terminated container (app containers, then init containers) whose non-zero exit
// code satisfies the requirement.
const Json* matching_container(const Json& pod, const Json& req) {
  const std::string container = req.value("containerName", "");
  const std::string op = req.value("operator", "");
  const Json values = req.value("values", Json::array());
  for (const char* list : {"status.containerStatuses", "status.initContainerStatuses"}) {
    const Json* statuses = find_path(pod, list);
    if (!statuses || !statuses->is_array()) continue;
    for (const auto& cs : *statuses) {
      if (!container.empty() && cs.value("name", "") != container) continue;
      const Json* code = find_path(cs, "state.terminated.exitCode");
      if (!code || !code->is_number_integer() || *code == 0) continue;
      bool listed = false;
      for (const auto& v : values) listed = listed || v == *code;
      if ((op == "In" && listed) || (op == "NotIn" && !listed)) return &cs;
    }
  }
  return nullptr;
}

}  // namespace

PodFailurePolicyMatch match_pod_failure_policy(const Json& policy, const Json& pod) {
  const Json* rules = find_path(policy, "rules");
  if (!rules || !rules->is_array()) return {};
  const std::string pod_ref = namespace_of(pod) + "/" + name_of(pod);
  for (size_t i = 0; i < rules->size(); ++i) {
    const Json& rule = (*rules)[i];
    const std::string action_name = rule.value("action", "");
    const Action action = parse_action(action_name);
    const std::string rule_ref = action_name + " rule at index " + std::to_string(i);
    if (const Json* req = find_path(rule, "onExitCodes"); req && req->is_object()) {
      if (const Json* cs = matching_container(pod, *req)) {
        return {action, "Container " + cs->value("name", "") + " for pod " + pod_ref + " failed with exit code " +
                            find_path(*cs, "state.terminated.exitCode")->dump() + " matching " + rule_ref};
      }
    }
    if (const Json* patterns = find_path(rule, "onPodConditions"); patterns && patterns->is_array()) {
      for (const auto& pattern : *patterns) {
        const std::string type = pattern.value("type", "");
        const Json* cond = find_condition(pod, type);
        if (cond && cond->value("status", "") == pattern.value("status", "True"))
          return {action, "Pod " + pod_ref + " has condition " + type + " matching " + rule_ref};
      }
    }
  }
  return {};
}

}  // namespace skiff::controllers

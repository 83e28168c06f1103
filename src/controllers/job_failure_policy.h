// spec.podFailurePolicy of a Job: which rule, if any, a failed pod matches.
#pragma once

#include <string>

#include "util/json.h"

namespace skiff::controllers {

struct PodFailurePolicyMatch {
  enum class Action { kNone, kFailJob, kFailIndex, kIgnore, kCount };
  Action action = Action::kNone;
  std::string message;  // for FailJob: the Job's failure condition message
};

// The first rule of policy that the failed pod matches (exit codes of terminated containers,
// exit code 0 excluded; or pod conditions), as Kubernetes' matchPodFailurePolicy.
PodFailurePolicyMatch match_pod_failure_policy(const Json& policy, const Json& pod);

}  // namespace skiff::controllers

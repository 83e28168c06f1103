// What a Job's pods look like: the selector and labels Kubernetes' API server generates for a
// Job without spec.manualSelector, and a new pod (with its completion index for Indexed Jobs).
#pragma once

#include <cstdint>
#include <optional>

#include "util/json.h"

namespace skiff::controllers {

inline constexpr const char* kJobNameLabel = "batch.kubernetes.io/job-name";
inline constexpr const char* kLegacyJobNameLabel = "job-name";
inline constexpr const char* kControllerUidLabel = "batch.kubernetes.io/controller-uid";
inline constexpr const char* kLegacyControllerUidLabel = "controller-uid";

// A merge patch that gives the Job the generated selector (matchLabels controller-uid) and
// its template the job-name and controller-uid labels (new and legacy keys), as the API
// server's generateSelector; the Job's own labels get them too when they were copied from the
// template. nullopt when the Job selects manually or already has a selector.
std::optional<Json> generated_selector_patch(const Json& job);

// A new pod for the Job, named <job>-[<index>-]<random>; for an Indexed Job the index goes in
// the job-completion-index annotation and label, the JOB_COMPLETION_INDEX variable of every
// container, and the hostname <job>-<index>.
Json pod_for_job(const Json& job, std::optional<int64_t> index);

}  // namespace skiff::controllers

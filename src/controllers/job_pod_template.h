// What a Job's pods look like: a new pod from the template (whose selector and labels the API
// server generated at create), with its completion index for Indexed Jobs.
#pragma once

#include <cstdint>
#include <optional>

#include "util/json.h"

namespace skiff::controllers {

// A new pod for the Job, named <job>-[<index>-]<random>; for an Indexed Job the index goes in
// the job-completion-index annotation and label, the JOB_COMPLETION_INDEX variable of every
// container, and the hostname <job>-<index>.
Json pod_for_job(const Json& job, std::optional<int64_t> index);

}  // namespace skiff::controllers

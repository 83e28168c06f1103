// The pod status the agent reports, rendered from what the CRI says about the pod's sandbox and
// containers plus why containers are not running (image pull errors, back-off). Pure: no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/cri/cri_types.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::agent::cri {

struct ContainerWaiting {
  std::string reason;  // ErrImagePull, ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError, ...
  std::string message;
};

struct PodObservation {
  std::optional<PodSandboxStatus> sandbox;  // the newest sandbox
  // Every container of the pod by name, newest attempt first.
  std::map<std::string, std::vector<ContainerStatus>> containers;
  std::map<std::string, ContainerWaiting> waiting;
  // Readiness of running containers that have probes, by name (no entry: ready once running).
  std::map<std::string, bool> readiness;
};

std::map<std::string, std::vector<ContainerStatus>> group_containers(std::vector<ContainerStatus> statuses);

// The newest container of that name, or nullptr.
const ContainerStatus* newest(const PodObservation& observation, const std::string& name);

// Every init container has exited 0.
bool init_containers_done(const Json& pod, const PodObservation& observation);
// Whether the container should run again after it exited with that code.
bool should_restart(const Json& pod, int exit_code);
// The pod is over for good: Succeeded or Failed by its restart policy.
bool pod_finished(const Json& pod, const PodObservation& observation);

// containerStatuses, initContainerStatuses, phase, conditions, IPs, qosClass, startTime.
Json render_pod_status(const Json& pod, const PodObservation& observation, const std::string& host_ip, WallTime now);

WallTime from_unix_nanos(int64_t nanos);

}  // namespace skiff::agent::cri

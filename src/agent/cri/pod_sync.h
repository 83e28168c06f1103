// One pass of a pod worker: compares a bound pod with what the CRI runs for it and takes the next
// steps (sandbox, image pulls, init containers in order, containers and their postStart hooks,
// restarts with back-off), then renders the status to report. Termination runs preStop hooks and
// stops containers within the grace period and removes the sandbox. Blocking; one pod is never
// synced by two threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "agent/cri/container_env.h"
#include "agent/cri/crash_backoff.h"
#include "agent/cri/cri_client.h"
#include "agent/cri/lifecycle_hooks.h"
#include "agent/cri/pod_spec.h"
#include "agent/cri/pod_volumes.h"
#include "agent/cri/pod_status.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::agent::cri {

struct PodSyncContext {
  CriClient& cri;
  SandboxSettings sandbox;
  // node_name and host_ip filled; pod IPs are added per pod. Its get also reads imagePullSecrets.
  EnvContext env;
  VolumeContext volumes;
  std::chrono::milliseconds backoff_base{std::chrono::seconds(10)};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
  const Clock* clock = &SystemClock::instance();
  // Kubernetes Events for the pod (type, reason, message); may be empty.
  std::function<void(const Json& pod, const std::string& type, const std::string& reason, const std::string& message)>
      record;
  // The readiness probe's verdict on a running container (by ID); nullopt before its first verdict.
  std::function<std::optional<bool>(const std::string& container_id)> readiness;
  // How sleep lifecycle hooks wait; empty: really.
  SleepFor sleep;
};

// What a worker remembers about one pod between passes (lost on restart: the CRI labels suffice).
struct PodSyncState {
  explicit PodSyncState(const PodSyncContext& context)
      : container_backoff(context.backoff_base, context.backoff_max), image_backoff(context.backoff_base, context.backoff_max) {}
  CrashBackoff container_backoff;
  CrashBackoff image_backoff;
  std::map<std::string, ContainerWaiting> waiting;
  std::map<std::string, std::pair<WallTime, std::string>> pull_failures;  // image -> (when, why)
  std::map<std::string, uint32_t> announced_backoff;                       // container -> attempt
};

struct PodSyncOutcome {
  Json status;  // to report
  // Sync again after this long even if nothing changes (a back-off ends).
  std::optional<std::chrono::milliseconds> recheck_after;
};

Result<PodSyncOutcome> sync_pod(const PodSyncContext& context, PodSyncState& state, const Json& pod);

// Stops one container of the pod as the kubelet kills it: its preStop hook first, within the grace
// period (a failure is a FailedPreStopHook event), then the stop signal (SIGKILL after what is left
// of the grace, at least 2 s once a hook ran).
Status kill_container(const PodSyncContext& context, const Json& pod, const std::string& container_name,
                      const std::string& container_id, std::chrono::seconds grace);

// Kills every container of the pod at once (kill_container), then stops and removes its sandboxes,
// containers and volumes. Idempotent.
Status terminate_pod(const PodSyncContext& context, const Json& pod, std::chrono::seconds grace);
// The same for a pod whose object is gone: no hooks, as its spec is unknown.
Status terminate_pod_by_uid(const PodSyncContext& context, const std::string& pod_uid, std::chrono::seconds grace);

// The current CRI view of a pod: newest sandbox and every container, by the pod UID label.
Result<PodObservation> observe_pod(CriClient& cri, const std::string& pod_uid);

}  // namespace skiff::agent::cri

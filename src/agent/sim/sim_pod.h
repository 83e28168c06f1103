// The virtual life of one pod on a simulated node: a state machine advanced by the clock
// (start delay, runs that end per sim.skiff.dev/run-seconds, restarts with crash-loop back-off
// per restartPolicy) and the pod status it renders. Pure: no I/O, time passed in.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "util/clock.h"
#include "util/json.h"

namespace skiff::agent::sim {

struct SimPodTimings {
  std::chrono::milliseconds start_delay{0};
  std::chrono::milliseconds default_readiness_delay{0};
  std::chrono::milliseconds backoff_base{std::chrono::seconds(10)};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
};

struct SimTermination {
  int exit_code = 0;
  WallTime started;
  WallTime finished;
};

struct SimPodState {
  enum class Stage { kStarting, kRunning, kBackingOff, kFinished, kStopped };

  std::string uid;
  std::string pod_ip;
  WallTime seen;            // when the node took the pod on (status.startTime)
  Stage stage = Stage::kStarting;
  WallTime run_started;     // kRunning: the current run's start
  WallTime backoff_until;   // kBackingOff
  int restart_count = 0;
  int crash_streak = 0;     // consecutive failed runs: the back-off exponent
  std::optional<SimTermination> last;   // the previous run (lastState)
  std::optional<SimTermination> final;  // kFinished / kStopped
  // condition type -> (status, lastTransitionTime), so transition times move only on change.
  std::map<std::string, std::pair<bool, WallTime>> conditions;
};

// Moves the state to `now`; returns when it next changes by itself (nullopt: never).
std::optional<WallTime> advance_sim_pod(SimPodState& state, const Json& pod, const SimPodTimings& timings,
                                        WallTime now);

// Containers terminated by a deletion (exit 0, as a program that handles SIGTERM).
void stop_sim_pod(SimPodState& state, WallTime now);

// Takes over a pod whose status an earlier run of the simulation wrote (restart counts,
// start times, pod IP), so restarting the agent does not restart every pod.
void adopt_sim_pod_status(SimPodState& state, const Json& pod);

// The pod's status (phase, IPs, container statuses, conditions) from the state, keeping
// conditions other writers own.
Json render_sim_pod_status(SimPodState& state, const Json& pod, const std::string& host_ip,
                           const SimPodTimings& timings, WallTime now);

bool sim_pod_is_ready(const Json& status);

}  // namespace skiff::agent::sim

// The pod printer: READY, STATUS and RESTARTS computed as kubectl shows them, from init
// containers, sidecars, container states and the deletion timestamp.
#include <set>

#include "apiserver/tables_format.h"
#include "apiserver/tables_printers.h"

namespace skiff::apiserver::tables {

namespace {

bool condition_true(const Json& conditions, std::string_view type) {
  if (!conditions.is_array()) return false;
  for (const Json& c : conditions) {
    if (str(c, "type") == type) return str(c, "status") == "True";
  }
  return false;
}

bool has_pod_ready_condition(const Json& conditions) {
  if (!conditions.is_array()) return false;
  for (const Json& c : conditions) {
    if (str(c, "type") == "Ready" && str(c, "status") == "True") return true;
  }
  return false;
}

// Tracks the latest time a container last terminated (the "(5m ago)" of RESTARTS).
void note_last_termination(const Json& container_status, std::optional<WallTime>& latest) {
  auto finished = timestamp(at(container_status, "lastState.terminated.finishedAt"));
  if (finished && (!latest || *latest < *finished)) latest = finished;
}

std::string exit_reason(const Json& terminated, std::string_view prefix) {
  int64_t signal = integer(terminated, "signal");
  if (signal != 0) return std::string(prefix) + "Signal:" + std::to_string(signal);
  return std::string(prefix) + "ExitCode:" + std::to_string(integer(terminated, "exitCode"));
}

}  // namespace

PrintedRow print_pod(const Json& pod, const PrintContext& ctx) {
  const Json& spec = at(pod, "spec");
  const Json& status = at(pod, "status");
  const Json& conditions = at(status, "conditions");

  int64_t restarts = 0;
  int64_t restartable_init_restarts = 0;
  int64_t total_containers = count(spec, "containers");
  int64_t ready_containers = 0;
  std::optional<WallTime> last_restart;
  std::optional<WallTime> last_restartable_init_restart;

  std::string phase = str(status, "phase");
  std::string reason = phase;
  if (!str(status, "reason").empty()) reason = str(status, "reason");
  if (conditions.is_array()) {
    for (const Json& c : conditions) {
      if (str(c, "type") == "PodScheduled" && str(c, "reason") == "SchedulingGated") reason = "SchedulingGated";
    }
  }

  PrintedRow row;
  if (phase == "Succeeded") {
    row.conditions = Json::array({{{"type", "Completed"}, {"status", "True"}, {"reason", "Succeeded"},
                                   {"message", "The pod has completed successfully."}}});
  } else if (phase == "Failed") {
    row.conditions = Json::array(
        {{{"type", "Completed"}, {"status", "True"}, {"reason", "Failed"}, {"message", "The pod failed."}}});
  }

  // Sidecars: init containers with restartPolicy Always count as regular containers.
  std::set<std::string> restartable_init;
  const Json& init_specs = at(spec, "initContainers");
  if (init_specs.is_array()) {
    for (const Json& c : init_specs) {
      if (str(c, "restartPolicy") == "Always") {
        restartable_init.insert(str(c, "name"));
        ++total_containers;
      }
    }
  }

  bool initializing = false;
  const Json& init_statuses = at(status, "initContainerStatuses");
  if (init_statuses.is_array()) {
    for (size_t i = 0; i < init_statuses.size(); ++i) {
      const Json& cs = init_statuses[i];
      bool restartable = restartable_init.count(str(cs, "name")) > 0;
      restarts += integer(cs, "restartCount");
      note_last_termination(cs, last_restart);
      if (restartable) {
        restartable_init_restarts += integer(cs, "restartCount");
        note_last_termination(cs, last_restartable_init_restart);
      }
      const Json& terminated = at(cs, "state.terminated");
      const Json& waiting = at(cs, "state.waiting");
      if (terminated.is_object() && integer(terminated, "exitCode") == 0) continue;
      if (restartable && flag(cs, "started")) {
        if (flag(cs, "ready")) ++ready_containers;
        continue;
      }
      if (terminated.is_object()) {
        std::string r = str(terminated, "reason");
        reason = r.empty() ? exit_reason(terminated, "Init:") : "Init:" + r;
      } else if (waiting.is_object() && !str(waiting, "reason").empty() && str(waiting, "reason") != "PodInitializing") {
        reason = "Init:" + str(waiting, "reason");
      } else {
        reason = "Init:" + std::to_string(i) + "/" + std::to_string(count(spec, "initContainers"));
      }
      initializing = true;
      break;
    }
  }

  if (!initializing || condition_true(conditions, "Initialized")) {
    restarts = restartable_init_restarts;
    last_restart = last_restartable_init_restart;
    bool has_running = false;
    const Json& statuses = at(status, "containerStatuses");
    if (statuses.is_array()) {
      for (size_t n = statuses.size(); n-- > 0;) {
        const Json& cs = statuses[n];
        restarts += integer(cs, "restartCount");
        note_last_termination(cs, last_restart);
        const Json& waiting = at(cs, "state.waiting");
        const Json& terminated = at(cs, "state.terminated");
        if (waiting.is_object() && !str(waiting, "reason").empty()) {
          reason = str(waiting, "reason");
        } else if (terminated.is_object() && !str(terminated, "reason").empty()) {
          reason = str(terminated, "reason");
        } else if (terminated.is_object()) {
          reason = exit_reason(terminated, "");
        } else if (flag(cs, "ready") && at(cs, "state.running").is_object()) {
          has_running = true;
          ++ready_containers;
        }
      }
    }
    // A pod whose last container completed while another still runs is not "Completed".
    if (reason == "Completed" && has_running) {
      reason = has_pod_ready_condition(conditions) ? "Running" : "NotReady";
    }
  }

  bool deleting = has(pod, "metadata.deletionTimestamp");
  if (deleting && str(status, "reason") == "NodeLost") {
    reason = "Unknown";
  } else if (deleting && phase != "Succeeded" && phase != "Failed") {
    reason = "Terminating";
  }

  std::string restarts_cell = std::to_string(restarts);
  if (restarts != 0 && last_restart) {
    restarts_cell += " (" + human_age(*last_restart, ctx.now) + " ago)";
  }

  std::string pod_ip;
  const Json& pod_ips = at(status, "podIPs");
  if (pod_ips.is_array() && !pod_ips.empty()) pod_ip = str(pod_ips[0], "ip");

  std::string readiness_gates = "<none>";
  const Json& gates = at(spec, "readinessGates");
  if (gates.is_array() && !gates.empty()) {
    int true_conditions = 0;
    for (const Json& gate : gates) {
      std::string type = str(gate, "conditionType");
      if (conditions.is_array()) {
        for (const Json& c : conditions) {
          if (str(c, "type") == type) {
            if (str(c, "status") == "True") ++true_conditions;
            break;
          }
        }
      }
    }
    readiness_gates = std::to_string(true_conditions) + "/" + std::to_string(gates.size());
  }

  row.cells = {str(pod, "metadata.name"),
               std::to_string(ready_containers) + "/" + std::to_string(total_containers),
               reason,
               restarts_cell,
               object_age(pod, ctx.now),
               or_none(pod_ip),
               or_none(str(spec, "nodeName")),
               or_none(str(status, "nominatedNodeName")),
               readiness_gates};
  return row;
}

}  // namespace skiff::apiserver::tables

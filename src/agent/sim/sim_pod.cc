#include "agent/sim/sim_pod.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "agent/sim/sim_annotations.h"

namespace skiff::agent::sim {
namespace {

using Stage = SimPodState::Stage;

// The shortest back-off, so that a run that ends at once cannot loop one advance forever.
constexpr std::chrono::milliseconds kShortestBackoff{50};
// As the kubelet: a container that ran this long without failing starts its back-off afresh.
constexpr std::chrono::minutes kBackoffResetAfter{10};

WallTime::duration seconds_to_duration(double s) {
  return std::chrono::duration_cast<WallTime::duration>(std::chrono::duration<double>(s));
}

std::string annotation(const Json& pod, const char* key) {
  const Json* v = find_path(pod, "metadata.annotations");
  if (!v || !v->is_object()) return "";
  auto it = v->find(key);
  return it != v->end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<double> run_seconds(const Json& pod) {
  std::string text = annotation(pod, kRunSecondsAnnotation);
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double s = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(s >= 0)) return std::nullopt;
  return s;
}

int exit_code(const Json& pod) {
  std::string text = annotation(pod, kExitCodeAnnotation);
  if (text.empty()) return 0;
  char* end = nullptr;
  long code = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0') return 1;
  return static_cast<int>(code);
}

std::string restart_policy(const Json& pod) {
  const Json* p = find_path(pod, "spec.restartPolicy");
  return p && p->is_string() ? p->get<std::string>() : "Always";
}

const Json& containers_of(const Json& pod, const char* field) {
  static const Json kNone = Json::array();
  const Json* spec = find_path(pod, "spec");
  if (!spec || !spec->is_object()) return kNone;
  auto it = spec->find(field);
  return it != spec->end() && it->is_array() ? *it : kNone;
}

WallTime::duration readiness_delay(const Json& container, const SimPodTimings& timings) {
  auto probe = container.find("readinessProbe");
  if (probe != container.end() && probe->is_object())
    return std::chrono::seconds(probe->value("initialDelaySeconds", int64_t{0}));
  return timings.default_readiness_delay;
}

// The earliest readiness moment after now in the current run, if any.
std::optional<WallTime> next_readiness(const SimPodState& state, const Json& pod, const SimPodTimings& timings,
                                       WallTime now) {
  std::optional<WallTime> next;
  for (const auto& c : containers_of(pod, "containers")) {
    WallTime at = state.run_started + readiness_delay(c, timings);
    if (at > now && (!next || at < *next)) next = at;
  }
  return next;
}

std::optional<WallTime> earliest(std::optional<WallTime> a, std::optional<WallTime> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

void end_run(SimPodState& state, const Json& pod, const SimPodTimings& timings, WallTime exit_at, double run) {
  int code = exit_code(pod);
  std::string policy = restart_policy(pod);
  SimTermination term{code, state.run_started, exit_at};
  bool restart = policy == "Always" || (policy == "OnFailure" && code != 0);
  if (!restart) {
    state.stage = Stage::kFinished;
    state.final = term;
    return;
  }
  ++state.restart_count;
  state.last = term;
  // As the kubelet, every restart backs off, a clean exit's too (it shows as CrashLoopBackOff
  // after Completed); only a long run starts the back-off afresh.
  if (exit_at - state.run_started >= kBackoffResetAfter) state.crash_streak = 0;
  ++state.crash_streak;
  std::chrono::milliseconds delay = timings.backoff_base;
  for (int i = 1; i < state.crash_streak && delay < timings.backoff_max; ++i) delay *= 2;
  delay = std::max(std::min(delay, timings.backoff_max), kShortestBackoff);
  state.stage = Stage::kBackingOff;
  state.backoff_until = exit_at + delay;
}

Json terminated(const SimTermination& t, const std::string& container_id) {
  return {{"terminated",
           {{"exitCode", t.exit_code},
            {"reason", t.exit_code == 0 ? "Completed" : "Error"},
            {"startedAt", format_rfc3339(t.started)},
            {"finishedAt", format_rfc3339(t.finished)},
            {"containerID", container_id}}}};
}

Json condition(SimPodState& state, const std::string& type, bool status, WallTime now, const std::string& reason = "",
               const std::string& message = "") {
  auto it = state.conditions.find(type);
  if (it == state.conditions.end() || it->second.first != status) {
    state.conditions[type] = {status, now};
    it = state.conditions.find(type);
  }
  Json c = {{"type", type},
            {"status", status ? "True" : "False"},
            {"lastProbeTime", nullptr},
            {"lastTransitionTime", format_rfc3339(it->second.second)}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  return c;
}

}  // namespace

std::optional<WallTime> advance_sim_pod(SimPodState& state, const Json& pod, const SimPodTimings& timings,
                                        WallTime now) {
  std::optional<double> run = run_seconds(pod);
  while (true) {
    switch (state.stage) {
      case Stage::kStarting: {
        WallTime at = state.seen + timings.start_delay;
        if (now < at) return at;
        state.stage = Stage::kRunning;
        state.run_started = at;
        break;
      }
      case Stage::kRunning: {
        auto ready = next_readiness(state, pod, timings, now);
        if (!run) return ready;
        WallTime exit_at = state.run_started + seconds_to_duration(*run);
        if (now < exit_at) return earliest(exit_at, ready);
        end_run(state, pod, timings, exit_at, *run);
        break;
      }
      case Stage::kBackingOff:
        if (now < state.backoff_until) return state.backoff_until;
        state.stage = Stage::kRunning;
        state.run_started = state.backoff_until;
        break;
      case Stage::kFinished:
      case Stage::kStopped:
        return std::nullopt;
    }
  }
}

void stop_sim_pod(SimPodState& state, WallTime now) {
  if (state.stage == Stage::kFinished || state.stage == Stage::kStopped) return;
  WallTime started = state.stage == Stage::kRunning ? state.run_started : now;
  state.final = SimTermination{0, started, now};
  state.stage = Stage::kStopped;
}

void adopt_sim_pod_status(SimPodState& state, const Json& pod) {
  const Json* status = find_path(pod, "status");
  if (!status || !status->is_object()) return;
  state.pod_ip = status->value("podIP", "");
  if (auto start = parse_rfc3339(status->value("startTime", ""))) state.seen = *start;
  const Json* statuses = find_path(pod, "status.containerStatuses");
  if (!statuses || !statuses->is_array() || statuses->empty()) return;
  const Json& first = (*statuses)[0];
  state.restart_count = first.value("restartCount", 0);
  if (const Json* last = find_path(first, "lastState.terminated")) {
    auto started = parse_rfc3339(last->value("startedAt", ""));
    auto finished = parse_rfc3339(last->value("finishedAt", ""));
    if (started && finished) state.last = SimTermination{last->value("exitCode", 0), *started, *finished};
  }
  std::string phase = status->value("phase", "");
  if (const Json* t = find_path(first, "state.terminated"); t && (phase == "Succeeded" || phase == "Failed")) {
    auto started = parse_rfc3339(t->value("startedAt", ""));
    auto finished = parse_rfc3339(t->value("finishedAt", ""));
    state.stage = Stage::kFinished;
    state.final = SimTermination{t->value("exitCode", 0), started.value_or(state.seen), finished.value_or(state.seen)};
  } else if (const Json* r = find_path(first, "state.running")) {
    state.stage = Stage::kRunning;
    state.run_started = parse_rfc3339(r->value("startedAt", "")).value_or(state.seen);
  } else if (find_path(first, "state.waiting") && state.last) {
    state.stage = Stage::kRunning;  // the back-off is forgotten with the old process
    state.run_started = state.last->finished;
  }
}

Json render_sim_pod_status(SimPodState& state, const Json& pod, const std::string& host_ip,
                           const SimPodTimings& timings, WallTime now) {
  Json status = pod.contains("status") && pod["status"].is_object() ? pod["status"] : Json::object();
  const std::string uid = find_path(pod, "metadata.uid") ? pod["metadata"].value("uid", "") : "";
  const bool starting = state.stage == Stage::kStarting;
  const bool finished = state.stage == Stage::kFinished;
  const bool stopped = state.stage == Stage::kStopped;
  const Json& init_containers = containers_of(pod, "initContainers");
  const Json& containers = containers_of(pod, "containers");

  if (starting) status["phase"] = "Pending";
  else if (finished) status["phase"] = state.final->exit_code == 0 ? "Succeeded" : "Failed";
  else if (!stopped) status["phase"] = "Running";
  else status["phase"] = "Succeeded";  // stopped for a deletion: its containers exited cleanly
  status["hostIP"] = host_ip;
  status["hostIPs"] = Json::array({{{"ip", host_ip}}});
  if (!starting && !state.pod_ip.empty()) {
    status["podIP"] = state.pod_ip;
    status["podIPs"] = Json::array({{{"ip", state.pod_ip}}});
  }
  status["startTime"] = format_rfc3339(state.seen);

  auto base_status = [&](const Json& c) {
    std::string name = c.value("name", "");
    std::string image = c.value("image", "");
    return Json{{"name", name},
                {"image", image},
                {"imageID", starting ? "" : "sim://" + image},
                {"containerID", starting ? "" : "sim://" + uid + "-" + name},
                {"restartCount", 0},
                {"started", false},
                {"ready", false},
                {"state", Json::object()},
                {"lastState", Json::object()}};
  };

  if (!init_containers.empty()) {
    Json inits = Json::array();
    WallTime done = state.seen + timings.start_delay;
    for (const auto& c : init_containers) {
      Json s = base_status(c);
      if (starting) {
        s["state"] = {{"waiting", {{"reason", "PodInitializing"}}}};
      } else {
        s["state"] = terminated(SimTermination{0, done, done}, s["containerID"].get<std::string>());
        s["ready"] = true;
      }
      inits.push_back(std::move(s));
    }
    status["initContainerStatuses"] = std::move(inits);
  }

  Json statuses = Json::array();
  std::vector<std::string> unready;
  for (const auto& c : containers) {
    Json s = base_status(c);
    s["restartCount"] = state.restart_count;
    const std::string container_id = s["containerID"].get<std::string>();
    if (state.last) s["lastState"] = terminated(*state.last, container_id);
    switch (state.stage) {
      case Stage::kStarting:
        s["state"] = {{"waiting", {{"reason", init_containers.empty() ? "ContainerCreating" : "PodInitializing"}}}};
        break;
      case Stage::kRunning:
        s["state"] = {{"running", {{"startedAt", format_rfc3339(state.run_started)}}}};
        s["started"] = true;
        s["ready"] = now >= state.run_started + readiness_delay(c, timings);
        break;
      case Stage::kBackingOff: {
        auto wait = std::chrono::duration_cast<std::chrono::seconds>(state.backoff_until - state.last->finished);
        s["state"] = {{"waiting",
                       {{"reason", "CrashLoopBackOff"},
                        {"message", "back-off " + human_duration(wait) + " restarting failed container=" +
                                        s["name"].get<std::string>() + " pod=" + get_string(pod["metadata"], "name") +
                                        "_" + get_string(pod["metadata"], "namespace") + "(" + uid + ")"}}}};
        break;
      }
      case Stage::kFinished:
      case Stage::kStopped:
        s["state"] = terminated(*state.final, container_id);
        break;
    }
    if (!s["ready"].get<bool>()) unready.push_back(s["name"].get<std::string>());
    statuses.push_back(std::move(s));
  }
  status["containerStatuses"] = std::move(statuses);

  bool all_ready = unready.empty() && !containers.empty();
  std::string unready_reason = finished || stopped ? "PodCompleted" : all_ready ? "" : "ContainersNotReady";
  std::string unready_message;
  if (!all_ready && !finished && !stopped) {
    unready_message = "containers with unready status: [";
    for (size_t i = 0; i < unready.size(); ++i) unready_message += (i ? " " : "") + unready[i];
    unready_message += "]";
  }
  Json conditions = Json::array();
  conditions.push_back(condition(state, "PodReadyToStartContainers", !starting && !stopped, now));
  conditions.push_back(condition(state, "Initialized", !starting || init_containers.empty(), now,
                                 starting && !init_containers.empty() ? "ContainersNotInitialized" : ""));
  conditions.push_back(condition(state, "Ready", all_ready, now, unready_reason, unready_message));
  conditions.push_back(condition(state, "ContainersReady", all_ready, now, unready_reason, unready_message));
  const char* ours[] = {"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"};
  bool scheduled = false;
  if (status.contains("conditions") && status["conditions"].is_array()) {
    for (const auto& c : status["conditions"]) {
      std::string type = c.value("type", "");
      if (std::find(std::begin(ours), std::end(ours), type) != std::end(ours)) continue;
      scheduled = scheduled || type == "PodScheduled";
      conditions.push_back(c);
    }
  }
  if (!scheduled) conditions.push_back(condition(state, "PodScheduled", true, state.seen));
  status["conditions"] = std::move(conditions);
  return status;
}

bool sim_pod_is_ready(const Json& status) {
  const Json* conditions = find_path(status, "conditions");
  if (!conditions || !conditions->is_array()) return false;
  for (const auto& c : *conditions)
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  return false;
}

}  // namespace skiff::agent::sim

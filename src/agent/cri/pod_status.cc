#include "agent/cri/pod_status.h"

#include <algorithm>

#include "agent/cri/pod_spec.h"

namespace skiff::agent::cri {
namespace {

const Json& containers_of(const Json& pod, const char* list) {
  static const Json empty = Json::array();
  const Json* cs = find_path(pod, std::string("spec.") + list);
  return cs && cs->is_array() ? *cs : empty;
}

std::string restart_policy(const Json& pod) {
  const Json* p = find_path(pod, "spec.restartPolicy");
  return p && p->is_string() ? p->get<std::string>() : "Always";
}

std::string time_of(int64_t nanos) { return format_rfc3339(from_unix_nanos(nanos)); }

std::string terminated_reason(const ContainerStatus& s) {
  if (!s.reason.empty()) return s.reason;
  return s.exit_code == 0 ? "Completed" : "Error";
}

Json terminated(const ContainerStatus& s) {
  Json t = {{"exitCode", s.exit_code},
            {"reason", terminated_reason(s)},
            {"startedAt", s.started_at ? Json(time_of(s.started_at)) : Json(nullptr)},
            {"finishedAt", s.finished_at ? Json(time_of(s.finished_at)) : Json(nullptr)},
            {"containerID", "containerd://" + s.id}};
  if (!s.message.empty()) t["message"] = s.message;
  return {{"terminated", t}};
}

struct Rendered {
  Json status;
  bool running = false;
  bool waiting = false;       // waiting and never terminated
  bool stopped = false;       // terminated, or waiting to restart after terminating
  bool succeeded = false;     // stopped with exit 0
  bool ready = false;
};

Rendered render_container(const Json& pod, const Json& spec, const PodObservation& obs, bool init, bool initialized) {
  std::string name = get_string(spec, "name");
  Rendered r;
  Json& s = r.status;
  s = {{"name", name}, {"image", get_string(spec, "image")}, {"imageID", ""}, {"restartCount", 0},
       {"ready", false}, {"started", false}};
  auto it = obs.containers.find(name);
  const ContainerStatus* cur = it != obs.containers.end() && !it->second.empty() ? &it->second[0] : nullptr;
  const ContainerStatus* prev = it != obs.containers.end() && it->second.size() > 1 ? &it->second[1] : nullptr;
  auto waiting = obs.waiting.find(name);

  if (cur) {
    s["restartCount"] = cur->metadata.attempt;
    s["containerID"] = "containerd://" + cur->id;
    s["imageID"] = cur->image_ref;
  }
  auto waiting_state = [&](const std::string& reason, const std::string& message) {
    Json w = {{"reason", reason}};
    if (!message.empty()) w["message"] = message;
    s["state"] = {{"waiting", w}};
  };

  if (cur && cur->state == ContainerState::kRunning) {
    s["state"] = {{"running", {{"startedAt", time_of(cur->started_at)}}}};
    s["started"] = true;
    auto probe = obs.readiness.find(name);
    r.ready = probe == obs.readiness.end() || probe->second;
    r.running = true;
    if (prev && prev->state == ContainerState::kExited) s["lastState"] = terminated(*prev);
  } else if (cur && cur->state == ContainerState::kExited) {
    r.stopped = true;
    r.succeeded = cur->exit_code == 0;
    if (waiting != obs.waiting.end()) {
      // About to run again: the kubelet shows the wait and moves the run that ended to lastState.
      waiting_state(waiting->second.reason, waiting->second.message);
      s["lastState"] = terminated(*cur);
    } else {
      s["state"] = terminated(*cur);
      if (prev && prev->state == ContainerState::kExited) s["lastState"] = terminated(*prev);
    }
  } else if (waiting != obs.waiting.end()) {
    waiting_state(waiting->second.reason, waiting->second.message);
    r.waiting = true;
    if (cur && prev && prev->state == ContainerState::kExited) s["lastState"] = terminated(*prev);
  } else {
    waiting_state(!init && !initialized ? "PodInitializing" : "ContainerCreating", "");
    r.waiting = true;
  }
  if (!s.contains("lastState")) s["lastState"] = Json::object();
  s["ready"] = r.ready;
  if (init) s["ready"] = r.stopped && r.succeeded;
  return r;
}

Json condition(const Json& pod, const std::string& type, bool value, const std::string& reason, WallTime now) {
  std::string status = value ? "True" : "False";
  std::string since = format_rfc3339(now);
  if (const Json* old = find_path(pod, "status.conditions"); old && old->is_array())
    for (const auto& c : *old)
      if (c.value("type", "") == type && c.value("status", "") == status && c.contains("lastTransitionTime"))
        since = c["lastTransitionTime"].get<std::string>();
  Json c = {{"type", type}, {"status", status}, {"lastTransitionTime", since}};
  if (!value && !reason.empty()) c["reason"] = reason;
  return c;
}

}  // namespace

WallTime from_unix_nanos(int64_t nanos) {
  return WallTime(std::chrono::duration_cast<WallTime::duration>(std::chrono::nanoseconds(nanos)));
}

std::map<std::string, std::vector<ContainerStatus>> group_containers(std::vector<ContainerStatus> statuses) {
  std::map<std::string, std::vector<ContainerStatus>> out;
  for (auto& s : statuses) out[s.metadata.name].push_back(std::move(s));
  for (auto& [name, list] : out)
    std::sort(list.begin(), list.end(), [](const ContainerStatus& a, const ContainerStatus& b) {
      if (a.metadata.attempt != b.metadata.attempt) return a.metadata.attempt > b.metadata.attempt;
      return a.created_at > b.created_at;
    });
  return out;
}

const ContainerStatus* newest(const PodObservation& observation, const std::string& name) {
  auto it = observation.containers.find(name);
  return it == observation.containers.end() || it->second.empty() ? nullptr : &it->second[0];
}

bool init_containers_done(const Json& pod, const PodObservation& observation) {
  for (const auto& c : containers_of(pod, "initContainers")) {
    const ContainerStatus* s = newest(observation, get_string(c, "name"));
    if (!s || s->state != ContainerState::kExited || s->exit_code != 0) return false;
  }
  return true;
}

bool should_restart(const Json& pod, int exit_code) {
  std::string policy = restart_policy(pod);
  return policy == "Always" || (policy == "OnFailure" && exit_code != 0);
}

bool pod_finished(const Json& pod, const PodObservation& observation) {
  const Json* phase = find_path(pod, "status.phase");
  if (phase && phase->is_string() && (*phase == "Succeeded" || *phase == "Failed")) return true;
  if (restart_policy(pod) == "Never")
    for (const auto& c : containers_of(pod, "initContainers")) {
      const ContainerStatus* s = newest(observation, get_string(c, "name"));
      if (s && s->state == ContainerState::kExited && s->exit_code != 0) return true;
    }
  const Json& containers = containers_of(pod, "containers");
  if (containers.empty()) return false;
  for (const auto& c : containers) {
    const ContainerStatus* s = newest(observation, get_string(c, "name"));
    if (!s || s->state != ContainerState::kExited || should_restart(pod, s->exit_code)) return false;
  }
  return true;
}

Json render_pod_status(const Json& pod, const PodObservation& obs, const std::string& host_ip, WallTime now) {
  Json status = pod.contains("status") && pod["status"].is_object() ? pod["status"] : Json::object();
  bool initialized = init_containers_done(pod, obs);
  std::string policy = restart_policy(pod);

  Json init_statuses = Json::array();
  bool init_failed = false;
  for (const auto& c : containers_of(pod, "initContainers")) {
    Rendered r = render_container(pod, c, obs, true, initialized);
    if (r.stopped && !r.succeeded && policy == "Never") init_failed = true;
    init_statuses.push_back(std::move(r.status));
  }
  Json statuses = Json::array();
  int running = 0, waiting = 0, stopped = 0, succeeded = 0;
  bool all_ready = true;
  for (const auto& c : containers_of(pod, "containers")) {
    Rendered r = render_container(pod, c, obs, false, initialized);
    running += r.running;
    waiting += r.waiting;
    stopped += r.stopped;
    succeeded += r.stopped && r.succeeded;
    all_ready = all_ready && r.ready;
    statuses.push_back(std::move(r.status));
  }

  std::string phase;
  if (init_failed) phase = "Failed";
  else if (!initialized || waiting > 0) phase = "Pending";
  else if (running > 0) phase = "Running";
  else if (stopped > 0) {
    if (policy == "Always") phase = "Running";
    else if (stopped == succeeded) phase = "Succeeded";
    else if (policy == "Never") phase = "Failed";
    else phase = "Running";
  } else phase = "Pending";
  // A terminal phase never goes back (the kubelet's rule; controllers rely on it).
  std::string old_phase = status.value("phase", "");
  if (old_phase == "Succeeded" || old_phase == "Failed") phase = old_phase;

  bool terminal = phase == "Succeeded" || phase == "Failed";
  bool containers_ready = all_ready && !terminal && running > 0;
  Json conditions = Json::array();
  if (const Json* old = find_path(pod, "status.conditions"); old && old->is_array())
    for (const auto& c : *old)
      if (c.value("type", "") == "PodScheduled") conditions.push_back(c);
  conditions.push_back(condition(pod, "Initialized", initialized || terminal, "ContainersNotInitialized", now));
  conditions.push_back(condition(pod, "ContainersReady", containers_ready,
                                 terminal ? "PodCompleted" : "ContainersNotReady", now));
  conditions.push_back(condition(pod, "Ready", containers_ready, terminal ? "PodCompleted" : "ContainersNotReady", now));

  status["phase"] = phase;
  status["conditions"] = conditions;
  status["hostIP"] = host_ip;
  status["hostIPs"] = Json::array({{{"ip", host_ip}}});
  const Json* host_network = find_path(pod, "spec.hostNetwork");
  if (host_network && host_network->is_boolean() && host_network->get<bool>()) {
    status["podIP"] = host_ip;
    status["podIPs"] = Json::array({{{"ip", host_ip}}});
  } else if (obs.sandbox && !obs.sandbox->ip.empty()) {
    Json ips = Json::array({{{"ip", obs.sandbox->ip}}});
    for (const auto& ip : obs.sandbox->additional_ips) ips.push_back({{"ip", ip}});
    status["podIP"] = obs.sandbox->ip;
    status["podIPs"] = ips;
  }
  if (!status.contains("startTime")) status["startTime"] = format_rfc3339(now);
  status["qosClass"] = qos_class(pod);
  status["containerStatuses"] = statuses;
  if (!init_statuses.empty()) status["initContainerStatuses"] = init_statuses;
  return status;
}

}  // namespace skiff::agent::cri

#include "agent/cri/pod_sync.h"

#include <algorithm>
#include <filesystem>
#include <future>

#include "agent/cri/pod_labels.h"
#include "util/log.h"

namespace skiff::agent::cri {
namespace {

using std::chrono::milliseconds;
constexpr const char* kLog = "pod-worker";
constexpr milliseconds kConfigErrorRetry{std::chrono::seconds(5)};
// Exited containers kept per name: the newest (state) and the one before (lastState).
constexpr size_t kKeptAttempts = 2;

const Json& list_of(const Json& pod, const char* name) {
  static const Json empty = Json::array();
  const Json* list = find_path(pod, std::string("spec.") + name);
  return list && list->is_array() ? *list : empty;
}

std::string pod_ref(const Json& pod) {
  const Json& m = pod["metadata"];
  return get_string(m, "name") + "_" + get_string(m, "namespace") + "(" + get_string(m, "uid") + ")";
}

// One pass over one pod; holds what the pass learns on its way.
class PodPass {
 public:
  PodPass(const PodSyncContext& context, PodSyncState& state, const Json& pod)
      : ctx_(context), state_(state), pod_(pod), uid_(get_string(pod["metadata"], "uid")), now_(context.clock->now()) {}

  Result<PodSyncOutcome> run() {
    SKIFF_ASSIGN_OR_RETURN(obs_, observe_pod(ctx_.cri, uid_));
    if (pod_finished(pod_, obs_)) {
      // As the kubelet: a pod that is over keeps its containers (for logs and status) but not its sandbox.
      if (obs_.sandbox && obs_.sandbox->state == SandboxState::kReady) (void)ctx_.cri.stop_pod_sandbox(obs_.sandbox->id);
      return finish();
    }
    SKIFF_TRY(ensure_sandbox());
    sandbox_config_ = sandbox_config_for(pod_, obs_.sandbox->metadata.attempt, ctx_.sandbox);
    env_ = ctx_.env;
    if (!obs_.sandbox->ip.empty()) env_.pod_ips = {obs_.sandbox->ip};
    for (const auto& ip : obs_.sandbox->additional_ips) env_.pod_ips.push_back(ip);

    if (run_init_containers()) run_containers();
    SKIFF_ASSIGN_OR_RETURN(obs_, observe_pod(ctx_.cri, uid_));
    remove_old_attempts();  // status shows only the newest two attempts
    return finish();
  }

 private:
  PodSyncOutcome finish() {
    obs_.waiting = waiting_;
    for (const auto& c : list_of(pod_, "containers")) {
      if (!c.contains("readinessProbe") && !c.contains("startupProbe")) continue;
      const ContainerStatus* s = newest(obs_, get_string(c, "name"));
      if (!s || s->state != ContainerState::kRunning) continue;
      std::optional<bool> ready = ctx_.readiness ? ctx_.readiness(s->id) : std::nullopt;
      obs_.readiness[get_string(c, "name")] = ready.value_or(false);
    }
    state_.waiting = waiting_;
    return {render_pod_status(pod_, obs_, ctx_.env.host_ip, now_), recheck_};
  }

  void recheck_within(milliseconds d) { recheck_ = recheck_ ? std::min(*recheck_, d) : d; }

  void record(const std::string& type, const std::string& reason, const std::string& message) {
    if (ctx_.record) ctx_.record(pod_, type, reason, message);
  }

  Status ensure_sandbox() {
    if (obs_.sandbox && obs_.sandbox->state == SandboxState::kReady) return ok_status();
    uint32_t attempt = 0;
    if (obs_.sandbox) {
      // The sandbox died (or was stopped): the kubelet starts a new one and the containers again.
      attempt = obs_.sandbox->metadata.attempt + 1;
      record("Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
      for (const auto& [name, list] : obs_.containers)
        for (const auto& c : list)
          if (c.state == ContainerState::kRunning) (void)ctx_.cri.stop_container(c.id, std::chrono::seconds(0));
    }
    PodSandboxConfig config = sandbox_config_for(pod_, attempt, ctx_.sandbox);
    std::error_code ec;
    std::filesystem::create_directories(config.log_directory, ec);
    auto id = ctx_.cri.run_pod_sandbox(config);
    if (!id.ok()) {
      record("Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: " + id.error().message);
      return id.error();
    }
    SKIFF_ASSIGN_OR_RETURN(auto status, ctx_.cri.pod_sandbox_status(*id));
    obs_.sandbox = std::move(status);
    return ok_status();
  }

  // The image reference to create the container from, or nullopt (waiting_ says why).
  std::optional<std::string> ensure_image(const Json& container) {
    std::string name = get_string(container, "name");
    std::string image = get_string(container, "image");
    std::string policy = image_pull_policy(container);
    auto present = ctx_.cri.image_status(image);
    bool have = present.ok() && present->has_value();
    if (policy == "Never" || (policy == "IfNotPresent" && have)) {
      if (have) {
        record("Normal", "Pulled", "Container image \"" + image + "\" already present on machine");
        return (*present)->id;
      }
      waiting_[name] = {"ErrImageNeverPull",
                        "Container image \"" + image + "\" is not present with pull policy of Never"};
      return std::nullopt;
    }
    auto failed = state_.pull_failures.find(image);
    if (failed != state_.pull_failures.end()) {
      if (auto wait = state_.image_backoff.remaining(image, failed->second.first, now_)) {
        waiting_[name] = {"ImagePullBackOff", "Back-off pulling image \"" + image + "\": " + failed->second.second};
        recheck_within(*wait);
        return std::nullopt;
      }
    }
    record("Normal", "Pulling", "Pulling image \"" + image + "\"");
    auto ref = ctx_.cri.pull_image(image, std::nullopt, &sandbox_config_);
    if (!ref.ok()) {
      state_.image_backoff.started(image, now_);
      state_.pull_failures[image] = {now_, ref.error().message};
      waiting_[name] = {"ErrImagePull", ref.error().message};
      record("Warning", "Failed", "Failed to pull image \"" + image + "\": " + ref.error().message);
      // As the kubelet: ErrImagePull for a while after the attempt, then ImagePullBackOff until the wait ends.
      recheck_within(state_.image_backoff.current(image) / 2);
      return std::nullopt;
    }
    state_.pull_failures.erase(image);
    state_.image_backoff.forget(image);
    record("Normal", "Pulled", "Successfully pulled image \"" + image + "\"");
    return *ref;
  }

  void start_new(const Json& container, uint32_t attempt) {
    std::string name = get_string(container, "name");
    auto image_ref = ensure_image(container);
    if (!image_ref) return;
    auto env = resolve_env(pod_, container, env_);
    if (!env.ok()) {
      waiting_[name] = {"CreateContainerConfigError", env.error().message};
      record("Warning", "Failed", "Error: " + env.error().message);
      recheck_within(kConfigErrorRetry);
      return;
    }
    auto volumes = prepare_volumes(pod_, ctx_.volumes);
    auto mounts = volumes.ok() ? container_mounts(container, *volumes) : Result<std::vector<Mount>>(volumes.error());
    if (!mounts.ok()) {
      waiting_[name] = {"CreateContainerConfigError", mounts.error().message};
      record("Warning", "FailedMount", mounts.error().message);
      recheck_within(kConfigErrorRetry);
      return;
    }
    ContainerConfig config =
        container_config_for(pod_, container, *env, *image_ref, attempt, ctx_.sandbox.node_memory_bytes);
    config.mounts = std::move(*mounts);
    std::error_code ec;
    std::filesystem::create_directories(sandbox_config_.log_directory + "/" + name, ec);
    auto id = ctx_.cri.create_container(obs_.sandbox->id, config, sandbox_config_);
    if (!id.ok()) {
      waiting_[name] = {"CreateContainerError", id.error().message};
      record("Warning", "Failed", "Error: " + id.error().message);
      recheck_within(kConfigErrorRetry);
      return;
    }
    record("Normal", "Created", "Created container: " + name);
    start_existing(name, *id);
  }

  void start_existing(const std::string& name, const std::string& id) {
    if (auto s = ctx_.cri.start_container(id); !s.ok()) {
      waiting_[name] = {"RunContainerError", s.error().message};
      record("Warning", "Failed", "Error: " + s.error().message);
      recheck_within(kConfigErrorRetry);
      return;
    }
    record("Normal", "Started", "Started container " + name);
  }

  // Restarts an exited container unless it is backing off.
  void restart(const Json& container, const ContainerStatus& exited) {
    std::string name = get_string(container, "name");
    if (auto wait = state_.container_backoff.remaining(name, from_unix_nanos(exited.finished_at), now_)) {
      auto delay = std::chrono::duration_cast<std::chrono::seconds>(state_.container_backoff.current(name));
      waiting_[name] = {"CrashLoopBackOff", "back-off " + std::to_string(delay.count()) +
                                                "s restarting failed container=" + name + " pod=" + pod_ref(pod_)};
      if (state_.announced_backoff[name] != exited.metadata.attempt) {
        state_.announced_backoff[name] = exited.metadata.attempt;
        record("Warning", "BackOff", "Back-off restarting failed container " + name + " in pod " + pod_ref(pod_));
      }
      recheck_within(*wait);
      return;
    }
    state_.container_backoff.started(name, now_);
    start_new(container, exited.metadata.attempt + 1);
  }

  // True when every init container has completed.
  bool run_init_containers() {
    for (const auto& c : list_of(pod_, "initContainers")) {
      std::string name = get_string(c, "name");
      const ContainerStatus* s = newest(obs_, name);
      if (!s) {
        start_new(c, 0);
        return false;
      }
      switch (s->state) {
        case ContainerState::kExited:
          if (s->exit_code == 0) continue;
          if (should_restart(pod_, s->exit_code)) restart(c, *s);
          return false;
        case ContainerState::kCreated:
          start_existing(name, s->id);
          return false;
        default:
          return false;  // running: the next one waits for it
      }
    }
    return true;
  }

  void run_containers() {
    for (const auto& c : list_of(pod_, "containers")) {
      std::string name = get_string(c, "name");
      const ContainerStatus* s = newest(obs_, name);
      if (!s) start_new(c, 0);
      else if (s->state == ContainerState::kCreated) start_existing(name, s->id);
      else if (s->state == ContainerState::kExited && should_restart(pod_, s->exit_code)) restart(c, *s);
    }
  }

  void remove_old_attempts() {
    for (const auto& [name, list] : obs_.containers)
      for (size_t i = kKeptAttempts; i < list.size(); ++i)
        if (list[i].state == ContainerState::kExited) (void)ctx_.cri.remove_container(list[i].id);
  }

  const PodSyncContext& ctx_;
  PodSyncState& state_;
  const Json& pod_;
  std::string uid_;
  WallTime now_;
  PodObservation obs_;
  PodSandboxConfig sandbox_config_;
  EnvContext env_;
  std::map<std::string, ContainerWaiting> waiting_;
  std::optional<milliseconds> recheck_;
};

}  // namespace

Result<PodObservation> observe_pod(CriClient& cri, const std::string& pod_uid) {
  PodObservation obs;
  PodSandboxFilter sandbox_filter;
  sandbox_filter.label_selector[kPodUidLabel] = pod_uid;
  SKIFF_ASSIGN_OR_RETURN(auto sandboxes, cri.list_pod_sandboxes(sandbox_filter));
  const PodSandbox* newest_sandbox = nullptr;
  for (const auto& s : sandboxes)
    if (!newest_sandbox || s.metadata.attempt > newest_sandbox->metadata.attempt ||
        (s.metadata.attempt == newest_sandbox->metadata.attempt && s.created_at > newest_sandbox->created_at))
      newest_sandbox = &s;
  if (newest_sandbox) {
    auto status = cri.pod_sandbox_status(newest_sandbox->id);
    if (status.ok()) obs.sandbox = std::move(*status);
    else if (status.error().code != 404) return status.error();
  }
  ContainerFilter container_filter;
  container_filter.label_selector[kPodUidLabel] = pod_uid;
  SKIFF_ASSIGN_OR_RETURN(auto containers, cri.list_containers(container_filter));
  std::vector<ContainerStatus> statuses;
  for (const auto& c : containers) {
    auto status = cri.container_status(c.id);
    if (status.ok()) statuses.push_back(std::move(*status));
    else if (status.error().code != 404) return status.error();
  }
  obs.containers = group_containers(std::move(statuses));
  return obs;
}

Result<PodSyncOutcome> sync_pod(const PodSyncContext& context, PodSyncState& state, const Json& pod) {
  return PodPass(context, state, pod).run();
}

Status terminate_pod(const PodSyncContext& context, const std::string& pod_uid, std::chrono::seconds grace) {
  ContainerFilter container_filter;
  container_filter.label_selector[kPodUidLabel] = pod_uid;
  SKIFF_ASSIGN_OR_RETURN(auto containers, context.cri.list_containers(container_filter));
  // All containers get their signal together, so the grace periods overlap as in the kubelet.
  std::vector<std::future<Status>> stops;
  for (const auto& c : containers)
    if (c.state == ContainerState::kRunning || c.state == ContainerState::kCreated)
      stops.push_back(std::async(std::launch::async, [&context, id = c.id, grace] {
        return context.cri.stop_container(id, grace);
      }));
  Status result = ok_status();
  for (auto& f : stops)
    if (Status s = f.get(); !s.ok() && s.error().code != 404) result = s;
  SKIFF_TRY(result);
  PodSandboxFilter sandbox_filter;
  sandbox_filter.label_selector[kPodUidLabel] = pod_uid;
  SKIFF_ASSIGN_OR_RETURN(auto sandboxes, context.cri.list_pod_sandboxes(sandbox_filter));
  for (const auto& s : sandboxes) {
    if (Status st = context.cri.stop_pod_sandbox(s.id); !st.ok() && st.error().code != 404) return st;
    if (Status st = context.cri.remove_pod_sandbox(s.id); !st.ok() && st.error().code != 404) return st;
  }
  remove_pod_volumes(context.volumes.pods_root, pod_uid);
  log::debug(kLog, "terminated pod " + pod_uid + ": " + std::to_string(containers.size()) + " containers, " +
                       std::to_string(sandboxes.size()) + " sandboxes");
  return ok_status();
}

}  // namespace skiff::agent::cri

#include "agent/cri/pod_sync.h"

#include <algorithm>
#include <filesystem>
#include <future>
#include <thread>

#include "agent/cri/image_pull_secrets.h"
#include "agent/cri/pod_labels.h"
#include "util/log.h"

namespace skiff::agent::cri {
namespace {

using std::chrono::milliseconds;
constexpr const char* kLog = "pod-worker";
constexpr milliseconds kConfigErrorRetry{std::chrono::seconds(5)};
// Exited containers kept per name: the newest (state) and the one before (lastState).
constexpr size_t kKeptAttempts = 2;
// The kubelet puts no deadline on a postStart hook; a pass must end, so one running longer fails.
constexpr std::chrono::seconds kPostStartDeadline{120};
// After a preStop hook the container still gets this long to stop, as in the kubelet.
constexpr std::chrono::seconds kMinimumGraceAfterHook{2};

const Json& list_of(const Json& pod, const char* name) {
  static const Json empty = Json::array();
  const Json* list = find_path(pod, std::string("spec.") + name);
  return list && list->is_array() ? *list : empty;
}

std::chrono::seconds termination_grace(const Json& pod) {
  const Json* g = find_path(pod, "spec.terminationGracePeriodSeconds");
  return std::chrono::seconds(g && g->is_number_integer() ? std::max<int64_t>(g->get<int64_t>(), 0) : 30);
}

const Json* container_spec(const Json& pod, const std::string& name) {
  for (const char* list : {"containers", "initContainers"})
    for (const auto& c : list_of(pod, list))
      if (get_string(c, "name") == name) return &c;
  return nullptr;
}

// Where hooks of a pod whose sandbox is not at hand send HTTP requests: the reported pod IP, else
// the node's (host-network pods).
std::string reported_pod_ip(const Json& pod, const PodSyncContext& context) {
  const Json* ip = find_path(pod, "status.podIP");
  return ip && ip->is_string() && !ip->get<std::string>().empty() ? ip->get<std::string>() : context.env.host_ip;
}

SleepFor sleeper(const PodSyncContext& context) {
  if (context.sleep) return context.sleep;
  return [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Status stop_with_pre_stop_hook(const PodSyncContext& context, const Json& pod, const std::string& pod_ip,
                               const std::string& name, const std::string& id, std::chrono::seconds grace) {
  const Json* spec = container_spec(pod, name);
  const Json* hook = spec ? find_path(*spec, "lifecycle.preStop") : nullptr;
  if (hook && grace.count() > 0) {
    auto started = std::chrono::steady_clock::now();
    HookOutcome outcome = run_lifecycle_hook(context.cri, *hook, {pod, *spec, id, pod_ip}, grace, sleeper(context));
    if (!outcome.success && context.record) context.record(pod, "Warning", "FailedPreStopHook", outcome.message);
    auto spent = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    grace = std::max(grace - spent, kMinimumGraceAfterHook);
  }
  return context.cri.stop_container(id, grace);
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
      const auto& [failed_at, why] = failed->second;
      if (auto wait = state_.image_backoff.remaining(image, failed_at, now_)) {
        // As the kubelet shows it: ErrImagePull for the first half of the wait, whatever else
        // (a relist, a status echo) syncs the pod meanwhile; then ImagePullBackOff.
        auto since = std::chrono::duration_cast<milliseconds>(now_ - failed_at);
        auto error_window = state_.image_backoff.current(image) / 2;
        if (since < error_window) {
          waiting_[name] = {"ErrImagePull", why};
          recheck_within(error_window - since);
        } else {
          waiting_[name] = {"ImagePullBackOff", "Back-off pulling image \"" + image + "\": " + why};
          recheck_within(*wait);
        }
        return std::nullopt;
      }
    }
    record("Normal", "Pulling", "Pulling image \"" + image + "\"");
    auto ref = pull_with_pull_secrets(image);
    if (!ref.ok()) {
      state_.image_backoff.started(image, now_);
      state_.pull_failures[image] = {now_, ref.error().message};
      waiting_[name] = {"ErrImagePull", ref.error().message};
      record("Warning", "Failed", "Failed to pull image \"" + image + "\": " + ref.error().message);
      recheck_within(state_.image_backoff.current(image) / 2);
      return std::nullopt;
    }
    state_.pull_failures.erase(image);
    state_.image_backoff.forget(image);
    record("Normal", "Pulled", "Successfully pulled image \"" + image + "\"");
    return *ref;
  }

  // As the kubelet: each credential that matches the image's registry in turn, until one pulls;
  // without any, an anonymous pull.
  Result<std::string> pull_with_pull_secrets(const std::string& image) {
    std::vector<AuthConfig> credentials = registry_credentials(image, pull_secrets());
    if (credentials.empty()) return ctx_.cri.pull_image(image, std::nullopt, &sandbox_config_);
    Result<std::string> ref = Error::internal("no credentials tried");
    for (const auto& auth : credentials) {
      ref = ctx_.cri.pull_image(image, auth, &sandbox_config_);
      if (ref.ok()) break;
    }
    return ref;
  }

  // The pod's imagePullSecrets that exist; the missing ones are a warning, not an error.
  std::vector<Json> pull_secrets() {
    std::vector<Json> secrets;
    std::string missing;
    for (const auto& ref : list_of(pod_, "imagePullSecrets")) {
      std::string name = get_string(ref, "name");
      auto secret = ctx_.env.get ? ctx_.env.get("secrets", get_string(pod_["metadata"], "namespace"), name)
                                 : Result<Json>(Error::not_found(name));
      if (secret.ok()) secrets.push_back(std::move(*secret));
      else missing += (missing.empty() ? "" : ", ") + name;
    }
    if (!missing.empty())
      record("Warning", "FailedToRetrieveImagePullSecret",
             "Unable to retrieve some image pull secrets (" + missing +
                 "); attempting to pull the image may not succeed.");
    return secrets;
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
    start_existing(container, *id);
  }

  void start_existing(const Json& container, const std::string& id) {
    std::string name = get_string(container, "name");
    if (auto s = ctx_.cri.start_container(id); !s.ok()) {
      waiting_[name] = {"RunContainerError", s.error().message};
      record("Warning", "Failed", "Error: " + s.error().message);
      recheck_within(kConfigErrorRetry);
      return;
    }
    record("Normal", "Started", "Started container " + name);
    run_post_start_hook(container, id);
  }

  // The pass waits for the hook, so the container is reported running only once it is done. A
  // failed hook kills the container, which then restarts as its restart policy says.
  void run_post_start_hook(const Json& container, const std::string& id) {
    const Json* hook = find_path(container, "lifecycle.postStart");
    if (!hook) return;
    HookOutcome outcome =
        run_lifecycle_hook(ctx_.cri, *hook, {pod_, container, id, pod_ip()}, kPostStartDeadline, sleeper(ctx_));
    if (outcome.success) return;
    std::string name = get_string(container, "name");
    record("Warning", "FailedPostStartHook", outcome.message);
    record("Normal", "Killing", "FailedPostStartHook");
    if (Status s = stop_with_pre_stop_hook(ctx_, pod_, pod_ip(), name, id, termination_grace(pod_)); !s.ok())
      log::warn(kLog, "killing container " + name + " of " + pod_reference(pod_) + ": " + s.error().message);
    auto stopped = ctx_.cri.container_status(id);
    if (stopped.ok() && stopped->state == ContainerState::kExited && should_restart(pod_, stopped->exit_code))
      waiting_[name] = {"PostStartHookError", outcome.message};
  }

  std::string pod_ip() const { return env_.pod_ips.empty() ? ctx_.env.host_ip : env_.pod_ips.front(); }

  // Restarts an exited container unless it is backing off.
  void restart(const Json& container, const ContainerStatus& exited) {
    std::string name = get_string(container, "name");
    if (auto wait = state_.container_backoff.remaining(name, from_unix_nanos(exited.finished_at), now_)) {
      auto delay = std::chrono::duration_cast<std::chrono::seconds>(state_.container_backoff.current(name));
      waiting_[name] = {"CrashLoopBackOff", "back-off " + std::to_string(delay.count()) +
                                                "s restarting failed container=" + name + " pod=" + pod_reference(pod_)};
      if (state_.announced_backoff[name] != exited.metadata.attempt) {
        state_.announced_backoff[name] = exited.metadata.attempt;
        record("Warning", "BackOff", "Back-off restarting failed container " + name + " in pod " + pod_reference(pod_));
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
          start_existing(c, s->id);
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
      else if (s->state == ContainerState::kCreated) start_existing(c, s->id);
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

namespace {

// pod: null when its object is gone (no hooks then).
Status stop_and_remove_pod(const PodSyncContext& context, const std::string& pod_uid, const Json* pod,
                           std::chrono::seconds grace) {
  ContainerFilter container_filter;
  container_filter.label_selector[kPodUidLabel] = pod_uid;
  SKIFF_ASSIGN_OR_RETURN(auto containers, context.cri.list_containers(container_filter));
  std::string pod_ip = pod ? reported_pod_ip(*pod, context) : "";
  // All containers get their signal together, so the grace periods overlap as in the kubelet.
  std::vector<std::future<Status>> stops;
  for (const auto& c : containers) {
    if (c.state != ContainerState::kRunning && c.state != ContainerState::kCreated) continue;
    bool hooks = pod && c.state == ContainerState::kRunning;
    stops.push_back(std::async(std::launch::async, [&context, &pod_ip, pod, hooks, c, grace] {
      if (hooks) return stop_with_pre_stop_hook(context, *pod, pod_ip, c.metadata.name, c.id, grace);
      return context.cri.stop_container(c.id, grace);
    }));
  }
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

}  // namespace

Status kill_container(const PodSyncContext& context, const Json& pod, const std::string& container_name,
                      const std::string& container_id, std::chrono::seconds grace) {
  return stop_with_pre_stop_hook(context, pod, reported_pod_ip(pod, context), container_name, container_id, grace);
}

Status terminate_pod(const PodSyncContext& context, const Json& pod, std::chrono::seconds grace) {
  return stop_and_remove_pod(context, get_string(pod["metadata"], "uid"), &pod, grace);
}

Status terminate_pod_by_uid(const PodSyncContext& context, const std::string& pod_uid, std::chrono::seconds grace) {
  return stop_and_remove_pod(context, pod_uid, nullptr, grace);
}

}  // namespace skiff::agent::cri

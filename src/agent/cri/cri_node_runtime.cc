#include "agent/cri/cri_node_runtime.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "agent/cri/image_import.h"
#include "agent/cri/cri_pod_logs.h"
#include "agent/cri/machine_node.h"
#include "agent/cri/pod_labels.h"
#include "agent/cri/pod_sync.h"
#include "agent/cri/probe.h"
#include "agent/cri/pod_volumes.h"
#include "client/events.h"
#include "client/informer.h"
#include "util/allocator.h"
#include "client/work_queue.h"
#include "util/log.h"
#include "util/strings.h"

namespace skiff::agent::cri {
namespace {

using std::chrono::milliseconds;
constexpr const char* kLog = "cri-node";
constexpr const char* kLeaseNamespace = "kube-node-lease";
constexpr const char* kUidIndex = "cri-agent.metadata.uid";

std::string node_name_of(const Json& pod) {
  const Json* n = find_path(pod, "spec.nodeName");
  return n && n->is_string() ? n->get<std::string>() : "";
}

bool is_terminating(const Json& pod) {
  const Json* t = find_path(pod, "metadata.deletionTimestamp");
  return t && !t->is_null();
}

bool changed_for_agent(const Json& before, const Json& after) {
  auto field = [](const Json& pod, const char* a, const char* b) {
    const Json* part = pod.is_object() && pod.contains(a) ? &pod[a] : nullptr;
    return part && part->is_object() && part->contains(b) ? (*part)[b] : Json();
  };
  if (before.value("spec", Json()) != after.value("spec", Json())) return true;
  for (const char* key : {"uid", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations"})
    if (field(before, "metadata", key) != field(after, "metadata", key)) return true;
  return field(before, "status", "phase") != field(after, "status", "phase");
}

struct PodEntry {
  explicit PodEntry(const PodSyncContext& context) : sync(context) {}
  std::string uid;
  PodSyncState sync;
  Json last_written;
  std::mutex kill_mu;
  // Container ID -> name, of the containers a liveness or startup probe condemned.
  std::map<std::string, std::string> kill_requests;
};

// A probe of one container, run by the prober thread only.
struct ProbeTrack {
  std::chrono::steady_clock::time_point next_run;
  int successes = 0;
  int failures = 0;
  std::optional<bool> verdict;
  bool seen = false;  // in this round
};

std::string strip_runtime_prefix(const std::string& id) {
  auto p = id.find("://");
  return p == std::string::npos ? id : id.substr(p + 3);
}

}  // namespace

struct CriNodeRuntime::Impl {
  Impl(client::Client& c, std::unique_ptr<CriClient> cri_client, CriNodeOptions o, client::InformerFactory* shared)
      : client(c),
        cri(std::move(cri_client)),
        options(std::move(o)),
        pods_r(c.resource("", "v1", "pods")),
        nodes_r(c.resource("", "v1", "nodes")),
        leases_r(c.resource("coordination.k8s.io", "v1", "leases")),
        namespaces_r(c.resource("", "v1", "namespaces")),
        configmaps_r(c.resource("", "v1", "configmaps")),
        secrets_r(c.resource("", "v1", "secrets")),
        machine(read_machine_info(options.storage_path)),
        queue("cri-pods", {milliseconds(500), std::chrono::seconds(30)}),
        context{*cri, {}, {}, {}, options.crash_backoff_base, options.crash_backoff_max, &SystemClock::instance(), {}, {},
                {}} {
    if (options.node_name.empty()) options.node_name = machine.hostname;
    if (!options.node_ip.empty()) machine.internal_ip = options.node_ip;
    node_spec.name = options.node_name;
    node_spec.max_pods = options.max_pods;
    node_spec.extra_labels = options.extra_labels;
    node_spec.taints = options.taints;
    context.sandbox.log_root = options.pod_log_dir;
    pod_logs = std::make_shared<CriPodLogs>(cri, options.pod_log_dir);
    context.sandbox.node_memory_bytes = machine.memory_bytes;
    context.env.node_name = options.node_name;
    context.env.host_ip = machine.internal_ip;
    // The Node reports its capacity as allocatable; the downward API reads unset limits from it.
    NodeAllocatable allocatable{int64_t{machine.cpus} * 1000, machine.memory_bytes, machine.ephemeral_storage_bytes};
    context.env.node = allocatable;
    context.volumes.node = allocatable;
    context.volumes.pods_root = options.pods_dir;
    context.volumes.get = [this](const std::string& resource, const std::string& ns, const std::string& name) {
      return client.get(client.resource("", "v1", resource), ns, name);
    };
    context.env.get = [this](const std::string& resource, const std::string& ns, const std::string& name) {
      return client.get(resource == "secrets" ? secrets_r : configmaps_r, ns, name);
    };
    context.readiness = [this](const std::string& container_id) -> std::optional<bool> {
      std::lock_guard lk(probe_mu);
      auto it = ready_by_container.find(container_id);
      if (it == ready_by_container.end()) return std::nullopt;
      return it->second;
    };
    if (options.record_events) {
      events = std::make_unique<client::EventRecorder>(client, "kubelet", options.node_name);
      context.record = [this](const Json& pod, const std::string& type, const std::string& reason,
                              const std::string& message) { events->record(pod, type, reason, message); };
    }
    if (!shared) own_factory = std::make_unique<client::InformerFactory>(client);
    factory = shared ? shared : own_factory.get();
    pods = &factory->informer(pods_r);
  }

  bool mine(const Json& pod) const { return node_name_of(pod) == options.node_name; }

  // Before any pod syncs, so that pods with imagePullPolicy: Never find the images (as k3s does).
  void import_image_archives() {
    std::string dir = options.images_dir;
    if (dir.empty()) {
      std::string pods_dir = options.pods_dir;
      while (pods_dir.size() > 1 && pods_dir.back() == '/') pods_dir.pop_back();
      dir = (std::filesystem::path(pods_dir).parent_path() / "images").string();
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return;
    auto import_options = import_options_from_cri(*cri);
    if (!import_options.ok()) {
      log::error(kLog, "not importing the image archives in " + dir + ": " + import_options.error().message);
      return;
    }
    auto report = import_image_dir(*import_options, dir, [this](const std::string& image) {
      auto present = cri->image_status(image);
      return present.ok() && present->has_value();
    });
    log::info(kLog, dir + ": imported " + std::to_string(report.imported.size()) + " image archive(s)" +
                        (report.images.empty() ? "" : " (" + join(report.images, ", ") + ")") + ", " +
                        std::to_string(report.unchanged.size()) + " unchanged since their last import, " +
                        std::to_string(report.failed.size()) + " failed");
  }

  void on_pod(const Json& pod) {
    std::string key = client::object_key(pod);
    bool tracked;
    {
      std::lock_guard lk(mu);
      tracked = entries.count(key) > 0;
    }
    if (tracked || mine(pod)) queue.add(key);
  }

  // ---- the Node and its Lease ----

  RuntimeHealth runtime_health() {
    RuntimeHealth health;
    if (auto v = cri->version(); v.ok()) health.version = v->runtime_name + "://" + v->runtime_version;
    auto status = cri->status();
    if (!status.ok()) {
      health.message = "container runtime is down: " + status.error().message;
      return health;
    }
    health.ready = true;
    for (const char* type : {"RuntimeReady", "NetworkReady"}) {
      const RuntimeCondition* c = status->condition(type);
      if (c && !c->status) {
        health.ready = false;
        health.message = std::string("container runtime ") + (type[0] == 'R' ? "is not ready" : "network not ready") +
                         ": " + c->reason + " " + c->message;
      }
    }
    if (auto images = cri->list_images(); images.ok()) health.images = std::move(*images);
    return health;
  }

  Json lease_object(WallTime renew) const {
    Json meta = {{"name", options.node_name}, {"namespace", kLeaseNamespace}};
    if (!node_uid.empty())
      meta["ownerReferences"] = Json::array(
          {{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", options.node_name}, {"uid", node_uid}}});
    return {{"apiVersion", "coordination.k8s.io/v1"},
            {"kind", "Lease"},
            {"metadata", meta},
            {"spec",
             {{"holderIdentity", options.node_name},
              {"leaseDurationSeconds", options.lease_duration_seconds},
              {"renewTime", format_rfc3339_micro(renew)}}}};
  }

  Status renew_lease(WallTime now) {
    if (lease.is_null()) {
      auto created = client.create(leases_r, kLeaseNamespace, lease_object(now));
      if (!created.ok() && created.error().code == 404) {
        auto ns = client.create(namespaces_r, "",
                                {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kLeaseNamespace}}}});
        if (!ns.ok() && ns.error().code != 409) return ns.error();
        created = client.create(leases_r, kLeaseNamespace, lease_object(now));
      }
      if (created.ok()) {
        lease = std::move(*created);
        return ok_status();
      }
      if (created.error().code != 409) return created.error();
      SKIFF_ASSIGN_OR_RETURN(lease, client.get(leases_r, kLeaseNamespace, options.node_name));
    }
    Json renewed = lease;
    renewed["spec"]["holderIdentity"] = options.node_name;
    renewed["spec"]["leaseDurationSeconds"] = options.lease_duration_seconds;
    renewed["spec"]["renewTime"] = format_rfc3339_micro(now);
    auto updated = client.update(leases_r, kLeaseNamespace, std::move(renewed));
    if (!updated.ok()) {
      lease = Json();  // start over from the server's copy
      return updated.error();
    }
    lease = std::move(*updated);
    return ok_status();
  }

  Status register_node(WallTime now) {
    RuntimeHealth health = runtime_health();
    runtime_ready = health.ready;
    ready_since = now;
    auto created = client.create(nodes_r, "", machine_node_object(node_spec, machine, health, now));
    if (created.ok()) {
      node_uid = get_string((*created)["metadata"], "uid");
    } else if (created.error().code == 409) {
      SKIFF_ASSIGN_OR_RETURN(Json existing, client.get(nodes_r, "", options.node_name));
      node_uid = get_string(existing["metadata"], "uid");
      SKIFF_TRY(report_status(now, health));
    } else {
      return created.error();
    }
    log::info(kLog, "registered node " + options.node_name + " (" + std::to_string(machine.cpus) + " CPUs, " +
                        std::to_string(machine.memory_bytes >> 20) + " MiB, runtime " + health.version + ")");
    return ok_status();
  }

  Status report_status(WallTime now, const RuntimeHealth& health) {
    if (health.ready != runtime_ready) {
      runtime_ready = health.ready;
      ready_since = now;
    }
    Json patch = {{"status", machine_node_status(node_spec, machine, health, now, ready_since)}};
    auto patched = client.patch(nodes_r, "", options.node_name, client::PatchType::kMerge, dump_json(patch), "status");
    if (!patched.ok()) {
      if (patched.error().code == 404) is_registered = false;
      return patched.error();
    }
    return ok_status();
  }

  void heartbeat_loop() {
    WallTime next_lease{}, next_status{};
    while (!stopping) {
      WallTime now = SystemClock::instance().now();
      milliseconds wait = milliseconds(1000);
      if (!is_registered) {
        if (auto s = register_node(now); !s.ok()) {
          log::warn(kLog, "registering node " + options.node_name + ": " + s.error().message);
        } else {
          is_registered = true;
          next_lease = now;
          next_status = now + options.status_report_interval;
        }
      }
      if (is_registered) {
        if (now >= next_status) {
          if (report_status(now, runtime_health()).ok()) next_status = now + options.status_report_interval;
        }
        if (now >= next_lease) {
          if (auto s = renew_lease(now); s.ok()) next_lease = now + options.lease_renew_interval;
          else log::debug(kLog, "renewing the node lease: " + s.error().message);
        }
        wait = std::chrono::ceil<milliseconds>(std::min(next_lease, next_status) - now);
        wait = std::clamp(wait, milliseconds(10), milliseconds(1000));
      }
      std::unique_lock lk(stop_mu);
      stop_cv.wait_for(lk, wait, [this] { return stopping.load(); });
    }
  }

  // ---- the relist (PLEG) ----

  void relist_loop() {
    std::map<std::string, std::string> last;  // pod uid -> fingerprint of its sandboxes and containers
    auto next_refresh = std::chrono::steady_clock::now() + options.projected_volume_refresh;
    while (!stopping) {
      relist_once(last);
      if (std::chrono::steady_clock::now() >= next_refresh) {
        refresh_volumes();
        next_refresh = std::chrono::steady_clock::now() + options.projected_volume_refresh;
      }
      std::unique_lock lk(stop_mu);
      stop_cv.wait_for(lk, options.relist_interval, [this] { return stopping.load(); });
    }
  }

  // ConfigMap, Secret and the pod's label and annotation changes reach the files of running pods
  // (the kubelet's periodic sync).
  void refresh_volumes() {
    for (const auto& pod : pods->list()) {
      if (!mine(*pod) || !find_path(*pod, "status.phase") || get_string((*pod)["status"], "phase") != "Running") continue;
      Status refreshed = refresh_projected_volumes(*pod, context.volumes);
      if (!refreshed.ok())
        log::debug(kLog, "refreshing the volumes of " + client::object_key(*pod) + ": " + refreshed.error().message);
    }
  }

  void relist_once(std::map<std::string, std::string>& last) {
    PodSandboxFilter sandbox_filter;
    sandbox_filter.label_selector[kManagedByLabel] = kManagedByValue;
    ContainerFilter container_filter;
    container_filter.label_selector[kManagedByLabel] = kManagedByValue;
    auto sandboxes = cri->list_pod_sandboxes(sandbox_filter);
    auto containers = cri->list_containers(container_filter);
    if (!sandboxes.ok() || !containers.ok()) {
      log::debug(kLog, "relisting the runtime failed");
      return;
    }
    std::map<std::string, std::string> now;
    for (const auto& s : *sandboxes)
      now[s.labels.count(kPodUidLabel) ? s.labels.at(kPodUidLabel) : ""] +=
          "s" + s.id + std::string(to_string(s.state)) + ";";
    for (const auto& c : *containers)
      now[c.labels.count(kPodUidLabel) ? c.labels.at(kPodUidLabel) : ""] +=
          "c" + c.id + std::string(to_string(c.state)) + ";";
    now.erase("");
    for (const auto& [uid, fingerprint] : now) {
      auto it = last.find(uid);
      if (it != last.end() && it->second == fingerprint) continue;
      auto owners = pods->by_index(kUidIndex, uid);
      if (!owners.empty()) {
        queue.add(client::object_key(*owners.front()));
        continue;
      }
      std::string tracked;
      {
        std::lock_guard lk(mu);
        for (const auto& [key, entry] : entries)
          if (entry->uid == uid) tracked = key;
      }
      if (!tracked.empty()) queue.add(tracked);
      else if (pods->has_synced()) collect_orphan(uid);
    }
    last = std::move(now);
  }

  // Sandboxes of a pod the API no longer has (deleted while the agent was down).
  void collect_orphan(const std::string& uid) {
    log::info(kLog, "removing the containers of pod " + uid + ", which no longer exists");
    if (auto s = terminate_pod_by_uid(context, uid, std::chrono::seconds(0)); !s.ok())
      log::warn(kLog, "removing orphaned pod " + uid + ": " + s.error().message);
  }

  // ---- probes ----

  void probe_loop() {
    while (!stopping) {
      probe_round();
      std::unique_lock lk(stop_mu);
      stop_cv.wait_for(lk, milliseconds(250), [this] { return stopping.load(); });
    }
  }

  void probe_round() {
    std::vector<std::pair<std::string, std::shared_ptr<PodEntry>>> snapshot;
    {
      std::lock_guard lk(mu);
      snapshot.assign(entries.begin(), entries.end());
    }
    for (auto& [id, track] : probe_tracks) track.seen = false;
    for (const auto& [key, entry] : snapshot) {
      client::ObjectPtr pod = pods->get(key);
      if (!pod || is_terminating(*pod)) continue;
      probe_pod(key, *pod, *entry);
    }
    std::lock_guard lk(probe_mu);
    for (auto it = probe_tracks.begin(); it != probe_tracks.end();) {
      if (it->second.seen) {
        ++it;
        continue;
      }
      ready_by_container.erase(it->first.substr(0, it->first.find('/')));
      it = probe_tracks.erase(it);
    }
  }

  void probe_pod(const std::string& key, const Json& pod, PodEntry& entry) {
    const Json* statuses = find_path(pod, "status.containerStatuses");
    const Json* containers = find_path(pod, "spec.containers");
    if (!statuses || !statuses->is_array() || !containers || !containers->is_array()) return;
    std::string pod_ip = get_string(pod["status"], "podIP");
    auto now = std::chrono::steady_clock::now();
    for (const auto& c : *containers) {
      std::string name = get_string(c, "name");
      const Json* status = nullptr;
      for (const auto& s : *statuses)
        if (get_string(s, "name") == name) status = &s;
      if (!status || !(*status)["state"].contains("running")) continue;
      std::string id = strip_runtime_prefix(get_string(*status, "containerID"));
      bool started = true;
      for (const char* kind : {"startupProbe", "livenessProbe", "readinessProbe"}) {
        auto spec = parse_probe(c.value(kind, Json()), c);
        if (!spec) continue;
        std::string track_key = id + "/" + kind;
        auto [it, fresh] = probe_tracks.try_emplace(track_key);
        ProbeTrack& track = it->second;
        track.seen = true;
        if (fresh) track.next_run = now + spec->initial_delay;
        bool is_startup = kind[0] == 's';
        if (!is_startup && !started) continue;
        if (is_startup && track.verdict == true) continue;  // a startup probe stops once it succeeds
        if (now < track.next_run) {
          if (is_startup) started = false;
          continue;
        }
        track.next_run = now + spec->period;
        ProbeResult result = run_probe(*cri, *spec, id, pod_ip);
        std::optional<bool> before = track.verdict;
        if (result.success) {
          track.failures = 0;
          if (++track.successes >= spec->success_threshold) track.verdict = true;
        } else {
          track.successes = 0;
          ++track.failures;
          if (events)
            events->record(pod, "Warning", "Unhealthy",
                           std::string(is_startup ? "Startup" : kind[0] == 'l' ? "Liveness" : "Readiness") +
                               " probe failed: " + result.message);
          if (track.failures >= spec->failure_threshold) track.verdict = false;
        }
        if (is_startup && track.verdict != true) started = false;
        if (kind[0] == 'r' && track.verdict != before) {
          {
            std::lock_guard lk(probe_mu);
            ready_by_container[id] = track.verdict.value_or(false);
          }
          queue.add(key);
        }
        bool condemned = (kind[0] == 'l' || is_startup) && track.verdict == false && before != false;
        if (condemned) {
          if (events)
            events->record(pod, "Normal", "Killing",
                           "Container " + name + " failed " + (is_startup ? "startup" : "liveness") +
                               " probe, will be restarted");
          {
            std::lock_guard lk(entry.kill_mu);
            entry.kill_requests[id] = name;
          }
          queue.add(key);
        }
      }
    }
  }

  // ---- pod workers ----

  std::shared_ptr<PodEntry> entry_for(const std::string& key, const std::string& uid) {
    std::shared_ptr<PodEntry> previous;
    {
      std::lock_guard lk(mu);
      auto it = entries.find(key);
      if (it != entries.end() && it->second->uid == uid) return it->second;
      if (it != entries.end()) previous = it->second;
      auto entry = std::make_shared<PodEntry>(context);
      entry->uid = uid;
      entries[key] = entry;
      if (!previous) return entry;
    }
    // An earlier pod of the same name: its containers go first.
    (void)terminate_pod_by_uid(context, previous->uid, std::chrono::seconds(0));
    std::lock_guard lk(mu);
    return entries[key];
  }

  client::ReconcileResult reconcile(const std::string& key) {
    client::ObjectPtr pod = pods->get(key);
    if (!pod || !mine(*pod)) {
      std::shared_ptr<PodEntry> entry;
      {
        std::lock_guard lk(mu);
        auto it = entries.find(key);
        if (it == entries.end()) return {};
        entry = it->second;
      }
      if (auto s = terminate_pod_by_uid(context, entry->uid, std::chrono::seconds(0)); !s.ok()) {
        log::warn(kLog, "removing the containers of deleted pod " + key + ": " + s.error().message);
        return {.requeue = true};
      }
      std::lock_guard lk(mu);
      if (entries.count(key) && entries[key] == entry) entries.erase(key);
      return {};
    }
    const Json& meta = (*pod)["metadata"];
    std::string uid = get_string(meta, "uid");
    auto entry = entry_for(key, uid);

    if (is_terminating(*pod)) return terminate(*pod, *entry);

    std::map<std::string, std::string> kills;
    {
      std::lock_guard lk(entry->kill_mu);
      kills.swap(entry->kill_requests);
    }
    for (const auto& [id, name] : kills) {
      int64_t grace = 30;
      if (const Json* g = find_path(*pod, "spec.terminationGracePeriodSeconds"); g && g->is_number_integer())
        grace = g->get<int64_t>();
      (void)kill_container(context, *pod, name, id, std::chrono::seconds(std::max<int64_t>(grace, 0)));
    }

    auto outcome = sync_pod(context, entry->sync, *pod);
    if (!outcome.ok()) {
      log::warn(kLog, "syncing pod " + key + ": " + outcome.error().message);
      return {.requeue = true};
    }
    client::ReconcileResult result;
    if (outcome->recheck_after) result.requeue_after = *outcome->recheck_after + milliseconds(50);
    if (outcome->status != entry->last_written && (*pod).value("status", Json::object()) != outcome->status) {
      Json patch = {{"status", outcome->status}};
      auto written = client.patch(pods_r, get_string(meta, "namespace"), get_string(meta, "name"),
                                  client::PatchType::kMerge, dump_json(patch), "status");
      if (!written.ok()) {
        if (written.error().code == 404) return {};
        log::warn(kLog, "writing the status of pod " + key + ": " + written.error().message);
        return {.requeue = true};
      }
      entry->last_written = outcome->status;
    }
    return result;
  }

  client::ReconcileResult terminate(const Json& pod, PodEntry& entry) {
    const Json& meta = pod["metadata"];
    int64_t grace = 30;
    if (const Json* g = find_path(pod, "spec.terminationGracePeriodSeconds"); g && g->is_number_integer())
      grace = g->get<int64_t>();
    if (const Json* g = find_path(pod, "metadata.deletionGracePeriodSeconds"); g && g->is_number_integer())
      grace = g->get<int64_t>();
    if (events)
      for (const auto& c : pod["spec"].value("containers", Json::array()))
        events->record(pod, "Normal", "Killing", "Stopping container " + c.value("name", ""));
    // The stopped state is not written back: the API server removes a terminating object without
    // finalizers on any update, which would end the grace period early.
    if (auto s = terminate_pod(context, pod, std::chrono::seconds(std::max<int64_t>(grace, 0))); !s.ok()) {
      log::warn(kLog, "stopping pod " + client::object_key(pod) + ": " + s.error().message);
      return {.requeue = true};
    }
    client::DeleteOptions opts;
    opts.grace_period_seconds = 0;
    opts.precondition_uid = entry.uid;
    auto removed = client.remove(pods_r, get_string(meta, "namespace"), get_string(meta, "name"), opts);
    if (!removed.ok() && removed.error().code != 404 && removed.error().code != 409) {
      log::warn(kLog, "deleting pod " + client::object_key(pod) + ": " + removed.error().message);
      return {.requeue = true};
    }
    return {};
  }

  client::Client& client;
  std::shared_ptr<CriClient> cri;  // shared with the log streams, which may outlive the runtime
  CriNodeOptions options;
  const api::ResourceInfo& pods_r;
  const api::ResourceInfo& nodes_r;
  const api::ResourceInfo& leases_r;
  const api::ResourceInfo& namespaces_r;
  const api::ResourceInfo& configmaps_r;
  const api::ResourceInfo& secrets_r;
  MachineInfo machine;
  NodeSpecOptions node_spec;
  client::WorkQueue queue;
  PodSyncContext context;
  std::unique_ptr<client::EventRecorder> events;
  std::shared_ptr<CriPodLogs> pod_logs;
  std::unique_ptr<client::InformerFactory> own_factory;
  client::InformerFactory* factory = nullptr;
  client::Informer* pods = nullptr;
  std::unique_ptr<client::WorkerPool> workers;

  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<PodEntry>> entries;

  std::map<std::string, ProbeTrack> probe_tracks;  // "<container id>/<probe kind>", prober thread only
  std::mutex probe_mu;
  std::map<std::string, bool> ready_by_container;

  // Heartbeat thread state.
  std::string node_uid;
  Json lease;
  bool runtime_ready = false;
  WallTime ready_since;
  std::atomic<bool> is_registered{false};

  std::atomic<bool> stopping{false};
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  std::thread heartbeat_thread;
  std::thread relist_thread;
  std::thread probe_thread;
};

struct CriNodeRuntime::Gate {
  std::shared_mutex mu;
  Impl* impl = nullptr;
};

CriNodeRuntime::CriNodeRuntime(client::Client& client, std::unique_ptr<CriClient> cri, CriNodeOptions options,
                               client::InformerFactory* shared)
    : impl_(std::make_unique<Impl>(client, std::move(cri), std::move(options), shared)) {
  gate_ = std::make_shared<Gate>();
  gate_->impl = impl_.get();
  auto with = [gate = gate_](auto&& fn) {
    std::shared_lock lk(gate->mu);
    if (gate->impl) fn(*gate->impl);
  };
  impl_->pods->add_index(kUidIndex, [](const Json& pod) {
    std::string uid = get_string(pod["metadata"], "uid");
    return uid.empty() ? std::vector<std::string>{} : std::vector<std::string>{uid};
  });
  client::EventHandler handler;
  handler.on_add = [with](const client::ObjectPtr& p) { with([&](Impl& i) { i.on_pod(*p); }); };
  handler.on_update = [with](const client::ObjectPtr& old, const client::ObjectPtr& p) {
    // The agent's own status writes come back as updates; only what it acts on wakes the worker.
    if (!changed_for_agent(*old, *p)) return;
    with([&](Impl& i) { i.on_pod(*p); });
  };
  handler.on_delete = [with](const client::ObjectPtr& p) { with([&](Impl& i) { i.on_pod(*p); }); };
  impl_->pods->add_handler(std::move(handler));
}

CriNodeRuntime::~CriNodeRuntime() { stop(); }

Status CriNodeRuntime::start() {
  if (impl_->workers) return ok_status();
  Impl* impl = impl_.get();
  impl_->import_image_archives();
  impl_->workers = std::make_unique<client::WorkerPool>(impl_->queue, std::max(1, impl_->options.workers),
                                                        [impl](const std::string& key) {
                                                          auto result = impl->reconcile(key);
                                                          // Sixteen mostly idle workers would each keep a cache of freed memory.
                                                          allocator::release_thread_cache();
                                                          return result;
                                                        });
  impl_->factory->start();
  impl_->heartbeat_thread = std::thread([impl] { impl->heartbeat_loop(); });
  impl_->relist_thread = std::thread([impl] { impl->relist_loop(); });
  impl_->probe_thread = std::thread([impl] { impl->probe_loop(); });
  log::info(kLog, "node " + impl_->options.node_name + ": running pods through the CRI");
  return ok_status();
}

void CriNodeRuntime::stop() {
  if (gate_) {
    std::unique_lock lk(gate_->mu);
    gate_->impl = nullptr;
  }
  {
    std::lock_guard lk(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->pod_logs->stop();
  if (impl_->heartbeat_thread.joinable()) impl_->heartbeat_thread.join();
  if (impl_->relist_thread.joinable()) impl_->relist_thread.join();
  if (impl_->probe_thread.joinable()) impl_->probe_thread.join();
  if (impl_->workers) impl_->workers->stop();
  impl_->queue.shut_down();
  if (impl_->own_factory) impl_->own_factory->stop();
  if (impl_->events) impl_->events->flush();
}

const std::string& CriNodeRuntime::node_name() const { return impl_->options.node_name; }

bool CriNodeRuntime::registered() const { return impl_->is_registered; }

std::vector<std::string> CriNodeRuntime::node_addresses() const {
  return {impl_->machine.internal_ip, impl_->machine.hostname};
}

void CriNodeRuntime::set_kubelet_port(int port) { impl_->node_spec.kubelet_port = port; }

std::shared_ptr<const Json> CriNodeRuntime::find_pod(const std::string& ns, const std::string& name) const {
  client::ObjectPtr pod = impl_->pods->get(ns, name);
  return pod && impl_->mine(*pod) ? pod : nullptr;
}

std::shared_ptr<CriPodLogs> CriNodeRuntime::pod_logs() const { return impl_->pod_logs; }
std::shared_ptr<CriClient> CriNodeRuntime::cri_client() const { return impl_->cri; }

}  // namespace skiff::agent::cri

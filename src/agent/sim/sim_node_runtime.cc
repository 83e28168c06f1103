#include "agent/sim/sim_node_runtime.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "agent/sim/sim_annotations.h"
#include "agent/sim/sim_node_object.h"
#include "agent/sim/sim_pod.h"
#include "client/events.h"
#include "client/informer.h"
#include "client/work_queue.h"
#include "util/log.h"

namespace skiff::agent::sim {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

constexpr const char* kLog = "sim-nodes";
constexpr const char* kNodeNameIndex = "spec.nodeName";
constexpr int kPodHostsPerNode = 254;

// One pending wake-up per key: a reconcile that finds its wake-up already queued (at or
// before the time it wants) queues no other, so timers never pile up in the work queue.
class WakeUp {
 public:
  // Called first thing in a reconcile: a wake-up that is due has fired.
  void consume() {
    if (at_ && *at_ <= std::chrono::steady_clock::now() + milliseconds(1)) at_.reset();
  }
  void request(client::WorkQueue& queue, const std::string& key, WallTime now, WallTime when) {
    auto delay = std::chrono::ceil<milliseconds>(when - now) + milliseconds(1);
    if (delay < milliseconds(1)) delay = milliseconds(1);
    SteadyTime target = std::chrono::steady_clock::now() + delay;
    if (at_ && *at_ <= target + milliseconds(5)) return;
    at_ = target;
    queue.add_after(key, delay);
  }

 private:
  std::optional<SteadyTime> at_;
};

struct NodeState {
  SimNodeIdentity id;
  std::atomic<bool> registered{false};
  std::atomic<bool> down{false};
  std::atomic<bool> report_now{false};  // status changed: report before the next period
  std::atomic<bool> renew_now{false};
  // Touched only by the reconcile of this node (the work queue never runs a key twice at once).
  std::string uid;
  Json lease;
  WallTime ready_since;
  WallTime next_lease;
  WallTime next_status;
  WakeUp wake;
  // Pod IP allocation, from pod workers.
  std::mutex ip_mu;
  std::vector<bool> ip_used = std::vector<bool>(kPodHostsPerNode, false);
  int ip_cursor = 0;
};

struct PodEntry {
  SimPodState state;
  std::string node;
  Json last_written;
  bool stopping = false;
  WallTime delete_at;
  bool announced_start = false;
  int announced_backoffs = 0;
  WakeUp wake;
};

std::string annotation(const Json& obj, const char* key) {
  const Json* a = find_path(obj, "metadata.annotations");
  if (!a || !a->is_object()) return "";
  auto it = a->find(key);
  return it != a->end() && it->is_string() ? it->get<std::string>() : "";
}

std::string node_name_of(const Json& pod) {
  const Json* n = find_path(pod, "spec.nodeName");
  return n && n->is_string() ? n->get<std::string>() : "";
}

bool ready_condition_true(const Json& node) {
  const Json* conditions = find_path(node, "status.conditions");
  if (!conditions || !conditions->is_array()) return false;
  for (const auto& c : *conditions)
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  return false;
}

}  // namespace

struct SimNodeRuntime::Impl {
  Impl(client::Client& c, SimNodeOptions o, client::InformerFactory* shared)
      : client(c),
        options(std::move(o)),
        pods_r(c.resource("", "v1", "pods")),
        nodes_r(c.resource("", "v1", "nodes")),
        leases_r(c.resource("coordination.k8s.io", "v1", "leases")),
        namespaces_r(c.resource("", "v1", "namespaces")),
        node_queue("sim-nodes", {milliseconds(200), std::chrono::seconds(10)}),
        pod_queue("sim-pods", {milliseconds(50), std::chrono::seconds(5)}) {
    timings.start_delay = options.pod_start_delay;
    timings.default_readiness_delay = options.default_readiness_delay;
    timings.backoff_base = options.crash_backoff_base;
    timings.backoff_max = options.crash_backoff_max;
    if (!shared) own_factory = std::make_unique<client::InformerFactory>(client);
    factory = shared ? shared : own_factory.get();
    pods = &factory->informer(pods_r);
    nodes = &factory->informer(nodes_r);
    for (int i = 0; i < options.nodes; ++i) {
      auto n = std::make_unique<NodeState>();
      n->id = sim_node_identity(options, i);
      by_name.emplace(n->id.name, n.get());
      node_list.push_back(std::move(n));
    }
    if (options.record_events) events = std::make_unique<client::EventRecorder>(client, "kubelet");
  }

  NodeState* find_node(const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  }

  // ---- informer events (on the informers' threads: only look up and enqueue) ----

  void on_pod(const Json& pod) {
    if (find_node(node_name_of(pod))) pod_queue.add(client::object_key(pod));
  }

  void on_node(const Json& node) {
    NodeState* n = find_node(get_string(node["metadata"], "name"));
    if (!n) return;
    bool down = annotation(node, kDownAnnotation) == "true";
    bool was_down = n->down.exchange(down);
    if (down && !was_down) {
      log::info(kLog, "simulated node " + n->id.name + " is down: no heartbeats, status reports or pod updates");
      return;
    }
    if (down) return;
    if (was_down) {
      log::info(kLog, "simulated node " + n->id.name + " is back up");
      n->renew_now = true;
      n->report_now = true;
      node_queue.add(n->id.name);
      for (const auto& pod : pods->by_index(kNodeNameIndex, n->id.name)) pod_queue.add(client::object_key(*pod));
      return;
    }
    // Someone else (the node lifecycle controller) marked it not ready while it is up.
    if (n->registered && !ready_condition_true(node)) {
      n->renew_now = true;
      node_queue.add(n->id.name);
    }
  }

  void on_node_deleted(const Json& node) {
    NodeState* n = find_node(get_string(node["metadata"], "name"));
    if (!n) return;
    n->registered = false;  // as the kubelet: register again
    node_queue.add(n->id.name);
  }

  // ---- nodes ----

  Status ensure_lease(NodeState& n, WallTime now) {
    Json lease = sim_node_lease(options, n.id.name, n.uid, now);
    auto created = client.create(leases_r, kNodeLeaseNamespace, lease);
    if (!created.ok() && created.error().code == 404) {
      // The namespace itself is missing (a bare API server): create it as a kubelet's cluster would have.
      auto ns = client.create(namespaces_r, "",
                              {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kNodeLeaseNamespace}}}});
      if (!ns.ok() && ns.error().code != 409) return ns.error();
      created = client.create(leases_r, kNodeLeaseNamespace, lease);
    }
    if (created.ok()) {
      n.lease = std::move(*created);
      return ok_status();
    }
    if (created.error().code != 409) return created.error();
    SKIFF_ASSIGN_OR_RETURN(n.lease, client.get(leases_r, kNodeLeaseNamespace, n.id.name));
    return renew_lease(n, now);
  }

  Status renew_lease(NodeState& n, WallTime now) {
    Json lease = n.lease;
    lease["spec"]["holderIdentity"] = n.id.name;
    lease["spec"]["leaseDurationSeconds"] = options.lease_duration_seconds;
    lease["spec"]["renewTime"] = format_rfc3339_micro(now);
    auto updated = client.update(leases_r, kNodeLeaseNamespace, std::move(lease));
    if (!updated.ok()) {
      // Someone else wrote or deleted it: start over from the server's copy next time.
      if (updated.error().code == 409 || updated.error().code == 404) n.lease = Json();
      return updated.error();
    }
    n.lease = std::move(*updated);
    return ok_status();
  }

  Status register_node(NodeState& n, WallTime now) {
    n.ready_since = now;
    auto created = client.create(nodes_r, "", sim_node_object(options, n.id, now));
    if (created.ok()) {
      n.uid = get_string((*created)["metadata"], "uid");
    } else if (created.error().code == 409) {
      SKIFF_ASSIGN_OR_RETURN(Json existing, client.get(nodes_r, "", n.id.name));
      n.uid = get_string(existing["metadata"], "uid");
      n.down = annotation(existing, kDownAnnotation) == "true";
      SKIFF_TRY(report_status(n, now));
    } else {
      return created.error();
    }
    SKIFF_TRY(ensure_lease(n, now));
    log::debug(kLog, "registered simulated node " + n.id.name);
    return ok_status();
  }

  Status report_status(NodeState& n, WallTime now) {
    Json patch = {{"status", sim_node_status(options, n.id, now, n.ready_since)}};
    auto patched = client.patch(nodes_r, "", n.id.name, client::PatchType::kMerge, dump_json(patch), "status");
    if (!patched.ok()) {
      if (patched.error().code == 404) n.registered = false;
      return patched.error();
    }
    return ok_status();
  }

  client::ReconcileResult reconcile_node(const std::string& name) {
    NodeState* n = find_node(name);
    if (!n) return {};
    n->wake.consume();
    if (n->down) return {};
    WallTime now = options.clock->now();
    if (!n->registered) {
      if (auto s = register_node(*n, now); !s.ok()) {
        log::warn(kLog, "registering simulated node " + name + ": " + s.error().message);
        return {.requeue = true};
      }
      n->registered = true;
      n->next_lease = now + options.lease_renew_interval;
      n->next_status = now + options.status_report_interval;
    } else {
      bool back_up = n->renew_now.exchange(false);
      if (back_up) n->ready_since = now;
      bool renew = back_up || now >= n->next_lease || n->lease.is_null();
      bool report = back_up || n->report_now.exchange(false) || now >= n->next_status;
      if (report) {
        if (auto s = report_status(*n, now); !s.ok()) {
          n->report_now = true;
          return {.requeue = true};
        }
        n->next_status = now + options.status_report_interval;
      }
      if (renew) {
        Status s = n->lease.is_null() ? ensure_lease(*n, now) : renew_lease(*n, now);
        if (!s.ok()) {
          log::debug(kLog, "renewing the lease of " + name + ": " + s.error().message);
          return {.requeue = true};
        }
        n->next_lease = now + options.lease_renew_interval;
      }
    }
    n->wake.request(node_queue, name, now, std::min(n->next_lease, n->next_status));
    return {};
  }

  // ---- pods ----

  std::string allocate_ip(NodeState& n) {
    std::lock_guard lk(n.ip_mu);
    for (int tries = 0; tries < kPodHostsPerNode; ++tries) {
      int host = n.ip_cursor;
      n.ip_cursor = (n.ip_cursor + 1) % kPodHostsPerNode;
      if (!n.ip_used[host]) {
        n.ip_used[host] = true;
        return n.id.pod_network + "." + std::to_string(host + 1);
      }
    }
    // More pods than a /24 holds: share addresses rather than fail (nothing routes to them).
    return n.id.pod_network + "." + std::to_string(n.ip_cursor + 1);
  }

  void mark_ip(NodeState& n, const std::string& ip, bool used) {
    std::string prefix = n.id.pod_network + ".";
    if (ip.compare(0, prefix.size(), prefix) != 0) return;
    int host = std::atoi(ip.c_str() + prefix.size()) - 1;
    if (host < 0 || host >= kPodHostsPerNode) return;
    std::lock_guard lk(n.ip_mu);
    n.ip_used[host] = used;
  }

  void forget_pod(const std::string& key) {
    std::shared_ptr<PodEntry> entry;
    {
      std::lock_guard lk(pods_mu);
      auto it = pod_entries.find(key);
      if (it == pod_entries.end()) return;
      entry = std::move(it->second);
      pod_entries.erase(it);
    }
    if (NodeState* n = find_node(entry->node)) mark_ip(*n, entry->state.pod_ip, false);
  }

  std::shared_ptr<PodEntry> entry_for(const std::string& key, const Json& pod, NodeState& node, WallTime now) {
    std::string uid = get_string(pod["metadata"], "uid");
    {
      std::lock_guard lk(pods_mu);
      auto it = pod_entries.find(key);
      if (it != pod_entries.end() && it->second->state.uid == uid) return it->second;
    }
    forget_pod(key);  // a previous pod of the same name
    auto entry = std::make_shared<PodEntry>();
    entry->node = node.id.name;
    entry->state.uid = uid;
    entry->state.seen = now;
    adopt_sim_pod_status(entry->state, pod);
    if (entry->state.pod_ip.empty()) entry->state.pod_ip = allocate_ip(node);
    else mark_ip(node, entry->state.pod_ip, true);
    entry->announced_start = entry->state.stage != SimPodState::Stage::kStarting;
    std::lock_guard lk(pods_mu);
    pod_entries[key] = entry;
    return entry;
  }

  // Reported by the pod's node, as a kubelet's events are (source.host, reportingInstance).
  void record(const Json& pod, const std::string& type, const std::string& reason, const std::string& message) {
    const Json* node = find_path(pod, "spec.nodeName");
    if (events) events->record(pod, type, reason, message, node && node->is_string() ? node->get<std::string>() : "");
  }

  void announce(PodEntry& entry, const Json& pod) {
    if (!events) return;
    const Json& containers = pod["spec"]["containers"];
    if (!entry.announced_start && entry.state.stage != SimPodState::Stage::kStarting) {
      entry.announced_start = true;
      for (const auto& c : containers) {
        std::string name = c.value("name", ""), image = c.value("image", "");
        record(pod, "Normal", "Pulled", "Container image \"" + image + "\" already present on machine");
        record(pod, "Normal", "Created", "Created container: " + name);
        record(pod, "Normal", "Started", "Started container " + name);
      }
    }
    if (entry.state.stage == SimPodState::Stage::kBackingOff && entry.announced_backoffs < entry.state.restart_count) {
      entry.announced_backoffs = entry.state.restart_count;
      for (const auto& c : containers)
        record(pod, "Warning", "BackOff", "Back-off restarting failed container " + c.value("name", "") + " in pod " +
                                              get_string(pod["metadata"], "name"));
    }
  }

  // Writes the status when it differs from what the server has and from what this entry last wrote.
  client::ReconcileResult write_status(PodEntry& entry, const Json& pod, Json status) {
    if (status == entry.last_written) return {};
    if (pod.contains("status") && pod["status"] == status) {
      entry.last_written = std::move(status);
      return {};
    }
    Json updated = pod;
    updated["status"] = status;
    auto written = client.update(pods_r, get_string(pod["metadata"], "namespace"), std::move(updated), "status");
    if (!written.ok()) {
      if (written.error().code == 404) return {};
      if (written.error().code != 409)
        log::warn(kLog, "writing the status of pod " + client::object_key(pod) + ": " + written.error().message);
      return {.requeue = true};
    }
    entry.last_written = std::move(status);
    return {};
  }

  client::ReconcileResult reconcile_pod(const std::string& key) {
    client::ObjectPtr pod = pods->get(key);
    if (!pod) {
      forget_pod(key);
      return {};
    }
    NodeState* node = find_node(node_name_of(*pod));
    if (!node) {
      forget_pod(key);
      return {};
    }
    if (node->down) return {};
    WallTime now = options.clock->now();
    auto entry = entry_for(key, *pod, *node, now);
    entry->wake.consume();
    const Json& meta = (*pod)["metadata"];

    if (meta.contains("deletionTimestamp") && !meta["deletionTimestamp"].is_null()) {
      if (!entry->stopping) {
        entry->stopping = true;
        int64_t grace = meta.value("deletionGracePeriodSeconds",
                                   find_path(*pod, "spec.terminationGracePeriodSeconds")
                                       ? (*pod)["spec"].value("terminationGracePeriodSeconds", int64_t{30})
                                       : int64_t{30});
        auto wait = std::min<milliseconds>(std::chrono::seconds(std::max<int64_t>(grace, 0)),
                                           options.max_termination_grace);
        entry->delete_at = now + wait;
        if (entry->state.stage != SimPodState::Stage::kFinished)
          for (const auto& c : (*pod)["spec"]["containers"])
            record(*pod, "Normal", "Killing", "Stopping container " + c.value("name", ""));
        stop_sim_pod(entry->state, now);
      }
      // The stopped containers are not written back: this API server removes a terminating
      // object on any update once it has no finalizers, which would cut the grace period short.
      if (now < entry->delete_at) {
        entry->wake.request(pod_queue, key, now, entry->delete_at);
        return {};
      }
      // The grace period is over: the containers' end is reported (a pod a finalizer keeps
      // shows 0/1 and a terminal phase, as the kubelet leaves it), then the pod is let go.
      (void)write_status(*entry, *pod, render_sim_pod_status(entry->state, *pod, node->id.internal_ip, timings, now));
      client::DeleteOptions opts;
      opts.grace_period_seconds = 0;
      opts.precondition_uid = entry->state.uid;
      auto removed = client.remove(pods_r, get_string(meta, "namespace"), get_string(meta, "name"), opts);
      if (!removed.ok() && removed.error().code != 404 && removed.error().code != 409) {
        log::warn(kLog, "deleting pod " + key + ": " + removed.error().message);
        return {.requeue = true};
      }
      return {};
    }

    auto next = advance_sim_pod(entry->state, *pod, timings, now);
    auto result =
        write_status(*entry, *pod, render_sim_pod_status(entry->state, *pod, node->id.internal_ip, timings, now));
    announce(*entry, *pod);
    if (next) entry->wake.request(pod_queue, key, now, *next);
    return result;
  }

  client::Client& client;
  SimNodeOptions options;
  SimPodTimings timings;
  const api::ResourceInfo& pods_r;
  const api::ResourceInfo& nodes_r;
  const api::ResourceInfo& leases_r;
  const api::ResourceInfo& namespaces_r;
  std::unique_ptr<client::InformerFactory> own_factory;
  client::InformerFactory* factory = nullptr;
  client::Informer* pods = nullptr;
  client::Informer* nodes = nullptr;
  std::vector<std::unique_ptr<NodeState>> node_list;
  std::unordered_map<std::string, NodeState*> by_name;  // fixed after construction
  std::mutex pods_mu;
  std::unordered_map<std::string, std::shared_ptr<PodEntry>> pod_entries;
  client::WorkQueue node_queue;
  client::WorkQueue pod_queue;
  std::unique_ptr<client::WorkerPool> node_workers;
  std::unique_ptr<client::WorkerPool> pod_workers;
  std::unique_ptr<client::EventRecorder> events;
};

// A shared factory may deliver events after the runtime stopped, so handlers go through this
// gate, closed by stop().
struct SimNodeRuntime::Gate {
  std::shared_mutex mu;
  Impl* impl = nullptr;
};

SimNodeRuntime::SimNodeRuntime(client::Client& client, SimNodeOptions options, client::InformerFactory* shared)
    : impl_(std::make_unique<Impl>(client, std::move(options), shared)) {
  gate_ = std::make_shared<Gate>();
  gate_->impl = impl_.get();
  auto with = [gate = gate_](auto&& fn) {
    std::shared_lock lk(gate->mu);
    if (gate->impl) fn(*gate->impl);
  };
  impl_->pods->add_index(kNodeNameIndex, [](const Json& pod) {
    std::string node = node_name_of(pod);
    return node.empty() ? std::vector<std::string>{} : std::vector<std::string>{node};
  });
  client::EventHandler pod_handler;
  pod_handler.on_add = [with](const client::ObjectPtr& p) { with([&](Impl& i) { i.on_pod(*p); }); };
  pod_handler.on_update = [with](const client::ObjectPtr&, const client::ObjectPtr& p) {
    with([&](Impl& i) { i.on_pod(*p); });
  };
  pod_handler.on_delete = [with](const client::ObjectPtr& p) { with([&](Impl& i) { i.on_pod(*p); }); };
  impl_->pods->add_handler(std::move(pod_handler));
  client::EventHandler node_handler;
  node_handler.on_add = [with](const client::ObjectPtr& n) { with([&](Impl& i) { i.on_node(*n); }); };
  node_handler.on_update = [with](const client::ObjectPtr&, const client::ObjectPtr& n) {
    with([&](Impl& i) { i.on_node(*n); });
  };
  node_handler.on_delete = [with](const client::ObjectPtr& n) { with([&](Impl& i) { i.on_node_deleted(*n); }); };
  impl_->nodes->add_handler(std::move(node_handler));
}

SimNodeRuntime::~SimNodeRuntime() { stop(); }

Status SimNodeRuntime::start() {
  if (impl_->node_workers) return ok_status();
  if (impl_->options.nodes < 0) return Error::bad_request("simulated nodes: the node count must not be negative");
  int workers = std::max(1, impl_->options.workers);
  Impl* impl = impl_.get();
  impl_->node_workers = std::make_unique<client::WorkerPool>(
      impl_->node_queue, workers, [impl](const std::string& key) { return impl->reconcile_node(key); });
  impl_->pod_workers = std::make_unique<client::WorkerPool>(
      impl_->pod_queue, workers, [impl](const std::string& key) { return impl->reconcile_pod(key); });
  impl_->factory->start();
  for (const auto& n : impl_->node_list) impl_->node_queue.add(n->id.name);
  log::info(kLog, "starting " + std::to_string(impl_->options.nodes) + " simulated nodes (" +
                      impl_->options.name_prefix + std::to_string(impl_->options.first_index) + " ...)");
  return ok_status();
}

void SimNodeRuntime::stop() {
  if (gate_) {
    std::unique_lock lk(gate_->mu);
    gate_->impl = nullptr;
  }
  if (impl_->node_workers) impl_->node_workers->stop();
  if (impl_->pod_workers) impl_->pod_workers->stop();
  impl_->node_queue.shut_down();
  impl_->pod_queue.shut_down();
  if (impl_->own_factory) impl_->own_factory->stop();
  if (impl_->events) impl_->events->flush();
}

std::vector<std::string> SimNodeRuntime::node_names() const {
  std::vector<std::string> names;
  for (const auto& n : impl_->node_list) names.push_back(n->id.name);
  return names;
}

bool SimNodeRuntime::all_registered() const {
  for (const auto& n : impl_->node_list)
    if (!n->registered) return false;
  return true;
}

}  // namespace skiff::agent::sim

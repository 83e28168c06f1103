// The node lifecycle controller: marks nodes whose heartbeats (Lease renewals, Ready condition
// updates) stopped as Unknown, taints not-ready and unreachable nodes NoExecute, and evicts pods
// that do not tolerate those taints once their tolerationSeconds have passed.
#include <algorithm>
#include <condition_variable>
#include <thread>
#include <unordered_map>

#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "util/log.h"

namespace skiff::controllers {
namespace {

constexpr const char* kNotReadyTaint = "node.kubernetes.io/not-ready";
constexpr const char* kUnreachableTaint = "node.kubernetes.io/unreachable";
constexpr const char* kUnschedulableTaint = "node.kubernetes.io/unschedulable";

bool tolerates(const Json& toleration, const Json& taint) {
  const std::string effect = toleration.value("effect", "");
  if (!effect.empty() && effect != taint.value("effect", "")) return false;
  const std::string key = toleration.value("key", "");
  const std::string op = toleration.value("operator", "Equal");
  if (key.empty()) return op == "Exists";
  if (key != taint.value("key", "")) return false;
  if (op == "Exists") return true;
  return toleration.value("value", "") == taint.value("value", "");
}

class NodeLifecycleController final : public Controller {
 public:
  explicit NodeLifecycleController(ControllerContext& ctx)
      : ctx_(ctx),
        nodes_(ctx.informers.informer("", "v1", "nodes")),
        leases_(ctx.informers.informer(ctx.client.resource("coordination.k8s.io", "v1", "leases"), "kube-node-lease")),
        pods_(ctx.informers.informer("", "v1", "pods")),
        queue_("nodelifecycle"),
        events_(ctx.client, "node-controller") {
    pods_.add_index("node", [](const Json& pod) -> std::vector<std::string> {
      const Json* n = find_path(pod, "spec.nodeName");
      if (!n || !n->is_string() || n->get<std::string>().empty()) return {};
      return {n->get<std::string>()};
    });
    auto node_changed = [this](const client::ObjectPtr& n) {
      heard_from(name_of(*n), heartbeat_of(*n));
      queue_.add(name_of(*n));
    };
    nodes_.add_handler({node_changed, [node_changed](const client::ObjectPtr&, const client::ObjectPtr& n) { node_changed(n); },
                        [this](const client::ObjectPtr& n) {
                          std::lock_guard lk(mu_);
                          health_.erase(name_of(*n));
                        }});
    auto lease_changed = [this](const client::ObjectPtr& l) {
      heard_from(name_of(*l), find_path(*l, "spec.renewTime") ? get_string((*l)["spec"], "renewTime") : "");
    };
    leases_.add_handler({lease_changed, [lease_changed](const client::ObjectPtr&, const client::ObjectPtr& l) { lease_changed(l); },
                         nullptr});
    // A pod landing on a tainted node is judged too.
    pods_.add_handler({[this](const client::ObjectPtr& p) { pod_changed(*p); },
                       [this](const client::ObjectPtr&, const client::ObjectPtr& p) { pod_changed(*p); }, nullptr});
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, 1, [this](const std::string& key) { return reconcile(key); });
    monitor_ = std::thread([this] { monitor(); });
  }
  void stop() override {
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (monitor_.joinable()) monitor_.join();
    if (pool_) pool_->stop();
  }

 private:
  struct Health {
    std::string last_heartbeat;  // what the node last reported
    std::chrono::steady_clock::time_point observed;  // when we saw it change (our clock: no skew)
  };

  static std::string heartbeat_of(const Json& node) {
    const Json* ready = find_condition(node, "Ready");
    return ready ? ready->value("lastHeartbeatTime", "") : "";
  }

  void heard_from(const std::string& node, const std::string& heartbeat) {
    std::lock_guard lk(mu_);
    auto [it, fresh] = health_.try_emplace(node);
    // A node whose heartbeat differs from the last one we saw is alive now.
    if (fresh || heartbeat != it->second.last_heartbeat) {
      if (heartbeat.empty() && !fresh) return;
      it->second.last_heartbeat = heartbeat;
      it->second.observed = std::chrono::steady_clock::now();
    }
  }

  void pod_changed(const Json& pod) {
    const Json* n = find_path(pod, "spec.nodeName");
    if (!n || !n->is_string() || n->get<std::string>().empty() || being_deleted(pod)) return;
    client::ObjectPtr node = nodes_.get(n->get<std::string>());
    if (node && has_no_execute_taint(*node)) queue_.add(n->get<std::string>());
  }

  static bool has_no_execute_taint(const Json& node) {
    const Json* taints = find_path(node, "spec.taints");
    if (!taints || !taints->is_array()) return false;
    for (const auto& t : *taints)
      if (t.value("effect", "") == "NoExecute") return true;
    return false;
  }

  void monitor() {
    std::unique_lock lk(mu_);
    while (!stopping_) {
      std::vector<std::string> names;
      for (const auto& [name, h] : health_) names.push_back(name);
      lk.unlock();
      for (const auto& n : names) queue_.add(n);
      lk.lock();
      auto period = std::min(ctx_.options.node_monitor_period,
                              std::max(std::chrono::milliseconds(100), ctx_.options.node_monitor_grace_period / 4));
      cv_.wait_for(lk, period, [this] { return stopping_; });
    }
  }

  client::ReconcileResult reconcile(const std::string& name) {
    client::ObjectPtr current = nodes_.get(name);
    if (!current) return {};
    Json node = *current;
    const WallTime now = ctx_.clock.now();
    std::chrono::steady_clock::time_point observed;
    {
      std::lock_guard lk(mu_);
      auto it = health_.find(name);
      if (it == health_.end()) return {};
      observed = it->second.observed;
    }
    const bool silent = std::chrono::steady_clock::now() - observed > ctx_.options.node_monitor_grace_period;
    const Json* ready = find_condition(node, "Ready");
    std::string ready_status = ready ? ready->value("status", "Unknown") : "Unknown";

    if (silent && ready_status != "Unknown") {
      // The kubelet stopped posting: every condition it owns becomes Unknown (not
      // NetworkUnavailable, which the network's own controller sets).
      Json status = node.value("status", Json::object());
      Json conditions = status.value("conditions", Json::array());
      if (conditions.empty()) conditions.push_back({{"type", "Ready"}});
      for (auto& c : conditions) {
        if (c.value("type", "") == "NetworkUnavailable") continue;
        c["status"] = "Unknown";
        c["reason"] = "NodeStatusUnknown";
        c["message"] = "Kubelet stopped posting node status.";
        c["lastTransitionTime"] = format_rfc3339(now);
      }
      node["status"]["conditions"] = conditions;
      auto r = ctx_.client.update(ctx_.client.resource("", "v1", "nodes"), "", node, "status");
      if (!r.ok()) return {true, {}};
      node = *r;
      ready_status = "Unknown";
      events_.record(node, "Normal", "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
      mark_pods_not_ready(name);
    }

    // Taints follow the Ready condition.
    Json taints = find_path(node, "spec.taints") ? node["spec"]["taints"] : Json::array();
    Json wanted = Json::array();
    auto keep_taint = [&](const std::string& key, const char* effect) {
      for (const auto& t : taints)
        if (t.value("key", "") == key && t.value("effect", "") == effect) return wanted.push_back(t);
      wanted.push_back({{"key", key}, {"effect", effect}, {"timeAdded", format_rfc3339(now)}});
    };
    for (const auto& t : taints) {
      std::string key = t.value("key", "");
      if (key != kNotReadyTaint && key != kUnreachableTaint && key != kUnschedulableTaint) wanted.push_back(t);
    }
    if (ready_status == "Unknown") {
      keep_taint(kUnreachableTaint, "NoSchedule");
      keep_taint(kUnreachableTaint, "NoExecute");
    } else if (ready_status == "False") {
      keep_taint(kNotReadyTaint, "NoSchedule");
      keep_taint(kNotReadyTaint, "NoExecute");
    }
    if (find_path(node, "spec.unschedulable") && node["spec"].value("unschedulable", false))
      keep_taint(kUnschedulableTaint, "NoSchedule");
    if (!(wanted == taints) && !(wanted.empty() && !find_path(node, "spec.taints"))) {
      Json updated = node;
      if (wanted.empty()) updated["spec"].erase("taints");
      else updated["spec"]["taints"] = wanted;
      auto r = ctx_.client.update(ctx_.client.resource("", "v1", "nodes"), "", updated);
      if (!r.ok()) return {true, {}};
      node = *r;
      taints = wanted;
    }
    return evict_intolerant_pods(node, taints, now);
  }

  void mark_pods_not_ready(const std::string& node) {
    const auto& pods = ctx_.client.resource("", "v1", "pods");
    for (const auto& p : pods_.by_index("node", node)) {
      if (!pod_ready(*p) || being_deleted(*p)) continue;
      Json pod = *p;
      set_condition(pod["status"], {{"type", "Ready"}, {"status", "False"}}, ctx_.clock.now());
      (void)ctx_.client.update(pods, namespace_of(pod), pod, "status");
    }
  }

  client::ReconcileResult evict_intolerant_pods(const Json& node, const Json& taints, WallTime now) {
    std::vector<Json> no_execute;
    for (const auto& t : taints)
      if (t.value("effect", "") == "NoExecute") no_execute.push_back(t);
    if (no_execute.empty()) return {};
    const auto& pods = ctx_.client.resource("", "v1", "pods");
    std::chrono::milliseconds next_check{0};
    for (const auto& p : pods_.by_index("node", name_of(node))) {
      if (being_deleted(*p)) continue;
      // The earliest time any NoExecute taint evicts this pod; none: it tolerates them all forever.
      std::optional<WallTime> evict_at;
      const Json tolerations = find_path(*p, "spec.tolerations") ? (*p)["spec"]["tolerations"] : Json::array();
      for (const auto& taint : no_execute) {
        const Json* match = nullptr;
        for (const auto& tol : tolerations)
          if (tolerates(tol, taint)) {
            match = &tol;
            break;
          }
        WallTime added = parse_rfc3339(taint.value("timeAdded", "")).value_or(now);
        WallTime at;
        if (!match) at = added;
        else if (match->contains("tolerationSeconds") && (*match)["tolerationSeconds"].is_number())
          at = added + std::chrono::seconds(std::max<int64_t>(0, (*match)["tolerationSeconds"].get<int64_t>()));
        else continue;
        if (!evict_at || at < *evict_at) evict_at = at;
      }
      if (!evict_at) continue;
      if (*evict_at <= now) {
        events_.record(*p, "Normal", "TaintManagerEviction",
                       "Marking for deletion Pod " + namespace_of(*p) + "/" + name_of(*p));
        auto r = ctx_.client.remove(pods, namespace_of(*p), name_of(*p));
        if (!r.ok() && r.error().code != 404) return {true, {}};
      } else {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*evict_at - now);
        if (next_check.count() == 0 || wait < next_check) next_check = wait;
      }
    }
    client::ReconcileResult result;
    if (next_check.count() > 0) result.requeue_after = next_check + std::chrono::milliseconds(10);
    return result;
  }

  ControllerContext& ctx_;
  client::Informer& nodes_;
  client::Informer& leases_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::unordered_map<std::string, Health> health_;
  std::thread monitor_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> nodelifecycle(ControllerContext& ctx) {
  return std::make_unique<NodeLifecycleController>(ctx);
}

}  // namespace skiff::controllers

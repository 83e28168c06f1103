// The "podgc" controller (kube's pod garbage collector): every check period it force-deletes
// (grace period 0) pods nothing else will clean up:
//   - terminated pods (Succeeded/Failed) above --terminated-pod-gc-threshold, evicted first,
//     then oldest first;
//   - terminating pods on a NotReady node tainted node.kubernetes.io/out-of-service;
//   - pods bound to a node that has been missing for the quarantine time (40 s) and that a
//     direct GET confirms is gone (the informer may merely lag);
//   - terminating pods that were never scheduled.
// A pod not yet terminal is first marked Failed, since no kubelet will ever do it.
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "util/log.h"

namespace skiff::controllers {
namespace {

constexpr const char* kComponent = "pod-garbage-collector";
constexpr std::chrono::seconds kQuarantineTime{40};
constexpr const char* kOutOfServiceTaint = "node.kubernetes.io/out-of-service";

std::string phase_of(const Json& pod) { return get_string(pod.value("status", Json::object()), "phase"); }
std::string node_of(const Json& pod) { return get_string(pod.value("spec", Json::object()), "nodeName"); }

bool terminated(const Json& pod) {
  std::string phase = phase_of(pod);
  return phase != "Pending" && phase != "Running" && phase != "Unknown";
}

bool evicted(const Json& pod) {
  return phase_of(pod) == "Failed" && get_string(pod.value("status", Json::object()), "reason") == "Evicted";
}

bool node_ready(const Json& node) {
  const Json* ready = find_condition(node, "Ready");
  return ready && get_string(*ready, "status") == "True";
}

bool has_taint(const Json& node, std::string_view key) {
  const Json* taints = find_path(node, "spec.taints");
  if (!taints || !taints->is_array()) return false;
  return std::any_of(taints->begin(), taints->end(), [&](const Json& t) { return get_string(t, "key") == key; });
}

// Evicted pods first (they are nobody's record of a finished job), then by age, then by name.
bool delete_before(const client::ObjectPtr& a, const client::ObjectPtr& b) {
  bool ea = evicted(*a), eb = evicted(*b);
  if (ea != eb) return ea;
  std::string ca = get_string((*a)["metadata"], "creationTimestamp");
  std::string cb = get_string((*b)["metadata"], "creationTimestamp");
  if (ca != cb) return ca < cb;  // RFC 3339 in UTC sorts as text
  return name_of(*a) < name_of(*b);
}

class PodGC final : public Controller {
 public:
  explicit PodGC(ControllerContext& ctx)
      : ctx_(ctx),
        pods_resource_(ctx.client.resource("", "v1", "pods")),
        nodes_resource_(ctx.client.resource("", "v1", "nodes")),
        pods_(ctx.informers.informer(pods_resource_)),
        nodes_(ctx.informers.informer(nodes_resource_)) {}
  ~PodGC() override { stop(); }

  void run() override {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
  }

  void stop() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    for (;;) {
      gc();
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, ctx_.options.pod_gc_check_period, [this] { return stopping_; })) return;
    }
  }

  void gc() {
    std::vector<client::ObjectPtr> pods = pods_.list();
    if (ctx_.options.terminated_pod_gc_threshold > 0) gc_terminated(pods);
    gc_terminating_out_of_service(pods);
    gc_orphaned(pods);
    gc_unscheduled_terminating(pods);
  }

  void gc_terminated(const std::vector<client::ObjectPtr>& pods) {
    std::vector<client::ObjectPtr> done;
    for (const auto& p : pods)
      if (terminated(*p)) done.push_back(p);
    int64_t excess = static_cast<int64_t>(done.size()) - ctx_.options.terminated_pod_gc_threshold;
    if (excess <= 0) return;
    log::info(kComponent, "garbage collecting " + std::to_string(excess) + " terminated pods");
    std::partial_sort(done.begin(), done.begin() + excess, done.end(), delete_before);
    for (int64_t i = 0; i < excess; ++i) force_delete(*done[i], nullptr);
  }

  void gc_terminating_out_of_service(const std::vector<client::ObjectPtr>& pods) {
    std::vector<client::ObjectPtr> victims;
    for (const auto& p : pods) {
      if (!being_deleted(*p) || node_of(*p).empty()) continue;
      client::ObjectPtr node = nodes_.get(node_of(*p));
      if (node && !node_ready(*node) && has_taint(*node, kOutOfServiceTaint)) victims.push_back(p);
    }
    std::sort(victims.begin(), victims.end(), delete_before);
    for (const auto& p : victims) force_delete(*p, nullptr);
  }

  void gc_orphaned(const std::vector<client::ObjectPtr>& pods) {
    const WallTime now = ctx_.clock.now();
    std::unordered_set<std::string> missing;
    for (const auto& p : pods) {
      std::string node = node_of(*p);
      if (!node.empty() && !nodes_.get(node)) missing.insert(node);
    }
    // Quarantine: a node must stay missing for a while, then a direct read must confirm it.
    std::set<std::string> gone;
    for (auto it = missing_since_.begin(); it != missing_since_.end();) {
      if (!missing.count(it->first)) {
        it = missing_since_.erase(it);
        continue;
      }
      if (now - it->second >= kQuarantineTime) {
        auto node = ctx_.client.get(nodes_resource_, "", it->first);
        if (!node.ok() && node.error().code == 404) gone.insert(it->first);
        else if (!node.ok()) log::warn(kComponent, "getting node " + it->first + ": " + node.error().message);
      }
      ++it;
    }
    for (const auto& node : missing) missing_since_.emplace(node, now);
    if (gone.empty()) return;
    const Json condition = {{"type", "DisruptionTarget"},
                            {"status", "True"},
                            {"reason", "DeletionByPodGC"},
                            {"message", "PodGC: node no longer exists"},
                            {"lastTransitionTime", format_rfc3339(now)}};
    for (const auto& p : pods) {
      if (!gone.count(node_of(*p))) continue;
      log::info(kComponent, "found orphaned pod " + client::object_key(*p) + " assigned to node " + node_of(*p) +
                                ", deleting");
      force_delete(*p, &condition);
    }
  }

  void gc_unscheduled_terminating(const std::vector<client::ObjectPtr>& pods) {
    for (const auto& p : pods)
      if (being_deleted(*p) && node_of(*p).empty()) force_delete(*p, nullptr);
  }

  // Marks the pod Failed (with condition, when given) unless it already finished, then deletes
  // it with grace period 0.
  void force_delete(const Json& pod, const Json* condition) {
    const std::string ns = namespace_of(pod), name = name_of(pod);
    log::info(kComponent, "force deleting pod " + ns + "/" + name);
    std::string phase = phase_of(pod);
    if (phase != "Succeeded" && phase != "Failed") {
      Json status = {{"phase", "Failed"}};
      if (condition) status["conditions"] = Json::array({*condition});
      Json patch = {{"metadata", {{"uid", uid_of(pod)}}}, {"status", status}};
      auto patched = ctx_.client.patch(pods_resource_, ns, name, client::PatchType::kStrategic, dump_json(patch),
                                       "status");
      if (!patched.ok()) {
        if (patched.error().code != 404)
          log::warn(kComponent, "marking pod " + ns + "/" + name + " failed: " + patched.error().message);
        return;
      }
    }
    client::DeleteOptions now;
    now.grace_period_seconds = 0;
    now.precondition_uid = uid_of(pod);
    auto removed = ctx_.client.remove(pods_resource_, ns, name, now);
    if (!removed.ok() && removed.error().code != 404 && removed.error().code != 409)
      log::warn(kComponent, "deleting pod " + ns + "/" + name + ": " + removed.error().message);
  }

  ControllerContext& ctx_;
  const api::ResourceInfo& pods_resource_;
  const api::ResourceInfo& nodes_resource_;
  client::Informer& pods_;
  client::Informer& nodes_;
  // Only the gc thread touches it.
  std::unordered_map<std::string, WallTime> missing_since_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Controller> podgc(ControllerContext& ctx) { return std::make_unique<PodGC>(ctx); }

}  // namespace skiff::controllers

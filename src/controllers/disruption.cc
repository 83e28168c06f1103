// The "disruption" controller: PodDisruptionBudget status (kube's disruption controller), which
// the pods/eviction subresource reads to decide whether a voluntary eviction may proceed.
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "api/labels.h"
#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "util/strings.h"

namespace skiff::controllers {
namespace {

// How long an eviction's entry in status.disruptedPods waits for the pod's deletion to show.
constexpr auto kDeletionTimeout = std::chrono::minutes(2);

struct Replicas {
  int64_t expected = 0;
  std::string error;
};

// An IntOrString resolved against total; percentages round up, as kube's
// GetScaledValueFromIntOrPercent(..., true).
std::optional<int64_t> scaled(const Json& v, int64_t total) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return std::nullopt;
  std::string s = v.get<std::string>();
  if (s.empty() || s.back() != '%') {
    try {
      return std::stoll(s);
    } catch (...) {
      return std::nullopt;
    }
  }
  try {
    int64_t percent = std::stoll(s.substr(0, s.size() - 1));
    return (percent * total + 99) / 100;
  } catch (...) {
    return std::nullopt;
  }
}

class DisruptionController final : public Controller {
 public:
  explicit DisruptionController(ControllerContext& ctx)
      : ctx_(ctx),
        pdbs_(ctx.informers.informer("policy", "v1", "poddisruptionbudgets")),
        pods_(ctx.informers.informer("", "v1", "pods")),
        queue_("disruption"),
        events_(ctx.client, "controllermanager") {
    auto enqueue = [this](const client::ObjectPtr& o) { queue_.add(client::object_key(*o)); };
    pdbs_.add_handler({enqueue, [enqueue](const auto&, const auto& o) { enqueue(o); }, nullptr});
    auto pod_changed = [this](const client::ObjectPtr& pod) {
      for (const auto& pdb : pdbs_.list_namespace(namespace_of(*pod)))
        if (selects(*pdb, *pod)) queue_.add(client::object_key(*pdb));
    };
    pods_.add_handler({pod_changed,
                       [pod_changed](const auto& o, const auto& n) {
                         pod_changed(o);
                         pod_changed(n);
                       },
                       pod_changed});
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override { pool_.reset(); }

 private:
  // policy/v1: an empty selector selects every pod in the namespace, a missing one none.
  static bool selects(const Json& pdb, const Json& pod) {
    const Json* sel = find_path(pdb, "spec.selector");
    if (!sel || sel->is_null()) return false;
    auto selector = api::LabelSelector::from_json(*sel);
    if (!selector.ok()) return false;
    const Json* labels = find_path(pod, "metadata.labels");
    return selector->matches(labels ? *labels : Json());
  }

  // spec.replicas of the workload that controls a pod, through a ReplicaSet to its Deployment.
  std::optional<std::pair<std::string, int64_t>> controller_scale(const Json& pod) {
    const Json* ref = controller_of(pod);
    if (!ref) return std::nullopt;
    std::string kind = ref->value("kind", ""), name = ref->value("name", ""), uid = ref->value("uid", "");
    std::string ns = namespace_of(pod);
    auto fetch = [&](std::string_view group, std::string_view plural, const std::string& n) -> std::optional<Json> {
      auto got = ctx_.client.get(ctx_.client.resource(group, "v1", plural), ns, n);
      if (!got.ok()) return std::nullopt;
      return std::move(*got);
    };
    std::optional<Json> owner;
    if (kind == "ReplicaSet") {
      owner = fetch("apps", "replicasets", name);
      if (owner && uid_of(*owner) == uid) {
        if (const Json* dref = controller_of(*owner); dref && dref->value("kind", "") == "Deployment") {
          auto deployment = fetch("apps", "deployments", dref->value("name", ""));
          if (deployment && uid_of(*deployment) == dref->value("uid", "")) owner = deployment;
        }
      }
    } else if (kind == "StatefulSet") {
      owner = fetch("apps", "statefulsets", name);
    } else if (kind == "ReplicationController") {
      owner = fetch("", "replicationcontrollers", name);
    } else if (kind == "Deployment") {
      owner = fetch("apps", "deployments", name);
    }
    if (!owner) return std::nullopt;
    const Json* replicas = find_path(*owner, "spec.replicas");
    return std::make_pair(uid_of(*owner), replicas && replicas->is_number_integer() ? replicas->get<int64_t>() : 1);
  }

  // expectedPods and desiredHealthy; an error message when they can not be known.
  std::pair<int64_t, int64_t> expectations(const Json& pdb, const std::vector<client::ObjectPtr>& pods,
                                           std::string& error) {
    const Json* min_available = find_path(pdb, "spec.minAvailable");
    const Json* max_unavailable = find_path(pdb, "spec.maxUnavailable");
    if (min_available && min_available->is_number_integer())
      return {static_cast<int64_t>(pods.size()), min_available->get<int64_t>()};
    int64_t expected = 0;
    std::set<std::string> counted;
    for (const auto& pod : pods) {
      auto scale = controller_scale(*pod);
      if (!scale) {
        error = "found no controllers for pod \"" + name_of(*pod) + "\"";
        return {0, 0};
      }
      if (counted.insert(scale->first).second) expected += scale->second;
    }
    if (max_unavailable && !max_unavailable->is_null()) {
      auto unavailable = scaled(*max_unavailable, expected);
      if (!unavailable) {
        error = "invalid maxUnavailable";
        return {expected, 0};
      }
      return {expected, std::max<int64_t>(expected - *unavailable, 0)};
    }
    if (min_available) {
      auto desired = scaled(*min_available, expected);
      if (!desired) {
        error = "invalid minAvailable";
        return {expected, 0};
      }
      return {expected, *desired};
    }
    return {expected, 0};
  }

  client::ReconcileResult reconcile(const std::string& key) {
    client::ObjectPtr pdb = pdbs_.get(key);
    if (!pdb || being_deleted(*pdb)) return {};
    const WallTime now = ctx_.clock.now();
    std::vector<client::ObjectPtr> pods;
    for (const auto& pod : pods_.list_namespace(namespace_of(*pdb)))
      if (selects(*pdb, *pod)) pods.push_back(pod);

    // Evictions still waiting for their pod's deletion to show.
    Json disrupted = Json::object();
    std::optional<WallTime> next_expiry;
    const Json* old_disrupted = find_path(*pdb, "status.disruptedPods");
    std::set<std::string> disrupted_names;
    for (const auto& pod : pods) {
      if (!old_disrupted || !old_disrupted->is_object() || being_deleted(*pod)) continue;
      auto it = old_disrupted->find(name_of(*pod));
      if (it == old_disrupted->end() || !it->is_string()) continue;
      auto at = parse_rfc3339(it->get<std::string>());
      if (!at || *at + kDeletionTimeout <= now) continue;
      disrupted[name_of(*pod)] = *it;
      disrupted_names.insert(name_of(*pod));
      if (!next_expiry || *at + kDeletionTimeout < *next_expiry) next_expiry = *at + kDeletionTimeout;
    }

    int64_t healthy = 0;
    for (const auto& pod : pods)
      if (!being_deleted(*pod) && !disrupted_names.count(name_of(*pod)) && pod_ready(*pod)) ++healthy;

    std::string error;
    auto [expected, desired] = expectations(*pdb, pods, error);
    int64_t allowed = 0;
    if (error.empty() && expected > 0 && healthy > desired) allowed = healthy - desired;

    Json status = pdb->value("status", Json::object());
    Json before = status;
    status["observedGeneration"] = (*pdb)["metadata"].value("generation", int64_t{0});
    status["currentHealthy"] = error.empty() ? healthy : 0;
    status["desiredHealthy"] = error.empty() ? desired : 0;
    status["expectedPods"] = error.empty() ? expected : 0;
    status["disruptionsAllowed"] = allowed;
    if (disrupted.empty()) status.erase("disruptedPods");
    else status["disruptedPods"] = disrupted;
    Json condition = {{"type", "DisruptionAllowed"},
                      {"status", allowed > 0 ? "True" : "False"},
                      {"reason", !error.empty() ? "SyncFailed" : (allowed > 0 ? "SufficientPods" : "InsufficientPods")},
                      {"message", error},
                      {"observedGeneration", status["observedGeneration"]}};
    set_condition(status, condition, now);
    if (!error.empty()) events_.record(*pdb, "Warning", "CalculateExpectedPodCountFailed",
                                       "Failed to calculate the number of expected pods: " + error);

    client::ReconcileResult result;
    if (next_expiry)
      result.requeue_after = std::chrono::duration_cast<std::chrono::milliseconds>(*next_expiry - now) +
                             std::chrono::milliseconds(10);
    if (status == before) return result;
    Json updated = *pdb;
    updated["status"] = std::move(status);
    auto written = ctx_.client.update(ctx_.client.resource("policy", "v1", "poddisruptionbudgets"),
                                      namespace_of(*pdb), std::move(updated), "status");
    if (!written.ok() && written.error().code != 404) result.requeue = true;
    return result;
  }

  ControllerContext& ctx_;
  client::Informer& pdbs_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> disruption(ControllerContext& ctx) {
  return std::make_unique<DisruptionController>(ctx);
}

}  // namespace skiff::controllers

// The ReplicaSet controller: keeps spec.replicas active pods matching the selector, adopting
// orphans and releasing pods that no longer match, and reports counts in status.
#include <algorithm>
#include <atomic>

#include "api/labels.h"
#include "client/work_queue.h"
#include "controllers/claim.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "controllers/pod_ranking.h"
#include "util/log.h"

namespace skiff::controllers {
namespace {

constexpr int kBurstReplicas = 500;
constexpr const char* kComponent = "replicaset-controller";

class ReplicaSetController final : public Controller {
 public:
  explicit ReplicaSetController(ControllerContext& ctx)
      : ctx_(ctx),
        sets_(ctx.informers.informer("apps", "v1", "replicasets")),
        pods_(ctx.informers.informer("", "v1", "pods")),
        queue_("replicaset"),
        events_(ctx.client, kComponent) {
    pods_.add_index(kControllerIndex, controller_uid_index);
    pods_.add_index(kOrphanIndex, orphan_namespace_index);
    sets_.add_handler({[this](const client::ObjectPtr& rs) { enqueue(*rs); },
                       [this](const client::ObjectPtr&, const client::ObjectPtr& rs) { enqueue(*rs); },
                       [this](const client::ObjectPtr& rs) {
                         expectations_.forget(client::object_key(*rs));
                         enqueue(*rs);
                       }});
    pods_.add_handler({[this](const client::ObjectPtr& pod) { pod_added(*pod); },
                       [this](const client::ObjectPtr& old, const client::ObjectPtr& pod) { pod_updated(*old, *pod); },
                       [this](const client::ObjectPtr& pod) { pod_deleted(*pod); }});
    pods_.add_handler(enqueue_adopters_handler(queue_, sets_));
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override {
    if (pool_) pool_->stop();
  }

 private:
  void enqueue(const Json& rs) { queue_.add(client::object_key(rs)); }

  // The ReplicaSet that controls pod, by ownerReference, if it is one of ours.
  std::string owner_key(const Json& pod) {
    const Json* ref = controller_of(pod);
    if (!ref || ref->value("kind", "") != "ReplicaSet") return "";
    return client::object_key(namespace_of(pod), ref->value("name", ""));
  }

  void pod_added(const Json& pod) {
    if (being_deleted(pod)) return pod_deleted(pod);
    std::string key = owner_key(pod);
    if (!key.empty()) {
      expectations_.observed_add(key);
      queue_.add(key);
    }
  }

  void pod_updated(const Json& old, const Json& pod) {
    std::string key = owner_key(pod);
    if (!being_deleted(old) && being_deleted(pod)) expectations_.observed_delete(key);
    std::string old_key = owner_key(old);
    if (!old_key.empty() && old_key != key) queue_.add(old_key);
    if (!key.empty()) queue_.add(key);
  }

  void pod_deleted(const Json& pod) {
    std::string key = owner_key(pod);
    if (key.empty()) return;
    expectations_.observed_delete(key);
    queue_.add(key);
  }

  client::ReconcileResult reconcile(const std::string& key) {
    client::ObjectPtr rs = sets_.get(key);
    if (!rs) {
      expectations_.forget(key);
      return {};
    }
    const Json& set = *rs;
    auto selector = api::LabelSelector::from_json(set["spec"].value("selector", Json()));
    if (!selector.ok()) return {};  // validation keeps these out; nothing sane to do

    const bool set_deleting = being_deleted(set);
    const std::vector<client::ObjectPtr> owned =
        claim(ctx_.client, {set, ctx_.client.resource("apps", "v1", "replicasets"), pods_.resource(), *selector, {}},
              pods_.by_index(kControllerIndex, uid_of(set)), pods_.by_index(kOrphanIndex, namespace_of(set)));
    std::vector<client::ObjectPtr> active;
    for (const auto& p : owned)
      if (pod_active(*p)) active.push_back(p);

    client::ReconcileResult result;
    if (expectations_.satisfied(key) && !set_deleting) {
      int64_t want = set["spec"].value("replicas", int64_t{1});
      int64_t diff = static_cast<int64_t>(active.size()) - want;
      if (diff < 0) {
        if (!create_pods(set, key, std::min<int64_t>(-diff, kBurstReplicas))) result.requeue = true;
      } else if (diff > 0) {
        delete_pods(set, key, active, std::min<int64_t>(diff, kBurstReplicas));
      }
    }
    if (!update_status(set, owned, active, result)) result.requeue = true;
    return result;
  }

  // Creates in doubling batches (1, 2, 4, ...) so a failing template fails fast, as Kubernetes does.
  bool create_pods(const Json& set, const std::string& key, int64_t count) {
    const auto& pods = ctx_.client.resource("", "v1", "pods");
    expectations_.expect(key, static_cast<int>(count), 0);
    int64_t created = 0;
    for (int64_t batch = 1; created < count; batch = std::min(batch * 2, count - created)) {
      batch = std::min(batch, count - created);
      int64_t ok_in_batch = 0;
      for (int64_t i = 0; i < batch; ++i) {
        Json pod = pod_from_template(set["spec"]["template"], set, name_of(set) + "-");
        auto r = ctx_.client.create(pods, namespace_of(set), std::move(pod));
        if (r.ok()) {
          ++ok_in_batch;
          events_.record(set, "Normal", "SuccessfulCreate", "Created pod: " + name_of(*r));
        } else {
          expectations_.observed_add(key);
          events_.record(set, "Warning", "FailedCreate", "Error creating: " + r.error().message);
          std::lock_guard lk(errors_mu_);
          last_create_error_[key] = r.error().message;
        }
      }
      created += batch;
      if (ok_in_batch < batch) {
        for (int64_t skipped = created; skipped < count; ++skipped) expectations_.observed_add(key);
        return false;
      }
    }
    std::lock_guard lk(errors_mu_);
    last_create_error_.erase(key);
    return true;
  }

  void delete_pods(const Json& set, const std::string& key, std::vector<client::ObjectPtr> active, int64_t count) {
    rank_pods_for_deletion(active, ctx_.clock.now());
    const auto& pods = ctx_.client.resource("", "v1", "pods");
    expectations_.expect(key, 0, static_cast<int>(count));
    for (int64_t i = 0; i < count; ++i) {
      const Json& pod = *active[static_cast<size_t>(i)];
      auto r = ctx_.client.remove(pods, namespace_of(pod), name_of(pod));
      if (r.ok()) {
        events_.record(set, "Normal", "SuccessfulDelete", "Deleted pod: " + name_of(pod));
      } else {
        expectations_.observed_delete(key);
        if (r.error().code != 404)
          events_.record(set, "Warning", "FailedDelete", "Error deleting: " + r.error().message);
      }
    }
  }

  bool update_status(const Json& set, const std::vector<client::ObjectPtr>& owned,
                     const std::vector<client::ObjectPtr>& active, client::ReconcileResult& result) {
    const int64_t min_ready = set["spec"].value("minReadySeconds", int64_t{0});
    const WallTime now = ctx_.clock.now();
    Json template_labels = find_path(set, "spec.template.metadata.labels") ? set["spec"]["template"]["metadata"]["labels"]
                                                                          : Json::object();
    int64_t fully_labeled = 0, ready = 0, available = 0, terminating = 0;
    bool waiting_for_min_ready = false;
    for (const auto& p : owned)
      if (being_deleted(*p)) ++terminating;
    for (const auto& p : active) {
      const Json labels = (*p)["metadata"].value("labels", Json::object());
      bool all = true;
      for (const auto& [k, v] : template_labels.items())
        if (!labels.contains(k) || labels[k] != v) all = false;
      if (all) ++fully_labeled;
      if (pod_ready(*p)) {
        ++ready;
        if (pod_available(*p, min_ready, now)) ++available;
        else waiting_for_min_ready = true;
      }
    }
    if (waiting_for_min_ready) result.requeue_after = std::chrono::seconds(std::max<int64_t>(1, min_ready));

    Json status = set.value("status", Json::object());
    Json wanted = status;
    wanted["replicas"] = static_cast<int64_t>(active.size());
    wanted["fullyLabeledReplicas"] = fully_labeled;
    wanted["readyReplicas"] = ready;
    wanted["availableReplicas"] = available;
    wanted["observedGeneration"] = set["metadata"].value("generation", int64_t{1});
    (void)terminating;
    const std::string key = client::object_key(set);
    std::string failure;
    {
      std::lock_guard lk(errors_mu_);
      if (auto it = last_create_error_.find(key); it != last_create_error_.end()) failure = it->second;
    }
    // As Kubernetes' calculateStatus, a failure condition already set is left as it is: each
    // attempt's error names a new pod, and rewriting it would wake this controller again.
    if (!failure.empty()) {
      if (!find_condition(set, "ReplicaFailure")) {
        set_condition(wanted, {{"type", "ReplicaFailure"}, {"status", "True"}, {"reason", "FailedCreate"},
                               {"message", failure}}, now);
      }
    } else if (wanted.contains("conditions")) {
      Json kept = Json::array();
      for (const auto& c : wanted["conditions"])
        if (c.value("type", "") != "ReplicaFailure") kept.push_back(c);
      if (kept.empty()) wanted.erase("conditions");
      else wanted["conditions"] = kept;
    }
    for (const char* zero_omitted : {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"})
      if (wanted[zero_omitted] == 0) wanted.erase(zero_omitted);
    if (wanted == status) return true;
    Json updated = set;
    updated["status"] = wanted;
    auto r = ctx_.client.update(ctx_.client.resource("apps", "v1", "replicasets"), namespace_of(set),
                                std::move(updated), "status");
    return r.ok() || r.error().code == 404;
  }

  ControllerContext& ctx_;
  client::Informer& sets_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
  Expectations expectations_;
  std::mutex errors_mu_;
  std::unordered_map<std::string, std::string> last_create_error_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> replicaset(ControllerContext& ctx) { return std::make_unique<ReplicaSetController>(ctx); }

}  // namespace skiff::controllers

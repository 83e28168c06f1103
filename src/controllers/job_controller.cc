// The Job controller ("job"): runs a Job's pods to completion — parallelism, completions,
// NonIndexed and Indexed completion modes, pod failure backoff, backoffLimit,
// activeDeadlineSeconds, suspension and the pod failure policy — and, as Kubernetes'
// ttl-after-finished controller, deletes finished Jobs after ttlSecondsAfterFinished.
//
// Succeeded and failed pods are counted from the pods in the cache (never going below the
// counts already in status); pods carry no job-tracking finalizer. Orphaned pods the Job's
// selector matches are adopted (with the default selector, on the Job's own uid, that is only
// ever a Job with spec.manualSelector).
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "api/labels.h"
#include "client/work_queue.h"
#include "controllers/claim.h"
#include "controllers/controller.h"
#include "controllers/job_failure_policy.h"
#include "controllers/job_indexes.h"
#include "controllers/job_pod_template.h"
#include "controllers/ownership.h"
#include "util/log.h"

namespace skiff::controllers {
namespace {

using client::ObjectPtr;
using client::ReconcileResult;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr const char* kComponent = "job-controller";

std::string phase_of(const Json& pod) {
  const Json* p = find_path(pod, "status.phase");
  return p && p->is_string() ? p->get<std::string>() : "";
}

int64_t int_at(const Json& obj, const char* path, int64_t fallback) {
  const Json* v = find_path(obj, path);
  return v && v->is_number_integer() ? v->get<int64_t>() : fallback;
}

bool condition_true(const Json& obj, std::string_view type) {
  const Json* c = find_condition(obj, type);
  return c && c->value("status", "") == "True";
}

bool job_finished(const Json& job) { return condition_true(job, "Complete") || condition_true(job, "Failed"); }

milliseconds until(WallTime when, WallTime now) {
  return std::max(milliseconds(1), duration_cast<milliseconds>(when - now));
}

// The owning Job's key, if the pod's controller is a Job.
std::optional<std::string> job_key_of(const Json& pod) {
  const Json* ref = controller_of(pod);
  if (!ref || ref->value("kind", "") != "Job" || ref->value("apiVersion", "") != "batch/v1") return std::nullopt;
  return client::object_key(namespace_of(pod), ref->value("name", ""));
}

// Sets a Job condition as Kubernetes' ensureJobConditionStatus: a False condition is not added
// where none was; lastTransitionTime moves only when the status does. Returns whether anything changed.
bool ensure_condition(Json& status, const std::string& type, const std::string& cond_status,
                      const std::string& reason, const std::string& message, WallTime now) {
  Json& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = Json::array();
  const std::string now_text = format_rfc3339(now);
  for (auto& c : conditions) {
    if (c.value("type", "") != type) continue;
    if (c.value("status", "") == cond_status && c.value("reason", "") == reason && c.value("message", "") == message)
      return false;
    if (c.value("status", "") != cond_status) c["lastTransitionTime"] = now_text;
    c["status"] = cond_status;
    c["reason"] = reason;
    c["message"] = message;
    c["lastProbeTime"] = now_text;
    return true;
  }
  if (cond_status == "False") {
    if (conditions.empty()) status.erase("conditions");
    return false;
  }
  conditions.push_back({{"type", type},
                        {"status", cond_status},
                        {"lastProbeTime", now_text},
                        {"lastTransitionTime", now_text},
                        {"reason", reason},
                        {"message", message}});
  return true;
}

// For restartPolicy OnFailure, failures show up as container restarts of the running pods.
bool past_backoff_limit_on_failure(const Json& job, const std::vector<ObjectPtr>& active, int64_t limit) {
  const Json* policy = find_path(job, "spec.template.spec.restartPolicy");
  if (!policy || *policy != "OnFailure") return false;
  int64_t restarts = 0;
  for (const auto& pod : active) {
    const std::string phase = phase_of(*pod);
    if (phase != "Running" && phase != "Pending") continue;
    for (const char* list : {"status.initContainerStatuses", "status.containerStatuses"}) {
      const Json* statuses = find_path(*pod, list);
      if (!statuses || !statuses->is_array()) continue;
      for (const auto& cs : *statuses) restarts += cs.value("restartCount", int64_t{0});
    }
  }
  return limit == 0 ? restarts > 0 : restarts >= limit;
}

// Which active pods to delete first (Kubernetes' ActivePods order): unscheduled before
// scheduled, pending before running, not ready before ready, newer before older.
bool delete_before(const ObjectPtr& a, const ObjectPtr& b) {
  auto rank = [](const Json& p) {
    const bool scheduled = !get_string(p.value("spec", Json::object()), "nodeName").empty();
    const std::string phase = phase_of(p);
    const int phase_rank = phase == "Pending" ? 0 : phase == "Running" ? 2 : 1;
    return std::make_tuple(scheduled, phase_rank, pod_ready(p));
  };
  auto ra = rank(*a), rb = rank(*b);
  if (ra != rb) return ra < rb;
  return get_string((*a)["metadata"], "creationTimestamp") > get_string((*b)["metadata"], "creationTimestamp");
}

// Pod failures since the last success, for the recreation delay. Kept in memory, as
// Kubernetes does.
struct BackoffRecord {
  std::set<std::string> seen;  // uids of terminal pods already accounted for
  int failures_after_success = 0;
  WallTime last_failure{};
};

// What one sync found about a Job's pods.
struct PodCensus {
  std::vector<ObjectPtr> active, succeeded, failed, terminating;
  std::optional<std::string> fail_job_message;  // a pod matched a FailJob rule
};

class JobController final : public Controller {
 public:
  explicit JobController(ControllerContext& ctx)
      : ctx_(ctx),
        jobs_resource_(ctx.client.resource("batch", "v1", "jobs")),
        pods_resource_(ctx.client.resource("", "v1", "pods")),
        jobs_(ctx.informers.informer(jobs_resource_)),
        pods_(ctx.informers.informer(pods_resource_)),
        queue_("job"),
        recorder_(ctx.client, kComponent) {
    pods_.add_index(kControllerIndex, controller_uid_index);
    pods_.add_index(kOrphanIndex, orphan_namespace_index);
    jobs_.add_handler({[this](const ObjectPtr& j) { queue_.add(client::object_key(*j)); },
                       [this](const ObjectPtr&, const ObjectPtr& j) { queue_.add(client::object_key(*j)); },
                       [this](const ObjectPtr& j) { queue_.add(client::object_key(*j)); }});
    pods_.add_handler({[this](const ObjectPtr& p) {
                         if (auto key = job_key_of(*p)) {
                           expectations_.observed_add(*key);
                           queue_.add(*key);
                         }
                       },
                       [this](const ObjectPtr& old_pod, const ObjectPtr& p) {
                         auto key = job_key_of(*p);
                         if (key && being_deleted(*p) && !being_deleted(*old_pod)) expectations_.observed_delete(*key);
                         if (key) queue_.add(*key);
                         if (auto old_key = job_key_of(*old_pod); old_key && old_key != key) queue_.add(*old_key);
                       },
                       [this](const ObjectPtr& p) {
                         if (auto key = job_key_of(*p)) {
                           if (!being_deleted(*p)) expectations_.observed_delete(*key);
                           queue_.add(*key);
                         }
                       }});
    pods_.add_handler(enqueue_adopters_handler(queue_, jobs_));
  }

  ~JobController() override { stop(); }

  void run() override {
    workers_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                    [this](const std::string& key) { return reconcile(key); });
  }

  void stop() override {
    queue_.shut_down();
    if (workers_) workers_->stop();
    recorder_.flush();
  }

 private:
  ReconcileResult reconcile(const std::string& key) {
    ObjectPtr obj = jobs_.get(key);
    if (!obj) {
      expectations_.forget(key);
      return {};
    }
    const Json& job = *obj;
    if (being_deleted(job)) return {};
    if (job_finished(job)) {
      forget_backoff(uid_of(job));
      return expire_finished(job);
    }
    if (!expectations_.satisfied(key)) return {};
    return sync(key, job);
  }

  // ttlSecondsAfterFinished: the finished Job is deleted (its pods follow through the
  // garbage collector).
  ReconcileResult expire_finished(const Json& job) {
    const Json* ttl = find_path(job, "spec.ttlSecondsAfterFinished");
    if (!ttl || !ttl->is_number_integer()) return {};
    std::optional<WallTime> finished;
    if (const Json* t = find_path(job, "status.completionTime"); t && t->is_string()) finished = parse_rfc3339(t->get<std::string>());
    for (const char* type : {"Complete", "Failed"}) {
      const Json* c = find_condition(job, type);
      if (!finished && c && c->value("status", "") == "True") finished = parse_rfc3339(c->value("lastTransitionTime", ""));
    }
    if (!finished) return {};
    const WallTime expires = *finished + std::chrono::seconds(ttl->get<int64_t>());
    const WallTime now = ctx_.clock.now();
    if (now < expires) return {.requeue_after = until(expires, now)};
    client::DeleteOptions opts;
    opts.propagation_policy = "Background";
    opts.precondition_uid = uid_of(job);
    auto r = ctx_.client.remove(jobs_resource_, namespace_of(job), name_of(job), opts);
    if (!r.ok() && r.error().code != 404 && r.error().code != 409) return {.requeue = true};
    return {};
  }

  // The pods the Job holds, after adopting matching orphans and releasing pods it no longer selects.
  std::vector<ObjectPtr> claim_pods(const Json& job) {
    std::vector<ObjectPtr> controlled = pods_.by_index(kControllerIndex, uid_of(job));
    auto selector = api::LabelSelector::from_json(job["spec"].value("selector", Json()));
    if (!selector.ok()) return controlled;  // validation keeps these out
    return claim(ctx_.client, {job, jobs_resource_, pods_resource_, *selector, {}}, controlled,
                 pods_.by_index(kOrphanIndex, namespace_of(job)));
  }

  PodCensus census(const Json& job) {
    PodCensus c;
    const Json* policy = find_path(job, "spec.podFailurePolicy");
    for (const auto& pod : claim_pods(job)) {
      const std::string phase = phase_of(*pod);
      if (phase == "Succeeded") {
        c.succeeded.push_back(pod);
      } else if (phase == "Failed") {
        if (policy && policy->is_object()) {
          auto match = match_pod_failure_policy(*policy, *pod);
          if (match.action == PodFailurePolicyMatch::Action::kIgnore) continue;
          if (match.action == PodFailurePolicyMatch::Action::kFailJob && !c.fail_job_message)
            c.fail_job_message = match.message;
        }
        c.failed.push_back(pod);
      } else if (being_deleted(*pod)) {
        c.terminating.push_back(pod);
      } else {
        c.active.push_back(pod);
      }
    }
    return c;
  }

  BackoffRecord update_backoff(const std::string& uid, const PodCensus& c, WallTime now) {
    std::lock_guard lk(backoff_mu_);
    BackoffRecord& r = backoff_[uid];
    for (const auto& pod : c.succeeded)
      if (r.seen.insert(uid_of(*pod)).second) r.failures_after_success = 0;
    for (const auto& pod : c.failed) {
      if (!r.seen.insert(uid_of(*pod)).second) continue;
      ++r.failures_after_success;
      r.last_failure = now;
    }
    return r;
  }

  void forget_backoff(const std::string& uid) {
    std::lock_guard lk(backoff_mu_);
    backoff_.erase(uid);
  }

  // When the next replacement pod may be created: 10s after a failure, doubling per
  // consecutive failure, capped at 6 minutes (configurable).
  std::optional<WallTime> backoff_until(const BackoffRecord& r) const {
    if (r.failures_after_success <= 0) return std::nullopt;
    milliseconds delay = ctx_.options.job_pod_failure_backoff;
    for (int i = 1; i < r.failures_after_success && delay < ctx_.options.job_pod_failure_backoff_max; ++i) delay *= 2;
    delay = std::min(delay, ctx_.options.job_pod_failure_backoff_max);
    return r.last_failure + delay;
  }

  ReconcileResult sync(const std::string& key, const Json& job) {
    const WallTime now = ctx_.clock.now();
    const Json spec = job.value("spec", Json::object());
    Json status = job.value("status", Json::object());
    if (!status.is_object()) status = Json::object();
    const Json old_status = status;

    const bool indexed = spec.value("completionMode", "NonIndexed") == "Indexed";
    std::optional<int64_t> completions;
    if (const Json* c = find_path(spec, "completions"); c && c->is_number_integer()) completions = c->get<int64_t>();
    const int64_t backoff_limit = int_at(spec, "backoffLimit", 6);
    const bool suspended = spec.value("suspend", false);

    PodCensus pods = census(job);
    const BackoffRecord backoff = update_backoff(uid_of(job), pods, now);

    std::set<int64_t> completed;
    int64_t succeeded = 0;
    if (indexed && completions) {
      completed = parse_index_ranges(status.value("completedIndexes", ""), *completions);
      for (const auto& pod : pods.succeeded)
        if (auto i = pod_completion_index(*pod, *completions)) completed.insert(*i);
      succeeded = static_cast<int64_t>(completed.size());
    } else {
      succeeded = std::max<int64_t>(status.value("succeeded", int64_t{0}), pods.succeeded.size());
    }
    const int64_t failed = std::max<int64_t>(status.value("failed", int64_t{0}), pods.failed.size());
    int64_t terminating = static_cast<int64_t>(pods.terminating.size());

    if (!suspended && !status.contains("startTime")) status["startTime"] = format_rfc3339(now);

    struct Finish {
      std::string type, reason, message;
    };
    std::optional<Finish> finish;
    std::optional<WallTime> deadline;
    if (const Json* ads = find_path(spec, "activeDeadlineSeconds"); ads && ads->is_number_integer() && !suspended) {
      if (auto start = parse_rfc3339(status.value("startTime", ""))) deadline = *start + std::chrono::seconds(ads->get<int64_t>());
    }
    if (const Json* c = find_condition(job, "FailureTarget"); c && c->value("status", "") == "True") {
      finish = Finish{"FailureTarget", c->value("reason", ""), c->value("message", "")};
    } else if (const Json* s = find_condition(job, "SuccessCriteriaMet"); s && s->value("status", "") == "True") {
      finish = Finish{"SuccessCriteriaMet", s->value("reason", ""), s->value("message", "")};
    } else if (pods.fail_job_message) {
      finish = Finish{"FailureTarget", "PodFailurePolicy", *pods.fail_job_message};
    } else if (failed > backoff_limit || past_backoff_limit_on_failure(job, pods.active, backoff_limit)) {
      finish = Finish{"FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"};
    } else if (deadline && now >= *deadline) {
      finish = Finish{"FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline"};
    } else {
      const bool no_active = pods.active.empty();
      const bool complete = completions ? succeeded >= *completions && no_active : succeeded > 0 && no_active;
      if (complete) finish = Finish{"SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"};
    }

    ReconcileResult result;
    std::vector<std::pair<std::string, std::pair<std::string, std::string>>> events;  // type, (reason, message)
    int64_t active = static_cast<int64_t>(pods.active.size());
    int64_t ready = 0;
    for (const auto& p : pods.active) ready += pod_ready(*p) ? 1 : 0;
    bool deletions_failed = false;

    if (finish) {
      // Lingering pods go first; the terminal condition waits until none is left terminating.
      const int64_t deleted = delete_pods(key, job, pods.active);
      deletions_failed = deleted != active;
      terminating += deleted;
      active -= deleted;
      ready = 0;
      ensure_condition(status, finish->type, "True", finish->reason, finish->message, now);
      if (terminating == 0 && active == 0) {
        const bool success = finish->type == "SuccessCriteriaMet";
        if (ensure_condition(status, success ? "Complete" : "Failed", "True", finish->reason, finish->message, now)) {
          if (success) {
            status["completionTime"] = format_rfc3339(now);
            if (completions && succeeded > *completions)
              events.push_back({"Warning", {"TooManySucceededPods",
                                            "Too many succeeded pods running after completion count reached"}});
            events.push_back({"Normal", {"Completed", "Job completed"}});
          } else {
            events.push_back({"Warning", {finish->reason, finish->message}});
          }
        }
      }
    } else if (suspended) {
      const int64_t deleted = delete_pods(key, job, pods.active);
      terminating += deleted;
      active -= deleted;
      ready = 0;
      if (ensure_condition(status, "Suspended", "True", "JobSuspended", "Job suspended", now))
        events.push_back({"Normal", {"Suspended", "Job suspended"}});
    } else {
      if (condition_true(job, "Suspended")) {
        ensure_condition(status, "Suspended", "False", "JobResumed", "Job resumed", now);
        events.push_back({"Normal", {"Resumed", "Job resumed"}});
        status["startTime"] = format_rfc3339(now);  // activeDeadlineSeconds counts from the resume
        if (const Json* ads = find_path(spec, "activeDeadlineSeconds"); ads && ads->is_number_integer())
          deadline = now + std::chrono::seconds(ads->get<int64_t>());
      }
      auto managed = manage_pods(key, job, pods, completed, succeeded, backoff, now);
      active = managed.active;
      ready -= managed.deleted_ready;
      terminating += managed.deleted;
      if (managed.retry_at) result.requeue_after = until(*managed.retry_at, now);
      if (deadline) {
        auto d = until(*deadline, now);
        if (result.requeue_after.count() == 0 || d < result.requeue_after) result.requeue_after = d;
      }
    }

    set_count(status, "active", active);
    status["ready"] = std::max<int64_t>(0, ready);
    status["terminating"] = terminating;
    set_count(status, "succeeded", succeeded);
    set_count(status, "failed", failed);
    if (indexed) {
      const std::string ranges = format_index_ranges(completed);
      if (ranges.empty()) status.erase("completedIndexes");
      else status["completedIndexes"] = ranges;
    }
    if (status != old_status) {
      Json updated = job;
      updated["status"] = status;
      auto r = ctx_.client.update(jobs_resource_, namespace_of(job), std::move(updated), "status");
      if (!r.ok()) {
        if (r.error().code != 404 && r.error().code != 409)
          log::warn(kComponent, "job " + key + ": updating status: " + r.error().message);
        return {.requeue = r.error().code != 404};
      }
    }
    for (const auto& [type, e] : events) recorder_.record(job, type, e.first, e.second);
    if (deletions_failed) result.requeue = true;
    return result;
  }

  static void set_count(Json& status, const char* field, int64_t n) {
    if (n > 0) status[field] = n;
    else status.erase(field);  // omitempty, as Kubernetes serializes these
  }

  struct Managed {
    int64_t active = 0;
    int64_t deleted = 0;
    int64_t deleted_ready = 0;
    std::optional<WallTime> retry_at;  // creations held back by the failure backoff
  };

  Managed manage_pods(const std::string& key, const Json& job, const PodCensus& pods,
                      const std::set<int64_t>& completed, int64_t succeeded, const BackoffRecord& backoff,
                      WallTime now) {
    const Json& spec = job["spec"];
    const int64_t parallelism = int_at(spec, "parallelism", 1);
    std::optional<int64_t> completions;
    if (const Json* c = find_path(spec, "completions"); c && c->is_number_integer()) completions = c->get<int64_t>();
    const bool indexed = spec.value("completionMode", "NonIndexed") == "Indexed" && completions;
    // With podReplacementPolicy Failed, a terminating pod still holds its place.
    const bool wait_for_terminating = spec.value("podReplacementPolicy", "") == "Failed";

    Managed m;
    std::vector<ObjectPtr> doomed;
    std::vector<std::optional<int64_t>> to_create;
    int64_t want = 0;
    if (!indexed) {
      if (!completions) want = succeeded > 0 ? std::min<int64_t>(pods.active.size(), parallelism) : parallelism;
      else want = std::max<int64_t>(0, std::min(parallelism, *completions - succeeded));
      std::vector<ObjectPtr> active = pods.active;
      const int64_t occupied = static_cast<int64_t>(active.size()) +
                               (wait_for_terminating ? static_cast<int64_t>(pods.terminating.size()) : 0);
      if (static_cast<int64_t>(active.size()) > want) {
        std::sort(active.begin(), active.end(), delete_before);
        doomed.assign(active.begin(), active.begin() + (static_cast<int64_t>(active.size()) - want));
      } else {
        for (int64_t i = occupied; i < want; ++i) to_create.push_back(std::nullopt);
      }
    } else {
      // One active pod per index; pods for completed, invalid or duplicate indexes go.
      std::map<int64_t, std::vector<ObjectPtr>> by_index;
      for (const auto& pod : pods.active) {
        auto i = pod_completion_index(*pod, *completions);
        if (!i || completed.count(*i)) doomed.push_back(pod);
        else by_index[*i].push_back(pod);
      }
      for (auto& [i, list] : by_index) {
        std::sort(list.begin(), list.end(), delete_before);
        doomed.insert(doomed.end(), list.begin(), list.end() - 1);
        list.erase(list.begin(), list.end() - 1);
      }
      std::set<int64_t> held;
      for (const auto& [i, list] : by_index) held.insert(i);
      if (wait_for_terminating)
        for (const auto& pod : pods.terminating)
          if (auto i = pod_completion_index(*pod, *completions)) held.insert(*i);
      want = std::max<int64_t>(0, std::min(parallelism, *completions - succeeded));
      int64_t excess = static_cast<int64_t>(by_index.size()) - want;
      for (auto it = by_index.rbegin(); it != by_index.rend() && excess > 0; ++it, --excess)
        doomed.push_back(it->second.front());
      for (int64_t i = 0, n = static_cast<int64_t>(held.size()); i < *completions && n < want; ++i) {
        if (completed.count(i) || held.count(i)) continue;
        to_create.push_back(i);
        ++n;
      }
    }

    std::set<std::string> doomed_uids;
    for (const auto& p : doomed) doomed_uids.insert(uid_of(*p));
    m.deleted = delete_pods(key, job, doomed);
    for (const auto& p : doomed) m.deleted_ready += pod_ready(*p) ? 1 : 0;
    int64_t active = 0;
    for (const auto& p : pods.active) active += doomed_uids.count(uid_of(*p)) ? 0 : 1;
    // A failed delete leaves its pod active.
    active += static_cast<int64_t>(doomed.size()) - m.deleted;

    if (!to_create.empty()) {
      if (auto until_time = backoff_until(backoff); until_time && *until_time > now) {
        m.retry_at = *until_time;
      } else {
        active += create_pods(key, job, to_create);
      }
    }
    m.active = active;
    return m;
  }

  int64_t create_pods(const std::string& key, const Json& job, const std::vector<std::optional<int64_t>>& indexes) {
    expectations_.expect(key, static_cast<int>(indexes.size()), 0);
    int64_t created = 0;
    for (const auto& index : indexes) {
      auto r = ctx_.client.create(pods_resource_, namespace_of(job), pod_for_job(job, index));
      if (!r.ok()) {
        expectations_.observed_add(key);
        recorder_.record(job, "Warning", "FailedCreate", "Error creating: " + r.error().message);
        continue;
      }
      ++created;
      recorder_.record(job, "Normal", "SuccessfulCreate", "Created pod: " + name_of(*r));
    }
    return created;
  }

  int64_t delete_pods(const std::string& key, const Json& job, const std::vector<ObjectPtr>& pods) {
    if (pods.empty()) return 0;
    expectations_.expect(key, 0, static_cast<int>(pods.size()));
    int64_t deleted = 0;
    for (const auto& pod : pods) {
      client::DeleteOptions opts;
      opts.precondition_uid = uid_of(*pod);
      auto r = ctx_.client.remove(pods_resource_, namespace_of(*pod), name_of(*pod), opts);
      if (!r.ok() && r.error().code != 404) {
        expectations_.observed_delete(key);
        recorder_.record(job, "Warning", "FailedDelete", "Error deleting: " + r.error().message);
        continue;
      }
      ++deleted;
      if (!r.ok()) {  // already gone
        expectations_.observed_delete(key);
        continue;
      }
      recorder_.record(job, "Normal", "SuccessfulDelete", "Deleted pod: " + name_of(*pod));
    }
    return deleted;
  }

  ControllerContext ctx_;
  const api::ResourceInfo& jobs_resource_;
  const api::ResourceInfo& pods_resource_;
  client::Informer& jobs_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  client::EventRecorder recorder_;
  Expectations expectations_;
  std::mutex backoff_mu_;
  std::unordered_map<std::string, BackoffRecord> backoff_;  // by Job uid
  std::unique_ptr<client::WorkerPool> workers_;
};

}  // namespace

std::unique_ptr<Controller> job(ControllerContext& ctx) { return std::make_unique<JobController>(ctx); }

}  // namespace skiff::controllers

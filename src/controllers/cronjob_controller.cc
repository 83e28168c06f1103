// The CronJob controller ("cronjob"): creates a Job at each scheduled time (in spec.timeZone,
// UTC when unset) honouring suspend, startingDeadlineSeconds and concurrencyPolicy, keeps
// status.active / lastScheduleTime / lastSuccessfulTime, and prunes finished Jobs beyond the
// history limits, as Kubernetes' CronJob controller (v2). Time comes from ctx.clock; each
// CronJob is requeued for its next scheduled time.
#include <algorithm>
#include <map>
#include <memory>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <set>

#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/cron_schedule.h"
#include "controllers/cron_time_zone.h"
#include "controllers/ownership.h"
#include "util/log.h"

namespace skiff::controllers {
namespace {

using client::ObjectPtr;
using client::ReconcileResult;
using std::chrono::milliseconds;

constexpr const char* kComponent = "cronjob-controller";
constexpr const char* kJobsByCronJobUid = "cronjob-controller/controller-uid";
constexpr const char* kScheduledTimestampKey = "batch.kubernetes.io/cronjob-scheduled-timestamp";
// Requeue a little after the scheduled time, so the clock has surely passed it.
constexpr auto kNextScheduleDelta = milliseconds(100);

bool condition_true(const Json& obj, std::string_view type) {
  const Json* c = find_condition(obj, type);
  return c && c->value("status", "") == "True";
}

// "Complete" or "Failed" for a finished Job, else "".
std::string finished_condition(const Json& job) {
  for (const char* type : {"Complete", "Failed"})
    if (condition_true(job, type)) return type;
  return "";
}

std::optional<std::string> cronjob_key_of(const Json& job) {
  const Json* ref = controller_of(job);
  if (!ref || ref->value("kind", "") != "CronJob") return std::nullopt;
  return client::object_key(namespace_of(job), ref->value("name", ""));
}

// RFC 3339 with the zone's offset, as Go's time.Format(time.RFC3339) ("Z" for offset 0).
std::string format_rfc3339_in(WallTime t, const TimeZone& zone) {
  const int64_t secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  const LocalTime l = to_local(secs, zone);
  const int32_t offset = zone.offset_at(secs);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(l.year), l.month, l.day,
                l.hour, l.minute, l.second);
  std::string out = buf;
  if (offset == 0) return out + "Z";
  const int32_t a = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  return out + buf;
}

// Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000".
std::string format_rfc1123z(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

milliseconds until(WallTime when, WallTime now) {
  return std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(when - now));
}

std::optional<WallTime> time_at(const Json& obj, const char* path) {
  const Json* v = find_path(obj, path);
  if (!v || !v->is_string()) return std::nullopt;
  return parse_rfc3339(v->get<std::string>());
}

class CronJobController final : public Controller {
 public:
  explicit CronJobController(ControllerContext& ctx)
      : ctx_(ctx),
        cronjobs_resource_(ctx.client.resource("batch", "v1", "cronjobs")),
        jobs_resource_(ctx.client.resource("batch", "v1", "jobs")),
        cronjobs_(ctx.informers.informer(cronjobs_resource_)),
        jobs_(ctx.informers.informer(jobs_resource_)),
        queue_("cronjob"),
        recorder_(ctx.client, kComponent) {
    jobs_.add_index(kJobsByCronJobUid, [](const Json& job) {
      std::vector<std::string> out;
      if (const Json* ref = controller_of(job); ref && ref->value("kind", "") == "CronJob")
        out.push_back(ref->value("uid", ""));
      return out;
    });
    auto enqueue = [this](const ObjectPtr& o) { queue_.add(client::object_key(*o)); };
    cronjobs_.add_handler({enqueue, [enqueue](const ObjectPtr&, const ObjectPtr& o) { enqueue(o); }, enqueue});
    auto enqueue_owner = [this](const ObjectPtr& job) {
      if (auto key = cronjob_key_of(*job)) queue_.add(*key);
    };
    jobs_.add_handler({enqueue_owner,
                       [enqueue_owner](const ObjectPtr& old_job, const ObjectPtr& job) {
                         enqueue_owner(job);
                         enqueue_owner(old_job);
                       },
                       enqueue_owner});
  }

  ~CronJobController() override { stop(); }

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
  Result<std::shared_ptr<const TimeZone>> zone_named(const std::string& name) {
    std::lock_guard lk(zones_mu_);
    auto it = zones_.find(name);
    if (it != zones_.end()) return it->second;
    SKIFF_ASSIGN_OR_RETURN(TimeZone zone, name.empty() ? TimeZone::utc() : TimeZone::load(name));
    auto shared = std::make_shared<const TimeZone>(std::move(zone));
    zones_[name] = shared;
    return shared;
  }

  ReconcileResult reconcile(const std::string& key) {
    ObjectPtr obj = cronjobs_.get(key);
    if (!obj) return {};
    const Json& cj = *obj;
    Json status = cj.value("status", Json::object());
    if (!status.is_object()) status = Json::object();
    const Json old_status = status;
    const WallTime now = ctx_.clock.now();

    std::vector<ObjectPtr> jobs = jobs_.by_index(kJobsByCronJobUid, uid_of(cj));
    reconcile_active(cj, jobs, status);
    prune_history(cj, jobs, status);

    ReconcileResult result = schedule(cj, status, now);
    if (status != old_status) {
      Json updated = cj;
      updated["status"] = status;
      auto r = ctx_.client.update(cronjobs_resource_, namespace_of(cj), std::move(updated), "status");
      if (!r.ok()) {
        if (r.error().code == 404) return {};
        if (r.error().code != 409) log::warn(kComponent, "cronjob " + key + ": updating status: " + r.error().message);
        return {.requeue = true};
      }
    }
    return result;
  }

  static bool in_active(const Json& status, const std::string& uid) {
    if (const Json* active = find_path(status, "active"); active && active->is_array())
      for (const auto& ref : *active)
        if (ref.value("uid", "") == uid) return true;
    return false;
  }

  static void remove_from_active(Json& status, const std::string& uid) {
    Json* active = status.contains("active") ? &status["active"] : nullptr;
    if (!active || !active->is_array()) return;
    Json kept = Json::array();
    for (const auto& ref : *active)
      if (ref.value("uid", "") != uid) kept.push_back(ref);
    if (kept.empty()) status.erase("active");
    else *active = std::move(kept);
  }

  // Moves finished Jobs out of status.active, drops the ones that no longer exist, and notes
  // the latest successful completion.
  void reconcile_active(const Json& cj, const std::vector<ObjectPtr>& jobs, Json& status) {
    std::set<std::string> children;
    for (const auto& j : jobs) {
      const Json& job = *j;
      const std::string uid = uid_of(job);
      children.insert(uid);
      const std::string finished = finished_condition(job);
      const bool found = in_active(status, uid);
      if (!found && finished.empty()) {
        // Our own status update may simply not have reached the cache yet.
        auto fresh = ctx_.client.get(cronjobs_resource_, namespace_of(cj), name_of(cj));
        if (fresh.ok() && in_active(fresh->value("status", Json::object()), uid)) continue;
        recorder_.record(cj, "Warning", "UnexpectedJob",
                         "Saw a job that the controller did not create or forgot: " + name_of(job));
      } else if (found && !finished.empty()) {
        remove_from_active(status, uid);
        recorder_.record(cj, "Normal", "SawCompletedJob",
                         "Saw completed job: " + name_of(job) + ", condition: " + finished);
      }
      if (finished == "Complete") {
        auto completed = time_at(job, "status.completionTime");
        auto last = time_at(status, "lastSuccessfulTime");
        if (completed && (!last || *completed > *last)) status["lastSuccessfulTime"] = format_rfc3339(*completed);
      }
    }
    std::vector<Json> missing;
    if (const Json* active = find_path(status, "active"); active && active->is_array())
      for (const auto& ref : *active)
        if (!children.count(ref.value("uid", ""))) missing.push_back(ref);
    for (const auto& ref : missing) {
      // The cache may lag behind a Job just created: ask the API server before giving up on it.
      auto job = ctx_.client.get(jobs_resource_, ref.value("namespace", namespace_of(cj)), ref.value("name", ""));
      if (job.ok() || job.error().code != 404) continue;
      recorder_.record(cj, "Normal", "MissingJob", "Active job went missing: " + ref.value("name", ""));
      remove_from_active(status, ref.value("uid", ""));
    }
  }

  // successfulJobsHistoryLimit / failedJobsHistoryLimit: the oldest finished Jobs go.
  void prune_history(const Json& cj, const std::vector<ObjectPtr>& jobs, Json& status) {
    const Json* spec = find_path(cj, "spec");
    if (!spec) return;
    for (const auto& [field, condition] : {std::pair{"successfulJobsHistoryLimit", "Complete"},
                                           std::pair{"failedJobsHistoryLimit", "Failed"}}) {
      const Json* limit = find_path(*spec, field);
      if (!limit || !limit->is_number_integer()) continue;
      std::vector<ObjectPtr> finished;
      for (const auto& j : jobs)
        if (!being_deleted(*j) && finished_condition(*j) == condition) finished.push_back(j);
      const int64_t excess = static_cast<int64_t>(finished.size()) - limit->get<int64_t>();
      if (excess <= 0) continue;
      // Oldest start first; Jobs that never started last; ties by name.
      std::sort(finished.begin(), finished.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
        auto sa = time_at(*a, "status.startTime"), sb = time_at(*b, "status.startTime");
        if (sa.has_value() != sb.has_value()) return sa.has_value();
        if (sa && *sa != *sb) return *sa < *sb;
        return name_of(*a) < name_of(*b);
      });
      for (int64_t i = 0; i < excess; ++i) delete_job(cj, *finished[i], status);
    }
  }

  bool delete_job(const Json& cj, const Json& job, Json& status) {
    client::DeleteOptions opts;
    opts.propagation_policy = "Background";
    auto r = ctx_.client.remove(jobs_resource_, namespace_of(job), name_of(job), opts);
    if (!r.ok() && r.error().code != 404) {
      recorder_.record(cj, "Warning", "FailedDelete", "Deleted job: " + r.error().message);
      return false;
    }
    remove_from_active(status, uid_of(job));
    recorder_.record(cj, "Normal", "SuccessfulDelete", "Deleted job " + name_of(job));
    return true;
  }

  // Starts the Job for the most recent unmet scheduled time, if it is due; returns when to look again.
  ReconcileResult schedule(const Json& cj, Json& status, WallTime now) {
    if (being_deleted(cj)) return {};
    const Json spec = cj.value("spec", Json::object());
    const std::string zone_name = spec.value("timeZone", "");
    auto zone = zone_named(zone_name);
    if (!zone.ok()) {
      recorder_.record(cj, "Warning", "UnknownTimeZone",
                       "invalid timeZone: \"" + zone_name + "\": " + zone.error().message);
      return {};
    }
    if (spec.value("suspend", false)) return {};
    const std::string text = spec.value("schedule", "");
    if (text.find("TZ=") != std::string::npos) {
      recorder_.record(cj, "Warning", "UnparseableSchedule",
                       "unparseable schedule: \"" + text +
                           "\" : cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
      return {};
    }
    auto sched = CronSchedule::parse(text);
    if (!sched.ok()) {
      recorder_.record(cj, "Warning", "UnparseableSchedule",
                       "unparseable schedule: \"" + text + "\" : " + sched.error().message);
      return {};
    }
    const TimeZone& tz = **zone;

    WallTime earliest = time_at(status, "lastScheduleTime")
                            .value_or(time_at(cj, "metadata.creationTimestamp").value_or(now));
    std::optional<int64_t> deadline_seconds;
    if (const Json* d = find_path(spec, "startingDeadlineSeconds"); d && d->is_number_integer()) {
      deadline_seconds = d->get<int64_t>();
      earliest = std::max(earliest, now - std::chrono::seconds(*deadline_seconds));
    }
    auto unmet = unmet_runs(*sched, tz, earliest, now);
    if (!unmet.ok()) {
      recorder_.record(cj, "Warning", "InvalidSchedule", "invalid schedule: " + text + " : " + unmet.error().message);
      return {};
    }
    ReconcileResult later;
    if (auto next = sched->next(now, tz)) later.requeue_after = until(*next, now) + kNextScheduleDelta;
    if (!unmet->most_recent) return later;
    const WallTime scheduled = *unmet->most_recent;
    if (unmet->count > 100)
      recorder_.record(cj, "Warning", "TooManyMissedTimes",
                       "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");

    if (deadline_seconds && scheduled + std::chrono::seconds(*deadline_seconds) < now) {
      recorder_.record(cj, "Warning", "MissSchedule",
                       "Missed scheduled time to start a job: " + format_rfc1123z(scheduled));
      return later;
    }
    const std::string job_name = name_of(cj) + "-" + std::to_string(std::chrono::floor<std::chrono::minutes>(
                                                                        scheduled.time_since_epoch())
                                                                        .count());
    bool processed = time_at(status, "lastScheduleTime") == scheduled;
    if (const Json* active = find_path(status, "active"); active && active->is_array())
      for (const auto& ref : *active) processed = processed || ref.value("name", "") == job_name;
    if (processed) return later;

    const std::string policy = spec.value("concurrencyPolicy", "Allow");
    const Json* active = find_path(status, "active");
    const bool has_active = active && active->is_array() && !active->empty();
    if (policy == "Forbid" && has_active) {
      recorder_.record(cj, "Normal", "JobAlreadyActive",
                       "Not starting job because prior execution is running and concurrency policy is Forbid");
      return later;
    }
    if (policy == "Replace" && has_active) {
      const Json refs = *active;
      for (const auto& ref : refs) {
        auto job = ctx_.client.get(jobs_resource_, ref.value("namespace", namespace_of(cj)), ref.value("name", ""));
        if (!job.ok()) {
          if (job.error().code == 404) {
            remove_from_active(status, ref.value("uid", ""));
            continue;
          }
          recorder_.record(cj, "Warning", "FailedGet", "Get job: " + job.error().message);
          return {.requeue = true};
        }
        if (!delete_job(cj, *job, status)) return {.requeue = true};
      }
    }

    Json job = job_for(cj, job_name, scheduled, tz);
    auto created = ctx_.client.create(jobs_resource_, namespace_of(cj), job);
    Json made;
    if (created.ok()) {
      made = std::move(*created);
      recorder_.record(cj, "Normal", "SuccessfulCreate", "Created job " + name_of(made));
    } else if (created.error().code == 409 && created.error().reason == "AlreadyExists") {
      auto existing = ctx_.client.get(jobs_resource_, namespace_of(cj), job_name);
      if (!existing.ok()) return {.requeue = true};
      if (!owned_by(*existing, uid_of(cj)) || in_active(status, uid_of(*existing))) return later;
      made = std::move(*existing);
    } else {
      recorder_.record(cj, "Warning", "FailedCreate", "Error creating job: " + created.error().message);
      return {.requeue = true};
    }
    Json& refs = status["active"];
    if (!refs.is_array()) refs = Json::array();
    refs.push_back({{"kind", "Job"},
                    {"namespace", namespace_of(made)},
                    {"name", name_of(made)},
                    {"uid", uid_of(made)},
                    {"apiVersion", "batch/v1"},
                    {"resourceVersion", get_string(made["metadata"], "resourceVersion")}});
    status["lastScheduleTime"] = format_rfc3339(scheduled);
    return later;
  }

  static Json job_for(const Json& cj, const std::string& name, WallTime scheduled, const TimeZone& zone) {
    const Json* tmpl = find_path(cj, "spec.jobTemplate");
    Json meta = tmpl ? tmpl->value("metadata", Json::object()) : Json::object();
    Json out_meta = Json::object();
    if (meta.contains("labels")) out_meta["labels"] = meta["labels"];
    Json annotations = meta.value("annotations", Json::object());
    if (!annotations.is_object()) annotations = Json::object();
    annotations[kScheduledTimestampKey] = format_rfc3339_in(scheduled, zone);
    out_meta["annotations"] = annotations;
    out_meta["name"] = name;
    out_meta["namespace"] = namespace_of(cj);
    out_meta["ownerReferences"] = Json::array({controller_ref(cj)});
    return {{"apiVersion", "batch/v1"},
            {"kind", "Job"},
            {"metadata", out_meta},
            {"spec", tmpl ? tmpl->value("spec", Json::object()) : Json::object()}};
  }

  ControllerContext ctx_;
  const api::ResourceInfo& cronjobs_resource_;
  const api::ResourceInfo& jobs_resource_;
  client::Informer& cronjobs_;
  client::Informer& jobs_;
  client::WorkQueue queue_;
  client::EventRecorder recorder_;
  std::mutex zones_mu_;
  std::map<std::string, std::shared_ptr<const TimeZone>> zones_;
  std::unique_ptr<client::WorkerPool> workers_;
};

}  // namespace

std::unique_ptr<Controller> cronjob(ControllerContext& ctx) { return std::make_unique<CronJobController>(ctx); }

}  // namespace skiff::controllers

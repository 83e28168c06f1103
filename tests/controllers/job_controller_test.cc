#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "job_test_fixture.h"

namespace skiff::controllers {
namespace {

using testing::eventually;

Json job(const std::string& name, const Json& spec_extra = Json::object()) {
  Json pod_spec = {{"restartPolicy", "Never"}, {"containers", {{{"name", "main"}, {"image", "busybox"}}}}};
  Json spec = {{"template", {{"spec", pod_spec}}}};
  spec.update(spec_extra);
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", spec}};
}

Json get_job(BatchFixture& f, const std::string& name) { return f.cluster().get("batch", "v1", "jobs", "default", name); }

const Json* condition(const Json& obj, const std::string& type) {
  const Json* conds = find_path(obj, "status.conditions");
  if (!conds) return nullptr;
  for (const auto& c : *conds)
    if (c.value("type", "") == type) return &c;
  return nullptr;
}

bool has_condition(BatchFixture& f, const std::string& name, const std::string& type, const std::string& reason) {
  Json j = get_job(f, name);
  const Json* c = condition(j, type);
  return c && c->value("status", "") == "True" && c->value("reason", "") == reason;
}

int64_t status_int(const Json& j, const std::string& field) {
  const Json* v = find_path(j, "status." + field);
  return v && v->is_number_integer() ? v->get<int64_t>() : 0;
}

ControllerOptions no_backoff() {
  ControllerOptions o;
  o.job_pod_failure_backoff = std::chrono::milliseconds(0);
  return o;
}

TEST(JobController, GeneratesTheSelectorAndRunsParallelismPods) {
  BatchFixture f({"job"}, SystemClock::instance());
  Json created = f.cluster().create("batch", "v1", "jobs", job("pi", {{"completions", 3}, {"parallelism", 2}}));
  const std::string uid = created["metadata"]["uid"];
  ASSERT_TRUE(eventually([&] { return f.pods("pi").size() == 2; }));
  Json j = get_job(f, "pi");
  EXPECT_EQ(j["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"], uid);
  for (const char* key : {"batch.kubernetes.io/controller-uid", "controller-uid"}) {
    EXPECT_EQ(j["spec"]["template"]["metadata"]["labels"][key], uid);
    EXPECT_EQ(j["metadata"]["labels"][key], uid) << "copied template labels follow, as in Kubernetes";
  }
  for (const char* key : {"batch.kubernetes.io/job-name", "job-name"})
    EXPECT_EQ(j["spec"]["template"]["metadata"]["labels"][key], "pi");
  for (const auto& p : f.pods("pi")) {
    EXPECT_EQ(p["metadata"]["name"].get<std::string>().rfind("pi-", 0), 0u);
    EXPECT_EQ(p["metadata"]["ownerReferences"][0]["kind"], "Job");
    EXPECT_EQ(p["metadata"]["ownerReferences"][0]["uid"], uid);
    EXPECT_EQ(p["metadata"]["labels"]["controller-uid"], uid);
    EXPECT_TRUE(eventually([&] { return f.has_event("pi", "Normal SuccessfulCreate: Created pod: " + p["metadata"]["name"].get<std::string>()); }));
  }
  ASSERT_TRUE(eventually([&] { return status_int(get_job(f, "pi"), "active") == 2; }));
  j = get_job(f, "pi");
  EXPECT_TRUE(j["status"].contains("startTime"));
  EXPECT_EQ(j["status"]["ready"], 0);
  EXPECT_EQ(j["status"]["terminating"], 0);
  f.set_phase(f.pods("pi")[0], "Running");
  EXPECT_TRUE(eventually([&] { return status_int(get_job(f, "pi"), "ready") == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(f.pods("pi").size(), 2u) << "never more than parallelism";
}

TEST(JobController, CompletesOnceCompletionsPodsSucceed) {
  BatchFixture f({"job"}, SystemClock::instance());
  f.cluster().create("batch", "v1", "jobs", job("pi", {{"completions", 3}, {"parallelism", 2}}));
  std::set<std::string> finished;
  ASSERT_TRUE(eventually([&] {
    for (const auto& p : f.running_pods("pi")) {
      f.set_phase(p, "Succeeded");
      finished.insert(p["metadata"]["name"]);
    }
    return finished.size() >= 3 && has_condition(f, "pi", "Complete", "CompletionsReached");
  }));
  Json j = get_job(f, "pi");
  EXPECT_EQ(finished.size(), 3u);
  EXPECT_EQ(status_int(j, "succeeded"), 3);
  EXPECT_EQ(status_int(j, "active"), 0);
  EXPECT_TRUE(j["status"].contains("completionTime"));
  const Json* met = condition(j, "SuccessCriteriaMet");
  ASSERT_NE(met, nullptr);
  EXPECT_EQ(met->value("message", ""), "Reached expected number of succeeded pods");
  EXPECT_EQ(condition(j, "Complete")->value("message", ""), "Reached expected number of succeeded pods");
  EXPECT_TRUE(eventually([&] { return f.has_event("pi", "Normal Completed: Job completed"); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(f.pods("pi").size(), 3u) << "no pods after completion";
}

TEST(JobController, WorkQueueJobStopsStartingPodsAfterTheFirstSuccess) {
  BatchFixture f({"job"}, SystemClock::instance());
  f.cluster().create("batch", "v1", "jobs", job("queue", {{"parallelism", 2}}));
  ASSERT_TRUE(eventually([&] { return f.pods("queue").size() == 2; }));
  auto pods = f.pods("queue");
  f.set_phase(pods[0], "Succeeded");
  ASSERT_TRUE(eventually([&] { return status_int(get_job(f, "queue"), "succeeded") == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(f.pods("queue").size(), 2u) << "no replacement once one pod succeeded";
  EXPECT_EQ(condition(get_job(f, "queue"), "Complete"), nullptr) << "waits for the other pod";
  f.set_phase(pods[1], "Succeeded");
  EXPECT_TRUE(eventually([&] { return has_condition(f, "queue", "Complete", "CompletionsReached"); }));
}

TEST(JobController, IndexedJobRunsOnePodPerIndexAndTracksCompletedIndexes) {
  BatchFixture f({"job"}, SystemClock::instance(), no_backoff());
  f.cluster().create("batch", "v1", "jobs",
                     job("idx", {{"completions", 4}, {"parallelism", 3}, {"completionMode", "Indexed"}}));
  ASSERT_TRUE(eventually([&] { return f.pods("idx").size() == 3; }));
  std::map<std::string, Json> by_index;
  for (const auto& p : f.pods("idx")) {
    const std::string index = p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"];
    by_index[index] = p;
    EXPECT_EQ(p["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"], index);
    EXPECT_EQ(p["spec"]["hostname"], "idx-" + index);
    EXPECT_EQ(p["metadata"]["name"].get<std::string>().rfind("idx-" + index + "-", 0), 0u);
    const Json& env = p["spec"]["containers"][0]["env"];
    ASSERT_EQ(env.size(), 1u);
    EXPECT_EQ(env[0]["name"], "JOB_COMPLETION_INDEX");
    EXPECT_EQ(env[0]["valueFrom"]["fieldRef"]["fieldPath"],
              "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  }
  ASSERT_EQ(by_index.size(), 3u);
  EXPECT_TRUE(by_index.count("0") && by_index.count("1") && by_index.count("2"));

  f.set_phase(by_index["0"], "Succeeded");
  f.set_phase(by_index["2"], "Succeeded");
  ASSERT_TRUE(eventually([&] { return get_job(f, "idx")["status"].value("completedIndexes", "") == "0,2"; }));
  // Index 3 starts in a freed slot; a failed index 1 is retried under the same index.
  ASSERT_TRUE(eventually([&] {
    for (const auto& p : f.running_pods("idx"))
      if (p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] == "3") return true;
    return false;
  }));
  f.set_phase(by_index["1"], "Failed", 1);
  std::set<std::string> succeeded;
  ASSERT_TRUE(eventually([&] {
    for (const auto& p : f.running_pods("idx")) {
      succeeded.insert(p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"]);
      f.set_phase(p, "Succeeded");
    }
    return has_condition(f, "idx", "Complete", "CompletionsReached");
  }));
  EXPECT_TRUE(succeeded.count("1")) << "index 1 got a new pod";
  Json j = get_job(f, "idx");
  EXPECT_EQ(j["status"]["completedIndexes"], "0-3");
  EXPECT_EQ(status_int(j, "succeeded"), 4);
  EXPECT_EQ(status_int(j, "failed"), 1);
}

TEST(JobController, FailsWithBackoffLimitExceededAfterTooManyPodFailures) {
  BatchFixture f({"job"}, SystemClock::instance(), no_backoff());
  f.cluster().create("batch", "v1", "jobs", job("flaky", {{"backoffLimit", 1}}));
  int failures = 0;
  ASSERT_TRUE(eventually([&] {
    for (const auto& p : f.running_pods("flaky")) {
      f.set_phase(p, "Failed", 3);
      ++failures;
    }
    return has_condition(f, "flaky", "Failed", "BackoffLimitExceeded");
  }));
  EXPECT_EQ(failures, 2) << "one retry, then the limit";
  Json j = get_job(f, "flaky");
  EXPECT_EQ(status_int(j, "failed"), 2);
  const Json* target = condition(j, "FailureTarget");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->value("reason", ""), "BackoffLimitExceeded");
  EXPECT_EQ(condition(j, "Failed")->value("message", ""), "Job has reached the specified backoff limit");
  EXPECT_EQ(condition(j, "Complete"), nullptr);
  EXPECT_TRUE(eventually(
      [&] { return f.has_event("flaky", "Warning BackoffLimitExceeded: Job has reached the specified backoff limit"); }));
}

TEST(JobController, ReplacesFailedPodsAfterAnExponentialDelay) {
  FakeClock clock(WallTime(std::chrono::seconds(1700000000)));
  ControllerOptions o;
  o.job_pod_failure_backoff = std::chrono::seconds(10);
  BatchFixture f({"job"}, clock, o);
  f.cluster().create("batch", "v1", "jobs", job("retry", {{"backoffLimit", 5}}));
  ASSERT_TRUE(eventually([&] { return f.running_pods("retry").size() == 1; }));
  f.set_phase(f.running_pods("retry")[0], "Failed", 1);
  ASSERT_TRUE(eventually([&] { return status_int(get_job(f, "retry"), "failed") == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(f.running_pods("retry").size(), 0u) << "waits 10s before the replacement";
  clock.advance(std::chrono::seconds(10));
  f.poke("jobs", "retry");
  ASSERT_TRUE(eventually([&] { return f.running_pods("retry").size() == 1; }));

  f.set_phase(f.running_pods("retry")[0], "Failed", 1);
  ASSERT_TRUE(eventually([&] { return status_int(get_job(f, "retry"), "failed") == 2; }));
  clock.advance(std::chrono::seconds(10));
  f.poke("jobs", "retry");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(f.running_pods("retry").size(), 0u) << "the second failure doubles the delay to 20s";
  clock.advance(std::chrono::seconds(10));
  f.poke("jobs", "retry");
  EXPECT_TRUE(eventually([&] { return f.running_pods("retry").size() == 1; }));
}

TEST(JobController, ActiveDeadlineFailsTheJobAndRemovesItsPods) {
  FakeClock clock(WallTime(std::chrono::seconds(1700000000)));
  BatchFixture f({"job"}, clock);
  f.cluster().create("batch", "v1", "jobs", job("slow", {{"activeDeadlineSeconds", 30}, {"parallelism", 2}, {"completions", 2}}));
  ASSERT_TRUE(eventually([&] { return f.running_pods("slow").size() == 2; }));
  clock.advance(std::chrono::seconds(31));
  f.poke("jobs", "slow");
  ASSERT_TRUE(eventually([&] {
    f.finish_deletions();
    return has_condition(f, "slow", "Failed", "DeadlineExceeded");
  }));
  EXPECT_EQ(f.pods("slow").size(), 0u);
  Json j = get_job(f, "slow");
  EXPECT_EQ(condition(j, "Failed")->value("message", ""), "Job was active longer than specified deadline");
  EXPECT_EQ(status_int(j, "active"), 0);
  EXPECT_TRUE(eventually(
      [&] { return f.has_event("slow", "Warning DeadlineExceeded: Job was active longer than specified deadline"); }));
  EXPECT_TRUE(eventually([&] {
    int deletes = 0;
    for (const auto& e : f.events_for("slow")) deletes += e.rfind("Normal SuccessfulDelete: Deleted pod: slow-", 0) == 0;
    return deletes == 2;
  }));
}

TEST(JobController, SuspendedJobsRunNothingUntilResumed) {
  BatchFixture f({"job"}, SystemClock::instance());
  f.cluster().create("batch", "v1", "jobs", job("later", {{"suspend", true}, {"parallelism", 2}, {"completions", 4}}));
  ASSERT_TRUE(eventually([&] { return has_condition(f, "later", "Suspended", "JobSuspended"); }));
  EXPECT_EQ(f.pods("later").size(), 0u);
  EXPECT_FALSE(get_job(f, "later")["status"].contains("startTime"));
  const auto& jobs = f.client().resource("batch", "v1", "jobs");
  ASSERT_TRUE(f.client().patch(jobs, "default", "later", client::PatchType::kMerge, R"({"spec":{"suspend":false}})").ok());
  ASSERT_TRUE(eventually([&] { return f.pods("later").size() == 2; }));
  ASSERT_TRUE(eventually([&] {
    Json j = get_job(f, "later");
    const Json* c = condition(j, "Suspended");
    return c && c->value("status", "") == "False" && c->value("reason", "") == "JobResumed";
  }));
  EXPECT_TRUE(get_job(f, "later")["status"].contains("startTime"));
  ASSERT_TRUE(f.client().patch(jobs, "default", "later", client::PatchType::kMerge, R"({"spec":{"suspend":true}})").ok());
  EXPECT_TRUE(eventually([&] {
    f.finish_deletions();
    return f.pods("later", true).empty() && has_condition(f, "later", "Suspended", "JobSuspended");
  }));
  EXPECT_TRUE(eventually([&] {
    return f.has_event("later", "Normal Suspended: Job suspended") && f.has_event("later", "Normal Resumed: Job resumed");
  }));
}

TEST(JobController, LoweredParallelismDeletesExcessPods) {
  BatchFixture f({"job"}, SystemClock::instance());
  f.cluster().create("batch", "v1", "jobs", job("wide", {{"parallelism", 3}, {"completions", 5}}));
  ASSERT_TRUE(eventually([&] { return f.pods("wide").size() == 3; }));
  const auto& jobs = f.client().resource("batch", "v1", "jobs");
  ASSERT_TRUE(f.client().patch(jobs, "default", "wide", client::PatchType::kMerge, R"({"spec":{"parallelism":1}})").ok());
  EXPECT_TRUE(eventually([&] {
    f.finish_deletions();
    return f.pods("wide").size() == 1 && status_int(get_job(f, "wide"), "active") == 1;
  }));
}

TEST(JobController, PodFailurePolicyCanFailTheJobOrIgnoreAFailure) {
  BatchFixture f({"job"}, SystemClock::instance(), no_backoff());
  Json policy = {{"rules",
                  {{{"action", "FailJob"}, {"onExitCodes", {{"containerName", "main"}, {"operator", "In"}, {"values", {42}}}}},
                   {{"action", "Ignore"}, {"onExitCodes", {{"operator", "In"}, {"values", {7}}}}}}}};
  f.cluster().create("batch", "v1", "jobs", job("policy", {{"podFailurePolicy", policy}, {"backoffLimit", 0}}));
  ASSERT_TRUE(eventually([&] { return f.running_pods("policy").size() == 1; }));
  f.set_phase(f.running_pods("policy")[0], "Failed", 7);  // ignored: not counted against backoffLimit 0
  ASSERT_TRUE(eventually([&] { return f.running_pods("policy").size() == 1; }));
  EXPECT_EQ(status_int(get_job(f, "policy"), "failed"), 0);
  EXPECT_EQ(condition(get_job(f, "policy"), "Failed"), nullptr);
  Json pod = f.running_pods("policy")[0];
  f.set_phase(pod, "Failed", 42);
  ASSERT_TRUE(eventually([&] { return has_condition(f, "policy", "Failed", "PodFailurePolicy"); }));
  EXPECT_EQ(condition(get_job(f, "policy"), "Failed")->value("message", ""),
            "Container main for pod default/" + pod["metadata"]["name"].get<std::string>() +
                " failed with exit code 42 matching FailJob rule at index 0");
}

TEST(JobController, DeletesFinishedJobsAfterTheirTtl) {
  FakeClock clock(WallTime(std::chrono::seconds(1700000000)));
  BatchFixture f({"job"}, clock);
  f.cluster().create("batch", "v1", "jobs", job("brief", {{"ttlSecondsAfterFinished", 60}}));
  ASSERT_TRUE(eventually([&] { return f.running_pods("brief").size() == 1; }));
  f.set_phase(f.running_pods("brief")[0], "Succeeded");
  ASSERT_TRUE(eventually([&] { return has_condition(f, "brief", "Complete", "CompletionsReached"); }));
  clock.advance(std::chrono::seconds(30));
  f.poke("jobs", "brief");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(f.cluster().list("batch", "v1", "jobs", "default").size(), 1u) << "not yet expired";
  clock.advance(std::chrono::seconds(31));
  f.poke("jobs", "brief");
  EXPECT_TRUE(eventually([&] { return f.cluster().list("batch", "v1", "jobs", "default").empty(); }));
}

// A Job with a manual selector, deleted with --cascade=orphan and created again, adopts the
// pods it left running instead of starting new ones beside them.
TEST(JobController, ManualSelectorJobRecreatedAfterOrphaningAdoptsItsPods) {
  BatchFixture f({"job", "garbagecollector"}, SystemClock::instance());
  auto manual = [] {
    Json j = job("batch", {{"completions", 4}, {"parallelism", 2}, {"manualSelector", true},
                           {"selector", {{"matchLabels", {{"app", "batch"}}}}}});
    j["spec"]["template"]["metadata"]["labels"] = {{"app", "batch"}};
    return j;
  };
  auto pod_uids = [&] {
    std::set<std::string> out;
    for (const auto& p : f.cluster().list("", "v1", "pods", "default")) out.insert(p["metadata"]["uid"]);
    return out;
  };
  auto pods = [&] { return f.cluster().list("", "v1", "pods", "default", "app=batch"); };
  f.cluster().create("batch", "v1", "jobs", manual());
  ASSERT_TRUE(eventually([&] { return pods().size() == 2; }));
  f.set_phase(pods()[0], "Running");
  const auto before = pod_uids();
  ASSERT_TRUE(f.delete_orphaning("batch", "jobs", "batch", "", "pods"));

  Json created = f.cluster().create("batch", "v1", "jobs", manual());
  const std::string uid = created["metadata"]["uid"];
  ASSERT_TRUE(eventually([&] {
    auto all = f.cluster().list("", "v1", "pods", "default");
    for (const auto& p : all) {
      const Json* refs = find_path(p, "metadata.ownerReferences");
      if (!refs || refs->size() != 1 || (*refs)[0]["uid"] != uid) return false;
    }
    return all.size() == 2;
  }));
  ASSERT_TRUE(eventually([&] { return status_int(get_job(f, "batch"), "active") == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // time for a duplicate to start
  EXPECT_EQ(pod_uids(), before);
}

}  // namespace
}  // namespace skiff::controllers

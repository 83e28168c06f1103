#include <gtest/gtest.h>

#include <thread>

#include "job_test_fixture.h"

namespace skiff::controllers {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::eventually;

Json cron_job(const std::string& name, const Json& spec_extra = Json::object()) {
  Json pod_spec = {{"restartPolicy", "Never"}, {"containers", {{{"name", "main"}, {"image", "busybox"}}}}};
  Json job_spec = {{"template", {{"spec", pod_spec}}}};
  Json job_meta = {{"labels", {{"app", name}}}, {"annotations", {{"team", "batch"}}}};
  Json spec = {{"schedule", "* * * * *"}, {"jobTemplate", {{"metadata", job_meta}, {"spec", job_spec}}}};
  spec.update(spec_extra);
  return {{"apiVersion", "batch/v1"},
          {"kind", "CronJob"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", spec}};
}

// A fake clock behind real time, so nothing is due until the test moves it past the CronJob's
// creation (stamped by the API server with the real time).
class CronJobTest : public ::testing::Test {
 protected:
  CronJobTest() : clock_(std::chrono::system_clock::now() - minutes(10)) {}

  std::unique_ptr<BatchFixture> start(ControllerOptions o = {}) { return std::make_unique<BatchFixture>(std::vector<std::string>{"cronjob"}, clock_, o); }

  // Creates the CronJob; returns the first scheduled minute after its creation.
  WallTime create(BatchFixture& f, const Json& cj) {
    Json made = f.cluster().create("batch", "v1", "cronjobs", cj);
    WallTime created = *parse_rfc3339(made["metadata"]["creationTimestamp"].get<std::string>());
    return std::chrono::floor<minutes>(created) + minutes(1);
  }

  void advance_to(WallTime t) { clock_.advance(t - clock_.now()); }

  static std::string job_name(const std::string& cj, WallTime scheduled) {
    return cj + "-" + std::to_string(std::chrono::floor<minutes>(scheduled.time_since_epoch()).count());
  }

  std::vector<Json> jobs(BatchFixture& f) {
    std::vector<Json> out;
    for (auto& j : f.cluster().list("batch", "v1", "jobs", "default"))
      if (!j["metadata"].contains("deletionTimestamp")) out.push_back(j);
    return out;
  }
  bool job_exists(BatchFixture& f, const std::string& name) {
    for (const auto& j : jobs(f))
      if (j["metadata"]["name"] == name) return true;
    return false;
  }
  Json cron(BatchFixture& f, const std::string& name) { return f.cluster().get("batch", "v1", "cronjobs", "default", name); }

  void finish_job(BatchFixture& f, const std::string& name, const std::string& type) {
    const auto& res = f.client().resource("batch", "v1", "jobs");
    auto job = f.client().get(res, "default", name);
    ASSERT_TRUE(job.ok());
    const std::string now = format_rfc3339(clock_.now());
    Json j = *job;
    j["status"]["startTime"] = now;
    const std::string interim = type == "Complete" ? "SuccessCriteriaMet" : "FailureTarget";
    j["status"]["conditions"] = {{{"type", interim}, {"status", "True"}, {"lastTransitionTime", now}},
                                 {{"type", type}, {"status", "True"}, {"lastTransitionTime", now}}};
    if (type == "Complete") {
      j["status"]["completionTime"] = now;
      j["status"]["succeeded"] = 1;
    } else {
      j["status"]["failed"] = 1;
    }
    ASSERT_TRUE(f.client().update(res, "default", j, "status").ok());
  }

  FakeClock clock_;
};

TEST_F(CronJobTest, CreatesAJobForEveryScheduledMinute) {
  auto f = start();
  WallTime first = create(*f, cron_job("tick"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(jobs(*f).empty()) << "nothing is due before the first minute";

  advance_to(first + seconds(5));
  f->poke("cronjobs", "tick");
  const std::string name = job_name("tick", first);
  ASSERT_TRUE(eventually([&] { return job_exists(*f, name); }));
  Json job = f->cluster().get("batch", "v1", "jobs", "default", name);
  Json cj = cron(*f, "tick");
  EXPECT_EQ(job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"], format_rfc3339(first));
  EXPECT_EQ(job["metadata"]["annotations"]["team"], "batch");
  EXPECT_EQ(job["metadata"]["labels"]["app"], "tick");
  EXPECT_EQ(job["metadata"]["ownerReferences"][0]["kind"], "CronJob");
  EXPECT_EQ(job["metadata"]["ownerReferences"][0]["uid"], cj["metadata"]["uid"]);
  EXPECT_EQ(job["metadata"]["ownerReferences"][0]["controller"], true);
  EXPECT_EQ(job["spec"]["template"]["spec"]["containers"][0]["image"], "busybox");
  ASSERT_TRUE(eventually([&] { return cron(*f, "tick")["status"].value("lastScheduleTime", "") == format_rfc3339(first); }));
  cj = cron(*f, "tick");
  ASSERT_EQ(cj["status"]["active"].size(), 1u);
  EXPECT_EQ(cj["status"]["active"][0]["name"], name);
  EXPECT_EQ(cj["status"]["active"][0]["kind"], "Job");
  EXPECT_EQ(cj["status"]["active"][0]["uid"], job["metadata"]["uid"]);
  EXPECT_TRUE(eventually([&] { return f->has_event("tick", "Normal SuccessfulCreate: Created job " + name); }));

  advance_to(first + minutes(1) + seconds(5));
  f->poke("cronjobs", "tick");
  ASSERT_TRUE(eventually([&] { return job_exists(*f, job_name("tick", first + minutes(1))); }));
  EXPECT_TRUE(eventually([&] { return cron(*f, "tick")["status"]["active"].size() == 2; })) << "Allow runs them side by side";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(jobs(*f).size(), 2u);
}

TEST_F(CronJobTest, NotesFinishedJobsAndKeepsOnlyTheHistoryLimit) {
  auto f = start();
  WallTime first = create(*f, cron_job("hist", {{"successfulJobsHistoryLimit", 1}}));
  for (int i = 0; i < 2; ++i) {
    const WallTime when = first + minutes(i);
    advance_to(when + seconds(5));
    f->poke("cronjobs", "hist");
    ASSERT_TRUE(eventually([&] { return job_exists(*f, job_name("hist", when)); }));
    ASSERT_TRUE(eventually([&] { return cron(*f, "hist")["status"].contains("active"); }));
    finish_job(*f, job_name("hist", when), "Complete");
    ASSERT_TRUE(eventually([&] { return !cron(*f, "hist")["status"].contains("active"); }));
    EXPECT_TRUE(eventually([&] {
      return f->has_event("hist", "Normal SawCompletedJob: Saw completed job: " + job_name("hist", when) +
                                      ", condition: Complete");
    }));
  }
  EXPECT_TRUE(eventually([&] { return jobs(*f).size() == 1 && job_exists(*f, job_name("hist", first + minutes(1))); }));
  EXPECT_TRUE(eventually(
      [&] { return f->has_event("hist", "Normal SuccessfulDelete: Deleted job " + job_name("hist", first)); }));
  EXPECT_FALSE(cron(*f, "hist")["status"].value("lastSuccessfulTime", "").empty());
}

TEST_F(CronJobTest, ForbidSkipsRunsWhileAJobIsActive) {
  auto f = start();
  WallTime first = create(*f, cron_job("solo", {{"concurrencyPolicy", "Forbid"}}));
  advance_to(first + seconds(5));
  f->poke("cronjobs", "solo");
  ASSERT_TRUE(eventually([&] { return cron(*f, "solo")["status"].contains("active"); }));
  advance_to(first + minutes(1) + seconds(5));
  f->poke("cronjobs", "solo");
  EXPECT_TRUE(eventually([&] {
    return f->has_event("solo",
                        "Normal JobAlreadyActive: Not starting job because prior execution is running and "
                        "concurrency policy is Forbid");
  }));
  EXPECT_EQ(jobs(*f).size(), 1u);
}

TEST_F(CronJobTest, ReplaceDeletesTheRunningJobForTheNewOne) {
  auto f = start();
  WallTime first = create(*f, cron_job("swap", {{"concurrencyPolicy", "Replace"}}));
  advance_to(first + seconds(5));
  f->poke("cronjobs", "swap");
  ASSERT_TRUE(eventually([&] { return cron(*f, "swap")["status"].contains("active"); }));
  advance_to(first + minutes(1) + seconds(5));
  f->poke("cronjobs", "swap");
  const std::string second = job_name("swap", first + minutes(1));
  ASSERT_TRUE(eventually([&] { return job_exists(*f, second) && !job_exists(*f, job_name("swap", first)); }));
  EXPECT_TRUE(eventually([&] {
    Json active = cron(*f, "swap")["status"]["active"];
    return active.size() == 1 && active[0]["name"] == second;
  }));
}

TEST_F(CronJobTest, SuspendedCronJobsStartNothing) {
  auto f = start();
  WallTime first = create(*f, cron_job("off", {{"suspend", true}}));
  advance_to(first + seconds(5));
  f->poke("cronjobs", "off");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(jobs(*f).empty());
}

TEST_F(CronJobTest, StartingDeadlineDropsRunsTooLateToStart) {
  auto f = start();
  WallTime first = create(*f, cron_job("late", {{"startingDeadlineSeconds", 10}}));
  advance_to(first + seconds(30));  // 20s past the deadline for the first run
  f->poke("cronjobs", "late");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(jobs(*f).empty());
  advance_to(first + minutes(1) + seconds(5));
  f->poke("cronjobs", "late");
  EXPECT_TRUE(eventually([&] { return job_exists(*f, job_name("late", first + minutes(1))); }));
  EXPECT_EQ(jobs(*f).size(), 1u);
}

TEST_F(CronJobTest, ManyMissedRunsStartOnlyTheLatestAndWarn) {
  auto f = start();
  WallTime first = create(*f, cron_job("behind"));
  advance_to(first + minutes(150) + seconds(5));
  f->poke("cronjobs", "behind");
  ASSERT_TRUE(eventually([&] { return job_exists(*f, job_name("behind", first + minutes(150))); }));
  EXPECT_EQ(jobs(*f).size(), 1u);
  EXPECT_TRUE(eventually([&] {
    return f->has_event("behind",
                        "Warning TooManyMissedTimes: too many missed start times. Set or decrease "
                        ".spec.startingDeadlineSeconds or check clock skew");
  }));
}

TEST_F(CronJobTest, TimeZoneSetsTheWallClockAndTheScheduledTimestampOffset) {
  auto f = start();
  WallTime first = create(*f, cron_job("ny", {{"timeZone", "America/New_York"}}));
  advance_to(first + seconds(5));
  f->poke("cronjobs", "ny");
  ASSERT_TRUE(eventually([&] { return job_exists(*f, job_name("ny", first)); }));
  Json job = f->cluster().get("batch", "v1", "jobs", "default", job_name("ny", first));
  const std::string stamp = job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"];
  ASSERT_EQ(stamp.size(), 25u) << stamp;
  EXPECT_TRUE(stamp.substr(19) == "-05:00" || stamp.substr(19) == "-04:00") << stamp;
  EXPECT_EQ(parse_rfc3339(stamp), first);
}

TEST_F(CronJobTest, InvalidTimeZonesAreReportedAndNeverRun) {
  auto f = start();
  WallTime first = create(*f, cron_job("mars", {{"timeZone", "Mars/Olympus"}}));
  advance_to(first + minutes(1));
  f->poke("cronjobs", "mars");
  EXPECT_TRUE(eventually([&] {
    return f->has_event("mars", "Warning UnknownTimeZone: invalid timeZone: \"Mars/Olympus\": unknown time zone Mars/Olympus");
  }));
  EXPECT_TRUE(jobs(*f).empty());
}

TEST_F(CronJobTest, ForgetsActiveJobsThatWentMissingAndFlagsUnexpectedOnes) {
  auto f = start();
  WallTime first = create(*f, cron_job("lost"));
  advance_to(first + seconds(5));
  f->poke("cronjobs", "lost");
  const std::string name = job_name("lost", first);
  ASSERT_TRUE(eventually([&] { return cron(*f, "lost")["status"].contains("active"); }));
  const auto& res = f->client().resource("batch", "v1", "jobs");
  ASSERT_TRUE(f->client().remove(res, "default", name).ok());
  EXPECT_TRUE(eventually([&] { return !cron(*f, "lost")["status"].contains("active"); }));
  EXPECT_TRUE(eventually([&] { return f->has_event("lost", "Normal MissingJob: Active job went missing: " + name); }));

  Json stray = {{"apiVersion", "batch/v1"},
                {"kind", "Job"},
                {"metadata",
                 {{"name", "stray"},
                  {"namespace", "default"},
                  {"ownerReferences",
                   {{{"apiVersion", "batch/v1"},
                     {"kind", "CronJob"},
                     {"name", "lost"},
                     {"uid", cron(*f, "lost")["metadata"]["uid"]},
                     {"controller", true}}}}}},
                {"spec", cron_job("lost")["spec"]["jobTemplate"]["spec"]}};
  f->cluster().create("batch", "v1", "jobs", stray);
  EXPECT_TRUE(eventually([&] {
    return f->has_event("lost", "Warning UnexpectedJob: Saw a job that the controller did not create or forgot: stray");
  }));
}

}  // namespace
}  // namespace skiff::controllers

// The pod state machine alone, on a made-up timeline: back-off doubling and capping, restart
// policies, readiness delays.
#include <gtest/gtest.h>

#include "agent/sim/sim_annotations.h"
#include "agent/sim/sim_pod.h"

namespace skiff::agent::sim {
namespace {

using namespace std::chrono_literals;

const WallTime kT0 = WallTime{} + std::chrono::hours(24 * 365 * 50);

Json pod_with(const std::string& run_seconds, const std::string& code, const std::string& policy) {
  Json pod = {{"metadata", {{"name", "p"}, {"namespace", "default"}, {"uid", "u1"}, {"annotations", Json::object()}}},
              {"spec", {{"restartPolicy", policy}, {"containers", Json::array({{{"name", "c"}, {"image", "i"}}})}}}};
  if (!run_seconds.empty()) pod["metadata"]["annotations"][kRunSecondsAnnotation] = run_seconds;
  if (!code.empty()) pod["metadata"]["annotations"][kExitCodeAnnotation] = code;
  return pod;
}

SimPodState fresh() {
  SimPodState s;
  s.uid = "u1";
  s.seen = kT0;
  return s;
}

TEST(SimPodTest, CrashLoopBackOffDoublesUpToTheMaximum) {
  SimPodTimings t;
  t.backoff_base = 10s;
  t.backoff_max = 40s;
  Json pod = pod_with("1", "1", "Always");
  SimPodState s = fresh();
  // Run 1 ends at 1 s: back-off 10 s; run 2 at 11-12 s: 20 s; run 3 at 32-33: 40 s; run 4 at 73-74: 40 s (cap).
  EXPECT_EQ(advance_sim_pod(s, pod, t, kT0 + 1s), kT0 + 11s);
  EXPECT_EQ(s.stage, SimPodState::Stage::kBackingOff);
  EXPECT_EQ(s.restart_count, 1);
  EXPECT_EQ(advance_sim_pod(s, pod, t, kT0 + 12s), kT0 + 32s);
  EXPECT_EQ(s.restart_count, 2);
  EXPECT_EQ(advance_sim_pod(s, pod, t, kT0 + 33s), kT0 + 73s);
  EXPECT_EQ(advance_sim_pod(s, pod, t, kT0 + 74s), kT0 + 114s);
  EXPECT_EQ(s.restart_count, 4);
  ASSERT_TRUE(s.last.has_value());
  EXPECT_EQ(s.last->exit_code, 1);
  EXPECT_EQ(s.last->started, kT0 + 73s);
  EXPECT_EQ(s.last->finished, kT0 + 74s);
}

// Runs of 1 s that exit cleanly still back off (1 s here) before each restart, as the kubelet's do.
TEST(SimPodTest, CatchesUpOnSeveralRunsAtOnce) {
  SimPodTimings t;
  t.backoff_base = 1s;
  t.backoff_max = 1s;
  Json pod = pod_with("1", "", "Always");
  SimPodState s = fresh();
  // Runs 0-1, 2-3, 4-5 and 6-7 s, with a back-off between each.
  EXPECT_EQ(advance_sim_pod(s, pod, t, kT0 + 6500ms), kT0 + 7s);
  EXPECT_EQ(s.restart_count, 3);
  EXPECT_EQ(s.stage, SimPodState::Stage::kRunning);
  EXPECT_EQ(s.run_started, kT0 + 6s);
}

TEST(SimPodTest, WithoutRunSecondsContainersRunForever) {
  SimPodTimings t;
  SimPodState s = fresh();
  EXPECT_EQ(advance_sim_pod(s, pod_with("", "", "Never"), t, kT0 + 1000s), std::nullopt);
  EXPECT_EQ(s.stage, SimPodState::Stage::kRunning);
}

TEST(SimPodTest, NeverAndOnFailureFinishWithTheExitCodesPhase) {
  SimPodTimings t;
  SimPodState never = fresh();
  advance_sim_pod(never, pod_with("1", "4", "Never"), t, kT0 + 2s);
  Json status = render_sim_pod_status(never, pod_with("1", "4", "Never"), "10.200.0.1", t, kT0 + 2s);
  EXPECT_EQ(status["phase"], "Failed");
  EXPECT_EQ(status["containerStatuses"][0]["state"]["terminated"]["exitCode"], 4);

  SimPodState on_failure = fresh();
  advance_sim_pod(on_failure, pod_with("1", "0", "OnFailure"), t, kT0 + 2s);
  EXPECT_EQ(render_sim_pod_status(on_failure, pod_with("1", "0", "OnFailure"), "10.200.0.1", t, kT0 + 2s)["phase"],
            "Succeeded");
}

TEST(SimPodTest, TransitionTimesMoveOnlyOnChange) {
  SimPodTimings t;
  t.default_readiness_delay = 5s;
  Json pod = pod_with("", "", "Always");
  SimPodState s = fresh();
  EXPECT_EQ(advance_sim_pod(s, pod, t, kT0), kT0 + 5s);
  Json first = render_sim_pod_status(s, pod, "h", t, kT0 + 1s);
  Json again = render_sim_pod_status(s, pod, "h", t, kT0 + 2s);
  EXPECT_EQ(first, again);  // nothing changed: no new write
  Json ready = render_sim_pod_status(s, pod, "h", t, kT0 + 6s);
  EXPECT_NE(first, ready);
  EXPECT_EQ(ready["containerStatuses"][0]["ready"], true);
}

}  // namespace
}  // namespace skiff::agent::sim

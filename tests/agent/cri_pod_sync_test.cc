// A pod worker's passes against an in-memory CRI: what it creates, starts, restarts and stops.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "agent/cri/pod_labels.h"
#include "agent/cri/pod_sync.h"
#include "cri_fake_runtime.h"
#include "util/encoding.h"

namespace skiff::agent::cri {
namespace {

using namespace std::chrono_literals;
constexpr int64_t kSecond = 1000000000;
using test_doubles::FakeCri;

class PodSyncTest : public ::testing::Test {
 protected:
  PodSyncTest() : clock_(WallTime() + std::chrono::hours(500000)), cri_(clock_), context_{cri_} {
    context_.clock = &clock_;
    context_.sandbox.log_root = "/nonexistent-skiff-test-logs";
    context_.env.get = [](const std::string&, const std::string&, const std::string& name) -> Result<Json> {
      return Error::not_found(name);
    };
    context_.record = [this](const Json&, const std::string&, const std::string& reason, const std::string& message) {
      events_.emplace_back(reason, message);
    };
    context_.sleep = [this](std::chrono::milliseconds d) { slept_.push_back(d); };
  }

  // A pod whose container has these lifecycle hooks.
  Json pod_with_hooks(const std::string& restart_policy, Json lifecycle) {
    Json p = pod(restart_policy);
    p["spec"]["terminationGracePeriodSeconds"] = 30;
    p["spec"]["containers"][0]["lifecycle"] = std::move(lifecycle);
    return p;
  }

  std::vector<std::string> event_messages(const std::string& reason) const {
    std::vector<std::string> out;
    for (const auto& [r, message] : events_)
      if (r == reason) out.push_back(message);
    return out;
  }

  Json pod(const std::string& restart_policy, Json init = Json::array()) {
    Json p = {{"metadata", {{"name", "p"}, {"namespace", "default"}, {"uid", "uid-1"}}},
              {"spec", {{"restartPolicy", restart_policy},
                        {"containers", Json::array({{{"name", "main"}, {"image", "busybox:1"}}})}}}};
    if (!init.empty()) p["spec"]["initContainers"] = init;
    return p;
  }

  Json sync(PodSyncState& state, const Json& p) {
    auto outcome = sync_pod(context_, state, p);
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    last_recheck_ = outcome.ok() ? outcome->recheck_after : std::nullopt;
    return outcome.ok() ? outcome->status : Json();
  }

  FakeClock clock_;
  FakeCri cri_;
  PodSyncContext context_;
  std::optional<std::chrono::milliseconds> last_recheck_;
  std::vector<std::pair<std::string, std::string>> events_;  // (reason, message)
  std::vector<std::chrono::milliseconds> slept_;
};

TEST_F(PodSyncTest, FirstPassRunsTheSandboxPullsAndStartsTheContainer) {
  PodSyncState state(context_);
  Json status = sync(state, pod("Always"));
  EXPECT_EQ(cri_.calls, (std::vector<std::string>{"run_pod_sandbox", "pull_image busybox:1", "create_container main-0",
                                                  "start_container main-0"}));
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["podIP"], "10.0.0.2");
  EXPECT_EQ(cri_.sandboxes.begin()->second.labels.at(kPodUidLabel), "uid-1");
}

TEST_F(PodSyncTest, ANewWorkerAdoptsWhatRunsInsteadOfRecreatingIt) {
  PodSyncState first(context_);
  sync(first, pod("Always"));
  cri_.calls.clear();
  PodSyncState after_restart(context_);
  Json status = sync(after_restart, pod("Always"));
  EXPECT_TRUE(cri_.calls.empty()) << cri_.calls.front();
  EXPECT_EQ(status["containerStatuses"][0]["containerID"], "containerd://main-0");
}

TEST_F(PodSyncTest, CrashRestartsAtOnceThenBacksOff) {
  PodSyncState state(context_);
  sync(state, pod("Always"));
  clock_.advance(2s);
  cri_.exit("main-0", 1);
  sync(state, pod("Always"));
  EXPECT_EQ(cri_.containers.at("main-1").state, ContainerState::kRunning);  // first restart: immediate

  clock_.advance(1s);
  cri_.exit("main-1", 1);
  Json status = sync(state, pod("Always"));
  EXPECT_EQ(cri_.containers.count("main-2"), 0u);
  EXPECT_EQ(status["containerStatuses"][0]["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(status["containerStatuses"][0]["restartCount"], 1);
  ASSERT_TRUE(last_recheck_.has_value());
  EXPECT_LE(*last_recheck_, 10s);

  clock_.advance(10s);
  sync(state, pod("Always"));
  EXPECT_EQ(cri_.containers.at("main-2").state, ContainerState::kRunning);
  EXPECT_EQ(cri_.containers.count("main-0"), 0u) << "attempts older than the previous one are removed";
}

TEST_F(PodSyncTest, OnFailureDoesNotRestartASuccessfulContainer) {
  PodSyncState state(context_);
  sync(state, pod("OnFailure"));
  cri_.exit("main-0", 0);
  Json status = sync(state, pod("OnFailure"));
  EXPECT_EQ(cri_.containers.size(), 1u);
  EXPECT_EQ(status["phase"], "Succeeded");
  EXPECT_EQ(cri_.sandboxes.begin()->second.state, SandboxState::kNotReady) << "a finished pod's sandbox stops";
}

TEST_F(PodSyncTest, InitContainersRunOneAtATimeBeforeTheApp) {
  Json p = pod("Always", Json::array({{{"name", "first"}, {"image", "busybox:1"}}, {{"name", "second"}, {"image", "busybox:1"}}}));
  PodSyncState state(context_);
  sync(state, p);
  EXPECT_EQ(cri_.containers.count("first-0"), 1u);
  EXPECT_EQ(cri_.containers.count("second-0"), 0u);
  sync(state, p);  // still running: nothing new
  EXPECT_EQ(cri_.containers.count("second-0"), 0u);
  cri_.exit("first-0", 0);
  sync(state, p);
  EXPECT_EQ(cri_.containers.count("second-0"), 1u);
  EXPECT_EQ(cri_.containers.count("main-0"), 0u);
  cri_.exit("second-0", 0);
  Json status = sync(state, p);
  EXPECT_EQ(cri_.containers.at("main-0").state, ContainerState::kRunning);
  EXPECT_EQ(status["phase"], "Running");
}

TEST_F(PodSyncTest, ImagePullPolicies) {
  Json never = pod("Always");
  never["spec"]["containers"][0]["imagePullPolicy"] = "Never";
  PodSyncState a(context_);
  EXPECT_EQ(sync(a, never)["containerStatuses"][0]["state"]["waiting"]["reason"], "ErrImageNeverPull");

  cri_.images.insert("busybox:1");
  cri_.calls.clear();
  PodSyncState b(context_);
  sync(b, pod("Always"));  // busybox:1 defaults to IfNotPresent: present, no pull
  EXPECT_EQ(std::count(cri_.calls.begin(), cri_.calls.end(), "pull_image busybox:1"), 0);
}

TEST_F(PodSyncTest, FailedPullIsErrImagePullThenImagePullBackOff) {
  cri_.pull_fails = true;
  PodSyncState state(context_);
  Json first = sync(state, pod("Always"));
  EXPECT_EQ(first["containerStatuses"][0]["state"]["waiting"]["reason"], "ErrImagePull");
  // A sync soon after (a relist noticing the sandbox) still shows the pull error...
  clock_.advance(1s);
  Json soon = sync(state, pod("Always"));
  EXPECT_EQ(soon["containerStatuses"][0]["state"]["waiting"]["reason"], "ErrImagePull");
  // ...and from half the 10 s wait on, the back-off.
  clock_.advance(4s);
  Json second = sync(state, pod("Always"));
  EXPECT_EQ(second["containerStatuses"][0]["state"]["waiting"]["reason"], "ImagePullBackOff");
  EXPECT_EQ(std::count(cri_.calls.begin(), cri_.calls.end(), "pull_image busybox:1"), 1);
  clock_.advance(5s);
  cri_.pull_fails = false;
  Json third = sync(state, pod("Always"));
  EXPECT_EQ(third["phase"], "Running");
}

TEST_F(PodSyncTest, TerminateStopsContainersThenRemovesTheSandbox) {
  PodSyncState state(context_);
  sync(state, pod("Always"));
  cri_.calls.clear();
  ASSERT_TRUE(terminate_pod_by_uid(context_, "uid-1", 30s).ok());
  EXPECT_EQ(cri_.calls, (std::vector<std::string>{"stop_container main-0", "stop_pod_sandbox", "remove_pod_sandbox"}));
  EXPECT_TRUE(cri_.sandboxes.empty());
  EXPECT_TRUE(cri_.containers.empty());
}

TEST_F(PodSyncTest, PostStartHookRunsRightAfterTheContainerStarts) {
  PodSyncState state(context_);
  Json status = sync(state, pod_with_hooks("Always", {{"postStart", {{"exec", {{"command", {"sh", "-c", "date > /t"}}}}}}}));
  auto started = std::find(cri_.calls.begin(), cri_.calls.end(), "start_container main-0");
  ASSERT_NE(started, cri_.calls.end());
  ASSERT_NE(started + 1, cri_.calls.end());
  EXPECT_EQ(*(started + 1), "exec_sync main-0 sh -c date > /t");
  EXPECT_EQ(cri_.last_exec_timeout, 120s) << "the kubelet sets no deadline; a pass gets one";
  EXPECT_TRUE(status["containerStatuses"][0]["state"].contains("running"));
  EXPECT_TRUE(event_messages("FailedPostStartHook").empty());
}

TEST_F(PodSyncTest, FailedPostStartHookKillsTheContainerWhichRestartsByItsPolicy) {
  cri_.on_exec = [](const std::string&, const std::vector<std::string>&) -> Result<ExecSyncResult> {
    return ExecSyncResult{"not ready\n", "", 1};
  };
  PodSyncState state(context_);
  Json p = pod_with_hooks("Always", {{"postStart", {{"exec", {{"command", {"sh", "-c", "exit 1"}}}}}}});
  Json status = sync(state, p);
  EXPECT_EQ(cri_.calls.back(), "stop_container main-0");
  EXPECT_EQ(cri_.stop_timeouts.at("main-0"), 30s);
  ASSERT_EQ(event_messages("FailedPostStartHook").size(), 1u);
  EXPECT_EQ(event_messages("FailedPostStartHook")[0],
            "Exec lifecycle hook ([sh -c exit 1]) for Container \"main\" in Pod \"p_default(uid-1)\" failed - error: "
            "command exited with 1: not ready\n");
  EXPECT_EQ(event_messages("Killing"), std::vector<std::string>{"FailedPostStartHook"});
  const Json& cs = status["containerStatuses"][0];
  EXPECT_EQ(cs["state"]["waiting"]["reason"], "PostStartHookError") << cs.dump();
  EXPECT_EQ(cs["lastState"]["terminated"]["exitCode"], 143);

  cri_.on_exec = nullptr;  // the hook passes on the next attempt
  status = sync(state, p);
  EXPECT_TRUE(cri_.containers.count("main-1"));
  EXPECT_TRUE(status["containerStatuses"][0]["state"].contains("running")) << status.dump();
}

TEST_F(PodSyncTest, FailedPostStartHookWithRestartPolicyNeverFailsThePod) {
  cri_.on_exec = [](const std::string&, const std::vector<std::string>&) -> Result<ExecSyncResult> {
    return Error::internal("container is not running");
  };
  PodSyncState state(context_);
  Json status = sync(state, pod_with_hooks("Never", {{"postStart", {{"exec", {{"command", {"false"}}}}}}}));
  EXPECT_TRUE(status["containerStatuses"][0]["state"].contains("terminated")) << status.dump();
  EXPECT_EQ(status["phase"], "Failed");
}

TEST_F(PodSyncTest, TcpSocketHooksFailAsInKubernetes) {
  PodSyncState state(context_);
  sync(state, pod_with_hooks("Always", {{"postStart", {{"tcpSocket", {{"port", 80}}}}}}));
  ASSERT_EQ(event_messages("FailedPostStartHook").size(), 1u);
  EXPECT_EQ(event_messages("FailedPostStartHook")[0].rfind("Cannot run handler: invalid handler: tcpSocket", 0), 0u)
      << event_messages("FailedPostStartHook")[0];
}

TEST_F(PodSyncTest, TerminationRunsThePreStopHookThenStopsWithinTheGracePeriod) {
  PodSyncState state(context_);
  Json p = pod_with_hooks("Always", {{"preStop", {{"exec", {{"command", {"nginx", "-s", "quit"}}}}}}});
  sync(state, p);
  cri_.calls.clear();
  ASSERT_TRUE(terminate_pod(context_, p, 20s).ok());
  EXPECT_EQ(cri_.calls, (std::vector<std::string>{"exec_sync main-0 nginx -s quit", "stop_container main-0",
                                                  "stop_pod_sandbox", "remove_pod_sandbox"}));
  EXPECT_EQ(cri_.last_exec_timeout, 20s);
  EXPECT_EQ(cri_.stop_timeouts.at("main-0"), 20s);  // what the (instant) hook left of the grace
}

TEST_F(PodSyncTest, FailedPreStopHookIsAnEventAndTheContainerStillStops) {
  cri_.on_exec = [](const std::string&, const std::vector<std::string>&) -> Result<ExecSyncResult> {
    return ExecSyncResult{"", "no such file\n", 127};
  };
  PodSyncState state(context_);
  Json p = pod_with_hooks("Always", {{"preStop", {{"exec", {{"command", {"/drain"}}}}}}});
  sync(state, p);
  ASSERT_TRUE(kill_container(context_, p, "main", "main-0", 30s).ok());
  EXPECT_EQ(cri_.containers.at("main-0").state, ContainerState::kExited);
  ASSERT_EQ(event_messages("FailedPreStopHook").size(), 1u);
  EXPECT_NE(event_messages("FailedPreStopHook")[0].find("Exec lifecycle hook ([/drain]) for Container \"main\""),
            std::string::npos);
}

TEST_F(PodSyncTest, SleepPreStopHookEndsWithTheGracePeriod) {
  PodSyncState state(context_);
  Json p = pod_with_hooks("Always", {{"preStop", {{"sleep", {{"seconds", 60}}}}}});
  sync(state, p);
  ASSERT_TRUE(terminate_pod(context_, p, 5s).ok());
  EXPECT_EQ(slept_, std::vector<std::chrono::milliseconds>{5000ms});
  EXPECT_TRUE(event_messages("FailedPreStopHook").empty());
}

TEST_F(PodSyncTest, NoPreStopHookWithoutAGracePeriod) {
  PodSyncState state(context_);
  Json p = pod_with_hooks("Always", {{"preStop", {{"exec", {{"command", {"/drain"}}}}}}});
  sync(state, p);
  cri_.calls.clear();
  ASSERT_TRUE(terminate_pod(context_, p, 0s).ok());
  EXPECT_EQ(cri_.calls.front(), "stop_container main-0");
}

TEST_F(PodSyncTest, ImagePullSecretsCredentialsAreTriedInTurnForTheImagesRegistry) {
  Json secret = {{"type", "kubernetes.io/dockerconfigjson"},
                 {"data", {{".dockerconfigjson",
                            base64_encode(Json{{"auths", {{"registry.local:5000/team", {{"username", "team"}, {"password", "old"}}},
                                                          {"registry.local:5000", {{"username", "all"}, {"password", "new"}}}}}}
                                              .dump())}}}};
  context_.env.get = [&](const std::string& resource, const std::string&, const std::string& name) -> Result<Json> {
    if (resource == "secrets" && name == "regcred") return secret;
    return Error::not_found(name);
  };
  cri_.on_pull = [](const std::optional<AuthConfig>& auth) -> Status {
    if (auth && auth->password == "new") return ok_status();
    return Error::internal("401 Unauthorized");
  };
  Json p = pod("Always");
  p["spec"]["containers"][0]["image"] = "registry.local:5000/team/app:1";
  p["spec"]["imagePullSecrets"] = Json::array({{{"name", "gone"}}, {{"name", "regcred"}}});
  PodSyncState state(context_);
  Json status = sync(state, p);
  ASSERT_EQ(cri_.pull_auths.size(), 2u);
  EXPECT_EQ(cri_.pull_auths[0]->username, "team");
  EXPECT_EQ(cri_.pull_auths[1]->username, "all");
  EXPECT_TRUE(status["containerStatuses"][0]["state"].contains("running")) << status.dump();
  EXPECT_EQ(event_messages("FailedToRetrieveImagePullSecret"),
            std::vector<std::string>{
                "Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed."});
}

TEST_F(PodSyncTest, ImagesOfOtherRegistriesPullWithoutCredentials) {
  Json p = pod("Always");
  p["spec"]["imagePullSecrets"] = Json::array({{{"name", "gone"}}});
  PodSyncState state(context_);
  sync(state, p);
  ASSERT_EQ(cri_.pull_auths.size(), 1u);
  EXPECT_FALSE(cri_.pull_auths[0].has_value());
}

}  // namespace
}  // namespace skiff::agent::cri

// Pod status from CRI observations (pure), and container environments from a lookup.
#include <gtest/gtest.h>

#include "agent/cri/container_env.h"
#include "agent/cri/pod_status.h"
#include "util/encoding.h"

namespace skiff::agent::cri {
namespace {

constexpr int64_t kSecond = 1000000000;
const WallTime kNow = from_unix_nanos(1700000000 * kSecond);

Json pod(const std::string& restart_policy, Json init = Json::array()) {
  Json p = {{"metadata", {{"name", "p"}, {"namespace", "default"}, {"uid", "u"}}},
            {"spec", {{"restartPolicy", restart_policy}, {"containers", Json::array({{{"name", "main"}, {"image", "busybox"}}})}}},
            {"status", {{"phase", "Pending"},
                        {"conditions", Json::array({{{"type", "PodScheduled"}, {"status", "True"}}})}}}};
  if (!init.empty()) p["spec"]["initContainers"] = init;
  return p;
}

ContainerStatus container(const std::string& name, uint32_t attempt, ContainerState state, int exit_code = 0) {
  ContainerStatus s;
  s.id = name + "-" + std::to_string(attempt);
  s.metadata = {name, attempt};
  s.state = state;
  s.created_at = (1700000000 - 100 + attempt) * kSecond;
  s.started_at = s.created_at + kSecond;
  if (state == ContainerState::kExited) s.finished_at = s.started_at + kSecond;
  s.exit_code = exit_code;
  s.image_ref = "busybox@sha256:feed";
  return s;
}

PodObservation observed(std::vector<ContainerStatus> statuses) {
  PodObservation obs;
  PodSandboxStatus sandbox;
  sandbox.id = "sb";
  sandbox.state = SandboxState::kReady;
  sandbox.ip = "10.1.0.5";
  obs.sandbox = sandbox;
  obs.containers = group_containers(std::move(statuses));
  return obs;
}

std::string condition(const Json& status, const std::string& type) {
  for (const auto& c : status["conditions"])
    if (c["type"] == type) return c["status"];
  return "";
}

TEST(PodStatusTest, RunningContainerMakesThePodRunningAndReady) {
  Json s = render_pod_status(pod("Always"), observed({container("main", 0, ContainerState::kRunning)}), "192.0.2.1", kNow);
  EXPECT_EQ(s["phase"], "Running");
  EXPECT_EQ(s["podIP"], "10.1.0.5");
  EXPECT_EQ(s["hostIP"], "192.0.2.1");
  EXPECT_EQ(s["qosClass"], "BestEffort");
  const Json& cs = s["containerStatuses"][0];
  EXPECT_TRUE(cs["state"].contains("running"));
  EXPECT_EQ(cs["ready"], true);
  EXPECT_EQ(cs["started"], true);
  EXPECT_EQ(cs["containerID"], "containerd://main-0");
  EXPECT_EQ(cs["imageID"], "busybox@sha256:feed");
  EXPECT_EQ(condition(s, "Ready"), "True");
  EXPECT_EQ(condition(s, "ContainersReady"), "True");
  EXPECT_EQ(condition(s, "Initialized"), "True");
  EXPECT_EQ(condition(s, "PodScheduled"), "True");
}

TEST(PodStatusTest, CrashLoopShowsTheWaitAndTheLastRun) {
  PodObservation obs = observed({container("main", 0, ContainerState::kExited, 3), container("main", 2, ContainerState::kExited, 3),
                                 container("main", 1, ContainerState::kExited, 3)});
  obs.waiting["main"] = {"CrashLoopBackOff", "back-off 20s"};
  Json s = render_pod_status(pod("Always"), obs, "h", kNow);
  const Json& cs = s["containerStatuses"][0];
  EXPECT_EQ(cs["restartCount"], 2);
  EXPECT_EQ(cs["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(cs["lastState"]["terminated"]["exitCode"], 3);
  EXPECT_EQ(cs["lastState"]["terminated"]["reason"], "Error");
  EXPECT_EQ(cs["lastState"]["terminated"]["containerID"], "containerd://main-2");
  EXPECT_EQ(s["phase"], "Running");
  EXPECT_EQ(condition(s, "Ready"), "False");
}

TEST(PodStatusTest, ExitZeroWithRestartNeverSucceedsWithReasonCompleted) {
  Json p = pod("Never");
  PodObservation obs = observed({container("main", 0, ContainerState::kExited, 0)});
  EXPECT_TRUE(pod_finished(p, obs));
  Json s = render_pod_status(p, obs, "h", kNow);
  EXPECT_EQ(s["phase"], "Succeeded");
  EXPECT_EQ(s["containerStatuses"][0]["state"]["terminated"]["reason"], "Completed");
}

TEST(PodStatusTest, FailureWithRestartOnFailureKeepsRunningButNeverFails) {
  PodObservation obs = observed({container("main", 0, ContainerState::kExited, 1)});
  EXPECT_FALSE(pod_finished(pod("OnFailure"), obs));
  EXPECT_TRUE(should_restart(pod("OnFailure"), 1));
  EXPECT_FALSE(should_restart(pod("OnFailure"), 0));
  EXPECT_TRUE(pod_finished(pod("Never"), obs));
  EXPECT_EQ(render_pod_status(pod("Never"), obs, "h", kNow)["phase"], "Failed");
}

TEST(PodStatusTest, OomKilledReasonComesFromTheRuntime) {
  ContainerStatus oom = container("main", 0, ContainerState::kExited, 137);
  oom.reason = "OOMKilled";
  Json s = render_pod_status(pod("Never"), observed({oom}), "h", kNow);
  EXPECT_EQ(s["containerStatuses"][0]["state"]["terminated"]["reason"], "OOMKilled");
}

TEST(PodStatusTest, InitContainersGateInitializedAndAppContainersWaitInPodInitializing) {
  Json p = pod("Always", Json::array({{{"name", "init"}, {"image", "busybox"}}}));
  Json s = render_pod_status(p, observed({container("init", 0, ContainerState::kRunning)}), "h", kNow);
  EXPECT_EQ(s["phase"], "Pending");
  EXPECT_EQ(condition(s, "Initialized"), "False");
  EXPECT_EQ(s["containerStatuses"][0]["state"]["waiting"]["reason"], "PodInitializing");
  EXPECT_TRUE(s["initContainerStatuses"][0]["state"].contains("running"));

  Json done = render_pod_status(
      p, observed({container("init", 0, ContainerState::kExited, 0), container("main", 0, ContainerState::kRunning)}), "h",
      kNow);
  EXPECT_EQ(done["phase"], "Running");
  EXPECT_EQ(condition(done, "Initialized"), "True");
  EXPECT_EQ(done["initContainerStatuses"][0]["ready"], true);
}

TEST(PodStatusTest, ImagePullErrorsKeepThePodPending) {
  PodObservation obs = observed({});
  obs.waiting["main"] = {"ErrImagePull", "not found"};
  Json s = render_pod_status(pod("Always"), obs, "h", kNow);
  EXPECT_EQ(s["phase"], "Pending");
  EXPECT_EQ(s["containerStatuses"][0]["state"]["waiting"]["reason"], "ErrImagePull");
  EXPECT_EQ(s["containerStatuses"][0]["state"]["waiting"]["message"], "not found");
}

TEST(PodStatusTest, ConditionTransitionTimesMoveOnlyOnChange) {
  Json p = pod("Always");
  p["status"]["conditions"].push_back({{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", "2020-01-01T00:00:00Z"}});
  Json s = render_pod_status(p, observed({container("main", 0, ContainerState::kRunning)}), "h", kNow);
  for (const auto& c : s["conditions"])
    if (c["type"] == "Ready") EXPECT_EQ(c["lastTransitionTime"], "2020-01-01T00:00:00Z");
  Json down = render_pod_status(p, observed({container("main", 0, ContainerState::kExited, 1)}), "h", kNow);
  for (const auto& c : down["conditions"])
    if (c["type"] == "Ready") EXPECT_EQ(c["lastTransitionTime"], format_rfc3339(kNow));
}

TEST(PodStatusTest, TerminalPhaseNeverGoesBack) {
  Json p = pod("Never");
  p["status"]["phase"] = "Succeeded";
  EXPECT_EQ(render_pod_status(p, observed({}), "h", kNow)["phase"], "Succeeded");
}

// ---- environment ----

EnvContext lookup() {
  EnvContext context;
  context.node_name = "node-1";
  context.host_ip = "192.0.2.1";
  context.pod_ips = {"10.1.0.5"};
  context.get = [](const std::string& resource, const std::string& ns, const std::string& name) -> Result<Json> {
    if (resource == "configmaps" && ns == "default" && name == "settings")
      return Json{{"data", {{"color", "blue"}, {"size", "L"}}}};
    if (resource == "secrets" && ns == "default" && name == "creds")
      return Json{{"data", {{"password", base64_encode("s3cret")}}}};
    return Error::not_found(resource + " " + name + " not found");
  };
  return context;
}

TEST(ContainerEnvTest, ResolvesValuesReferencesAndEnvFromInOrder) {
  Json p = pod("Always");
  Json c = {{"name", "main"},
            {"envFrom", Json::array({{{"configMapRef", {{"name", "settings"}}}, {"prefix", "CM_"}}})},
            {"env", Json::array({{{"name", "PASSWORD"}, {"valueFrom", {{"secretKeyRef", {{"name", "creds"}, {"key", "password"}}}}}},
                                 {{"name", "POD"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
                                 {{"name", "IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.podIP"}}}}}},
                                 {{"name", "NODE"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nodeName"}}}}}},
                                 {{"name", "BOTH"}, {"value", "$(CM_color)/$(PASSWORD)/$(LATER)"}},
                                 {{"name", "LATER"}, {"value", "x"}}})}};
  auto env = resolve_env(p, c, lookup());
  ASSERT_TRUE(env.ok()) << env.error().message;
  EnvList expected = {{"CM_color", "blue"}, {"CM_size", "L"},      {"PASSWORD", "s3cret"}, {"POD", "p"},
                      {"IP", "10.1.0.5"},   {"NODE", "node-1"},    {"BOTH", "blue/s3cret/$(LATER)"},
                      {"LATER", "x"}};
  EXPECT_EQ(*env, expected);
}

TEST(ContainerEnvTest, MissingObjectsAndKeysAreConfigErrorsUnlessOptional) {
  Json p = pod("Always");
  Json missing_map = {{"name", "main"}, {"env", Json::array({{{"name", "X"}, {"valueFrom", {{"configMapKeyRef", {{"name", "absent"}, {"key", "k"}}}}}}})}};
  auto a = resolve_env(p, missing_map, lookup());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().reason, "CreateContainerConfigError");
  EXPECT_EQ(a.error().message, "configmap \"absent\" not found");

  Json missing_key = {{"name", "main"}, {"env", Json::array({{{"name", "X"}, {"valueFrom", {{"configMapKeyRef", {{"name", "settings"}, {"key", "nope"}}}}}}})}};
  auto b = resolve_env(p, missing_key, lookup());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "couldn't find key nope in ConfigMap default/settings");

  Json optional = {{"name", "main"},
                   {"env", Json::array({{{"name", "X"}, {"valueFrom", {{"secretKeyRef", {{"name", "absent"}, {"key", "k"}, {"optional", true}}}}}}})}};
  auto c = resolve_env(p, optional, lookup());
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->empty());
}

TEST(ContainerEnvTest, ResourceFieldRefRoundsUpToTheDivisor) {
  Json c = {{"name", "main"},
            {"resources", {{"limits", {{"cpu", "1500m"}, {"memory", "64Mi"}}}}},
            {"env", Json::array({{{"name", "CPU"}, {"valueFrom", {{"resourceFieldRef", {{"resource", "limits.cpu"}}}}}},
                                 {{"name", "MEM"}, {"valueFrom", {{"resourceFieldRef", {{"resource", "limits.memory"}, {"divisor", "1Mi"}}}}}}})}};
  auto env = resolve_env(pod("Always"), c, lookup());
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(*env, (EnvList{{"CPU", "2"}, {"MEM", "64"}}));
}

}  // namespace
}  // namespace skiff::agent::cri

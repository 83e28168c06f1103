// Pod -> CRI configuration (pure): $(VAR) expansion, QoS, resources, sandbox and container configs.
#include <gtest/gtest.h>

#include "agent/cri/crash_backoff.h"
#include "agent/cri/pod_labels.h"
#include "agent/cri/pod_spec.h"

namespace skiff::agent::cri {
namespace {

using namespace std::chrono_literals;

Json pod_with(Json containers, Json extra_spec = Json::object()) {
  Json pod = {{"metadata", {{"name", "web"}, {"namespace", "prod"}, {"uid", "u-1"}, {"labels", {{"app", "web"}}}}},
              {"spec", {{"containers", containers}}}};
  for (const auto& [k, v] : extra_spec.items()) pod["spec"][k] = v;
  return pod;
}

TEST(ExpandVarsTest, ReplacesDefinedVariablesAndKeepsTheRest) {
  EnvList env = {{"A", "1"}, {"B", "two"}};
  EXPECT_EQ(expand_vars("$(A)-$(B)", env), "1-two");
  EXPECT_EQ(expand_vars("$(UNDEFINED)", env), "$(UNDEFINED)");
  EXPECT_EQ(expand_vars("$$(A)", env), "$(A)");
  EXPECT_EQ(expand_vars("cost $5 $(A", env), "cost $5 $(A");
  EXPECT_EQ(expand_vars("trailing $", env), "trailing $");
}

TEST(QosClassTest, FollowsRequestsAndLimits) {
  EXPECT_EQ(qos_class(pod_with(Json::array({{{"name", "c"}}}))), "BestEffort");
  EXPECT_EQ(qos_class(pod_with(Json::array(
                {{{"name", "c"}, {"resources", {{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}}}}))),
            "Guaranteed");
  EXPECT_EQ(qos_class(pod_with(Json::array(
                {{{"name", "c"},
                  {"resources", {{"requests", {{"cpu", "500m"}}}, {"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}}}}))),
            "Burstable");
}

TEST(ContainerResourcesTest, MapsCpuAndMemoryAsTheKubelet) {
  Json c = {{"name", "c"}, {"resources", {{"requests", {{"cpu", "250m"}, {"memory", "256Mi"}}},
                                          {"limits", {{"cpu", "500m"}, {"memory", "512Mi"}}}}}};
  LinuxResources r = container_resources(pod_with(Json::array({c})), c, int64_t{1} << 30);
  EXPECT_EQ(r.cpu_shares, 256);
  EXPECT_EQ(r.cpu_period, 100000);
  EXPECT_EQ(r.cpu_quota, 50000);
  EXPECT_EQ(r.memory_limit_in_bytes, 512 * 1024 * 1024);
  EXPECT_EQ(r.oom_score_adj, 1000 - 250);  // Burstable: 1000 - 1000*request/capacity

  Json none = {{"name", "c"}};
  LinuxResources best_effort = container_resources(pod_with(Json::array({none})), none, int64_t{1} << 30);
  EXPECT_EQ(best_effort.cpu_shares, 2);
  EXPECT_EQ(best_effort.cpu_quota, 0);
  EXPECT_EQ(best_effort.oom_score_adj, 1000);
}

TEST(SandboxConfigTest, CarriesIdentityLabelsLogDirectoryAndHostPorts) {
  Json c = {{"name", "c"}, {"ports", Json::array({{{"containerPort", 80}, {"hostPort", 8080}, {"protocol", "UDP"}},
                                                  {{"containerPort", 81}}})}};
  PodSandboxConfig s = sandbox_config_for(pod_with(Json::array({c})), 2, {"/logs", 0});
  EXPECT_EQ(s.metadata.name, "web");
  EXPECT_EQ(s.metadata.namespace_name, "prod");
  EXPECT_EQ(s.metadata.uid, "u-1");
  EXPECT_EQ(s.metadata.attempt, 2u);
  EXPECT_EQ(s.hostname, "web");
  EXPECT_EQ(s.log_directory, "/logs/prod_web_u-1");
  EXPECT_EQ(s.labels.at("app"), "web");
  EXPECT_EQ(s.labels.at(kPodUidLabel), "u-1");
  ASSERT_EQ(s.port_mappings.size(), 1u);
  EXPECT_EQ(s.port_mappings[0].host_port, 8080);
  EXPECT_EQ(s.port_mappings[0].protocol, Protocol::kUdp);
  EXPECT_FALSE(s.dns.has_value());
}

TEST(SandboxConfigTest, HostNetworkPodsHaveNoHostnameAndUseTheNodeNamespace) {
  PodSandboxConfig s = sandbox_config_for(pod_with(Json::array({{{"name", "c"}}}), {{"hostNetwork", true}}), 0, {});
  EXPECT_EQ(s.namespaces.network, NamespaceMode::kNode);
  EXPECT_TRUE(s.hostname.empty());
}

TEST(SandboxConfigTest, DnsPolicyNoneUsesTheDnsConfig) {
  Json spec = {{"dnsPolicy", "None"},
               {"dnsConfig", {{"nameservers", {"1.2.3.4"}}, {"searches", {"a.local"}},
                              {"options", Json::array({{{"name", "ndots"}, {"value", "2"}}})}}}};
  PodSandboxConfig s = sandbox_config_for(pod_with(Json::array({{{"name", "c"}}}), spec), 0, {});
  ASSERT_TRUE(s.dns.has_value());
  EXPECT_EQ(s.dns->servers, std::vector<std::string>{"1.2.3.4"});
  EXPECT_EQ(s.dns->searches, std::vector<std::string>{"a.local"});
  EXPECT_EQ(s.dns->options, std::vector<std::string>{"ndots:2"});
}

TEST(ContainerConfigTest, ExpandsCommandAndArgsAndLabelsTheContainer) {
  Json c = {{"name", "main"},
            {"image", "busybox"},
            {"command", {"sh", "-c"}},
            {"args", {"echo $(GREETING) $(MISSING)"}},
            {"workingDir", "/tmp"},
            {"securityContext", {{"runAsUser", 1000}, {"capabilities", {{"add", {"NET_ADMIN"}}}}}}};
  ContainerConfig config =
      container_config_for(pod_with(Json::array({c})), c, {{"GREETING", "hi"}}, "sha256:abc", 3, 0);
  EXPECT_EQ(config.args, std::vector<std::string>{"echo hi $(MISSING)"});
  EXPECT_EQ(config.command, (std::vector<std::string>{"sh", "-c"}));
  EXPECT_EQ(config.working_dir, "/tmp");
  EXPECT_EQ(config.image, "sha256:abc");
  EXPECT_EQ(config.metadata.attempt, 3u);
  EXPECT_EQ(config.log_path, "main/3.log");
  EXPECT_EQ(config.labels.at(kContainerNameLabel), "main");
  EXPECT_EQ(config.labels.at(kPodUidLabel), "u-1");
  EXPECT_EQ(config.security.run_as_user, 1000);
  EXPECT_EQ(config.security.add_capabilities, std::vector<std::string>{"NET_ADMIN"});
  EXPECT_EQ(config.security.namespaces.pid, NamespaceMode::kContainer);
}

TEST(ImagePullPolicyTest, DefaultsByTag) {
  EXPECT_EQ(image_pull_policy({{"image", "busybox"}}), "Always");
  EXPECT_EQ(image_pull_policy({{"image", "busybox:latest"}}), "Always");
  EXPECT_EQ(image_pull_policy({{"image", "busybox:1.36"}}), "IfNotPresent");
  EXPECT_EQ(image_pull_policy({{"image", "127.0.0.1:5000/busybox"}}), "Always");
  EXPECT_EQ(image_pull_policy({{"image", "busybox@sha256:00"}}), "IfNotPresent");
  EXPECT_EQ(image_pull_policy({{"image", "busybox"}, {"imagePullPolicy", "Never"}}), "Never");
}

TEST(CrashBackoffTest, FirstRestartIsImmediateThenDoublesToTheCap) {
  CrashBackoff backoff(10s, 40s);
  WallTime t0 = WallTime() + std::chrono::hours(1000);
  EXPECT_FALSE(backoff.remaining("c", t0, t0).has_value());
  backoff.started("c", t0);
  EXPECT_EQ(backoff.current("c"), 10s);
  EXPECT_EQ(backoff.remaining("c", t0 + 1s, t0 + 4s), 7s);
  EXPECT_FALSE(backoff.remaining("c", t0 + 1s, t0 + 11s).has_value());
  backoff.started("c", t0 + 11s);
  EXPECT_EQ(backoff.current("c"), 20s);
  backoff.started("c", t0 + 40s);
  backoff.started("c", t0 + 90s);
  EXPECT_EQ(backoff.current("c"), 40s);
  // Quiet for twice the cap: back to the start.
  backoff.started("c", t0 + 90s + 81s);
  EXPECT_EQ(backoff.current("c"), 10s);
}

}  // namespace
}  // namespace skiff::agent::cri

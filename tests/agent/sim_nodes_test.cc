// Simulated nodes against an in-process cluster: registration, heartbeats, the virtual life of
// bound pods (readiness, exits per restartPolicy, crash-loop back-off), graceful deletion and
// simulated node failures.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "agent/sim/sim_annotations.h"
#include "agent/sim/sim_node_runtime.h"
#include "support/test_cluster.h"

namespace skiff::agent::sim {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

SimNodeOptions fast_options(int nodes) {
  SimNodeOptions o;
  o.nodes = nodes;
  o.lease_renew_interval = 100ms;
  o.status_report_interval = 500ms;
  o.crash_backoff_base = 300ms;
  return o;
}

class SimNodesTest : public ::testing::Test {
 protected:
  void start(SimNodeOptions options) {
    sim_ = std::make_unique<SimNodeRuntime>(cluster_.client(), std::move(options));
    ASSERT_TRUE(sim_->start().ok());
    ASSERT_TRUE(eventually([&] { return sim_->all_registered(); }));
  }
  void TearDown() override {
    if (sim_) sim_->stop();
  }

  Json node(const std::string& name) { return cluster_.get("", "v1", "nodes", "", name); }
  Json pod(const std::string& name) { return cluster_.get("", "v1", "pods", "default", name); }
  bool pod_exists(const std::string& name) {
    auto& c = cluster_.client();
    return c.get(c.resource("", "v1", "pods"), "default", name).ok();
  }
  std::string phase(const std::string& name) { return pod(name)["status"].value("phase", ""); }

  // Creates a pod with one container (and optional extras merged into it) and binds it to node.
  Json run_pod(const std::string& name, const std::string& node_name, const Json& annotations = Json::object(),
               const Json& spec_extra = Json::object()) {
    Json spec = {{"containers", Json::array({{{"name", "app"}, {"image", "nginx:1.27"}}})}};
    spec.update(spec_extra);
    Json created = cluster_.create(
        "", "v1", "pods",
        {{"apiVersion", "v1"},
         {"kind", "Pod"},
         {"metadata", {{"name", name}, {"namespace", "default"}, {"annotations", annotations}}},
         {"spec", spec}});
    bind(name, node_name);
    return created;
  }
  void bind(const std::string& pod_name, const std::string& node_name) {
    auto& c = cluster_.client();
    auto bound = c.create_subresource(c.resource("", "v1", "pods"), "default", pod_name, "binding",
                                      {{"apiVersion", "v1"},
                                       {"kind", "Binding"},
                                       {"metadata", {{"name", pod_name}}},
                                       {"target", {{"kind", "Node"}, {"name", node_name}}}});
    ASSERT_TRUE(bound.ok()) << bound.error().message;
  }
  void annotate_node(const std::string& name, const std::string& key, const Json& value) {
    auto& c = cluster_.client();
    Json patch = {{"metadata", {{"annotations", {{key, value}}}}}};
    auto patched = c.patch(c.resource("", "v1", "nodes"), "", name, client::PatchType::kMerge, patch.dump());
    ASSERT_TRUE(patched.ok()) << patched.error().message;
  }
  std::string renew_time(const std::string& node_name) {
    return cluster_.get("coordination.k8s.io", "v1", "leases", "kube-node-lease", node_name)["spec"].value(
        "renewTime", "");
  }
  // obj must outlive the returned pointer.
  static const Json* condition(const Json& obj, const std::string& type) {
    const Json* conditions = find_path(obj, "status.conditions");
    if (!conditions || !conditions->is_array()) return nullptr;
    for (const auto& c : *conditions)
      if (c.value("type", "") == type) return &c;
    return nullptr;
  }
  static std::string condition_status(const Json& obj, const std::string& type) {
    const Json* c = condition(obj, type);
    return c ? c->value("status", "") : "";
  }
  Json first_container_status(const std::string& name) {
    Json p = pod(name);
    auto statuses = p["status"].value("containerStatuses", Json::array());
    return statuses.empty() ? Json::object() : statuses[0];
  }

  testing::TestCluster cluster_;
  std::unique_ptr<SimNodeRuntime> sim_;
};

TEST_F(SimNodesTest, RegistersNodesWithLabelsCapacityAndStatus) {
  start(fast_options(3));
  EXPECT_EQ(sim_->node_names(), (std::vector<std::string>{"sim-0", "sim-1", "sim-2"}));
  const char* zones[] = {"zone-a", "zone-b", "zone-c"};
  for (int i = 0; i < 3; ++i) {
    Json n = node("sim-" + std::to_string(i));
    const Json& labels = n["metadata"]["labels"];
    EXPECT_EQ(labels["kubernetes.io/hostname"], "sim-" + std::to_string(i));
    EXPECT_EQ(labels["kubernetes.io/os"], "linux");
    EXPECT_EQ(labels["kubernetes.io/arch"], "amd64");
    EXPECT_EQ(labels["node.kubernetes.io/instance-type"], "sim");
    EXPECT_EQ(labels["topology.kubernetes.io/zone"], zones[i]);
    EXPECT_EQ(labels["topology.kubernetes.io/region"], "sim-region");
    EXPECT_EQ(n["metadata"]["annotations"][kSimulatedAnnotation], "true");
    EXPECT_EQ(n["spec"]["podCIDR"], "10.42." + std::to_string(i) + ".0/24");
    EXPECT_EQ(n["spec"]["podCIDRs"], Json::array({"10.42." + std::to_string(i) + ".0/24"}));
  }
  Json n = node("sim-0");
  const Json& status = n["status"];
  EXPECT_EQ(status["capacity"]["cpu"], "4");
  EXPECT_EQ(status["capacity"]["memory"], "16Gi");
  EXPECT_EQ(status["capacity"]["pods"], "110");
  EXPECT_EQ(status["capacity"]["ephemeral-storage"], "100Gi");
  EXPECT_EQ(status["allocatable"], status["capacity"]);
  EXPECT_EQ(status["nodeInfo"]["kubeletVersion"], "v1.33.0-skiff-sim");
  EXPECT_EQ(status["nodeInfo"]["containerRuntimeVersion"], "sim://1");
  EXPECT_EQ(status["nodeInfo"]["osImage"], "Skiff simulated node");
  EXPECT_EQ(status["addresses"][0], (Json{{"type", "InternalIP"}, {"address", "10.200.0.1"}}));
  EXPECT_EQ(status["addresses"][1], (Json{{"type", "Hostname"}, {"address", "sim-0"}}));
  EXPECT_EQ(status["daemonEndpoints"]["kubeletEndpoint"]["Port"], 10250);
  EXPECT_EQ(condition_status(n, "Ready"), "True");
  for (const char* type : {"MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"})
    EXPECT_EQ(condition_status(n, type), "False") << type;
  EXPECT_TRUE(condition(n, "Ready")->contains("lastHeartbeatTime"));
}

TEST_F(SimNodesTest, OptionsSetNamesCapacityZonesRolesAndTaints) {
  SimNodeOptions o = fast_options(2);
  o.name_prefix = "hollow-";
  o.cpu = "8";
  o.memory = "32Gi";
  o.pods = "20";
  o.zones = {"east", "west"};
  o.roles = {"worker"};
  o.taints = Json::array({{{"key", "dedicated"}, {"value", "sim"}, {"effect", "NoSchedule"}}});
  start(o);
  Json n = node("hollow-1");
  EXPECT_EQ(n["metadata"]["labels"]["topology.kubernetes.io/zone"], "west");
  EXPECT_EQ(n["metadata"]["labels"]["node-role.kubernetes.io/worker"], "");
  EXPECT_EQ(n["status"]["capacity"]["cpu"], "8");
  EXPECT_EQ(n["status"]["allocatable"]["memory"], "32Gi");
  EXPECT_EQ(n["status"]["capacity"]["pods"], "20");
  EXPECT_EQ(n["spec"]["taints"][0]["key"], "dedicated");
  EXPECT_EQ(n["spec"]["taints"][0]["effect"], "NoSchedule");
}

TEST_F(SimNodesTest, HeartbeatsRenewTheNodeLease) {
  start(fast_options(1));
  Json lease = cluster_.get("coordination.k8s.io", "v1", "leases", "kube-node-lease", "sim-0");
  EXPECT_EQ(lease["spec"]["holderIdentity"], "sim-0");
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 40);
  EXPECT_EQ(lease["metadata"]["ownerReferences"][0]["kind"], "Node");
  std::string first = lease["spec"].value("renewTime", "");
  ASSERT_FALSE(first.empty());
  EXPECT_TRUE(eventually([&] { return renew_time("sim-0") != first; }, 3s));
}

TEST_F(SimNodesTest, NodeStatusIsReportedPeriodically) {
  start(fast_options(1));
  std::string first = condition(node("sim-0"), "Ready")->value("lastHeartbeatTime", "");
  // Heartbeat times have second precision; the report period is 500 ms.
  EXPECT_TRUE(eventually([&] { return condition(node("sim-0"), "Ready")->value("lastHeartbeatTime", "") != first; },
                         5s));
}

TEST_F(SimNodesTest, BoundPodRunsWithIpsContainerStatusesAndConditions) {
  start(fast_options(2));
  Json spec_extra = {{"initContainers", Json::array({{{"name", "setup"}, {"image", "busybox"}}})}};
  Json created = run_pod("web", "sim-1", Json::object(), spec_extra);
  std::string uid = created["metadata"]["uid"];
  ASSERT_TRUE(eventually([&] { return condition_status(pod("web"), "Ready") == "True"; }));
  Json p = pod("web");
  const Json& s = p["status"];
  EXPECT_EQ(s["phase"], "Running");
  EXPECT_EQ(s["hostIP"], "10.200.0.2");
  EXPECT_EQ(s["hostIPs"][0]["ip"], "10.200.0.2");
  std::string ip = s.value("podIP", "");
  EXPECT_EQ(ip.rfind("10.42.1.", 0), 0u) << ip;
  EXPECT_EQ(s["podIPs"][0]["ip"], ip);
  EXPECT_TRUE(s.contains("startTime"));
  const Json& c = s["containerStatuses"][0];
  EXPECT_EQ(c["name"], "app");
  EXPECT_EQ(c["image"], "nginx:1.27");
  EXPECT_EQ(c["imageID"], "sim://nginx:1.27");
  EXPECT_EQ(c["containerID"], "sim://" + uid + "-app");
  EXPECT_EQ(c["ready"], true);
  EXPECT_EQ(c["started"], true);
  EXPECT_EQ(c["restartCount"], 0);
  EXPECT_TRUE(c["state"]["running"].contains("startedAt"));
  const Json& init = s["initContainerStatuses"][0];
  EXPECT_EQ(init["name"], "setup");
  EXPECT_EQ(init["state"]["terminated"]["reason"], "Completed");
  EXPECT_EQ(init["state"]["terminated"]["exitCode"], 0);
  for (const char* type : {"PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready", "PodScheduled"})
    EXPECT_EQ(condition_status(p, type), "True") << type;
}

TEST_F(SimNodesTest, PodsOnOneNodeGetDistinctIps) {
  start(fast_options(1));
  run_pod("a", "sim-0");
  run_pod("b", "sim-0");
  ASSERT_TRUE(eventually([&] { return phase("a") == "Running" && phase("b") == "Running"; }));
  EXPECT_NE(pod("a")["status"]["podIP"], pod("b")["status"]["podIP"]);
}

TEST_F(SimNodesTest, ReadinessWaitsForTheProbesInitialDelay) {
  start(fast_options(1));
  Json spec_extra = {{"containers", Json::array({{{"name", "app"},
                                                  {"image", "nginx"},
                                                  {"readinessProbe",
                                                   {{"initialDelaySeconds", 1},
                                                    {"httpGet", {{"path", "/"}, {"port", 80}}}}}}})}};
  run_pod("slow", "sim-0", Json::object(), spec_extra);
  ASSERT_TRUE(eventually([&] { return phase("slow") == "Running"; }));
  Json p = pod("slow");
  EXPECT_EQ(condition_status(p, "Ready"), "False");
  EXPECT_EQ(condition(p, "Ready")->value("reason", ""), "ContainersNotReady");
  EXPECT_EQ(p["status"]["containerStatuses"][0]["ready"], false);
  EXPECT_TRUE(eventually([&] { return condition_status(pod("slow"), "Ready") == "True"; }, 5s));
}

TEST_F(SimNodesTest, StartDelayKeepsPodPendingFirst) {
  SimNodeOptions o = fast_options(1);
  o.pod_start_delay = 1500ms;
  start(o);
  run_pod("later", "sim-0");
  ASSERT_TRUE(eventually([&] { return pod("later")["status"].contains("containerStatuses"); }));
  Json p = pod("later");
  EXPECT_EQ(p["status"]["phase"], "Pending");
  EXPECT_EQ(p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"], "ContainerCreating");
  EXPECT_TRUE(eventually([&] { return phase("later") == "Running"; }, 5s));
}

TEST_F(SimNodesTest, RestartNeverExitZeroSucceeds) {
  start(fast_options(1));
  run_pod("job", "sim-0", {{kRunSecondsAnnotation, "0.3"}}, {{"restartPolicy", "Never"}});
  ASSERT_TRUE(eventually([&] { return phase("job") == "Succeeded"; }));
  Json c = first_container_status("job");
  EXPECT_EQ(c["state"]["terminated"]["exitCode"], 0);
  EXPECT_EQ(c["state"]["terminated"]["reason"], "Completed");
  EXPECT_TRUE(c["state"]["terminated"].contains("finishedAt"));
  EXPECT_EQ(c["restartCount"], 0);
  EXPECT_EQ(condition(pod("job"), "Ready")->value("reason", ""), "PodCompleted");
}

TEST_F(SimNodesTest, RestartNeverNonZeroExitFails) {
  start(fast_options(1));
  run_pod("bad", "sim-0", {{kRunSecondsAnnotation, "0.2"}, {kExitCodeAnnotation, "3"}}, {{"restartPolicy", "Never"}});
  ASSERT_TRUE(eventually([&] { return phase("bad") == "Failed"; }));
  Json c = first_container_status("bad");
  EXPECT_EQ(c["state"]["terminated"]["exitCode"], 3);
  EXPECT_EQ(c["state"]["terminated"]["reason"], "Error");
}

TEST_F(SimNodesTest, RestartOnFailureExitZeroSucceeds) {
  start(fast_options(1));
  run_pod("once", "sim-0", {{kRunSecondsAnnotation, "0.2"}}, {{"restartPolicy", "OnFailure"}});
  ASSERT_TRUE(eventually([&] { return phase("once") == "Succeeded"; }));
  EXPECT_EQ(first_container_status("once")["restartCount"], 0);
}

TEST_F(SimNodesTest, RestartOnFailureNonZeroExitRestartsWithBackoff) {
  start(fast_options(1));
  run_pod("flaky", "sim-0", {{kRunSecondsAnnotation, "0.2"}, {kExitCodeAnnotation, "2"}},
          {{"restartPolicy", "OnFailure"}});
  bool saw_backoff = false;
  ASSERT_TRUE(eventually([&] {
    Json c = first_container_status("flaky");
    if (c.contains("state") && c["state"].contains("waiting") &&
        c["state"]["waiting"].value("reason", "") == "CrashLoopBackOff")
      saw_backoff = true;
    return c.value("restartCount", 0) >= 2;
  }));
  EXPECT_TRUE(saw_backoff);
  EXPECT_EQ(phase("flaky"), "Running");
  Json c = first_container_status("flaky");
  EXPECT_EQ(c["lastState"]["terminated"]["exitCode"], 2);
  EXPECT_EQ(c["lastState"]["terminated"]["reason"], "Error");
}

// A container that exits cleanly under restartPolicy Always is restarted with a back-off, as the
// kubelet does (Completed, then CrashLoopBackOff); the pod stays Running.
TEST_F(SimNodesTest, RestartAlwaysExitZeroRestartsWithBackOff) {
  SimNodeOptions o = fast_options(1);
  o.crash_backoff_base = 1s;
  start(o);
  run_pod("loop", "sim-0", {{kRunSecondsAnnotation, "0.2"}});
  ASSERT_TRUE(eventually([&] {
    Json c = first_container_status("loop");
    return c.contains("state") && c["state"].contains("waiting");
  }));
  Json c = first_container_status("loop");
  EXPECT_EQ(c["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(c["lastState"]["terminated"]["reason"], "Completed");
  EXPECT_EQ(c["restartCount"], 1);
  EXPECT_EQ(phase("loop"), "Running");
  ASSERT_TRUE(eventually([&] { return first_container_status("loop").value("restartCount", 0) >= 2; }));
}

TEST_F(SimNodesTest, RestartAlwaysNonZeroExitCrashLoops) {
  SimNodeOptions o = fast_options(1);
  o.crash_backoff_base = 2s;
  start(o);
  run_pod("crash", "sim-0", {{kRunSecondsAnnotation, "0.2"}, {kExitCodeAnnotation, "1"}});
  ASSERT_TRUE(eventually([&] {
    Json c = first_container_status("crash");
    return c.contains("state") && c["state"].contains("waiting");
  }));
  Json c = first_container_status("crash");
  EXPECT_EQ(c["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(c["restartCount"], 1);
  EXPECT_EQ(c["ready"], false);
  EXPECT_EQ(c["lastState"]["terminated"]["exitCode"], 1);
  EXPECT_EQ(condition_status(pod("crash"), "Ready"), "False");
  // After the 2 s back-off it runs again.
  EXPECT_TRUE(eventually([&] { return first_container_status("crash")["state"].contains("running"); }, 5s));
}

TEST_F(SimNodesTest, DeletedPodIsRemovedAfterItsContainersStop) {
  start(fast_options(1));
  run_pod("gone", "sim-0");
  ASSERT_TRUE(eventually([&] { return phase("gone") == "Running"; }));
  auto& c = cluster_.client();
  auto removed = c.remove(c.resource("", "v1", "pods"), "default", "gone");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE((*removed)["metadata"].contains("deletionTimestamp"));  // graceful: bound to a node
  EXPECT_TRUE(eventually([&] { return !pod_exists("gone"); }, 5s));
}

// A pod a finalizer keeps after its containers stopped shows them stopped: not ready, and a
// terminal phase, as the kubelet leaves it.
TEST_F(SimNodesTest, DeletedPodHeldByAFinalizerShowsItsContainersStopped) {
  SimNodeOptions o = fast_options(1);
  o.max_termination_grace = 300ms;
  start(o);
  run_pod("held", "sim-0");
  ASSERT_TRUE(eventually([&] { return phase("held") == "Running"; }));
  auto& c = cluster_.client();
  const auto& pods = c.resource("", "v1", "pods");
  ASSERT_TRUE(c.patch(pods, "default", "held", client::PatchType::kMerge,
                      R"({"metadata":{"finalizers":["test.skiff.dev/hold"]}})").ok());
  ASSERT_TRUE(c.remove(pods, "default", "held").ok());
  ASSERT_TRUE(eventually([&] { return phase("held") == "Succeeded"; }, 5s));
  EXPECT_EQ(first_container_status("held")["ready"], false);
  EXPECT_TRUE(first_container_status("held")["state"].contains("terminated"));
  ASSERT_TRUE(c.patch(pods, "default", "held", client::PatchType::kMerge, R"({"metadata":{"finalizers":null}})").ok());
  EXPECT_TRUE(eventually([&] { return !pod_exists("held"); }, 5s));
}

TEST_F(SimNodesTest, DeletionWaitsForTheGracePeriodUpToTheCap) {
  SimNodeOptions o = fast_options(1);
  o.max_termination_grace = 1500ms;
  start(o);
  run_pod("slowstop", "sim-0");
  ASSERT_TRUE(eventually([&] { return phase("slowstop") == "Running"; }));
  auto& c = cluster_.client();
  auto deleted_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.remove(c.resource("", "v1", "pods"), "default", "slowstop").ok());
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(pod_exists("slowstop"));  // its 30 s grace period, capped at 1.5 s, has not passed
  EXPECT_TRUE(eventually([&] { return !pod_exists("slowstop"); }, 5s));
  EXPECT_GE(std::chrono::steady_clock::now() - deleted_at, 1400ms);
}

TEST_F(SimNodesTest, DownNodeStopsHeartbeatsAndPodsUntilBroughtBack) {
  start(fast_options(2));
  annotate_node("sim-0", kDownAnnotation, "true");
  std::this_thread::sleep_for(300ms);  // a renewal in flight may still land
  std::string frozen = renew_time("sim-0");
  run_pod("waiting", "sim-0");
  run_pod("elsewhere", "sim-1");
  ASSERT_TRUE(eventually([&] { return phase("elsewhere") == "Running"; }));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(renew_time("sim-0"), frozen);
  EXPECT_EQ(phase("waiting"), "Pending");
  EXPECT_FALSE(pod("waiting")["status"].contains("podIP"));

  annotate_node("sim-0", kDownAnnotation, nullptr);
  EXPECT_TRUE(eventually([&] { return renew_time("sim-0") != frozen; }, 3s));
  EXPECT_TRUE(eventually([&] { return phase("waiting") == "Running"; }, 3s));
  EXPECT_EQ(condition_status(node("sim-0"), "Ready"), "True");
}

TEST_F(SimNodesTest, NodeMarkedNotReadyWhileUpReportsReadyAgain) {
  start(fast_options(1));
  auto& c = cluster_.client();
  Json n = node("sim-0");
  for (auto& cond : n["status"]["conditions"])
    if (cond["type"] == "Ready") cond["status"] = "Unknown";
  ASSERT_TRUE(c.update(c.resource("", "v1", "nodes"), "", n, "status").ok());
  EXPECT_TRUE(eventually([&] { return condition_status(node("sim-0"), "Ready") == "True"; }, 3s));
}

TEST_F(SimNodesTest, PodsOfOtherNodesAreLeftAlone) {
  start(fast_options(1));
  cluster_.create("", "v1", "nodes", {{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "real-0"}}}});
  run_pod("foreign", "real-0");
  run_pod("mine", "sim-0");
  ASSERT_TRUE(eventually([&] { return phase("mine") == "Running"; }));
  EXPECT_EQ(phase("foreign"), "Pending");
  EXPECT_FALSE(pod("foreign")["status"].contains("containerStatuses"));
}

TEST_F(SimNodesTest, EventsAreRecordedWhenEnabled) {
  SimNodeOptions o = fast_options(1);
  o.record_events = true;
  start(o);
  run_pod("noisy", "sim-0");
  auto reasons = [&] {
    std::set<std::string> out;
    for (const auto& e : cluster_.list("", "v1", "events", "default"))
      if (e["involvedObject"].value("name", "") == "noisy") out.insert(e.value("reason", ""));
    return out;
  };
  EXPECT_TRUE(eventually([&] {
    auto r = reasons();
    return r.count("Pulled") && r.count("Created") && r.count("Started");
  }));
  // Each node speaks for itself, as a kubelet does (kubectl's SOURCE column: "kubelet, sim-0").
  for (const auto& e : cluster_.list("", "v1", "events", "default")) {
    if (e["involvedObject"].value("name", "") != "noisy") continue;
    EXPECT_EQ(e["source"]["component"], "kubelet");
    EXPECT_EQ(e["source"]["host"], "sim-0");
    EXPECT_EQ(e["reportingInstance"], "sim-0");
  }
}

}  // namespace
}  // namespace skiff::agent::sim

#include <gtest/gtest.h>

#include "controllers/controller.h"
#include "support/test_cluster.h"

namespace skiff::controllers {
namespace {

using namespace std::chrono_literals;
using skiff::testing::eventually;

// podgc over a test cluster, on a fake clock (for the quarantine of missing nodes).
class PodGCTest : public ::testing::Test {
 protected:
  void start(int threshold = 12500) {
    ControllerOptions options;
    options.terminated_pod_gc_threshold = threshold;
    options.pod_gc_check_period = 20ms;
    ctx_ = std::make_unique<ControllerContext>(ControllerContext{cluster_.client(), factory_, clock_, options});
    auto made = make_controllers(*ctx_, {"podgc"});
    ASSERT_TRUE(made.ok());
    controllers_ = std::move(*made);
    factory_.start();
    ASSERT_TRUE(factory_.wait_for_sync(10s));
    for (auto& c : controllers_) c->run();
  }
  void TearDown() override {
    for (auto& c : controllers_) c->stop();
    factory_.stop();
  }

  const api::ResourceInfo& pods() { return cluster_.client().resource("", "v1", "pods"); }

  Json pod(const std::string& name, const std::string& node = "", bool keep = false) {
    Json p = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "busybox"}}})}}}};
    if (!node.empty()) p["spec"]["nodeName"] = node;
    // A finalizer keeps the pod readable after podgc deleted it.
    if (keep) p["metadata"]["finalizers"] = Json::array({"test.skiff.dev/keep"});
    return cluster_.create("", "v1", "pods", p);
  }

  void set_status(const std::string& name, Json status) {
    Json p = cluster_.get("", "v1", "pods", "default", name);
    p["status"] = std::move(status);
    ASSERT_TRUE(cluster_.client().update(pods(), "default", p, "status").ok());
  }

  void node(const std::string& name, bool ready, bool out_of_service) {
    Json n = {{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", name}}}, {"spec", Json::object()}};
    if (out_of_service)
      n["spec"]["taints"] = Json::array({{{"key", "node.kubernetes.io/out-of-service"}, {"effect", "NoExecute"}}});
    n = cluster_.create("", "v1", "nodes", n);
    n["status"] = {{"conditions", Json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}};
    ASSERT_TRUE(cluster_.client().update(cluster_.client().resource("", "v1", "nodes"), "", n, "status").ok());
  }

  bool exists(const std::string& name) { return cluster_.client().get(pods(), "default", name).ok(); }
  bool deleted_and_failed(const std::string& name) {
    auto p = cluster_.client().get(pods(), "default", name);
    return p.ok() && p->at("metadata").contains("deletionTimestamp") && find_path(*p, "status.phase") &&
           (*p)["status"]["phase"] == "Failed";
  }

  testing::TestCluster cluster_;
  client::InformerFactory factory_{cluster_.client()};
  FakeClock clock_{SystemClock::instance().now()};
  std::unique_ptr<ControllerContext> ctx_;
  std::vector<std::unique_ptr<Controller>> controllers_;
};

TEST_F(PodGCTest, DeletesTerminatedPodsAboveTheThresholdEvictedThenOldestFirst) {
  for (std::string name : {"a", "b", "c", "d", "running"}) pod(name);
  for (std::string name : {"a", "b", "c"}) set_status(name, {{"phase", "Succeeded"}});
  set_status("d", {{"phase", "Failed"}, {"reason", "Evicted"}});
  set_status("running", {{"phase", "Running"}});
  start(/*threshold=*/2);
  ASSERT_TRUE(eventually([&] { return !exists("d") && !exists("a"); }));
  std::this_thread::sleep_for(200ms);  // several more passes change nothing
  EXPECT_TRUE(exists("b"));
  EXPECT_TRUE(exists("c"));
  EXPECT_TRUE(exists("running"));
}

TEST_F(PodGCTest, ThresholdZeroKeepsEveryTerminatedPod) {
  pod("done");
  set_status("done", {{"phase", "Succeeded"}});
  start(/*threshold=*/0);
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(exists("done"));
}

TEST_F(PodGCTest, DeletesPodsOfAMissingNodeOnlyAfterTheQuarantine) {
  node("alive", true, false);
  pod("orphan", "vanished", /*keep=*/true);
  set_status("orphan", {{"phase", "Running"}});
  pod("placed", "alive");
  start();
  std::this_thread::sleep_for(200ms);
  clock_.advance(30s);
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(cluster_.get("", "v1", "pods", "default", "orphan")["metadata"].contains("deletionTimestamp"))
      << "still in quarantine";
  clock_.advance(11s);
  ASSERT_TRUE(eventually([&] { return deleted_and_failed("orphan"); }));
  Json orphan = cluster_.get("", "v1", "pods", "default", "orphan");
  bool marked = false;
  for (const auto& c : orphan["status"]["conditions"])
    marked |= c["type"] == "DisruptionTarget" && c["status"] == "True" && c["reason"] == "DeletionByPodGC" &&
              c["message"] == "PodGC: node no longer exists";
  EXPECT_TRUE(marked) << orphan["status"].dump();
  EXPECT_FALSE(cluster_.get("", "v1", "pods", "default", "placed")["metadata"].contains("deletionTimestamp"));
}

TEST_F(PodGCTest, ANodeThatReturnsWithinTheQuarantineKeepsItsPods) {
  pod("p", "late", /*keep=*/true);
  start();
  std::this_thread::sleep_for(100ms);
  clock_.advance(30s);
  node("late", true, false);
  std::this_thread::sleep_for(100ms);
  clock_.advance(30s);
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(cluster_.get("", "v1", "pods", "default", "p")["metadata"].contains("deletionTimestamp"));
}

TEST_F(PodGCTest, ForceDeletesTerminatingPodsOnOutOfServiceNotReadyNodes) {
  node("broken", false, true);
  node("notready", false, false);
  pod("on-broken", "broken", true);
  pod("on-notready", "notready", true);
  set_status("on-broken", {{"phase", "Running"}});
  set_status("on-notready", {{"phase", "Running"}});
  ASSERT_TRUE(cluster_.client().remove(pods(), "default", "on-broken").ok());
  ASSERT_TRUE(cluster_.client().remove(pods(), "default", "on-notready").ok());
  start();
  EXPECT_TRUE(eventually([&] { return deleted_and_failed("on-broken"); }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(cluster_.get("", "v1", "pods", "default", "on-notready")["status"]["phase"], "Running")
      << "a NotReady node without the out-of-service taint may come back";
}

TEST_F(PodGCTest, ForceDeletesUnscheduledTerminatingPods) {
  pod("pending", "", /*keep=*/true);
  ASSERT_TRUE(cluster_.client().remove(pods(), "default", "pending").ok());
  start();
  EXPECT_TRUE(eventually([&] { return deleted_and_failed("pending"); }));
}

TEST_F(PodGCTest, ForceDeletionRemovesAPodWithoutFinalizersAtOnce) {
  node("broken", false, true);
  pod("gone-soon", "broken");
  set_status("gone-soon", {{"phase", "Running"}});
  ASSERT_TRUE(cluster_.client().remove(pods(), "default", "gone-soon").ok());
  ASSERT_TRUE(exists("gone-soon")) << "a bound pod is deleted gracefully";
  start();
  EXPECT_TRUE(eventually([&] { return !exists("gone-soon"); }));
}

}  // namespace
}  // namespace skiff::controllers

// VolumeBinding: the resolver's verdicts, and the whole path on an in-process cluster: the
// scheduler picks a node for a pod with a local-path (WaitForFirstConsumer) claim, announces it
// on the claim, the provisioner makes a volume on that node and the binder binds the claim.
#include "scheduler/volume_binding.h"

#include <gtest/gtest.h>

#include <map>

#include "client/informer.h"
#include "controllers/controller.h"
#include "scheduler/scheduler.h"
#include "support/test_cluster.h"
#include "test_objects.h"

namespace skiff::scheduler {
namespace {

using namespace std::chrono_literals;
using skiff::testing::eventually;

Json claim_json(const std::string& name, const std::string& storage_class, const std::string& volume = "") {
  Json c = {{"apiVersion", "v1"},
            {"kind", "PersistentVolumeClaim"},
            {"metadata", {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name}}},
            {"spec",
             {{"accessModes", Json::array({"ReadWriteOnce"})},
              {"resources", {{"requests", {{"storage", "1Gi"}}}}},
              {"storageClassName", storage_class}}}};
  if (!volume.empty()) c["spec"]["volumeName"] = volume;
  return c;
}

Json pod_with_claims(const std::string& name, const std::vector<std::string>& claims) {
  Json pod = testing::pod_json(name);
  Json volumes = Json::array();
  for (const auto& c : claims) volumes.push_back({{"name", c}, {"persistentVolumeClaim", {{"claimName", c}}}});
  pod["spec"]["volumes"] = volumes;
  return pod;
}

Json pv_on(const std::string& name, const std::string& node, const std::string& claim_uid = "") {
  Json pv = {{"apiVersion", "v1"},
             {"kind", "PersistentVolume"},
             {"metadata", {{"name", name}}},
             {"spec",
              {{"nodeAffinity",
                {{"required",
                  {{"nodeSelectorTerms",
                    Json::array({{{"matchExpressions", Json::array({{{"key", "kubernetes.io/hostname"},
                                                                     {"operator", "In"},
                                                                     {"values", Json::array({node})}}})}}})}}}}}}}};
  if (!claim_uid.empty()) pv["spec"]["claimRef"] = {{"uid", claim_uid}};
  return pv;
}

// In-memory listers for the resolver.
struct Objects {
  std::map<std::string, std::shared_ptr<const Json>> claims, volumes, classes;
  VolumeListers listers() {
    auto from = [](std::map<std::string, std::shared_ptr<const Json>>& m) {
      return [&m](const std::string& k) -> std::shared_ptr<const Json> {
        auto it = m.find(k);
        return it == m.end() ? nullptr : it->second;
      };
    };
    return {from(claims), from(volumes), from(classes), [this](const std::string& uid) -> std::shared_ptr<const Json> {
              for (const auto& [_, pv] : volumes)
                if (const Json* u = find_path(*pv, "spec.claimRef.uid"); u && *u == uid) return pv;
              return nullptr;
            }};
  }
  void add_class(const std::string& name, const std::string& mode, const std::string& provisioner = "p") {
    classes[name] = std::make_shared<Json>(Json{{"metadata", {{"name", name}}},
                                                {"provisioner", provisioner},
                                                {"volumeBindingMode", mode}});
  }
};

PodVolumes resolve(const Json& pod, Objects& objects) {
  auto info = parse_pod(pod);
  EXPECT_TRUE(info.ok());
  return resolve_pod_volumes(**info, objects.listers());
}

TEST(ResolvePodVolumes, AMissingClaimIsUnresolvableWithKubernetesMessage) {
  Objects o;
  EXPECT_EQ(resolve(pod_with_claims("p", {"data"}), o).unresolvable, "persistentvolumeclaim \"data\" not found");
}

TEST(ResolvePodVolumes, AnUnboundImmediateClaimIsUnresolvable) {
  Objects o;
  o.add_class("fast", "Immediate");
  o.claims["default/data"] = std::make_shared<Json>(claim_json("data", "fast"));
  EXPECT_EQ(resolve(pod_with_claims("p", {"data"}), o).unresolvable,
            "pod has unbound immediate PersistentVolumeClaims");
}

TEST(ResolvePodVolumes, BoundClaimsConfineToTheVolumesNodeAndWaitingClaimsAreProvisioned) {
  Objects o;
  o.add_class("local", "WaitForFirstConsumer");
  o.claims["default/bound"] = std::make_shared<Json>(claim_json("bound", "local", "pv-1"));
  o.volumes["pv-1"] = std::make_shared<Json>(pv_on("pv-1", "n2"));
  o.claims["default/fresh"] = std::make_shared<Json>(claim_json("fresh", "local"));
  PodVolumes v = resolve(pod_with_claims("p", {"bound", "fresh"}), o);
  EXPECT_EQ(v.unresolvable, "");
  ASSERT_EQ(v.node_affinity.size(), 1u);
  EXPECT_EQ(v.claims_to_provision, std::vector<std::string>{"fresh"});
}

TEST(ResolvePodVolumes, AVolumePreBoundToAWaitingClaimDecidesTheNode) {
  Objects o;
  o.add_class("local", "WaitForFirstConsumer");
  o.claims["default/data"] = std::make_shared<Json>(claim_json("data", "local"));
  o.volumes["pv-1"] = std::make_shared<Json>(pv_on("pv-1", "n1", "uid-data"));
  PodVolumes v = resolve(pod_with_claims("p", {"data"}), o);
  EXPECT_EQ(v.node_affinity.size(), 1u);
  EXPECT_TRUE(v.claims_to_provision.empty()) << "already provisioned";
}

// The scheduler with the PV binder and the local-path provisioner.
class VolumeBindingIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SchedulerOptions options;
    options.queue.initial_backoff = 50ms;
    options.queue.max_backoff = 200ms;
    scheduler = std::make_unique<Scheduler>(informers, cluster.client(), options);
    auto made = controllers::make_controllers(ctx, {"persistentvolume_binder", "local_path_provisioner"});
    ASSERT_TRUE(made.ok());
    controllers = std::move(*made);
    informers.start();
    ASSERT_TRUE(informers.wait_for_sync(10s));
    for (auto& c : controllers) c->run();
    scheduler->start();
  }
  void TearDown() override {
    scheduler->stop();
    for (auto& c : controllers) c->stop();
    informers.stop();
  }
  Json get(const std::string& plural, const std::string& ns, const std::string& name) {
    auto r = cluster.client().get(cluster.client().resource("", "v1", plural), ns, name);
    return r.ok() ? *r : Json();
  }
  std::string node_of(const std::string& pod) {
    Json p = get("pods", "default", pod);
    return p.is_null() ? "" : get_string(p["spec"], "nodeName");
  }
  std::string scheduling_message(const std::string& pod) {
    Json p = get("pods", "default", pod);
    if (const Json* conds = find_path(p, "status.conditions"))
      for (const auto& c : *conds)
        if (c["type"] == "PodScheduled") return get_string(c, "message");
    return "";
  }

  skiff::testing::TestCluster cluster;
  client::InformerFactory informers{cluster.client()};
  controllers::ControllerContext ctx{cluster.client(), informers, SystemClock::instance(), {}};
  std::unique_ptr<Scheduler> scheduler;
  std::vector<std::unique_ptr<controllers::Controller>> controllers;
};

TEST_F(VolumeBindingIntegrationTest, LocalPathClaimIsProvisionedOnTheNodeThePodIsBoundTo) {
  cluster.create("", "v1", "nodes", testing::node_json("n1"));
  cluster.create("", "v1", "nodes", testing::node_json("n2"));
  Json claim = claim_json("data", "local-path");
  claim["metadata"].erase("uid");
  cluster.create("", "v1", "persistentvolumeclaims", claim);
  cluster.create("", "v1", "pods", pod_with_claims("app", {"data"}));

  ASSERT_TRUE(eventually([&] { return !node_of("app").empty(); }));
  const std::string node = node_of("app");
  Json bound_claim;
  ASSERT_TRUE(eventually([&] {
    bound_claim = get("persistentvolumeclaims", "default", "data");
    return find_path(bound_claim, "status.phase") && bound_claim["status"]["phase"] == "Bound";
  }));
  EXPECT_EQ(bound_claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"], node);
  Json pv = get("persistentvolumes", "", get_string(bound_claim["spec"], "volumeName"));
  ASSERT_FALSE(pv.is_null());
  EXPECT_EQ(pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"][0], node);

  // A second pod of the same claim follows the volume to its node, whichever is emptier.
  for (int i = 0; i < 3; ++i) {
    std::string name = "again-" + std::to_string(i);
    cluster.create("", "v1", "pods", pod_with_claims(name, {"data"}));
    ASSERT_TRUE(eventually([&] { return !node_of(name).empty(); }));
    EXPECT_EQ(node_of(name), node);
  }
}

TEST_F(VolumeBindingIntegrationTest, APodWithAMissingClaimStaysPendingUntilTheClaimExists) {
  cluster.create("", "v1", "nodes", testing::node_json("n1"));
  cluster.create("", "v1", "pods", pod_with_claims("app", {"later"}));
  ASSERT_TRUE(eventually([&] { return !scheduling_message("app").empty(); }));
  EXPECT_EQ(scheduling_message("app").rfind("0/1 nodes are available: persistentvolumeclaim \"later\" not found.", 0), 0u)
      << scheduling_message("app");
  EXPECT_EQ(node_of("app"), "");

  Json claim = claim_json("later", "local-path");
  claim["metadata"].erase("uid");
  cluster.create("", "v1", "persistentvolumeclaims", claim);
  EXPECT_TRUE(eventually([&] { return node_of("app") == "n1"; }));
}

TEST_F(VolumeBindingIntegrationTest, AVolumeWithNodeAffinityKeepsThePodOffOtherNodes) {
  cluster.create("", "v1", "nodes", testing::node_json("n1"));
  cluster.create("", "v1", "nodes", testing::node_json("n2"));
  Json pv = pv_on("static", "n3");
  pv["spec"]["capacity"] = {{"storage", "1Gi"}};
  pv["spec"]["accessModes"] = Json::array({"ReadWriteOnce"});
  pv["spec"]["hostPath"] = {{"path", "/tmp/static"}};
  pv["spec"]["storageClassName"] = "manual";
  cluster.create("", "v1", "persistentvolumes", pv);
  Json claim = claim_json("pinned", "manual", "static");
  claim["metadata"].erase("uid");
  cluster.create("", "v1", "persistentvolumeclaims", claim);
  cluster.create("", "v1", "pods", pod_with_claims("app", {"pinned"}));
  // The first attempt may come before the scheduler's cache has the nodes ("no nodes available").
  EXPECT_TRUE(eventually([&] {
    return scheduling_message("app").rfind("0/2 nodes are available: 2 node(s) had volume node affinity conflict.", 0) ==
           0;
  })) << scheduling_message("app");

  cluster.create("", "v1", "nodes", testing::node_json("n3"));
  EXPECT_TRUE(eventually([&] { return node_of("app") == "n3"; }));
}

}  // namespace
}  // namespace skiff::scheduler

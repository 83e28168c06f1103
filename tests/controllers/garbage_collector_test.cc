#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "controller_fixture.h"

namespace skiff::controllers {
namespace {

using testing::eventually;

Json replica_set(const std::string& name, int replicas) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}}}}}};
}

class GarbageCollectorTest : public ::testing::Test {
 protected:
  ControllerFixture f{{"replicaset", "garbagecollector"}};
  const api::ResourceInfo& rss = f.client().resource("apps", "v1", "replicasets");

  void make_set() {
    f.cluster().create("apps", "v1", "replicasets", replica_set("web", 2));
    ASSERT_TRUE(eventually([&] { return f.cluster().list("", "v1", "pods", "default", "app=web").size() == 2; }));
  }
  size_t pods() { return f.cluster().list("", "v1", "pods", "default", "app=web").size(); }
  bool set_exists() { return f.client().get(rss, "default", "web").ok(); }
};

TEST_F(GarbageCollectorTest, BackgroundDeletionRemovesDependentsAfterTheOwner) {
  make_set();
  client::DeleteOptions opts;
  opts.propagation_policy = "Background";
  ASSERT_TRUE(f.client().remove(rss, "default", "web", opts).ok());
  EXPECT_FALSE(set_exists());
  EXPECT_TRUE(eventually([&] { return pods() == 0; }));
}

TEST_F(GarbageCollectorTest, OrphanDeletionKeepsDependentsWithoutOwners) {
  make_set();
  client::DeleteOptions opts;
  opts.propagation_policy = "Orphan";
  ASSERT_TRUE(f.client().remove(rss, "default", "web", opts).ok());
  ASSERT_TRUE(eventually([&] { return !set_exists(); }));
  auto left = f.cluster().list("", "v1", "pods", "default", "app=web");
  ASSERT_EQ(left.size(), 2u);
  for (const auto& p : left) EXPECT_FALSE(p["metadata"].contains("ownerReferences"));
}

// Orphaning races the collector's view of the dependents: under load the pods' informer can lag
// behind the ReplicaSets', so a set may be orphaned and gone before the collector has met some
// of its pods, which then look dangling. Also, a dependent read before the orphaning and judged
// after the owner is gone looks dangling. Neither may be deleted. Without the fixes this failed
// about half the time on a loaded machine.
TEST_F(GarbageCollectorTest, OrphanedDependentsSurviveTheRaceWithTheirOwnersDeletion) {
  constexpr int kSets = 12, kPodsEach = 4;
  auto all_pods = [&] { return f.cluster().list("", "v1", "pods", "default", ""); };
  for (int i = 0; i < kSets; ++i)
    f.cluster().create("apps", "v1", "replicasets", replica_set("web-" + std::to_string(i), kPodsEach));
  ASSERT_TRUE(eventually([&] { return all_pods().size() == kSets * kPodsEach; }));
  client::DeleteOptions opts;
  opts.propagation_policy = "Orphan";
  for (int i = 0; i < kSets; ++i) ASSERT_TRUE(f.client().remove(rss, "default", "web-" + std::to_string(i), opts).ok());
  ASSERT_TRUE(eventually([&] { return f.cluster().list("apps", "v1", "replicasets", "default", "").empty(); }));
  // The collector let each set go only once its informers had caught up with the deletion, so
  // every pod was orphaned before its set was gone.
  for (const auto& p : all_pods()) EXPECT_FALSE(p["metadata"].contains("ownerReferences")) << p["metadata"]["name"];
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // time for a wrong collection to happen
  auto left = all_pods();
  EXPECT_EQ(left.size(), static_cast<size_t>(kSets * kPodsEach)) << Json(left).dump().substr(0, 3000);
}

TEST_F(GarbageCollectorTest, ForegroundDeletionRemovesDependentsBeforeTheOwner) {
  make_set();
  client::DeleteOptions opts;
  opts.propagation_policy = "Foreground";
  auto r = f.client().remove(rss, "default", "web", opts);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)["metadata"].contains("deletionTimestamp"));
  ASSERT_TRUE(eventually([&] { return !set_exists(); }));
  EXPECT_EQ(pods(), 0u);
}

}  // namespace
}  // namespace skiff::controllers

#include <gtest/gtest.h>

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

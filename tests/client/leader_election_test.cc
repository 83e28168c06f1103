#include "client/leader_election.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "support/test_cluster.h"

namespace skiff::client {
namespace {

using namespace std::chrono_literals;
using skiff::testing::eventually;
using skiff::testing::TestCluster;

// Short timings: the lease lasts one second (leaseDurationSeconds is whole seconds).
LeaderElectionConfig config_for(const std::string& identity) {
  LeaderElectionConfig c;
  c.lease_namespace = "kube-system";
  c.lease_name = "skiff-test";
  c.identity = identity;
  c.lease_duration = 1000ms;
  c.renew_deadline = 600ms;
  c.retry_period = 100ms;
  return c;
}

struct Candidate {
  std::atomic<bool> started{false}, stopped{false};
  std::mutex mu;
  std::vector<std::string> leaders_seen;
  std::unique_ptr<LeaderElector> elector;

  Candidate(Client& client, LeaderElectionConfig config) {
    config.callbacks.on_started_leading = [this] { started = true; };
    config.callbacks.on_stopped_leading = [this] { stopped = true; };
    config.callbacks.on_new_leader = [this](const std::string& id) {
      std::lock_guard lock(mu);
      leaders_seen.push_back(id);
    };
    auto made = LeaderElector::create(client, std::move(config));
    EXPECT_TRUE(made.ok()) << made.error().message;
    elector = std::move(made).value();
  }
};

Json lease(TestCluster& cluster) { return cluster.get("coordination.k8s.io", "v1", "leases", "kube-system", "skiff-test"); }

TEST(LeaderElection, RejectsInconsistentTimings) {
  TestCluster cluster;
  auto c = config_for("a");
  c.renew_deadline = c.lease_duration;
  EXPECT_FALSE(LeaderElector::create(cluster.client(), c).ok());
  c = config_for("a");
  c.retry_period = c.renew_deadline;
  EXPECT_FALSE(LeaderElector::create(cluster.client(), c).ok());
  c = config_for("");
  EXPECT_FALSE(LeaderElector::create(cluster.client(), c).ok());
}

TEST(LeaderElection, OneOfTwoCandidatesLeadsAndRecordsItInTheLease) {
  TestCluster cluster;
  Candidate a(cluster.client(), config_for("a")), b(cluster.client(), config_for("b"));
  a.elector->start();
  b.elector->start();
  ASSERT_TRUE(eventually([&] { return a.elector->is_leader() || b.elector->is_leader(); }));
  std::this_thread::sleep_for(1500ms);  // past a lease duration: the leader keeps renewing
  EXPECT_NE(a.elector->is_leader(), b.elector->is_leader());
  Candidate& leader = a.elector->is_leader() ? a : b;
  Candidate& follower = a.elector->is_leader() ? b : a;
  EXPECT_TRUE(leader.started);
  EXPECT_FALSE(follower.started);

  Json l = lease(cluster);
  std::string holder = leader.elector.get() == a.elector.get() ? "a" : "b";
  EXPECT_EQ(l["spec"]["holderIdentity"], holder);
  EXPECT_EQ(l["spec"]["leaseDurationSeconds"], 1);
  EXPECT_EQ(l["spec"]["leaseTransitions"], 0);
  EXPECT_TRUE(l["spec"]["acquireTime"].is_string());
  EXPECT_NE(l["spec"]["renewTime"], l["spec"]["acquireTime"]) << "renewed since acquired";
  EXPECT_EQ(follower.elector->leader(), holder);
  std::lock_guard lock(follower.mu);
  EXPECT_EQ(follower.leaders_seen, std::vector<std::string>{holder});
}

TEST(LeaderElection, AnotherCandidateTakesOverAfterTheLeaderStopsAndTheLeaseExpires) {
  TestCluster cluster;
  Candidate a(cluster.client(), config_for("a"));
  a.elector->start();
  ASSERT_TRUE(eventually([&] { return a.elector->is_leader(); }));
  Candidate b(cluster.client(), config_for("b"));
  b.elector->start();
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(b.elector->is_leader());

  a.elector->stop();  // no release: b must wait for the lease to expire
  EXPECT_TRUE(a.stopped);
  auto stopped_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return b.elector->is_leader(); }, 5s));
  EXPECT_GE(std::chrono::steady_clock::now() - stopped_at, 600ms) << "took over before the lease expired";
  Json l = lease(cluster);
  EXPECT_EQ(l["spec"]["holderIdentity"], "b");
  EXPECT_EQ(l["spec"]["leaseTransitions"], 1);
}

TEST(LeaderElection, ReleaseOnCancelHandsOverWithoutWaiting) {
  TestCluster cluster;
  auto config = config_for("a");
  config.lease_duration = 10s;
  config.renew_deadline = 5s;
  config.release_on_cancel = true;
  Candidate a(cluster.client(), config);
  a.elector->start();
  ASSERT_TRUE(eventually([&] { return a.elector->is_leader(); }));
  auto other = config_for("b");
  other.lease_duration = 10s;
  other.renew_deadline = 5s;
  Candidate b(cluster.client(), other);
  b.elector->start();
  std::this_thread::sleep_for(300ms);
  a.elector->stop();
  EXPECT_EQ(lease(cluster)["spec"].value("holderIdentity", "") == "a", false) << "released";
  EXPECT_TRUE(eventually([&] { return b.elector->is_leader(); }, 3s)) << "well before the 10s lease would expire";
}

TEST(LeaderElection, ALeaseRenewedBySomeoneElseIsNotStolen) {
  TestCluster cluster;
  const auto& leases = cluster.client().resource("coordination.k8s.io", "v1", "leases");
  cluster.create("coordination.k8s.io", "v1", "leases",
                 {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", "skiff-test"}, {"namespace", "kube-system"}}},
                  {"spec",
                   {{"holderIdentity", "other"},
                    {"leaseDurationSeconds", 1},
                    {"leaseTransitions", 4},
                    {"renewTime", format_rfc3339_micro(SystemClock::instance().now())}}}});
  Candidate a(cluster.client(), config_for("a"));
  a.elector->start();
  // "other" renews every 200 ms for 2.5 s: more than two lease durations.
  for (int i = 0; i < 12; ++i) {
    std::this_thread::sleep_for(200ms);
    std::string patch = R"({"spec":{"renewTime":")" + format_rfc3339_micro(SystemClock::instance().now()) + "\"}}";
    ASSERT_TRUE(cluster.client().patch(leases, "kube-system", "skiff-test", PatchType::kMerge, patch).ok());
    EXPECT_FALSE(a.elector->is_leader());
  }
  EXPECT_EQ(a.elector->leader(), "other");
  // "other" stops renewing: a takes over once a full lease duration passes unchanged.
  ASSERT_TRUE(eventually([&] { return a.elector->is_leader(); }, 5s));
  Json l = lease(cluster);
  EXPECT_EQ(l["spec"]["holderIdentity"], "a");
  EXPECT_EQ(l["spec"]["leaseTransitions"], 5);
}

TEST(LeaderElection, LeaderStepsDownWhenItCannotRenew) {
  TestCluster cluster;
  const auto& leases = cluster.client().resource("coordination.k8s.io", "v1", "leases");
  auto config = config_for("a");
  config.lease_duration = 5s;
  config.renew_deadline = 600ms;
  Candidate a(cluster.client(), config);
  a.elector->start();
  ASSERT_TRUE(eventually([&] { return a.elector->is_leader(); }));
  // Someone else rewrites the lease (as a candidate with a skewed view would); a sees a valid
  // lease held by another and, unable to renew within its deadline, stops leading.
  std::string patch = R"({"spec":{"holderIdentity":"intruder","renewTime":")" +
                      format_rfc3339_micro(SystemClock::instance().now()) + "\"}}";
  ASSERT_TRUE(cluster.client().patch(leases, "kube-system", "skiff-test", PatchType::kMerge, patch).ok());
  EXPECT_TRUE(eventually([&] { return a.stopped.load(); }, 3s));
  EXPECT_FALSE(a.elector->is_leader());
}

}  // namespace
}  // namespace skiff::client

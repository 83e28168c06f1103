#include <gtest/gtest.h>

#include "scheduler/scheduling_queue.h"
#include "test_objects.h"

namespace skiff::scheduler {
namespace {

using namespace std::chrono_literals;
using testing::pod_json;

class QueueTest : public ::testing::Test {
 protected:
  PodInfoPtr pod(const std::string& name, int priority = 0) {
    Json p = pod_json(name);
    p["spec"]["priority"] = priority;
    return testing::parse(p);
  }
  std::string pop_name() {
    auto p = queue.pop(0ms);
    return p ? p->info->name : "";
  }
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  SchedulingQueue queue{QueueOptions{}, [this] { return now; }};
};

TEST_F(QueueTest, HigherPriorityFirstThenOlder) {
  queue.add(pod("old-low", 1), nullptr);
  now += 1s;
  queue.add(pod("high", 10), nullptr);
  queue.add(pod("new-low", 1), nullptr);
  EXPECT_EQ(pop_name(), "high");
  EXPECT_EQ(pop_name(), "old-low");
  EXPECT_EQ(pop_name(), "new-low");
  EXPECT_EQ(pop_name(), "");
}

TEST_F(QueueTest, AddingTwiceKeepsOneEntry) {
  queue.add(pod("a"), nullptr);
  queue.add(pod("a"), nullptr);
  EXPECT_EQ(queue.active_size(), 1u);
}

TEST_F(QueueTest, BackoffDoublesUpToTenSeconds) {
  EXPECT_EQ(queue.backoff_duration(1), 1000ms);
  EXPECT_EQ(queue.backoff_duration(2), 2000ms);
  EXPECT_EQ(queue.backoff_duration(4), 8000ms);
  EXPECT_EQ(queue.backoff_duration(5), 10000ms);
  EXPECT_EQ(queue.backoff_duration(50), 10000ms);
}

TEST_F(QueueTest, BackedOffPodReturnsAfterItsBackoff) {
  queue.add(pod("a"), nullptr);
  auto p = queue.pop(0ms);
  ASSERT_TRUE(p);
  queue.add_backoff(*p);
  EXPECT_EQ(queue.backoff_size(), 1u);
  EXPECT_EQ(pop_name(), "");
  now += 999ms;
  EXPECT_EQ(pop_name(), "");
  now += 1ms;
  auto again = queue.pop(0ms);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 2);
  queue.add_backoff(*again);
  now += 1500ms;
  EXPECT_EQ(pop_name(), "");  // second failure: 2 s
  now += 500ms;
  EXPECT_EQ(pop_name(), "a");
}

TEST_F(QueueTest, UnschedulableWaitsForAnEvent) {
  queue.add(pod("a"), nullptr);
  auto p = queue.pop(0ms);
  queue.add_unschedulable(*p);
  EXPECT_EQ(queue.unschedulable_size(), 1u);
  now += 30s;
  EXPECT_EQ(pop_name(), "");
  queue.move_all_to_active();
  EXPECT_EQ(pop_name(), "a");
}

TEST_F(QueueTest, RefreshKeepsAnUnschedulablePodWaitingWithItsNewVersion) {
  queue.add(pod("a"), nullptr);
  auto p = queue.pop(0ms);
  queue.add_unschedulable(*p);
  auto newer = std::make_shared<const Json>(Json{{"status", {{"phase", "Pending"}}}});
  EXPECT_TRUE(queue.refresh(pod("a"), newer));
  EXPECT_EQ(queue.unschedulable_size(), 1u);  // no new chance from a status change
  EXPECT_EQ(pop_name(), "");
  EXPECT_FALSE(queue.refresh(pod("b"), newer));  // not waiting: the caller adds it
  now += 30s;  // past its backoff
  queue.move_all_to_active();
  auto again = queue.pop(0ms);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->object, newer);  // the version the queue now holds
}

TEST_F(QueueTest, EventDuringAttemptSendsToBackoffNotUnschedulable) {
  queue.add(pod("a"), nullptr);
  auto p = queue.pop(0ms);
  queue.move_all_to_active();  // e.g. a node was added while the pod was being scheduled
  queue.add_unschedulable(*p);
  EXPECT_EQ(queue.unschedulable_size(), 0u);
  EXPECT_EQ(queue.backoff_size(), 1u);
}

TEST_F(QueueTest, UnschedulablePodsAreRetriedAfterFiveMinutes) {
  queue.add(pod("a"), nullptr);
  queue.add_unschedulable(*queue.pop(0ms));
  now += 299s;
  EXPECT_EQ(pop_name(), "");
  now += 1s;
  EXPECT_EQ(pop_name(), "a");
}

TEST_F(QueueTest, DeletedWhileInFlightIsNotRequeued) {
  queue.add(pod("a"), nullptr);
  auto p = queue.pop(0ms);
  queue.remove("default/a");
  queue.add_unschedulable(*p);
  EXPECT_EQ(queue.unschedulable_size(), 0u);
  EXPECT_EQ(queue.backoff_size(), 0u);
}

TEST_F(QueueTest, CloseWakesPop) {
  queue.close();
  EXPECT_FALSE(queue.pop(10s).has_value());
}

}  // namespace
}  // namespace skiff::scheduler

#include "client/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>

#include "support/test_cluster.h"

namespace skiff::client {
namespace {

TEST(WorkQueue, KeyAddedTwiceIsQueuedOnce) {
  WorkQueue q("test");
  q.add("a");
  q.add("a");
  q.add("b");
  EXPECT_EQ(q.length(), 2u);
  EXPECT_EQ(*q.get(), "a");
  EXPECT_EQ(*q.get(), "b");
}

TEST(WorkQueue, KeyAddedWhileProcessingIsRequeuedAfterDone) {
  WorkQueue q("test");
  q.add("a");
  auto key = q.get();
  q.add("a");
  EXPECT_EQ(q.length(), 0u) << "not handed to a second worker while processing";
  q.done(*key);
  EXPECT_EQ(q.length(), 1u);
}

TEST(WorkQueue, AddAfterDelaysTheKey) {
  WorkQueue q("test");
  q.add_after("late", std::chrono::milliseconds(50));
  EXPECT_EQ(q.length(), 0u);
  EXPECT_TRUE(testing::eventually([&] { return q.length() == 1; }, std::chrono::seconds(2)));
}

TEST(WorkQueue, RateLimitedBackoffGrowsAndForgetResets) {
  WorkQueue q("test", {std::chrono::milliseconds(1), std::chrono::milliseconds(100)});
  q.add_rate_limited("k");
  q.add_rate_limited("k");
  EXPECT_EQ(q.failures("k"), 2);
  q.forget("k");
  EXPECT_EQ(q.failures("k"), 0);
}

TEST(WorkQueue, ShutDownReleasesWaitingWorkers) {
  WorkQueue q("test");
  std::atomic<bool> released{false};
  std::thread t([&] {
    EXPECT_FALSE(q.get().has_value());
    released = true;
  });
  q.shut_down();
  t.join();
  EXPECT_TRUE(released);
}

TEST(WorkerPool, RequeuesFailuresUntilTheySucceed) {
  WorkQueue q("test", {std::chrono::milliseconds(1), std::chrono::milliseconds(10)});
  std::atomic<int> calls{0};
  WorkerPool pool(q, 2, [&](const std::string&) {
    ReconcileResult r;
    r.requeue = ++calls < 3;
    return r;
  });
  q.add("x");
  EXPECT_TRUE(testing::eventually([&] { return calls.load() == 3; }, std::chrono::seconds(2)));
  pool.stop();
}

}  // namespace
}  // namespace skiff::client

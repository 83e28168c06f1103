// What only the SQLite backend promises: state survives closing, reopening and kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "storage/store.h"
#include "temp_dir.h"

namespace skiff::storage {
namespace {

using testing::TempDir;

std::unique_ptr<Store> open_or_fail(const std::string& path) {
  auto store = open_sqlite_store(path);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(store).value() : nullptr;
}

TEST(SqliteStore, ReopeningKeepsDataAndRevision) {
  TempDir dir;
  {
    auto store = open_or_fail(dir.file("db"));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->create("/a", "1").ok());
    ASSERT_TRUE(store->update("/a", "2", 0).ok());
    ASSERT_TRUE(store->create("/b", "1").ok());
  }
  auto store = open_or_fail(dir.file("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->current_revision(), 4);
  auto a = store->get("/a");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->value, "2");
  EXPECT_EQ((*a)->version, 2);
  EXPECT_EQ(store->create("/c", "1")->mod_revision, 5);
}

TEST(SqliteStore, ReopeningKeepsTheRevisionOfATrailingDeletion) {
  TempDir dir;
  {
    auto store = open_or_fail(dir.file("db"));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->create("/a", "1").ok());
    ASSERT_TRUE(store->remove("/a", 0).ok());
  }
  auto store = open_or_fail(dir.file("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->current_revision(), 3);
  EXPECT_FALSE(store->get("/a")->has_value());
}

TEST(SqliteStore, ReopeningKeepsTheCompactionPoint) {
  TempDir dir;
  {
    auto store = open_or_fail(dir.file("db"));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->create("/a", "1").ok());
    ASSERT_TRUE(store->remove("/a", 0).ok());  // 3
    ASSERT_TRUE(store->compact(3).ok());        // removes every row
  }
  auto store = open_or_fail(dir.file("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->compacted_revision(), 3);
  EXPECT_EQ(store->current_revision(), 3);
  RangeOptions opts;
  opts.revision = 2;
  auto r = store->range("/", "", opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "Expired");
}

TEST(SqliteStore, ReopeningReplaysWatchHistoryFromTheTable) {
  TempDir dir;
  {
    auto store = open_or_fail(dir.file("db"));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->create("/a", "1").ok());
    ASSERT_TRUE(store->update("/a", "2", 0).ok());
  }
  auto store = open_or_fail(dir.file("db"));
  ASSERT_NE(store, nullptr);
  std::vector<Event> seen;
  auto w = store->watch("/", "", 1, [&](const std::vector<Event>& events) {
    seen.insert(seen.end(), events.begin(), events.end());
  });
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].kv.value, "2");
  ASSERT_TRUE(seen[1].prev.has_value());
  EXPECT_EQ(seen[1].prev->value, "1");
}

TEST(SqliteStore, ASecondOpenOfTheSameFileFails) {
  TempDir dir;
  auto first = open_or_fail(dir.file("db"));
  ASSERT_NE(first, nullptr);
  auto second = open_sqlite_store(dir.file("db"));
  EXPECT_FALSE(second.ok());
}

TEST(SqliteStore, OpeningInAMissingDirectoryFails) {
  auto store = open_sqlite_store("/nonexistent-dir-for-skiff-tests/db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, 500);
}

TEST(SqliteStore, FullSyncModeStoresAndReadsBack) {
  TempDir dir;
  SqliteOptions options;
  options.sync_full = true;
  auto store = open_sqlite_store(dir.file("db"), options);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->create("/a", "1").ok());
  EXPECT_EQ((*(*store)->get("/a"))->value, "1");
}

// Concurrent writers are committed in shared transactions (group commit); each still gets its
// own revision, preconditions see the writes queued before them, and watchers see every event
// once, in revision order.
TEST(SqliteStore, ConcurrentWritersGetDistinctRevisionsAndOrderedEvents) {
  TempDir dir;
  auto store = open_or_fail(dir.file("db"));
  ASSERT_NE(store, nullptr);
  std::mutex mu;
  std::vector<int64_t> seen;
  auto watch = store->watch("/k/", prefix_end("/k/"), store->current_revision(), [&](const std::vector<Event>& ev) {
    std::lock_guard lk(mu);
    for (const auto& e : ev) seen.push_back(e.kv.mod_revision);
  });
  ASSERT_TRUE(watch.ok());
  constexpr int kThreads = 8, kPerThread = 200;
  std::vector<std::vector<int64_t>> revisions(kThreads);
  std::atomic<int> contested_wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto kv = store->create("/k/" + std::to_string(t) + "-" + std::to_string(i), "v");
        ASSERT_TRUE(kv.ok());
        revisions[t].push_back(kv->mod_revision);
        // Every thread races for the same key: exactly one create wins each round.
        if (store->create("/k/contested-" + std::to_string(i), "v").ok()) ++contested_wins;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(contested_wins, kPerThread);
  std::set<int64_t> all;
  for (auto& r : revisions) {
    EXPECT_TRUE(std::is_sorted(r.begin(), r.end()));
    all.insert(r.begin(), r.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  const int64_t total = kThreads * kPerThread + kPerThread;
  EXPECT_EQ(store->current_revision(), 1 + total);
  std::lock_guard lk(mu);
  ASSERT_EQ(seen.size(), static_cast<size_t>(total));
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int64_t>(i) + 2);
}

// A child creates keys and reports each one on a pipe once create() has returned; the parent
// kills it with SIGKILL mid-stream and checks that every reported key is in the reopened file.
TEST(SqliteStore, AcknowledgedCreatesSurviveKill9) {
  TempDir dir;
  std::string path = dir.file("db");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto store = open_sqlite_store(path);
    if (!store.ok()) _exit(2);
    std::string value(1024, 'v');
    for (int i = 0;; ++i) {
      std::string key = "/crash/" + std::to_string(i);
      if (!(*store)->create(key, value).ok()) _exit(3);
      std::string line = key + "\n";  // below PIPE_BUF: written atomically
      if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
    }
  }
  close(fds[1]);

  std::set<std::string> acknowledged;
  std::string pending;
  char buf[4096];
  auto read_some = [&] {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) return false;
    pending.append(buf, n);
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
      acknowledged.insert(pending.substr(0, nl));
    }
    return true;
  };
  while (acknowledged.size() < 2000 && read_some()) {
  }
  kill(child, SIGKILL);
  while (read_some()) {  // acknowledgements already in the pipe count too
  }
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  ASSERT_GE(acknowledged.size(), 2000u);

  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  size_t missing = 0;
  for (const auto& key : acknowledged) {
    auto got = store->get(key);
    if (!got.ok() || !got->has_value()) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged keys";
  EXPECT_GE(store->current_revision(), static_cast<int64_t>(acknowledged.size()) + 1);
}

}  // namespace
}  // namespace skiff::storage

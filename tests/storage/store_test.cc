// The behaviour every Store backend shares, run against each of them.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/store.h"
#include "temp_dir.h"

namespace skiff::storage {
namespace {

using testing::TempDir;

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Store>(const TempDir&)> open;
};

std::vector<Backend> backends() {
  return {
      {"memory", [](const TempDir&) { return new_memory_store(); }},
      {"sqlite",
       [](const TempDir& dir) {
         auto store = open_sqlite_store(dir.file("store.db"));
         return store.ok() ? std::move(store).value() : nullptr;
       }},
  };
}

// Collects watch events; callbacks may come from other threads.
class Recorder {
 public:
  WatchCallback callback() {
    return [this](const std::vector<Event>& events) {
      std::lock_guard lock(mu_);
      events_.insert(events_.end(), events.begin(), events.end());
    };
  }
  std::vector<Event> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::vector<int64_t> revisions() {
    std::vector<int64_t> out;
    for (const auto& e : events()) out.push_back(e.kv.mod_revision);
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<Event> events_;
};

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }

  KeyValue must_create(const std::string& key, const std::string& value) {
    auto kv = store_->create(key, value);
    EXPECT_TRUE(kv.ok()) << (kv.ok() ? "" : kv.error().message);
    return kv.ok() ? *kv : KeyValue{};
  }

  KeyValue must_update(const std::string& key, const std::string& value) {
    auto kv = store_->update(key, value, 0);
    EXPECT_TRUE(kv.ok()) << (kv.ok() ? "" : kv.error().message);
    return kv.ok() ? *kv : KeyValue{};
  }

  std::vector<std::string> keys_of(const RangeResult& r) {
    std::vector<std::string> keys;
    for (const auto& kv : r.kvs) keys.push_back(kv.key);
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// --- revisions and single-key writes

TEST_P(StoreTest, EmptyStoreIsAtRevisionOne) {
  EXPECT_EQ(store_->current_revision(), 1);
  EXPECT_EQ(store_->compacted_revision(), 0);
}

TEST_P(StoreTest, FirstWriteGetsRevisionTwo) {
  auto kv = must_create("/a", "1");
  EXPECT_EQ(kv.mod_revision, 2);
  EXPECT_EQ(kv.create_revision, 2);
  EXPECT_EQ(kv.version, 1);
  EXPECT_EQ(store_->current_revision(), 2);
}

TEST_P(StoreTest, GetReturnsTheCreatedValue) {
  must_create("/a", "hello");
  auto got = store_->get("/a");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->key, "/a");
  EXPECT_EQ((*got)->value, "hello");
  EXPECT_EQ((*got)->mod_revision, 2);
}

TEST_P(StoreTest, GetOfMissingKeyIsEmpty) {
  auto got = store_->get("/missing");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_P(StoreTest, CreateOfExistingKeyFailsWithAlreadyExistsAndWritesNothing) {
  must_create("/a", "1");
  auto again = store_->create("/a", "2");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, 409);
  EXPECT_EQ(again.error().reason, "AlreadyExists");
  EXPECT_EQ(store_->current_revision(), 2);
  EXPECT_EQ((*store_->get("/a"))->value, "1");
}

TEST_P(StoreTest, UpdateBumpsVersionAndKeepsCreateRevision) {
  must_create("/a", "1");
  auto kv = must_update("/a", "2");
  EXPECT_EQ(kv.value, "2");
  EXPECT_EQ(kv.create_revision, 2);
  EXPECT_EQ(kv.mod_revision, 3);
  EXPECT_EQ(kv.version, 2);
  EXPECT_EQ((*store_->get("/a"))->version, 2);
}

TEST_P(StoreTest, UpdateWithMatchingRevisionSucceeds) {
  auto created = must_create("/a", "1");
  auto kv = store_->update("/a", "2", created.mod_revision);
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(kv->value, "2");
}

TEST_P(StoreTest, UpdateWithStaleRevisionFailsWithConflict) {
  auto created = must_create("/a", "1");
  must_update("/a", "2");
  auto stale = store_->update("/a", "3", created.mod_revision);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, 409);
  EXPECT_EQ(stale.error().reason, "Conflict");
  EXPECT_EQ((*store_->get("/a"))->value, "2");
  EXPECT_EQ(store_->current_revision(), 3);
}

TEST_P(StoreTest, UpdateOfMissingKeyFailsWithNotFound) {
  auto kv = store_->update("/missing", "1", 0);
  ASSERT_FALSE(kv.ok());
  EXPECT_EQ(kv.error().code, 404);
  EXPECT_EQ(kv.error().reason, "NotFound");
}

TEST_P(StoreTest, RemoveReturnsTheLastStateAndTheKeyIsGone) {
  must_create("/a", "1");
  auto updated = must_update("/a", "2");
  auto removed = store_->remove("/a", updated.mod_revision);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->value, "2");
  EXPECT_EQ(removed->mod_revision, updated.mod_revision);
  EXPECT_EQ(removed->version, 2);
  EXPECT_FALSE(store_->get("/a")->has_value());
  EXPECT_EQ(store_->current_revision(), 4);
}

TEST_P(StoreTest, RemoveWithStaleRevisionFailsWithConflict) {
  auto created = must_create("/a", "1");
  must_update("/a", "2");
  auto removed = store_->remove("/a", created.mod_revision);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().reason, "Conflict");
  EXPECT_TRUE(store_->get("/a")->has_value());
}

TEST_P(StoreTest, RemoveOfMissingKeyFailsWithNotFound) {
  auto removed = store_->remove("/missing", 0);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code, 404);
}

TEST_P(StoreTest, RemovedKeyCannotBeUpdated) {
  must_create("/a", "1");
  ASSERT_TRUE(store_->remove("/a", 0).ok());
  auto kv = store_->update("/a", "2", 0);
  ASSERT_FALSE(kv.ok());
  EXPECT_EQ(kv.error().reason, "NotFound");
}

TEST_P(StoreTest, RecreateAfterRemoveStartsAFreshHistory) {
  must_create("/a", "1");
  must_update("/a", "2");
  ASSERT_TRUE(store_->remove("/a", 0).ok());
  auto kv = must_create("/a", "3");
  EXPECT_EQ(kv.version, 1);
  EXPECT_EQ(kv.create_revision, 5);
  EXPECT_EQ(kv.mod_revision, 5);
}

TEST_P(StoreTest, RevisionsAreSharedAcrossKeysAndIncrease) {
  EXPECT_EQ(must_create("/a", "1").mod_revision, 2);
  EXPECT_EQ(must_create("/b", "1").mod_revision, 3);
  EXPECT_EQ(must_update("/a", "2").mod_revision, 4);
  EXPECT_EQ(store_->remove("/b", 0).ok(), true);
  EXPECT_EQ(must_create("/c", "1").mod_revision, 6);
}

TEST_P(StoreTest, BinaryKeysAndValuesRoundTrip) {
  std::string key("/bin/\x00\xff", 7);
  std::string value("\x00\x01\xfe\xff", 4);
  must_create(key, value);
  must_create("/empty", "");
  EXPECT_EQ((*store_->get(key))->value, value);
  EXPECT_EQ((*store_->get("/empty"))->value, "");
}

// --- range

TEST_P(StoreTest, RangeOverPrefixReturnsOnlyKeysUnderItInOrder) {
  for (const char* key : {"/p/b", "/p0", "/p/a", "/o", "/p/c/d"}) must_create(key, "v");
  auto r = store_->range("/p/", prefix_end("/p/"), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(keys_of(*r), (std::vector<std::string>{"/p/a", "/p/b", "/p/c/d"}));
  EXPECT_EQ(r->count, 3);
  EXPECT_FALSE(r->more);
  EXPECT_EQ(r->revision, store_->current_revision());
}

TEST_P(StoreTest, RangeWithEmptyEndIsUnbounded) {
  for (const char* key : {"/a", "/b", "/c"}) must_create(key, "v");
  auto r = store_->range("/b", "", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(keys_of(*r), (std::vector<std::string>{"/b", "/c"}));
}

TEST_P(StoreTest, RangeSkipsRemovedKeys) {
  for (const char* key : {"/p/a", "/p/b"}) must_create(key, "v");
  ASSERT_TRUE(store_->remove("/p/a", 0).ok());
  auto r = store_->range("/p/", prefix_end("/p/"), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(keys_of(*r), (std::vector<std::string>{"/p/b"}));
  EXPECT_EQ(r->count, 1);
}

TEST_P(StoreTest, RangeWithLimitCutsTheResultAndReportsMoreAndCount) {
  for (const char* key : {"/p/a", "/p/b", "/p/c", "/p/d"}) must_create(key, "v");
  RangeOptions opts;
  opts.limit = 2;
  auto r = store_->range("/p/", prefix_end("/p/"), opts);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(keys_of(*r), (std::vector<std::string>{"/p/a", "/p/b"}));
  EXPECT_TRUE(r->more);
  EXPECT_EQ(r->count, 4);
}

TEST_P(StoreTest, RangeWithLimitEqualToCountHasNoMore) {
  for (const char* key : {"/p/a", "/p/b"}) must_create(key, "v");
  RangeOptions opts;
  opts.limit = 2;
  auto r = store_->range("/p/", prefix_end("/p/"), opts);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kvs.size(), 2u);
  EXPECT_FALSE(r->more);
}

TEST_P(StoreTest, RangeCountOnlyReturnsTheCountWithoutValues) {
  for (const char* key : {"/p/a", "/p/b", "/p/c"}) must_create(key, "v");
  RangeOptions opts;
  opts.count_only = true;
  auto r = store_->range("/p/", prefix_end("/p/"), opts);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->kvs.empty());
  EXPECT_EQ(r->count, 3);
}

TEST_P(StoreTest, RangeAtAnOldRevisionSeesThePastState) {
  must_create("/p/a", "a1");
  must_create("/p/b", "b1");
  int64_t then = store_->current_revision();
  must_update("/p/a", "a2");
  ASSERT_TRUE(store_->remove("/p/b", 0).ok());
  must_create("/p/c", "c1");

  RangeOptions opts;
  opts.revision = then;
  auto r = store_->range("/p/", prefix_end("/p/"), opts);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(keys_of(*r), (std::vector<std::string>{"/p/a", "/p/b"}));
  EXPECT_EQ(r->kvs[0].value, "a1");
  EXPECT_EQ(r->kvs[0].mod_revision, 2);
  EXPECT_EQ(r->kvs[1].value, "b1");
  EXPECT_EQ(r->revision, then);
}

TEST_P(StoreTest, RangeAtAnOldRevisionSeesAKeyDeletedAndRecreatedSince) {
  must_create("/p/a", "first");  // 2
  must_create("/p/b", "b");      // 3
  ASSERT_TRUE(store_->remove("/p/a", 0).ok());
  must_create("/p/a", "second");
  RangeOptions opts;
  opts.revision = 3;
  opts.limit = 1;
  auto r = store_->range("/p/", prefix_end("/p/"), opts);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(keys_of(*r), (std::vector<std::string>{"/p/a"}));
  EXPECT_EQ(r->kvs[0].value, "first");
  EXPECT_EQ(r->kvs[0].create_revision, 2);
  EXPECT_EQ(r->count, 2);
  EXPECT_TRUE(r->more);
}

TEST_P(StoreTest, RangeAtAFutureRevisionFails) {
  must_create("/a", "1");
  RangeOptions opts;
  opts.revision = store_->current_revision() + 1;
  auto r = store_->range("/", "", opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
}

// --- watch

TEST_P(StoreTest, WatchDeliversLiveWritesWithPreviousValues) {
  Recorder rec;
  auto w = store_->watch("/p/", prefix_end("/p/"), store_->current_revision(), rec.callback());
  ASSERT_TRUE(w.ok());
  must_create("/p/a", "1");
  must_update("/p/a", "2");
  ASSERT_TRUE(store_->remove("/p/a", 0).ok());

  auto events = rec.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, Event::Type::kPut);
  EXPECT_TRUE(events[0].is_create());
  EXPECT_FALSE(events[0].prev.has_value());
  EXPECT_EQ(events[0].kv.value, "1");

  EXPECT_EQ(events[1].type, Event::Type::kPut);
  EXPECT_FALSE(events[1].is_create());
  ASSERT_TRUE(events[1].prev.has_value());
  EXPECT_EQ(events[1].prev->value, "1");
  EXPECT_EQ(events[1].kv.value, "2");

  EXPECT_EQ(events[2].type, Event::Type::kDelete);
  EXPECT_EQ(events[2].kv.key, "/p/a");
  EXPECT_EQ(events[2].kv.mod_revision, 4);
  ASSERT_TRUE(events[2].prev.has_value());
  EXPECT_EQ(events[2].prev->value, "2");
  EXPECT_EQ(events[2].prev->mod_revision, 3);
}

TEST_P(StoreTest, WatchIgnoresKeysOutsideItsRange) {
  Recorder rec;
  auto w = store_->watch("/p/", prefix_end("/p/"), store_->current_revision(), rec.callback());
  ASSERT_TRUE(w.ok());
  must_create("/o", "x");
  must_create("/p0", "x");
  must_create("/p/in", "x");
  auto events = rec.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kv.key, "/p/in");
}

TEST_P(StoreTest, WatchFromAnOldRevisionReplaysThenContinuesLiveWithoutGapOrDuplicate) {
  must_create("/p/a", "1");          // 2
  must_create("/p/b", "1");          // 3
  must_update("/p/a", "2");          // 4
  ASSERT_TRUE(store_->remove("/p/b", 0).ok());  // 5
  Recorder rec;
  auto w = store_->watch("/p/", prefix_end("/p/"), 2, rec.callback());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(rec.revisions(), (std::vector<int64_t>{3, 4, 5}));
  must_create("/p/c", "1");          // 6
  EXPECT_EQ(rec.revisions(), (std::vector<int64_t>{3, 4, 5, 6}));

  auto events = rec.events();
  ASSERT_TRUE(events[1].prev.has_value());
  EXPECT_EQ(events[1].prev->value, "1");
  EXPECT_EQ(events[2].type, Event::Type::kDelete);
  ASSERT_TRUE(events[2].prev.has_value());
  EXPECT_EQ(events[2].prev->key, "/p/b");
}

TEST_P(StoreTest, WatchFromTheCurrentRevisionReplaysNothing) {
  must_create("/p/a", "1");
  Recorder rec;
  auto w = store_->watch("/p/", prefix_end("/p/"), store_->current_revision(), rec.callback());
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(rec.events().empty());
}

TEST_P(StoreTest, ReplayOfARecreatedKeyHasNoPreviousValue) {
  must_create("/p/a", "1");
  ASSERT_TRUE(store_->remove("/p/a", 0).ok());
  must_create("/p/a", "2");
  Recorder rec;
  auto w = store_->watch("/p/", prefix_end("/p/"), 3, rec.callback());
  ASSERT_TRUE(w.ok());
  auto events = rec.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].is_create());
  EXPECT_FALSE(events[0].prev.has_value());
}

TEST_P(StoreTest, DestroyingTheWatchStopsDelivery) {
  Recorder rec;
  auto w = store_->watch("/", "", store_->current_revision(), rec.callback());
  ASSERT_TRUE(w.ok());
  must_create("/a", "1");
  w->reset();
  must_create("/b", "1");
  EXPECT_EQ(rec.events().size(), 1u);
}

TEST_P(StoreTest, ACallbackMayDestroyItsOwnWatch) {
  std::unique_ptr<Watch> handle;
  int calls = 0;
  auto w = store_->watch("/", "", store_->current_revision(), [&](const std::vector<Event>&) {
    ++calls;
    handle.reset();
  });
  ASSERT_TRUE(w.ok());
  handle = std::move(*w);
  must_create("/a", "1");
  must_create("/b", "1");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(handle, nullptr);
}

TEST_P(StoreTest, AWatchHandleMayOutliveTheStore) {
  Recorder rec;
  auto w = store_->watch("/", "", store_->current_revision(), rec.callback());
  ASSERT_TRUE(w.ok());
  store_.reset();
  w->reset();  // must not touch the destroyed store
  SUCCEED();
}

TEST_P(StoreTest, DestroyingAWatchWaitsForItsCallbackOnAnotherThread) {
  std::atomic<bool> entered{false};
  std::atomic<bool> finished{false};
  auto w = store_->watch("/", "", store_->current_revision(), [&](const std::vector<Event>&) {
    entered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    finished = true;
  });
  ASSERT_TRUE(w.ok());
  std::thread writer([&] { must_create("/a", "1"); });
  while (!entered) std::this_thread::yield();
  w->reset();
  EXPECT_TRUE(finished);
  writer.join();
}

TEST_P(StoreTest, ConcurrentWritersAreDeliveredInRevisionOrderWithoutGaps) {
  Recorder rec;
  std::atomic<int> in_callback{0};
  std::atomic<bool> overlapped{false};
  auto record = rec.callback();
  auto w = store_->watch("/", "", store_->current_revision(), [&](const std::vector<Event>& events) {
    if (in_callback.fetch_add(1) != 0) overlapped = true;
    record(events);
    in_callback.fetch_sub(1);
  });
  ASSERT_TRUE(w.ok());
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 50;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) must_create("/t" + std::to_string(t) + "/" + std::to_string(i), "v");
    });
  }
  for (auto& t : writers) t.join();
  auto revisions = rec.revisions();
  ASSERT_EQ(revisions.size(), static_cast<size_t>(kThreads * kWritesPerThread));
  for (size_t i = 0; i < revisions.size(); ++i) EXPECT_EQ(revisions[i], static_cast<int64_t>(i) + 2);
  EXPECT_FALSE(overlapped);
}

TEST_P(StoreTest, WatchStartedDuringWritesSeesEveryLaterRevisionOnce) {
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) must_create("/k/" + std::to_string(i), "v");
  });
  while (store_->current_revision() < 20) std::this_thread::yield();
  Recorder rec;
  auto w = store_->watch("/", "", 10, rec.callback());
  ASSERT_TRUE(w.ok());
  while (store_->current_revision() < 60) std::this_thread::yield();
  stop = true;
  writer.join();
  auto revisions = rec.revisions();
  int64_t last = store_->current_revision();
  ASSERT_EQ(revisions.size(), static_cast<size_t>(last - 10));
  for (size_t i = 0; i < revisions.size(); ++i) EXPECT_EQ(revisions[i], static_cast<int64_t>(i) + 11);
}

// --- compaction

TEST_P(StoreTest, CompactionExpiresRangesAndWatchesBelowIt) {
  must_create("/a", "1");
  must_update("/a", "2");
  must_update("/a", "3");  // revision 4
  ASSERT_TRUE(store_->compact(3).ok());
  EXPECT_EQ(store_->compacted_revision(), 3);

  RangeOptions opts;
  opts.revision = 2;
  auto r = store_->range("/", "", opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 410);
  EXPECT_EQ(r.error().reason, "Expired");
  EXPECT_EQ(r.error().message, "mvcc: required revision has been compacted");

  auto w = store_->watch("/", "", 2, [](const std::vector<Event>&) {});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, 410);
}

TEST_P(StoreTest, CompactionKeepsTheStateAtTheCompactedRevision) {
  must_create("/p/a", "a1");     // 2
  must_update("/p/a", "a2");     // 3
  must_create("/p/b", "b1");     // 4
  ASSERT_TRUE(store_->remove("/p/b", 0).ok());  // 5
  must_create("/p/c", "c1");     // 6
  must_update("/p/a", "a3");     // 7
  ASSERT_TRUE(store_->compact(6).ok());

  RangeOptions opts;
  opts.revision = 6;
  auto at = store_->range("/p/", prefix_end("/p/"), opts);
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(keys_of(*at), (std::vector<std::string>{"/p/a", "/p/c"}));
  EXPECT_EQ(at->kvs[0].value, "a2");
  EXPECT_EQ(at->kvs[0].version, 2);

  auto now = store_->range("/p/", prefix_end("/p/"), {});
  ASSERT_TRUE(now.ok());
  ASSERT_EQ(keys_of(*now), (std::vector<std::string>{"/p/a", "/p/c"}));
  EXPECT_EQ(now->kvs[0].value, "a3");
  EXPECT_EQ(now->kvs[0].version, 3);
  EXPECT_EQ(now->kvs[0].create_revision, 2);
}

TEST_P(StoreTest, WatchFromTheCompactedRevisionReplaysLaterEventsWithPreviousValues) {
  must_create("/a", "1");   // 2
  must_update("/a", "2");   // 3
  must_update("/a", "3");   // 4
  ASSERT_TRUE(store_->compact(3).ok());
  Recorder rec;
  auto w = store_->watch("/", "", 3, rec.callback());
  ASSERT_TRUE(w.ok());
  auto events = rec.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kv.mod_revision, 4);
  ASSERT_TRUE(events[0].prev.has_value());
  EXPECT_EQ(events[0].prev->value, "2");
}

TEST_P(StoreTest, CompactingTheWholeHistoryKeepsTheRevision) {
  must_create("/a", "1");
  ASSERT_TRUE(store_->remove("/a", 0).ok());  // 3
  ASSERT_TRUE(store_->compact(3).ok());
  EXPECT_EQ(store_->current_revision(), 3);
  EXPECT_EQ(must_create("/b", "1").mod_revision, 4);
  EXPECT_FALSE(store_->get("/a")->has_value());
}

TEST_P(StoreTest, CompactingAgainAtOrBelowThePointFailsWithExpired) {
  must_create("/a", "1");
  must_update("/a", "2");
  ASSERT_TRUE(store_->compact(3).ok());
  auto again = store_->compact(3);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, 410);
}

TEST_P(StoreTest, CompactingInTheFutureFails) {
  must_create("/a", "1");
  auto s = store_->compact(10);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, 400);
  EXPECT_EQ(store_->compacted_revision(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace skiff::storage

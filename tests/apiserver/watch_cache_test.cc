#include "apiserver/watch_cache.h"

#include <gtest/gtest.h>

namespace skiff::apiserver {
namespace {

std::string obj(const std::string& name, const std::string& label = "a") {
  return R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":")" + name +
         R"(","namespace":"ns","labels":{"l":")" + label + R"("}}})";
}

TEST(WatchCache, LoadsExistingObjectsAndSetsResourceVersion) {
  auto store = storage::new_memory_store();
  ASSERT_TRUE(store->create("/registry/core/configmaps/ns/a", obj("a")).ok());
  WatchCache cache(*store);
  ASSERT_TRUE(cache.start().ok());
  auto ref = cache.get("/registry/core/configmaps/ns/a");
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->name, "a");
  EXPECT_EQ(ref->namespace_, "ns");
  EXPECT_EQ(Json::parse(ref->bytes)["metadata"]["resourceVersion"], std::to_string(ref->resource_version));
  EXPECT_EQ(ref->labels["l"], "a");
}

TEST(WatchCache, FollowsWritesAndListsByPrefix) {
  auto store = storage::new_memory_store();
  WatchCache cache(*store);
  ASSERT_TRUE(cache.start().ok());
  auto kv = store->create("/registry/core/configmaps/ns/a", obj("a"));
  ASSERT_TRUE(kv.ok());
  ASSERT_TRUE(store->create("/registry/core/configmaps/other/b", obj("b")).ok());
  cache.wait_for_revision(store->current_revision());
  int64_t rev = 0;
  auto items = cache.list("/registry/core/configmaps/ns/", &rev);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(rev, store->current_revision());
  EXPECT_EQ(cache.list("/registry/core/configmaps/", nullptr).size(), 2u);
}

TEST(WatchCache, WatchReplaysFromRevisionAndStreamsLive) {
  auto store = storage::new_memory_store();
  WatchCache cache(*store);
  ASSERT_TRUE(cache.start().ok());
  auto first = store->create("/registry/core/configmaps/ns/a", obj("a"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store->update("/registry/core/configmaps/ns/a", obj("a", "b"), first->mod_revision).ok());
  auto w = cache.watch("/registry/core/configmaps/ns/", first->mod_revision, false, nullptr);
  ASSERT_TRUE(w.ok());
  std::vector<CacheEvent> events;
  (*w)->wait(events, std::chrono::milliseconds(0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, CacheEvent::Type::kModified);
  EXPECT_EQ(events[0].prev->labels["l"], "a");
  ASSERT_TRUE(store->remove("/registry/core/configmaps/ns/a", 0).ok());
  events.clear();
  (*w)->wait(events, std::chrono::milliseconds(1000));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, CacheEvent::Type::kDeleted);
  cache.stop_watching(*w);
}

TEST(WatchCache, InitialStateComesFirst) {
  auto store = storage::new_memory_store();
  ASSERT_TRUE(store->create("/registry/core/configmaps/ns/a", obj("a")).ok());
  ASSERT_TRUE(store->create("/registry/core/configmaps/ns/b", obj("b")).ok());
  WatchCache cache(*store);
  ASSERT_TRUE(cache.start().ok());
  int64_t start = 0;
  auto w = cache.watch("/registry/core/configmaps/", 0, true, &start);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(start, store->current_revision());
  std::vector<CacheEvent> events;
  (*w)->wait(events, std::chrono::milliseconds(0));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].object->name, "a");
  EXPECT_EQ(events[1].type, CacheEvent::Type::kAdded);
}

TEST(WatchCache, TooOldRevisionIsExpired) {
  auto store = storage::new_memory_store();
  WatchCache cache(*store, /*history_limit=*/2);
  ASSERT_TRUE(cache.start().ok());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(store->create("/registry/core/configmaps/ns/c" + std::to_string(i), obj("c")).ok());
  auto w = cache.watch("/registry/core/configmaps/", 1, false, nullptr);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, 410);
  EXPECT_EQ(w.error().reason, "Expired");
}

TEST(WatchCache, CachedObjectMatchesTheParsedObject) {
  const std::string stored =
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"app":"w\u00e9b"},"name":"p\"1","namespace":"ns",)"
      R"("uid":"u"},"spec":{"containers":[{"name":"c","nodeName":"decoy"}],"hostNetwork":true,"nodeName":"n1",)"
      R"("restartPolicy":"Always"},"status":{"phase":"Running","podIP":null}})";
  ObjectRef ref = WatchCache::make_object("/registry/core/pods/ns/p", stored, 9);
  Json expected = Json::parse(stored);
  expected["metadata"]["resourceVersion"] = "9";
  EXPECT_EQ(Json::parse(ref->bytes), expected);
  // Bytes the server serialized itself come back identical to a re-serialization.
  EXPECT_EQ(WatchCache::make_object("/registry/core/pods/ns/p", dump_json(Json::parse(stored)), 9)->bytes,
            dump_json(expected));
  EXPECT_EQ(ref->name, "p\"1");
  EXPECT_EQ(ref->namespace_, "ns");
  EXPECT_EQ(ref->labels, expected["metadata"]["labels"]);
  ASSERT_NE(ref->field("spec.nodeName"), nullptr);
  EXPECT_EQ(*ref->field("spec.nodeName"), "n1");
  EXPECT_EQ(*ref->field("spec.hostNetwork"), "true");
  EXPECT_EQ(*ref->field("status.phase"), "Running");
  EXPECT_EQ(ref->field("status.podIP"), nullptr);
  EXPECT_EQ(ref->field("spec.schedulerName"), nullptr);
}

TEST(WatchCache, ParsesWithOrWithoutManagedFieldsSharedWhileHeld) {
  auto store = storage::new_memory_store();
  WatchCache cache(*store);
  ASSERT_TRUE(cache.start().ok());
  ASSERT_TRUE(store
                  ->create("/registry/core/configmaps/ns/a",
                           R"({"kind":"ConfigMap","metadata":{"managedFields":[{"manager":"m"}],"name":"a"}})")
                  .ok());
  ASSERT_TRUE(store->create("/registry/core/configmaps/ns/b", obj("b")).ok());
  cache.wait_for_revision(store->current_revision());
  auto a = cache.get("/registry/core/configmaps/ns/a");
  auto whole = a->parsed();
  auto trimmed = a->parsed(false);
  EXPECT_EQ((*whole)["metadata"]["managedFields"][0]["manager"], "m");
  EXPECT_FALSE((*trimmed)["metadata"].contains("managedFields"));
  EXPECT_EQ((*trimmed)["metadata"]["name"], "a");
  EXPECT_EQ((*trimmed)["metadata"]["resourceVersion"], std::to_string(a->resource_version));
  EXPECT_EQ(a->parsed(false), trimmed) << "shared while held";
  EXPECT_EQ(a->parsed(), whole);
  auto b = cache.get("/registry/core/configmaps/ns/b");
  EXPECT_EQ(b->parsed(false), b->parsed()) << "nothing to drop: the same parse";
}

TEST(WatchCache, ObjectsWithoutMetadataAreCachedAsStored) {
  ObjectRef ref = WatchCache::make_object("/registry/x/k", R"({"kind":"X","type":"t"})", 3);
  EXPECT_EQ(Json::parse(ref->bytes)["metadata"]["resourceVersion"], "3");
  EXPECT_EQ(*ref->field("type"), "t");
}

}  // namespace
}  // namespace skiff::apiserver

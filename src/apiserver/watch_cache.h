// The watch cache: every stored object in memory as the bytes the API serves, fed by one
// store watch. LIST copies pointers and concatenates bytes; each event is parsed once and
// shared by every watcher. Watchers get their own bounded queue and block on it.
#pragma once

#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/labels.h"
#include "storage/store.h"
#include "util/json.h"

namespace skiff::apiserver {

struct CachedObject {
  std::string key;
  std::string namespace_;
  std::string name;
  int64_t resource_version = 0;
  std::string bytes;  // serialized object, metadata.resourceVersion set
  Json labels;        // metadata.labels (object) or null
  std::vector<std::pair<std::string, std::string>> fields;  // selectable fields present in the object

  const std::string* field(std::string_view name) const;

  // The object parsed, shared by every in-process consumer while any of them holds it: each
  // watch event is parsed once rather than once per watcher, and no parsed copy outlives its
  // users (keeping one per cached object would multiply the cache's memory). Informers take
  // it without metadata.managedFields, parsed from the text without them (no copy to trim).
  std::shared_ptr<const Json> parsed(bool with_managed_fields = true) const;

 private:
  mutable std::mutex parsed_mu_;
  mutable std::weak_ptr<const Json> parsed_;
  mutable std::weak_ptr<const Json> parsed_without_managed_fields_;
};
using ObjectRef = std::shared_ptr<const CachedObject>;

struct CacheEvent {
  enum class Type { kAdded, kModified, kDeleted };
  Type type = Type::kAdded;
  ObjectRef object;  // for kDeleted: the last state, with the deletion's resourceVersion
  ObjectRef prev;    // state before this event (null for kAdded)
  int64_t revision = 0;
};

// Label and field selectors applied to cached objects.
class ObjectFilter {
 public:
  static Result<ObjectFilter> parse(const std::string& label_selector, const std::string& field_selector);
  bool matches(const ObjectRef& obj) const;
  bool empty() const { return labels_.empty() && fields_.empty(); }

 private:
  api::LabelSelector labels_;
  api::FieldSelector fields_;
};

// How an event looks to a watcher that sees only the objects a filter matches: an object that
// starts matching is ADDED, one that stops matching is DELETED. nullopt: the watcher sees nothing.
std::optional<CacheEvent::Type> visible_event_type(const CacheEvent& e, const ObjectFilter& filter);

class Watcher {
 public:
  // Waits up to timeout for events; false once the watcher was closed (overflow or shutdown).
  bool wait(std::vector<CacheEvent>& out, std::chrono::milliseconds timeout);
  void close();

 private:
  friend class WatchCache;
  void push(const CacheEvent& e);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CacheEvent> queue_;
  bool closed_ = false;
  std::string prefix_;
};

class WatchCache {
 public:
  explicit WatchCache(storage::Store& store, size_t history_limit = 10000);
  ~WatchCache();

  // Loads every object under /registry/ and starts following the store.
  Status start();

  // Objects whose key starts with prefix, in key order, and the revision they reflect.
  std::vector<ObjectRef> list(const std::string& prefix, int64_t* revision) const;
  ObjectRef get(const std::string& key) const;

  // A watcher for keys under prefix. With initial_state, ADDED events for the current objects
  // come first (from_revision is ignored). Otherwise events after from_revision, or Expired (410)
  // when those are no longer in the history.
  Result<std::shared_ptr<Watcher>> watch(const std::string& prefix, int64_t from_revision, bool initial_state,
                                         int64_t* start_revision);
  void stop_watching(const std::shared_ptr<Watcher>& w);

  // Blocks until the cache has applied revision rev (read-your-writes after a store write).
  void wait_for_revision(int64_t rev);
  int64_t revision() const;
  size_t object_count() const;
  size_t watcher_count() const;

  // Builds a cache entry from stored bytes: sets resourceVersion and extracts selectable fields.
  static ObjectRef make_object(const std::string& key, std::string_view value, int64_t revision);

 private:
  void apply(const std::vector<storage::Event>& events);

  storage::Store& store_;
  size_t history_limit_;
  mutable std::mutex mu_;
  std::condition_variable revision_cv_;
  std::map<std::string, ObjectRef, std::less<>> objects_;
  std::deque<CacheEvent> history_;
  // Written under mu_, after the events up to it were queued for the watchers; read without it.
  std::atomic<int64_t> revision_{0};
  int64_t oldest_revision_ = 0;  // history holds every event with revision > this
  std::vector<std::shared_ptr<Watcher>> watchers_;
  std::unique_ptr<storage::Watch> store_watch_;
};

}  // namespace skiff::apiserver

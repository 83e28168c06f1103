// A revisioned key-value store with etcd v3 semantics: one global revision, compare-and-swap
// on the mod revision, watch from a revision with previous values, compaction.
// Backends (memory, sqlite, later etcd) are interchangeable behind this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace skiff::storage {

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;  // number of writes since creation (1 on create)
};

struct Event {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  KeyValue kv;                    // for kDelete: key, and mod_revision = the deletion's revision
  std::optional<KeyValue> prev;   // value before this event, when there was one
  bool is_create() const { return type == Type::kPut && kv.version == 1; }
};

struct RangeOptions {
  int64_t limit = 0;       // 0 = no limit
  int64_t revision = 0;    // 0 = latest; else read as of that revision (Expired if older than compaction,
                           // BadRequest if newer than the current revision)
  bool count_only = false;
};

struct RangeResult {
  std::vector<KeyValue> kvs;
  int64_t revision = 0;  // store revision the read was served at (opts.revision when given)
  bool more = false;     // limit cut the result
  int64_t count = 0;     // total keys in range
};

// The smallest key greater than every key starting with prefix, or "" when none exists
// (prefix empty or all 0xff bytes), which as a range end means unbounded.
std::string prefix_end(std::string_view prefix);
// Ranges are half-open, [start, end); an empty end means "no upper bound".
bool key_in_range(std::string_view key, std::string_view start, std::string_view end);

// Delivered in revision order, on the writer's thread, after the write is durable; never
// concurrently for one watch. Replayed events (after_revision < current) are delivered on the
// thread calling watch(), before it returns. The callback must not call into the Store (it
// would deadlock against other writers); it may destroy Watch handles, including its own.
using WatchCallback = std::function<void(const std::vector<Event>&)>;

class Watch {
 public:
  // Destroying the handle cancels the watch: once the destructor returns the callback is not
  // running on another thread and will not be called again. Safe to outlive the Store.
  virtual ~Watch() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::optional<KeyValue>> get(std::string_view key) = 0;
  virtual Result<RangeResult> range(std::string_view start, std::string_view end, const RangeOptions& opts) = 0;

  // Fails with AlreadyExists when the key is present. Returns the new KeyValue.
  virtual Result<KeyValue> create(std::string_view key, std::string_view value) = 0;
  // expected_mod_revision 0 = unconditional. NotFound when absent; Conflict when the revision differs.
  virtual Result<KeyValue> update(std::string_view key, std::string_view value, int64_t expected_mod_revision) = 0;
  // Returns the deleted KeyValue (its last state); same preconditions as update.
  virtual Result<KeyValue> remove(std::string_view key, int64_t expected_mod_revision) = 0;

  // Events for keys in [start, end) with revision > after_revision. Expired (410) when
  // after_revision is older than the compacted revision.
  virtual Result<std::unique_ptr<Watch>> watch(std::string_view start, std::string_view end, int64_t after_revision,
                                               WatchCallback callback) = 0;

  // Forget history below revision (the state as of revision is kept); later watch/range at older
  // revisions fail with Expired. Expired if already compacted to revision, BadRequest if in the future.
  virtual Status compact(int64_t revision) = 0;

  virtual int64_t current_revision() = 0;  // 1 for an empty store; the first write is revision 2
  virtual int64_t compacted_revision() = 0;  // 0 until the first compaction
};

// Backends, chosen by name.
std::unique_ptr<Store> new_memory_store();
struct SqliteOptions {
  // false: synchronous=NORMAL. Every commit write()s its WAL frames before returning, so an
  // acknowledged write survives kill -9 of the process, but not a power loss or kernel crash.
  // true: synchronous=FULL, fsync on every commit: survives power loss, at a latency cost.
  bool sync_full = false;
};
// Opens or creates a SQLite database (WAL; one store per file, guarded by "<path>.lock").
// Acknowledged writes survive a crash of the process. This overload takes sync_full from the
// environment: SKIFF_SQLITE_SYNC=full selects synchronous=FULL.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const SqliteOptions& options);

}  // namespace skiff::storage

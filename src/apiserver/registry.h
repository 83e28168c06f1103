// Generic REST storage for every kind (Kubernetes' generic registry): the write pipeline
// (defaults, validation, per-kind rules, compare-and-swap on the revision) and reads from
// the watch cache. HTTP handlers and in-process clients both call it, so both take the
// same path.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/schema.h"
#include "apiserver/admission.h"
#include "apiserver/watch_cache.h"
#include "storage/store.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::apiserver {

struct WriteOptions {
  bool dry_run = false;
  api::FieldValidation field_validation = api::FieldValidation::kIgnore;
  std::string field_manager;  // the fieldManager parameter; required for apply
  std::string user_agent;     // names the manager of other writes when field_manager is empty
  bool force = false;         // apply: take ownership of conflicting fields
  std::vector<std::string>* warnings = nullptr;  // "unknown field ..." under Warn
  // When set, a write that stores the object leaves it here as served (JSON with its
  // resourceVersion), so that the response need not serialize it once more.
  std::string* served_bytes = nullptr;
};

enum class PatchType { kJson, kMerge, kStrategic, kApply };

struct DeleteOptions {
  std::optional<int64_t> grace_period_seconds;
  std::string propagation_policy;  // "", Orphan, Background, Foreground
  std::string precondition_uid;
  std::string precondition_resource_version;
  bool dry_run = false;
  static Result<DeleteOptions> from_json(const Json& body);
};

struct DeleteResult {
  Json object;           // the object as deleted, or with deletionTimestamp when deletion is pending
  bool deleted = false;  // gone from the store (false: waiting for finalizers or grace period)
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;
  std::string continue_token;
};

struct ListResult {
  std::vector<ObjectRef> items;
  int64_t revision = 0;
  std::string continue_token;
  int64_t remaining = 0;  // remainingItemCount when the list was cut
};

// The storage key prefix of a resource (and namespace when given), ending in '/'.
std::string resource_prefix(const api::ResourceInfo& info, const std::string& ns);
std::string object_key(const api::ResourceInfo& info, const std::string& ns, const std::string& name);

class Registry {
 public:
  Registry(storage::Store& store, WatchCache& cache, const api::SchemaRegistry& schemas, const Clock& clock);

  Result<Json> create(const api::ResourceInfo& info, const std::string& ns, Json obj, const WriteOptions& opts);
  Result<Json> get(const api::ResourceInfo& info, const std::string& ns, const std::string& name) const;
  Result<ObjectRef> get_cached(const api::ResourceInfo& info, const std::string& ns, const std::string& name) const;
  Result<ListResult> list(const api::ResourceInfo& info, const std::string& ns, const ListOptions& opts) const;

  // subresource "" (main resource) or "status"; create_if_absent for PUT of kinds that allow it.
  Result<Json> update(const api::ResourceInfo& info, const std::string& ns, const std::string& name, Json obj,
                      const std::string& subresource, const WriteOptions& opts);
  Result<Json> patch(const api::ResourceInfo& info, const std::string& ns, const std::string& name, PatchType type,
                     const std::string& patch, const std::string& subresource, const WriteOptions& opts);
  Result<DeleteResult> remove(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                              const DeleteOptions& opts);

  // Scale subresource (autoscaling/v1 Scale).
  Result<Json> get_scale(const api::ResourceInfo& info, const std::string& ns, const std::string& name) const;
  Result<Json> update_scale(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                            const Json& scale, const WriteOptions& opts);

  // pods/binding: assigns the pod to binding.target.name (409 when it already has a node).
  Result<Json> bind_pod(const std::string& ns, const std::string& name, const Json& binding, const WriteOptions& opts);
  // pods/eviction: deletes the pod unless a PodDisruptionBudget forbids it (429).
  Result<Json> evict_pod(const std::string& ns, const std::string& name, const Json& eviction,
                         const WriteOptions& opts);

  // Admission plugins on every create and update; none until set.
  void set_admission(std::shared_ptr<const Admission> admission) { admission_ = std::move(admission); }
  const api::SchemaRegistry& schemas() const { return schemas_; }
  WatchCache& cache() { return cache_; }

 private:
  // ownership_decided: transform already set metadata.managedFields (server-side apply).
  Result<Json> create_object(const api::ResourceInfo& info, const std::string& ns, Json obj, const WriteOptions& opts,
                             bool ownership_decided);
  Result<Json> update_with(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                           const std::string& subresource, const WriteOptions& opts,
                           const std::function<Result<Json>(const Json& current)>& transform,
                           bool ownership_decided = false);
  // Server-side apply: merges into the live object, or creates it when absent.
  Result<Json> apply(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                     const std::string& patch, const std::string& subresource, const WriteOptions& opts);
  // nullopt: the stored object changed since it was read (retry).
  Result<std::optional<Json>> store_update(const api::ResourceInfo& info, const std::string& key, Json updated,
                                           Json current, int64_t mod_revision, const std::string& subresource,
                                           const WriteOptions& opts, bool ownership_decided);
  Status check_namespace(const api::ResourceInfo& info, const std::string& ns) const;
  Result<Json> finish_write(const api::ResourceInfo& info, const std::string& key, Json obj, int64_t revision,
                            const WriteOptions& opts);

  storage::Store& store_;
  WatchCache& cache_;
  const api::SchemaRegistry& schemas_;
  const Clock& clock_;
  std::shared_ptr<const Admission> admission_;
  std::mutex allocation_mu_;  // serializes Service IP/port allocation with the create that uses it
};

}  // namespace skiff::apiserver

// The client interface every control-plane component talks through: the same verbs as the
// REST API, over either the in-process transport (apiserver/in_process_client.h: straight to
// the registry, same admission path, no HTTP) or HTTPS (client/rest_client.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/schema.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::client {

// Objects handed out by lists, watches and informer caches are immutable and shared.
using ObjectPtr = std::shared_ptr<const Json>;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  // The objects come without metadata.managedFields, which informers do not keep.
  bool without_managed_fields = false;
};

struct ObjectList {
  std::vector<ObjectPtr> items;
  int64_t resource_version = 0;
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark };
  Type type = Type::kAdded;
  ObjectPtr object;  // null for kBookmark
  int64_t resource_version = 0;
};

class WatchStream {
 public:
  virtual ~WatchStream() = default;
  // Appends the events that arrive within timeout. false once the stream has ended; error()
  // then says why (410 Expired: relist).
  virtual bool next(std::vector<WatchEvent>& out, std::chrono::milliseconds timeout) = 0;
  virtual Status error() const = 0;
};

enum class PatchType { kJson, kMerge, kStrategic, kApply };

struct DeleteOptions {
  std::optional<int64_t> grace_period_seconds;
  std::string propagation_policy;  // "", Orphan, Background, Foreground
  std::string precondition_uid;
  std::string precondition_resource_version;
};

struct WriteOptions {
  std::string field_manager;  // defaults to the client's component name
  bool force = false;         // server-side apply only
};

// ns is "" for cluster-scoped resources (and for lists across all namespaces).
class Client {
 public:
  virtual ~Client() = default;

  virtual const api::SchemaRegistry& schemas() const = 0;

  virtual Result<Json> get(const api::ResourceInfo& r, const std::string& ns, const std::string& name) = 0;
  virtual Result<ObjectList> list(const api::ResourceInfo& r, const std::string& ns, const ListOptions& opts) = 0;
  // Events after resource_version (0: the current objects first, as ADDED).
  virtual Result<std::unique_ptr<WatchStream>> watch(const api::ResourceInfo& r, const std::string& ns,
                                                     const ListOptions& opts, int64_t resource_version) = 0;

  virtual Result<Json> create(const api::ResourceInfo& r, const std::string& ns, Json obj,
                              const WriteOptions& opts = {}) = 0;
  // subresource "" or "status". Fails with 409 Conflict when metadata.resourceVersion is stale.
  virtual Result<Json> update(const api::ResourceInfo& r, const std::string& ns, Json obj,
                              const std::string& subresource = "", const WriteOptions& opts = {}) = 0;
  virtual Result<Json> patch(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                             PatchType type, const std::string& patch, const std::string& subresource = "",
                             const WriteOptions& opts = {}) = 0;
  // The object with deletionTimestamp set when deletion waits for finalizers, else the deleted object.
  virtual Result<Json> remove(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                              const DeleteOptions& opts = {}) = 0;
  // GET /version: the server's version.Info (gitVersion, major, minor, ...).
  virtual Result<Json> server_version() = 0;

  // POST to a subresource: pods/binding, pods/eviction.
  virtual Result<Json> create_subresource(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                                          const std::string& subresource, Json body) = 0;

  // Looks a built-in resource up by group/version/plural; aborts on a name the registry lacks
  // (a programming error, not user input).
  const api::ResourceInfo& resource(std::string_view group, std::string_view version,
                                    std::string_view plural) const;
};

// "ns/name", or "name" for cluster-scoped objects: how caches and work queues key objects.
std::string object_key(const Json& obj);
std::string object_key(std::string_view ns, std::string_view name);
// Splits a key made by object_key.
std::pair<std::string, std::string> split_key(std::string_view key);
// Removes metadata.managedFields (ListOptions::without_managed_fields).
void drop_managed_fields(Json& obj);

}  // namespace skiff::client

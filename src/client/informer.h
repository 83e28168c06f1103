// Informers: list once, then watch, keeping a local indexed cache of one resource and
// telling handlers about changes. Relists when the watch expires (410) or breaks. Shared
// through an InformerFactory so each resource is cached once per process.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/client.h"

namespace skiff::client {

struct EventHandler {
  std::function<void(const ObjectPtr& obj)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  std::function<void(const ObjectPtr& obj)> on_delete;  // the last known state
};

// Extracts the values an object is indexed under (e.g. a pod's spec.nodeName).
using IndexFunc = std::function<std::vector<std::string>(const Json& obj)>;

class Informer {
 public:
  Informer(Client& client, const api::ResourceInfo& resource, std::string ns = "", ListOptions opts = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Handlers and indexes are added before start(). Handlers run on the informer's thread, one
  // event at a time, in order: they should only enqueue work.
  void add_handler(EventHandler handler);
  void add_index(const std::string& name, IndexFunc fn);
  // Every period, on_update(obj, obj) for every cached object (0: never).
  void set_resync_period(std::chrono::milliseconds period);

  void start();
  // Asks the informer's thread to finish without waiting for it (stop() waits).
  void request_stop() { stopping_ = true; }
  void stop();
  bool has_synced() const { return synced_.load(); }
  bool wait_for_sync(std::chrono::milliseconds timeout) const;

  ObjectPtr get(std::string_view key) const;
  ObjectPtr get(std::string_view ns, std::string_view name) const { return get(object_key(ns, name)); }
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> list_namespace(std::string_view ns) const;
  std::vector<ObjectPtr> by_index(const std::string& index, const std::string& value) const;
  size_t size() const;
  // The resourceVersion the cache reflects.
  int64_t resource_version() const { return resource_version_.load(); }

  const api::ResourceInfo& resource() const { return resource_; }

 private:
  void run();
  bool list_and_replace();
  void watch_loop();
  void upsert(ObjectPtr obj);
  void erase(const ObjectPtr& obj);
  void index_add(const std::string& key, const Json& obj);
  void index_remove(const std::string& key, const Json& obj);
  void resync_all();

  Client& client_;
  const api::ResourceInfo& resource_;
  std::string namespace_;
  ListOptions options_;
  std::vector<EventHandler> handlers_;
  std::map<std::string, IndexFunc> index_funcs_;
  std::chrono::milliseconds resync_period_{0};

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, ObjectPtr> items_;
  // index name -> value -> keys
  std::map<std::string, std::unordered_map<std::string, std::unordered_map<std::string, bool>>> indexes_;

  std::atomic<bool> synced_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> resource_version_{0};
  std::thread thread_;
};

// One informer per (resource, namespace) in a process, as client-go's SharedInformerFactory.
// Cached objects have metadata.managedFields removed.
class InformerFactory {
 public:
  explicit InformerFactory(Client& client) : client_(client) {}
  ~InformerFactory();

  Informer& informer(const api::ResourceInfo& resource, const std::string& ns = "");
  Informer& informer(std::string_view group, std::string_view version, std::string_view plural);
  // Starts every informer created so far that is not running yet.
  void start();
  bool wait_for_sync(std::chrono::milliseconds timeout);
  void stop();
  Client& client() { return client_; }

 private:
  Client& client_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Informer>> informers_;
  std::map<std::string, bool> started_;
};

}  // namespace skiff::client

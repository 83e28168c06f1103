#include "apiserver/in_process_client.h"

#include "apiserver/discovery.h"
#include "apiserver/registry.h"
#include "apiserver/watch_cache.h"

namespace skiff::apiserver {
namespace {

client::ObjectPtr parse_object(const ObjectRef& ref, bool with_managed_fields = true) {
  return ref->parsed(with_managed_fields);
}

class CacheWatchStream final : public client::WatchStream {
 public:
  CacheWatchStream(WatchCache& cache, std::shared_ptr<Watcher> watcher, ObjectFilter filter,
                   bool with_managed_fields)
      : cache_(cache), watcher_(std::move(watcher)), filter_(std::move(filter)),
        with_managed_fields_(with_managed_fields) {}
  ~CacheWatchStream() override { cache_.stop_watching(watcher_); }

  bool next(std::vector<client::WatchEvent>& out, std::chrono::milliseconds timeout) override {
    // The cache queues an event for its watchers before its revision passes it, so every event
    // up to this revision is already in the queue drained below.
    const int64_t progress = cache_.revision();
    events_.clear();
    bool open = watcher_->wait(events_, timeout);
    for (const auto& e : events_) {
      auto type = visible_event_type(e, filter_);
      if (!type) continue;
      client::WatchEvent ev;
      ev.type = *type == CacheEvent::Type::kAdded      ? client::WatchEvent::Type::kAdded
                : *type == CacheEvent::Type::kModified ? client::WatchEvent::Type::kModified
                                                       : client::WatchEvent::Type::kDeleted;
      ev.object = parse_object(e.object, with_managed_fields_);
      ev.resource_version = e.revision;
      out.push_back(std::move(ev));
    }
    // Tell the consumer how far it has seen even when the filter hid everything or its kind was
    // idle (progress, as etcd's progress notifications): others wait on that (the garbage
    // collector, before it lets an orphaning owner go).
    const int64_t seen = std::max(progress, events_.empty() ? int64_t{0} : events_.back().revision);
    if (seen > reported_ && (out.empty() || out.back().resource_version < seen)) {
      client::WatchEvent mark;
      mark.type = client::WatchEvent::Type::kBookmark;
      mark.resource_version = seen;
      out.push_back(std::move(mark));
    }
    if (!out.empty()) reported_ = std::max(reported_, out.back().resource_version);
    if (!open) closed_ = true;
    return open;
  }

  Status error() const override {
    if (closed_) return Error::expired("the watch fell behind and was closed; relist");
    return ok_status();
  }

 private:
  WatchCache& cache_;
  std::shared_ptr<Watcher> watcher_;
  ObjectFilter filter_;
  bool with_managed_fields_;
  std::vector<CacheEvent> events_;
  int64_t reported_ = 0;
  bool closed_ = false;
};

class InProcessClient final : public client::Client {
 public:
  InProcessClient(Registry& registry, std::string component)
      : registry_(registry), component_(std::move(component)) {}

  const api::SchemaRegistry& schemas() const override { return registry_.schemas(); }

  Result<Json> server_version() override { return server_version_info(); }

  Result<Json> get(const api::ResourceInfo& r, const std::string& ns, const std::string& name) override {
    return registry_.get(r, ns, name);
  }

  Result<client::ObjectList> list(const api::ResourceInfo& r, const std::string& ns,
                                  const client::ListOptions& opts) override {
    ListOptions lo;
    lo.label_selector = opts.label_selector;
    lo.field_selector = opts.field_selector;
    SKIFF_ASSIGN_OR_RETURN(auto listed, registry_.list(r, ns, lo));
    client::ObjectList out;
    out.resource_version = listed.revision;
    out.items.reserve(listed.items.size());
    for (const auto& ref : listed.items) out.items.push_back(parse_object(ref, !opts.without_managed_fields));
    return out;
  }

  Result<std::unique_ptr<client::WatchStream>> watch(const api::ResourceInfo& r, const std::string& ns,
                                                     const client::ListOptions& opts,
                                                     int64_t resource_version) override {
    SKIFF_ASSIGN_OR_RETURN(auto filter, ObjectFilter::parse(opts.label_selector, opts.field_selector));
    int64_t start = 0;
    SKIFF_ASSIGN_OR_RETURN(auto watcher, registry_.cache().watch(resource_prefix(r, ns), resource_version,
                                                                 resource_version == 0, &start));
    return std::unique_ptr<client::WatchStream>(
        std::make_unique<CacheWatchStream>(registry_.cache(), std::move(watcher), std::move(filter),
                                           !opts.without_managed_fields));
  }

  Result<Json> create(const api::ResourceInfo& r, const std::string& ns, Json obj,
                      const client::WriteOptions& opts) override {
    return registry_.create(r, ns, std::move(obj), write_options(opts));
  }

  Result<Json> update(const api::ResourceInfo& r, const std::string& ns, Json obj, const std::string& subresource,
                      const client::WriteOptions& opts) override {
    std::string name = obj.contains("metadata") ? get_string(obj["metadata"], "name") : "";
    return registry_.update(r, ns, name, std::move(obj), subresource, write_options(opts));
  }

  Result<Json> patch(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                     client::PatchType type, const std::string& patch, const std::string& subresource,
                     const client::WriteOptions& opts) override {
    PatchType t = type == client::PatchType::kJson        ? PatchType::kJson
                  : type == client::PatchType::kMerge     ? PatchType::kMerge
                  : type == client::PatchType::kStrategic ? PatchType::kStrategic
                                                          : PatchType::kApply;
    return registry_.patch(r, ns, name, t, patch, subresource, write_options(opts));
  }

  Result<Json> remove(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                      const client::DeleteOptions& opts) override {
    DeleteOptions d;
    d.grace_period_seconds = opts.grace_period_seconds;
    d.propagation_policy = opts.propagation_policy;
    d.precondition_uid = opts.precondition_uid;
    d.precondition_resource_version = opts.precondition_resource_version;
    SKIFF_ASSIGN_OR_RETURN(auto removed, registry_.remove(r, ns, name, d));
    return std::move(removed.object);
  }

  Result<Json> create_subresource(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                                  const std::string& subresource, Json body) override {
    if (r.gvk.group.empty() && r.resource == "pods") {
      if (subresource == "binding") return registry_.bind_pod(ns, name, body, write_options({}));
      if (subresource == "eviction") return registry_.evict_pod(ns, name, body, write_options({}));
    }
    return Error::not_found("the server could not find the requested resource (post " + r.resource + "/" +
                            subresource + ")");
  }

 private:
  WriteOptions write_options(const client::WriteOptions& opts) const {
    WriteOptions w;
    w.field_manager = opts.field_manager.empty() ? component_ : opts.field_manager;
    w.force = opts.force;
    return w;
  }

  Registry& registry_;
  std::string component_;
};

}  // namespace

std::unique_ptr<client::Client> new_in_process_client(Registry& registry, std::string component) {
  return std::make_unique<InProcessClient>(registry, std::move(component));
}

}  // namespace skiff::apiserver

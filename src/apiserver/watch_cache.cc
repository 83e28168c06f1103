#include "apiserver/watch_cache.h"

#include <algorithm>

#include "api/raw_json.h"
#include "util/strings.h"

namespace skiff::apiserver {
namespace {

constexpr size_t kWatcherQueueLimit = 20000;

// Fields Kubernetes lets clients select on, across kinds; the request layer decides which
// are allowed for a given resource.
const char* const kSelectableFields[] = {
    "spec.nodeName",           "spec.restartPolicy",        "spec.schedulerName",
    "spec.serviceAccountName", "spec.hostNetwork",          "status.phase",
    "status.podIP",            "status.nominatedNodeName",  "type",
    "reason",                  "source",                    "reportingComponent",
    "involvedObject.kind",     "involvedObject.namespace",  "involvedObject.name",
    "involvedObject.uid",      "involvedObject.apiVersion", "involvedObject.resourceVersion",
    "involvedObject.fieldPath", "spec.unschedulable",       "spec.clusterIP",
    "spec.type",               "status.replicas",           "status.successful",
    "spec.signerName",         "regarding.kind",            "regarding.name",
    "regarding.namespace",     "regarding.uid",             "reportingController",
};

std::string scalar_string(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  return "";
}

}  // namespace

const std::string* CachedObject::field(std::string_view name) const {
  if (name == "metadata.name") return &this->name;
  if (name == "metadata.namespace") return &namespace_;
  for (const auto& [k, v] : fields)
    if (k == name) return &v;
  return nullptr;
}

std::shared_ptr<const Json> CachedObject::parsed(bool with_managed_fields) const {
  std::lock_guard lk(parsed_mu_);
  std::optional<std::string> trimmed;
  if (!with_managed_fields) {
    if (auto held = parsed_without_managed_fields_.lock()) return held;
    trimmed = api::without_managed_fields(bytes);
  }
  if (!trimmed) {  // the whole object (or one without managedFields to drop)
    if (auto held = parsed_.lock()) return held;
    auto fresh = std::make_shared<const Json>(parse_own_json(bytes));
    parsed_ = fresh;
    return fresh;
  }
  auto fresh = std::make_shared<const Json>(parse_own_json(*trimmed));
  parsed_without_managed_fields_ = fresh;
  return fresh;
}

Result<ObjectFilter> ObjectFilter::parse(const std::string& label_selector, const std::string& field_selector) {
  ObjectFilter f;
  SKIFF_ASSIGN_OR_RETURN(f.labels_, api::LabelSelector::parse(label_selector));
  SKIFF_ASSIGN_OR_RETURN(f.fields_, api::FieldSelector::parse(field_selector));
  return f;
}

bool ObjectFilter::matches(const ObjectRef& obj) const {
  if (!obj) return false;
  if (!labels_.empty() && !labels_.matches(obj->labels)) return false;
  if (!fields_.empty() && !fields_.matches([&](std::string_view f) -> std::optional<std::string> {
        if (const std::string* v = obj->field(f)) return *v;
        return std::string();
      }))
    return false;
  return true;
}

std::optional<CacheEvent::Type> visible_event_type(const CacheEvent& e, const ObjectFilter& filter) {
  using T = CacheEvent::Type;
  if (filter.empty()) return e.type;
  switch (e.type) {
    case T::kAdded:
      if (filter.matches(e.object)) return T::kAdded;
      return std::nullopt;
    case T::kModified: {
      bool now = filter.matches(e.object);
      bool before = e.prev && filter.matches(e.prev);
      if (now) return before ? T::kModified : T::kAdded;
      if (before) return T::kDeleted;
      return std::nullopt;
    }
    case T::kDeleted:
      if (filter.matches(e.prev ? e.prev : e.object)) return T::kDeleted;
      return std::nullopt;
  }
  return std::nullopt;
}

bool Watcher::wait(std::vector<CacheEvent>& out, std::chrono::milliseconds timeout) {
  std::unique_lock lk(mu_);
  cv_.wait_for(lk, timeout, [&] { return closed_ || !queue_.empty(); });
  while (!queue_.empty()) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return !closed_ || !out.empty();
}

void Watcher::close() {
  std::lock_guard lk(mu_);
  closed_ = true;
  cv_.notify_all();
}

void Watcher::push(const CacheEvent& e) {
  std::lock_guard lk(mu_);
  if (closed_) return;
  if (queue_.size() >= kWatcherQueueLimit) {  // a consumer this slow must relist
    closed_ = true;
    queue_.clear();
  } else {
    queue_.push_back(e);
    // A waiter sleeps only on an empty queue, so only the first event of a batch must wake it.
    if (queue_.size() > 1) return;
  }
  cv_.notify_all();
}

WatchCache::WatchCache(storage::Store& store, size_t history_limit) : store_(store), history_limit_(history_limit) {}

WatchCache::~WatchCache() {
  store_watch_.reset();
  std::lock_guard lk(mu_);
  for (auto& w : watchers_) w->close();
}

namespace {

// kSelectableFields grouped by their first path component, for one pass over each object.
struct FieldGroup {
  std::string_view top;
  std::vector<std::pair<std::string_view, const char*>> members;  // second component (or "") -> field name
};

const std::vector<FieldGroup>& field_groups() {
  static const std::vector<FieldGroup> groups = [] {
    std::vector<FieldGroup> out;
    for (const char* f : kSelectableFields) {
      std::string_view name(f);
      auto dot = name.find('.');
      std::string_view top = name.substr(0, dot);
      std::string_view rest = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
      auto it = std::find_if(out.begin(), out.end(), [&](const FieldGroup& g) { return g.top == top; });
      if (it == out.end()) it = out.insert(out.end(), FieldGroup{top, {}});
      it->members.emplace_back(rest, f);
    }
    return out;
  }();
  return groups;
}

// A selectable field's value as Kubernetes' field selectors compare it; nullopt for null,
// objects and arrays, which are not selectable.
std::optional<std::string> raw_scalar_string(std::string_view raw) {
  if (raw.empty() || raw == "null" || raw.front() == '{' || raw.front() == '[') return std::nullopt;
  if (raw.front() == '"') return api::raw_string_value(raw);
  return std::string(raw);  // true, false, or a number as serialized
}

// Fills obj from the stored bytes without parsing them into a tree. False when the bytes are
// not shaped as expected (the caller then parses them).
bool read_stored(std::string_view value, int64_t revision, CachedObject& obj) {
  const auto& groups = field_groups();
  std::string_view meta;
  bool ok = api::for_each_raw_member(value, [&](std::string_view key, std::string_view member) {
    if (key == "metadata") {
      meta = member;
      return true;
    }
    for (const auto& g : groups) {
      if (g.top != key) continue;
      for (const auto& [sub, field] : g.members) {
        if (!sub.empty()) continue;
        if (auto v = raw_scalar_string(member)) obj.fields.emplace_back(field, std::move(*v));
      }
      if (member.front() != '{') break;
      api::for_each_raw_member(member, [&](std::string_view k, std::string_view v) {
        for (const auto& [sub, field] : g.members) {
          if (sub != k) continue;
          if (auto s = raw_scalar_string(v)) obj.fields.emplace_back(field, std::move(*s));
        }
        return true;
      });
      break;
    }
    return true;
  });
  if (!ok || meta.empty()) return false;
  bool meta_ok = api::for_each_raw_member(meta, [&](std::string_view key, std::string_view member) {
    if (key == "name") {
      obj.name = api::raw_string_value(member).value_or("");
    } else if (key == "namespace") {
      obj.namespace_ = api::raw_string_value(member).value_or("");
    } else if (key == "labels" && member.front() == '{') {
      obj.labels = Json::parse(member, nullptr, false);
      if (obj.labels.is_discarded()) obj.labels = nullptr;
    }
    return true;
  });
  if (!meta_ok) return false;
  auto bytes = api::with_resource_version(value, meta, std::to_string(revision));
  if (!bytes) return false;
  obj.bytes = std::move(*bytes);
  return true;
}

}  // namespace

ObjectRef WatchCache::make_object(const std::string& key, std::string_view value, int64_t revision) {
  auto obj = std::make_shared<CachedObject>();
  obj->key = key;
  obj->resource_version = revision;
  if (read_stored(value, revision, *obj)) return obj;
  obj->fields.clear();
  obj->labels = nullptr;
  Json j = Json::parse(value, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    obj->bytes = std::string(value);
    return obj;
  }
  Json& meta = j["metadata"];
  if (!meta.is_object()) meta = Json::object();
  meta["resourceVersion"] = std::to_string(revision);
  obj->name = get_string(meta, "name");
  obj->namespace_ = get_string(meta, "namespace");
  if (auto it = meta.find("labels"); it != meta.end() && it->is_object()) obj->labels = *it;
  for (const char* f : kSelectableFields) {
    if (const Json* v = find_path(j, f); v && !v->is_null() && !v->is_object() && !v->is_array())
      obj->fields.emplace_back(f, scalar_string(*v));
  }
  obj->bytes = dump_json(j);
  return obj;
}

Status WatchCache::start() {
  const std::string start = "/registry/";
  const std::string end = storage::prefix_end(start);
  SKIFF_ASSIGN_OR_RETURN(auto snapshot, store_.range(start, end, {}));
  {
    std::lock_guard lk(mu_);
    for (const auto& kv : snapshot.kvs) objects_[kv.key] = make_object(kv.key, kv.value, kv.mod_revision);
    revision_ = snapshot.revision;
    oldest_revision_ = snapshot.revision;
  }
  SKIFF_ASSIGN_OR_RETURN(store_watch_, store_.watch(start, end, snapshot.revision,
                                                    [this](const std::vector<storage::Event>& ev) { apply(ev); }));
  return ok_status();
}

void WatchCache::apply(const std::vector<storage::Event>& events) {
  std::vector<CacheEvent> applied;
  applied.reserve(events.size());
  for (const auto& e : events) {
    CacheEvent ce;
    ce.revision = e.kv.mod_revision;
    if (e.type == storage::Event::Type::kPut) {
      ce.type = e.is_create() ? CacheEvent::Type::kAdded : CacheEvent::Type::kModified;
      ce.object = make_object(e.kv.key, e.kv.value, e.kv.mod_revision);
    } else {
      ce.type = CacheEvent::Type::kDeleted;
      std::string_view last = e.prev ? std::string_view(e.prev->value) : std::string_view(e.kv.value);
      ce.object = make_object(e.kv.key, last, e.kv.mod_revision);
    }
    applied.push_back(std::move(ce));
  }
  std::lock_guard lk(mu_);
  for (auto& ce : applied) {
    auto it = objects_.find(ce.object->key);
    if (it != objects_.end()) ce.prev = it->second;
    if (ce.type == CacheEvent::Type::kDeleted) {
      if (it != objects_.end()) objects_.erase(it);
    } else if (it != objects_.end()) {
      it->second = ce.object;
    } else {
      objects_.emplace(ce.object->key, ce.object);
    }
    for (auto& w : watchers_)
      if (starts_with(ce.object->key, w->prefix_)) w->push(ce);
    history_.push_back(ce);
    revision_ = std::max(revision_.load(), ce.revision);
  }
  while (history_.size() > history_limit_) {
    oldest_revision_ = history_.front().revision;
    history_.pop_front();
  }
  revision_cv_.notify_all();
}

std::vector<ObjectRef> WatchCache::list(const std::string& prefix, int64_t* revision) const {
  std::vector<ObjectRef> out;
  std::lock_guard lk(mu_);
  for (auto it = objects_.lower_bound(prefix); it != objects_.end() && starts_with(it->first, prefix); ++it)
    out.push_back(it->second);
  if (revision) *revision = revision_;
  return out;
}

ObjectRef WatchCache::get(const std::string& key) const {
  std::lock_guard lk(mu_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

Result<std::shared_ptr<Watcher>> WatchCache::watch(const std::string& prefix, int64_t from_revision,
                                                   bool initial_state, int64_t* start_revision) {
  auto w = std::make_shared<Watcher>();
  w->prefix_ = prefix;
  std::lock_guard lk(mu_);
  if (initial_state) {
    for (auto it = objects_.lower_bound(prefix); it != objects_.end() && starts_with(it->first, prefix); ++it)
      w->queue_.push_back(CacheEvent{CacheEvent::Type::kAdded, it->second, nullptr, it->second->resource_version});
  } else {
    if (from_revision < oldest_revision_) {
      return Error::expired("too old resource version: " + std::to_string(from_revision) + " (" +
                            std::to_string(oldest_revision_ + 1) + ")");
    }
    for (const auto& e : history_)
      if (e.revision > from_revision && starts_with(e.object->key, prefix)) w->queue_.push_back(e);
  }
  if (start_revision) *start_revision = revision_;
  watchers_.push_back(w);
  return w;
}

void WatchCache::stop_watching(const std::shared_ptr<Watcher>& w) {
  w->close();
  std::lock_guard lk(mu_);
  watchers_.erase(std::remove(watchers_.begin(), watchers_.end(), w), watchers_.end());
}

void WatchCache::wait_for_revision(int64_t rev) {
  std::unique_lock lk(mu_);
  revision_cv_.wait_for(lk, std::chrono::seconds(5), [&] { return revision_ >= rev; });
}

int64_t WatchCache::revision() const { return revision_.load(); }

size_t WatchCache::object_count() const {
  std::lock_guard lk(mu_);
  return objects_.size();
}

size_t WatchCache::watcher_count() const {
  std::lock_guard lk(mu_);
  return watchers_.size();
}

}  // namespace skiff::apiserver

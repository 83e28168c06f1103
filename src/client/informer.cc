#include "client/informer.h"

#include <condition_variable>

#include "util/log.h"

namespace skiff::client {
namespace {

int64_t object_revision(const Json& obj) {
  const Json& meta = obj.at("metadata");
  auto rv = meta.find("resourceVersion");
  if (rv == meta.end() || !rv->is_string()) return 0;
  try {
    return std::stoll(rv->get<std::string>());
  } catch (...) {
    return 0;
  }
}

}  // namespace

Informer::Informer(Client& client, const api::ResourceInfo& resource, std::string ns, ListOptions opts)
    : client_(client), resource_(resource), namespace_(std::move(ns)), options_(std::move(opts)) {}

Informer::~Informer() { stop(); }

void Informer::add_handler(EventHandler handler) { handlers_.push_back(std::move(handler)); }
void Informer::add_index(const std::string& name, IndexFunc fn) { index_funcs_[name] = std::move(fn); }
void Informer::set_resync_period(std::chrono::milliseconds period) { resync_period_ = period; }

void Informer::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void Informer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

bool Informer::wait_for_sync(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!synced_.load()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

ObjectPtr Informer::get(std::string_view key) const {
  std::shared_lock lk(mu_);
  auto it = items_.find(std::string(key));
  return it == items_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Informer::list() const {
  std::shared_lock lk(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [k, v] : items_) out.push_back(v);
  return out;
}

std::vector<ObjectPtr> Informer::list_namespace(std::string_view ns) const {
  std::string prefix = std::string(ns) + "/";
  std::shared_lock lk(mu_);
  std::vector<ObjectPtr> out;
  for (const auto& [k, v] : items_)
    if (k.compare(0, prefix.size(), prefix) == 0) out.push_back(v);
  return out;
}

std::vector<ObjectPtr> Informer::by_index(const std::string& index, const std::string& value) const {
  std::shared_lock lk(mu_);
  std::vector<ObjectPtr> out;
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return out;
  auto keys = idx->second.find(value);
  if (keys == idx->second.end()) return out;
  for (const auto& [key, unused] : keys->second) {
    auto it = items_.find(key);
    if (it != items_.end()) out.push_back(it->second);
  }
  return out;
}

size_t Informer::size() const {
  std::shared_lock lk(mu_);
  return items_.size();
}

void Informer::index_add(const std::string& key, const Json& obj) {
  for (const auto& [name, fn] : index_funcs_)
    for (const auto& value : fn(obj)) indexes_[name][value][key] = true;
}

void Informer::index_remove(const std::string& key, const Json& obj) {
  for (const auto& [name, fn] : index_funcs_) {
    auto& idx = indexes_[name];
    for (const auto& value : fn(obj)) {
      auto it = idx.find(value);
      if (it == idx.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) idx.erase(it);
    }
  }
}

void Informer::upsert(ObjectPtr obj) {
  std::string key = object_key(*obj);
  ObjectPtr old;
  {
    std::unique_lock lk(mu_);
    auto it = items_.find(key);
    if (it != items_.end()) {
      old = it->second;
      index_remove(key, *old);
      it->second = obj;
    } else {
      items_.emplace(key, obj);
    }
    index_add(key, *obj);
  }
  for (const auto& h : handlers_) {
    if (old) {
      if (h.on_update) h.on_update(old, obj);
    } else if (h.on_add) {
      h.on_add(obj);
    }
  }
}

void Informer::erase(const ObjectPtr& obj) {
  std::string key = object_key(*obj);
  ObjectPtr last;
  {
    std::unique_lock lk(mu_);
    auto it = items_.find(key);
    if (it == items_.end()) return;
    last = it->second;
    index_remove(key, *last);
    items_.erase(it);
  }
  for (const auto& h : handlers_)
    if (h.on_delete) h.on_delete(obj ? obj : last);
}

bool Informer::list_and_replace() {
  auto listed = client_.list(resource_, namespace_, options_);
  if (!listed.ok()) {
    log::warn("informer", "listing " + resource_.resource + ": " + listed.error().message);
    return false;
  }
  std::unordered_map<std::string, ObjectPtr> fresh;
  for (auto& item : listed->items) fresh.emplace(object_key(*item), item);
  std::vector<ObjectPtr> gone;
  {
    std::shared_lock lk(mu_);
    for (const auto& [key, obj] : items_)
      if (!fresh.count(key)) gone.push_back(obj);
  }
  for (const auto& obj : gone) erase(obj);
  for (auto& [key, obj] : fresh) {
    ObjectPtr current = get(key);
    if (current && object_revision(*current) == object_revision(*obj)) continue;
    upsert(obj);
  }
  resource_version_ = listed->resource_version;
  synced_ = true;
  return true;
}

void Informer::resync_all() {
  for (const auto& obj : list())
    for (const auto& h : handlers_)
      if (h.on_update) h.on_update(obj, obj);
}

void Informer::run() {
  auto next_resync = std::chrono::steady_clock::now() + resync_period_;
  while (!stopping_) {
    if (!list_and_replace()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    // Watch until the stream expires; after a plain disconnect, resume from the last revision.
    bool relist = false;
    while (!stopping_ && !relist) {
      auto stream = client_.watch(resource_, namespace_, options_, resource_version_.load());
      if (!stream.ok()) {
        relist = true;
        break;
      }
      std::vector<WatchEvent> events;
      while (!stopping_) {
        events.clear();
        bool open = (*stream)->next(events, std::chrono::milliseconds(200));
        for (auto& e : events) {
          if (e.type != WatchEvent::Type::kBookmark && e.object) {
            if (e.type == WatchEvent::Type::kDeleted) erase(e.object);
            else upsert(std::move(e.object));
          }
          if (e.resource_version > 0) resource_version_ = e.resource_version;
        }
        if (resync_period_.count() > 0 && std::chrono::steady_clock::now() >= next_resync) {
          resync_all();
          next_resync = std::chrono::steady_clock::now() + resync_period_;
        }
        if (!open) {
          Status why = (*stream)->error();
          relist = !why.ok() && why.error().code == 410;
          if (!why.ok() && !relist) std::this_thread::sleep_for(std::chrono::milliseconds(200));
          break;
        }
      }
    }
  }
}

InformerFactory::~InformerFactory() { stop(); }

Informer& InformerFactory::informer(const api::ResourceInfo& resource, const std::string& ns) {
  std::lock_guard lk(mu_);
  std::string key = resource.gvk.group + "/" + resource.gvk.version + "/" + resource.resource + "/" + ns;
  auto& slot = informers_[key];
  if (!slot) slot = std::make_unique<Informer>(client_, resource, ns, ListOptions{.without_managed_fields = true});
  return *slot;
}

Informer& InformerFactory::informer(std::string_view group, std::string_view version, std::string_view plural) {
  return informer(client_.resource(group, version, plural));
}

void InformerFactory::start() {
  std::lock_guard lk(mu_);
  for (auto& [key, inf] : informers_) {
    if (started_[key]) continue;
    started_[key] = true;
    inf->start();
  }
}

bool InformerFactory::wait_for_sync(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Informer*> all;
  {
    std::lock_guard lk(mu_);
    for (auto& [key, inf] : informers_) all.push_back(inf.get());
  }
  for (Informer* inf : all) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!inf->wait_for_sync(std::max(left, std::chrono::milliseconds(0)))) return false;
  }
  return true;
}

void InformerFactory::stop() {
  std::lock_guard lk(mu_);
  for (auto& [key, inf] : informers_) inf->request_stop();
  for (auto& [key, inf] : informers_) inf->stop();
}

}  // namespace skiff::client

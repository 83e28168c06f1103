#include "apiserver/namespace_finalizer.h"

#include "apiserver/registry.h"
#include "util/log.h"

namespace skiff::apiserver {

NamespaceFinalizer::NamespaceFinalizer(Registry& registry) : registry_(registry) {}

NamespaceFinalizer::~NamespaceFinalizer() { stop(); }

void NamespaceFinalizer::start() {
  const auto* ns_info = registry_.schemas().find_resource("", "v1", "namespaces");
  auto w = registry_.cache().watch(resource_prefix(*ns_info, ""), registry_.cache().revision(), false, nullptr);
  if (w.ok()) watcher_ = *w;
  thread_ = std::thread([this] { run(); });
}

void NamespaceFinalizer::stop() {
  if (stopping_.exchange(true)) return;
  if (watcher_) registry_.cache().stop_watching(watcher_);
  if (thread_.joinable()) thread_.join();
}

void NamespaceFinalizer::run() {
  std::vector<CacheEvent> events;
  int waiting = sweep();
  while (!stopping_) {
    events.clear();
    // Content deletions do not show up on the namespace watch: re-check periodically while waiting.
    if (watcher_) watcher_->wait(events, std::chrono::milliseconds(waiting > 0 ? 200 : 2000));
    if (stopping_) break;
    waiting = sweep();
  }
}

int NamespaceFinalizer::sweep() {
  const auto* ns_info = registry_.schemas().find_resource("", "v1", "namespaces");
  int waiting = 0;
  for (const auto& ref : registry_.cache().list(resource_prefix(*ns_info, ""), nullptr)) {
    if (ref->bytes.find("\"deletionTimestamp\"") == std::string::npos) continue;
    Json ns = Json::parse(ref->bytes, nullptr, false);
    if (!find_path(ns, "metadata.deletionTimestamp")) continue;
    const Json* finalizers = find_path(ns, "spec.finalizers");
    bool has_kubernetes = false;
    if (finalizers && finalizers->is_array())
      for (const auto& f : *finalizers) has_kubernetes |= f == "kubernetes";
    if (!has_kubernetes) continue;

    size_t remaining = 0;
    for (const auto* r : registry_.schemas().resources()) {
      if (!r->namespaced) continue;
      auto items = registry_.list(*r, ref->name, {});
      if (!items.ok()) continue;
      for (const auto& item : items->items) {
        ++remaining;
        if (item->bytes.find("\"deletionTimestamp\"") != std::string::npos) continue;  // already going
        DeleteOptions opts;
        opts.propagation_policy = "Background";
        auto res = registry_.remove(*r, ref->name, item->name, opts);
        if (res.ok() && res->deleted) --remaining;
      }
    }
    if (remaining > 0) {
      ++waiting;
      continue;
    }
    Json remaining_finalizers = Json::array();
    for (const auto& f : *finalizers)
      if (f != "kubernetes") remaining_finalizers.push_back(f);
    ns["spec"]["finalizers"] = remaining_finalizers;
    auto updated = registry_.update(*ns_info, "", ref->name, std::move(ns), "finalize", {});
    if (!updated.ok() && updated.error().code != 404)
      log::warn("namespace-finalizer", "finalizing namespace " + ref->name + ": " + updated.error().message);
  }
  return waiting;
}

}  // namespace skiff::apiserver

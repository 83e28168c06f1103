#include "apiserver/crd_controller.h"

#include <set>

#include "api/crd_definition.h"
#include "apiserver/registry.h"
#include "util/log.h"

namespace skiff::apiserver {
namespace {

const api::ResourceInfo* crd_resource(const api::SchemaRegistry& schemas) {
  return schemas.find_resource(std::string(api::kCrdGroup), "v1", "customresourcedefinitions");
}

std::string str(const Json& j, std::string_view dotted) {
  const Json* v = find_path(j, dotted);
  return v && v->is_string() ? v->get<std::string>() : "";
}

std::string storage_version(const Json& crd) {
  if (const Json* versions = find_path(crd, "spec.versions"); versions && versions->is_array())
    for (const auto& v : *versions)
      if (v.value("storage", false)) return v.value("name", "");
  return "";
}

}  // namespace

CrdController::CrdController(Registry& registry, api::DynamicSchemaRegistry& schemas, const Clock& clock)
    : registry_(registry), schemas_(schemas), clock_(clock) {}

CrdController::~CrdController() { stop(); }

void CrdController::start() {
  const auto* info = crd_resource(schemas_);
  auto w = registry_.cache().watch(resource_prefix(*info, ""), registry_.cache().revision(), false, nullptr);
  if (w.ok()) watcher_ = *w;
  sync();
  thread_ = std::thread([this] { run(); });
}

void CrdController::stop() {
  if (stopping_.exchange(true)) return;
  if (watcher_) registry_.cache().stop_watching(watcher_);
  if (thread_.joinable()) thread_.join();
}

void CrdController::run() {
  std::vector<CacheEvent> events;
  int waiting = 0;
  while (!stopping_) {
    events.clear();
    // Custom resources going away do not show on the CRD watch: re-check while waiting for them.
    if (watcher_) watcher_->wait(events, std::chrono::milliseconds(waiting > 0 ? 200 : 2000));
    if (stopping_) break;
    waiting = sync();
  }
}

int CrdController::sync() {
  const auto* info = crd_resource(schemas_);
  int waiting = 0;
  std::set<std::string> present;
  for (const auto& ref : registry_.cache().list(resource_prefix(*info, ""), nullptr)) {
    Json crd = Json::parse(ref->bytes, nullptr, false);
    if (!crd.is_object()) continue;
    present.insert(ref->name);
    if (find_path(crd, "metadata.deletionTimestamp")) {
      if (!clean_up(crd)) ++waiting;
      continue;
    }
    serve(crd, ref->resource_version);
  }
  for (auto it = served_revision_.begin(); it != served_revision_.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    schemas_.remove_crd(it->first);
    it = served_revision_.erase(it);
  }
  return waiting;
}

void CrdController::serve(const Json& crd, int64_t resource_version) {
  const std::string name = str(crd, "metadata.name");
  const std::string now = format_rfc3339(clock_.now());
  Json desired = crd;
  auto it = served_revision_.find(name);
  if (it == served_revision_.end() || it->second != resource_version) {
    Status served = schemas_.set_crd(crd);
    served_revision_[name] = resource_version;
    if (!served.ok() && served.error().reason == "Conflict") {
      api::set_crd_condition(desired, "NamesAccepted", "False", "NameConflict", served.error().message, now);
      api::set_crd_condition(desired, "Established", "False", "NotAccepted", "not all names are accepted", now);
      if (desired != crd) update_status(name, desired);
      return;
    }
    if (!served.ok()) {
      log::warn("crd-controller", "not serving " + name + ": " + served.error().message);
      return;
    }
    for (const auto& w : api::crd_rule_warnings(crd)) log::warn("crd-controller", name + ": " + w);
  }
  if (!schemas_.serves_crd(name)) return;
  Json& status = desired["status"];
  if (!status.is_object()) status = Json::object();
  status["acceptedNames"] = crd["spec"]["names"];
  api::set_crd_condition(desired, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
  api::set_crd_condition(desired, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted",
                         now);
  Json& stored = status["storedVersions"];
  if (!stored.is_array()) stored = Json::array();
  std::string storage = storage_version(crd);
  if (!storage.empty() && std::find(stored.begin(), stored.end(), storage) == stored.end()) stored.push_back(storage);
  if (desired != crd) update_status(name, desired);
}

void CrdController::update_status(const std::string& name, const Json& crd) {
  auto updated = registry_.update(*crd_resource(schemas_), "", name, crd, "status", {});
  if (!updated.ok() && updated.error().code != 409 && updated.error().code != 404)
    log::warn("crd-controller", "updating status of " + name + ": " + updated.error().message);
}

bool CrdController::clean_up(const Json& crd) {
  const std::string name = str(crd, "metadata.name");
  const Json* finalizers = find_path(crd, "metadata.finalizers");
  bool ours = false;
  if (finalizers && finalizers->is_array())
    for (const auto& f : *finalizers) ours |= f == api::kCrdCleanupFinalizer;
  if (!ours) return true;

  size_t remaining = 0;
  const api::ResourceInfo* storage = schemas_.find_resource(str(crd, "spec.group"), storage_version(crd),
                                                            str(crd, "spec.names.plural"));
  if (storage && storage->custom && storage->custom->crd_name == name) {
    Json terminating = crd;
    api::set_crd_condition(terminating, "Terminating", "True", "InstanceDeletionInProgress",
                           "CustomResource deletion is in progress", format_rfc3339(clock_.now()));
    if (terminating != crd) update_status(name, terminating);
    auto items = registry_.list(*storage, "", {});
    if (items.ok()) {
      for (const auto& item : items->items) {
        ++remaining;
        if (item->bytes.find("\"deletionTimestamp\"") != std::string::npos) continue;  // already going
        DeleteOptions opts;
        opts.propagation_policy = "Background";
        auto res = registry_.remove(*storage, item->namespace_, item->name, opts);
        if ((res.ok() && res->deleted) || (!res.ok() && res.error().code == 404)) --remaining;
      }
    }
  }
  if (remaining > 0) return false;

  schemas_.remove_crd(name);
  served_revision_.erase(name);
  auto current = registry_.get(*crd_resource(schemas_), "", name);
  if (!current.ok()) return true;
  Json kept = Json::array();
  for (const auto& f : (*current)["metadata"].value("finalizers", Json::array()))
    if (f != api::kCrdCleanupFinalizer) kept.push_back(f);
  (*current)["metadata"]["finalizers"] = kept;
  auto updated = registry_.update(*crd_resource(schemas_), "", name, std::move(*current), "", {});
  if (!updated.ok() && updated.error().code != 404) {
    log::warn("crd-controller", "removing the cleanup finalizer of " + name + ": " + updated.error().message);
    return false;
  }
  return true;
}

}  // namespace skiff::apiserver

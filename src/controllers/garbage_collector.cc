// The garbage collector: follows ownerReferences across every kind. Deletes dependents whose
// owners are gone (background propagation), deletes dependents before their owner
// (foregroundDeletion finalizer) and orphans dependents (orphan finalizer).
#include <algorithm>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "util/log.h"

namespace skiff::controllers {
namespace {

constexpr const char* kForeground = "foregroundDeletion";
constexpr const char* kOrphan = "orphan";

bool has_finalizer(const Json& obj, const char* f) {
  const Json* fs = find_path(obj, "metadata.finalizers");
  return fs && fs->is_array() && std::find(fs->begin(), fs->end(), f) != fs->end();
}

// What the collector remembers of each object: enough to find it and its dependents.
struct Node {
  const api::ResourceInfo* resource = nullptr;
  std::string ns, name;
  std::vector<std::string> owners;  // owner uids
};

class GarbageCollector final : public Controller {
 public:
  explicit GarbageCollector(ControllerContext& ctx) : ctx_(ctx), queue_("garbagecollector") {
    for (const api::ResourceInfo* r : ctx.client.schemas().resources()) {
      auto has = [&](const char* verb) { return std::find(r->verbs.begin(), r->verbs.end(), verb) != r->verbs.end(); };
      if (!has("list") || !has("watch") || !has("delete")) continue;
      if (r->resource == "events") continue;  // never owned, and the busiest kind
      client::Informer& inf = ctx.informers.informer(*r);
      inf.add_handler({[this, r](const client::ObjectPtr& o) { observe(r, nullptr, *o); },
                       [this, r](const client::ObjectPtr& old, const client::ObjectPtr& o) { observe(r, old.get(), *o); },
                       [this](const client::ObjectPtr& o) { forget(*o); }});
      informers_.push_back(&inf);
    }
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& uid) { return reconcile(uid); });
  }
  void stop() override {
    if (pool_) pool_->stop();
  }

 private:
  void observe(const api::ResourceInfo* r, const Json* old, const Json& obj) {
    const std::string uid = uid_of(obj);
    if (uid.empty()) return;
    std::vector<std::string> owners;
    for (const auto& ref : owner_references(obj)) owners.push_back(ref.value("uid", ""));
    bool interesting = !owners.empty() || has_finalizer(obj, kForeground) || has_finalizer(obj, kOrphan);
    bool changed = !old || owner_references(*old) != owner_references(obj) || being_deleted(*old) != being_deleted(obj) ||
                   (old && find_path(*old, "metadata.finalizers") != nullptr) !=
                       (find_path(obj, "metadata.finalizers") != nullptr) ||
                   (old && has_finalizer(*old, kForeground) != has_finalizer(obj, kForeground));
    std::vector<std::string> dependents;
    {
      std::lock_guard lk(mu_);
      Node& n = nodes_[uid];
      for (const auto& o : n.owners) dependents_[o].erase(uid);
      n.resource = r;
      n.ns = namespace_of(obj);
      n.name = name_of(obj);
      n.owners = owners;
      for (const auto& o : owners) dependents_[o].insert(uid);
      // An owner starting foreground deletion pulls its dependents along.
      if (being_deleted(obj) && changed) {
        auto it = dependents_.find(uid);
        if (it != dependents_.end()) dependents.assign(it->second.begin(), it->second.end());
      }
    }
    if (interesting && changed) queue_.add(uid);
    for (const auto& d : dependents) queue_.add(d);
  }

  void forget(const Json& obj) {
    const std::string uid = uid_of(obj);
    std::vector<std::string> wake;
    {
      std::lock_guard lk(mu_);
      auto it = nodes_.find(uid);
      if (it == nodes_.end()) return;
      for (const auto& o : it->second.owners) {
        auto d = dependents_.find(o);
        if (d != dependents_.end()) {
          d->second.erase(uid);
          if (d->second.empty()) dependents_.erase(d);
        }
        wake.push_back(o);  // an owner waiting in foreground deletion may now finish
      }
      nodes_.erase(it);
      graph_waits_.erase(uid);
      if (auto d = dependents_.find(uid); d != dependents_.end())
        wake.insert(wake.end(), d->second.begin(), d->second.end());  // now dangling
    }
    for (const auto& w : wake) queue_.add(w);
  }

  client::ObjectPtr lookup(const std::string& uid, Node* out = nullptr) {
    Node n;
    {
      std::lock_guard lk(mu_);
      auto it = nodes_.find(uid);
      if (it == nodes_.end()) return nullptr;
      n = it->second;
    }
    if (out) *out = n;
    client::ObjectPtr obj = ctx_.informers.informer(*n.resource).get(n.ns, n.name);
    return obj && uid_of(*obj) == uid ? obj : nullptr;
  }

  std::vector<std::string> dependents_of(const std::string& uid) {
    std::lock_guard lk(mu_);
    auto it = dependents_.find(uid);
    if (it == dependents_.end()) return {};
    return {it->second.begin(), it->second.end()};
  }

  // Whether the owner a reference names still exists: the cache first, then a live read (the
  // owner's informer may not have caught up yet).
  enum class OwnerState { kPresent, kAbsent, kDeletingForeground };
  OwnerState owner_state(const Json& ref, const std::string& ns) {
    const std::string uid = ref.value("uid", "");
    if (client::ObjectPtr owner = lookup(uid))
      return being_deleted(*owner) && has_finalizer(*owner, kForeground) ? OwnerState::kDeletingForeground
                                                                         : OwnerState::kPresent;
    auto api_version = ref.value("apiVersion", "");
    auto slash = api_version.find('/');
    std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
    const api::ResourceInfo* r = ctx_.client.schemas().find_kind(group, version, ref.value("kind", ""));
    if (!r) return OwnerState::kPresent;  // a kind we cannot look up: never collect on a guess
    auto live = ctx_.client.get(*r, r->namespaced ? ns : "", ref.value("name", ""));
    if (live.ok() && uid_of(*live) == uid)
      return being_deleted(*live) && has_finalizer(*live, kForeground) ? OwnerState::kDeletingForeground
                                                                       : OwnerState::kPresent;
    if (!live.ok() && live.error().code != 404) return OwnerState::kPresent;
    return OwnerState::kAbsent;
  }

  client::ReconcileResult reconcile(const std::string& uid) {
    Node node;
    client::ObjectPtr obj = lookup(uid, &node);
    if (!obj) return {};
    if (being_deleted(*obj) && has_finalizer(*obj, kOrphan)) return orphan_dependents(node, *obj);
    if (being_deleted(*obj) && has_finalizer(*obj, kForeground)) return delete_dependents_first(node, *obj);
    return collect_if_dangling(node, *obj);
  }

  client::ReconcileResult orphan_dependents(const Node& node, const Json& owner) {
    const std::string uid = uid_of(owner);
    if (!graph_reached(owner)) return {false, kGraphWait};
    for (const auto& dep_uid : dependents_of(uid)) {
      Node dn;
      client::ObjectPtr dep = lookup(dep_uid, &dn);
      if (!dep) continue;
      Json refs = Json::array();
      for (const auto& ref : owner_references(*dep))
        if (ref.value("uid", "") != uid) refs.push_back(ref);
      Json updated = *dep;
      if (refs.empty()) updated["metadata"].erase("ownerReferences");
      else updated["metadata"]["ownerReferences"] = refs;
      auto r = ctx_.client.update(*dn.resource, dn.ns, std::move(updated));
      if (!r.ok() && r.error().code != 404) return {true, {}};
    }
    remember_orphaned(uid);
    {
      std::lock_guard lk(mu_);
      graph_waits_.erase(uid);
    }
    return remove_finalizer(node, owner, kOrphan);
  }

  client::ReconcileResult delete_dependents_first(const Node& node, const Json& owner) {
    const std::string uid = uid_of(owner);
    bool blocked = false;
    for (const auto& dep_uid : dependents_of(uid)) {
      Node dn;
      client::ObjectPtr dep = lookup(dep_uid, &dn);
      if (!dep) continue;
      bool blocks = false;
      for (const auto& ref : owner_references(*dep))
        if (ref.value("uid", "") == uid && ref.value("blockOwnerDeletion", false)) blocks = true;
      if (blocks) blocked = true;
      if (being_deleted(*dep)) continue;
      client::DeleteOptions opts;
      opts.propagation_policy = dependents_of(dep_uid).empty() ? "Background" : "Foreground";
      opts.precondition_uid = dep_uid;
      auto r = ctx_.client.remove(*dn.resource, dn.ns, dn.name, opts);
      if (!r.ok() && r.error().code != 404 && r.error().code != 409) return {true, {}};
    }
    if (blocked) return {};  // the dependents' deletions bring us back
    return remove_finalizer(node, owner, kForeground);
  }

  client::ReconcileResult remove_finalizer(const Node& node, const Json& obj, const char* finalizer) {
    Json updated = obj;
    Json kept = Json::array();
    for (const auto& f : updated["metadata"].value("finalizers", Json::array()))
      if (f != finalizer) kept.push_back(f);
    if (kept.empty()) updated["metadata"].erase("finalizers");
    else updated["metadata"]["finalizers"] = kept;
    auto r = ctx_.client.update(*node.resource, node.ns, std::move(updated));
    if (!r.ok() && r.error().code != 404) return {true, {}};
    return {};
  }

  client::ReconcileResult collect_if_dangling(const Node& node, const Json& cached) {
    if (owner_references(cached).empty()) return {};
    // Decide on the live object: the cache may not show yet that its owners were removed
    // (orphaning), and informers of different kinds do not deliver in one order.
    auto live = ctx_.client.get(*node.resource, node.ns, node.name);
    if (!live.ok()) return {live.error().code != 404, {}};
    const Json& obj = *live;
    if (uid_of(obj) != uid_of(cached)) return {};
    Json refs = owner_references(obj);
    if (refs.empty()) return {};
    Json remaining = Json::array();
    bool foreground_owner = false, collecting_owner = false;
    for (const auto& ref : refs) {
      OwnerState state = owner_state(ref, node.ns);
      if (state == OwnerState::kAbsent) {
        // An owner deleted with the orphan policy let go of its dependents, also of those this
        // collector had not seen yet when it orphaned them (their kind's informer lagging).
        if (!was_orphaned(ref.value("uid", ""))) collecting_owner = true;
        continue;
      }
      if (state == OwnerState::kDeletingForeground && ref.value("blockOwnerDeletion", false)) foreground_owner = true;
      remaining.push_back(ref);
    }
    if ((remaining.empty() && collecting_owner) || foreground_owner) {
      if (being_deleted(obj)) return {};
      auto policy = foreground_owner && !dependents_of(uid_of(obj)).empty() ? "Foreground" : "Background";
      return delete_unless_owners_changed(node, obj, policy);
    }
    if (remaining.size() < refs.size()) {
      Json updated = obj;
      if (remaining.empty()) updated["metadata"].erase("ownerReferences");
      else updated["metadata"]["ownerReferences"] = remaining;
      auto r = ctx_.client.update(*node.resource, node.ns, std::move(updated));
      if (!r.ok() && r.error().code != 404) return {true, {}};
    }
    return {};
  }

  // Deletes `obj` as read, unless its ownerReferences changed since: the owners were judged from
  // that read, and an owner may have orphaned it meanwhile (then removed its finalizer and gone,
  // so it now looks absent). Any other change since does not matter.
  client::ReconcileResult delete_unless_owners_changed(const Node& node, const Json& obj, const char* policy) {
    client::DeleteOptions opts;
    opts.propagation_policy = policy;
    opts.precondition_uid = uid_of(obj);
    opts.precondition_resource_version = resource_version_of(obj);
    auto r = ctx_.client.remove(*node.resource, node.ns, node.name, opts);
    if (!r.ok() && r.error().code == 409) {
      auto live = ctx_.client.get(*node.resource, node.ns, node.name);
      if (!live.ok()) return {live.error().code != 404, {}};
      if (uid_of(*live) != uid_of(obj)) return {};
      if (owner_references(*live) != owner_references(obj)) return {true, {}};  // judge the owners again
      opts.precondition_resource_version.clear();
      r = ctx_.client.remove(*node.resource, node.ns, node.name, opts);
    }
    if (!r.ok() && r.error().code != 404 && r.error().code != 409) return {true, {}};
    return {};
  }

  // Whether every informer has delivered what happened up to the write that set the owner's
  // orphan finalizer, so the graph knows all its dependents (an informer of a busy kind can lag
  // behind the owner's). Informers report progress even when their kind is idle; a transport
  // that does not is waited for kMaxGraphWait at most.
  bool graph_reached(const Json& owner) {
    int64_t revision = 0;
    try {
      revision = std::stoll(resource_version_of(owner));
    } catch (...) {
      return true;
    }
    for (const client::Informer* inf : informers_)
      if (inf->resource_version() < revision) {
        const std::string uid = uid_of(owner);
        std::lock_guard lk(mu_);
        auto [it, fresh] = graph_waits_.try_emplace(uid, std::chrono::steady_clock::now());
        if (std::chrono::steady_clock::now() - it->second < kMaxGraphWait) return false;
        log::warn("garbage-collector", "orphaning " + name_of(owner) + " with informers behind revision " +
                                           std::to_string(revision));
        return true;
      }
    return true;
  }

  // Owners deleted with the orphan policy, the most recent kMaxOrphanedOwners of them.
  void remember_orphaned(const std::string& uid) {
    std::lock_guard lk(mu_);
    if (!orphaned_owners_.insert(uid).second) return;
    orphaned_order_.push_back(uid);
    if (orphaned_order_.size() > kMaxOrphanedOwners) {
      orphaned_owners_.erase(orphaned_order_.front());
      orphaned_order_.pop_front();
    }
  }
  bool was_orphaned(const std::string& uid) {
    std::lock_guard lk(mu_);
    return orphaned_owners_.count(uid) > 0;
  }

  static constexpr size_t kMaxOrphanedOwners = 10000;
  static constexpr std::chrono::milliseconds kGraphWait{20};
  static constexpr std::chrono::seconds kMaxGraphWait{5};
  ControllerContext& ctx_;
  client::WorkQueue queue_;
  std::vector<client::Informer*> informers_;
  std::mutex mu_;
  std::unordered_map<std::string, Node> nodes_;
  std::unordered_map<std::string, std::unordered_set<std::string>> dependents_;
  std::unordered_set<std::string> orphaned_owners_;
  std::deque<std::string> orphaned_order_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> graph_waits_;  // owner uid -> since
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> garbagecollector(ControllerContext& ctx) {
  return std::make_unique<GarbageCollector>(ctx);
}

}  // namespace skiff::controllers

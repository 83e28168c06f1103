#include "controllers/controller_revision.h"

#include <algorithm>

#include "controllers/claim.h"
#include "controllers/ownership.h"

namespace skiff::controllers::revisions {
namespace {

constexpr size_t kMaxPrefixLength = 223;  // 253 minus room for "-" and a hash

const api::ResourceInfo& revisions_resource(client::Client& client) {
  return client.resource("apps", "v1", "controllerrevisions");
}

std::string creation_of(const Json& obj) {
  const Json* t = find_path(obj, "metadata.creationTimestamp");
  return t && t->is_string() ? t->get<std::string>() : "";
}

// Revisions are equal when their data is (semantically: JSON value equality).
bool same_data(const Json& revision, const Json& data) {
  auto it = revision.find("data");
  return it != revision.end() && *it == data;
}

Json new_revision(const Json& owner, const Snapshot& snap, int64_t number) {
  Json labels = snap.labels.is_object() ? snap.labels : Json::object();
  labels[snap.hash_label] = snap.hash;
  Json meta = {{"name", revision_name(name_of(owner), snap.hash)},
               {"namespace", namespace_of(owner)},
               {"labels", labels},
               {"ownerReferences", Json::array({controller_ref(owner)})}};
  if (snap.annotations.is_object() && !snap.annotations.empty()) meta["annotations"] = snap.annotations;
  return {{"apiVersion", "apps/v1"},
          {"kind", "ControllerRevision"},
          {"metadata", std::move(meta)},
          {"data", snap.data},
          {"revision", number}};
}

}  // namespace

std::string hash_json(const Json& value, int64_t collision_count) {
  uint32_t h = 2166136261u;
  auto feed = [&h](unsigned char byte) {
    h ^= byte;
    h *= 16777619u;
  };
  for (unsigned char c : dump_json(value)) feed(c);
  // Kubernetes appends the count as a little-endian uint32 in an 8-byte buffer.
  auto count = static_cast<uint32_t>(collision_count);
  for (int i = 0; i < 8; ++i) feed(i < 4 ? static_cast<unsigned char>(count >> (8 * i)) : 0);
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (char digit : std::to_string(h)) out += kAlphabet[static_cast<unsigned char>(digit) % kAlphabet.size()];
  return out;
}

std::string revision_name(std::string_view parent, std::string_view hash) {
  std::string prefix(parent.substr(0, std::min(parent.size(), kMaxPrefixLength)));
  return prefix + "-" + std::string(hash);
}

Json template_patch(const Json& workload) {
  Json tmpl = Json::object();
  if (const Json* t = find_path(workload, "spec.template"); t && t->is_object()) tmpl = *t;
  tmpl["$patch"] = "replace";
  return {{"spec", {{"template", std::move(tmpl)}}}};
}

Json apply_revision(const Json& workload, const Json& revision) {
  Json out = workload;
  if (const Json* t = find_path(revision, "data.spec.template"); t && t->is_object()) {
    Json tmpl = *t;
    tmpl.erase("$patch");
    out["spec"]["template"] = std::move(tmpl);
  }
  return out;
}

int64_t revision_number(const Json& revision) {
  auto it = revision.find("revision");
  return it != revision.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

namespace {

std::vector<client::ObjectPtr> oldest_first(std::vector<client::ObjectPtr> revisions) {
  std::sort(revisions.begin(), revisions.end(), [](const client::ObjectPtr& a, const client::ObjectPtr& b) {
    int64_t ra = revision_number(*a), rb = revision_number(*b);
    if (ra != rb) return ra < rb;
    std::string ca = creation_of(*a), cb = creation_of(*b);
    if (ca != cb) return ca < cb;
    return name_of(*a) < name_of(*b);
  });
  return revisions;
}

}  // namespace

std::vector<client::ObjectPtr> owned_revisions(const client::Informer& informer, const Json& owner) {
  return oldest_first(informer.by_index(kControllerIndex, uid_of(owner)));
}

std::vector<client::ObjectPtr> claim_revisions(client::Client& client, const client::Informer& informer,
                                               const Json& owner, const api::ResourceInfo& owner_resource,
                                               const api::LabelSelector& selector) {
  const auto orphans = informer.by_index(kOrphanIndex, namespace_of(owner));
  auto history = claim(client, {owner, owner_resource, informer.resource(), selector, {}},
                       informer.by_index(kControllerIndex, uid_of(owner)), orphans);
  // Matching orphans not adopted (the owner is being deleted) still count, as in Kubernetes'
  // ListControllerRevisions: an owner in the middle of an orphaning deletion must not make a
  // "colliding" revision beside the ones it just let go.
  for (const auto& rev : orphans)
    if (!selector.empty() && selects(selector, *rev) && std::find(history.begin(), history.end(), rev) == history.end())
      history.push_back(rev);
  return oldest_first(std::move(history));
}

Result<Json> current_revision(client::Client& client, const Json& owner, const std::vector<client::ObjectPtr>& history,
                              const SnapshotFn& snapshot, int64_t& collision_count) {
  const auto& resource = revisions_resource(client);
  const int64_t next = history.empty() ? 1 : revision_number(*history.back()) + 1;
  Snapshot snap = snapshot(collision_count);

  const Json* last_equal = nullptr;
  for (const auto& rev : history)
    if (same_data(*rev, snap.data)) last_equal = rev.get();
  if (last_equal && last_equal == history.back().get()) return *last_equal;
  if (last_equal) {
    Json bumped = *last_equal;
    bumped["revision"] = next;
    return client.update(resource, namespace_of(owner), std::move(bumped));
  }

  const std::string ns = namespace_of(owner);
  for (int attempt = 0; attempt < 100; ++attempt) {
    Json revision = new_revision(owner, snap, next);
    auto created = client.create(resource, ns, revision);
    if (created.ok()) return created;
    if (created.error().reason != "AlreadyExists") return std::move(created).error();
    // Our informer may simply not have seen a revision we made, or that a revision left by an
    // earlier owner of this name (deleted with --cascade=orphan) is free to adopt; otherwise it
    // is a hash collision.
    auto existing = client.get(resource, ns, name_of(revision));
    if (!existing.ok()) return std::move(existing).error();
    if (same_data(*existing, snap.data)) {
      if (owned_by(*existing, uid_of(owner))) return existing;
      if (!controller_of(*existing) && !being_deleted(owner) && adopt(client, resource, *existing, owner))
        return client.get(resource, ns, name_of(revision));
    }
    ++collision_count;
    snap = snapshot(collision_count);
  }
  return Error::internal("no free ControllerRevision name for " + name_of(owner) + " after 100 hash collisions");
}

Status truncate_history(client::Client& client, const std::vector<client::ObjectPtr>& history,
                        const std::set<std::string>& live, int64_t limit) {
  std::vector<const Json*> dead;
  for (const auto& rev : history)
    if (!live.count(name_of(*rev))) dead.push_back(rev.get());
  if (static_cast<int64_t>(dead.size()) <= limit) return ok_status();
  const auto& resource = revisions_resource(client);
  const size_t excess = dead.size() - static_cast<size_t>(std::max<int64_t>(limit, 0));
  for (size_t i = 0; i < excess; ++i) {
    auto removed = client.remove(resource, namespace_of(*dead[i]), name_of(*dead[i]));
    if (!removed.ok() && removed.error().code != 404) return std::move(removed).error();
  }
  return ok_status();
}

}  // namespace skiff::controllers::revisions

#include "controllers/claim.h"

#include <optional>

#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

// A merge patch replacing the object's ownerReferences, applied only to the object with this uid.
bool patch_owner_refs(client::Client& client, const api::ResourceInfo& resource, const Json& obj, Json refs) {
  Json patch = {{"metadata", {{"ownerReferences", std::move(refs)}, {"uid", uid_of(obj)}}}};
  auto r = client.patch(resource, namespace_of(obj), name_of(obj), client::PatchType::kMerge, patch.dump());
  return r.ok();
}

bool still_live(client::Client& client, const ClaimTarget& target) {
  auto live = client.get(target.controller_resource, namespace_of(target.controller), name_of(target.controller));
  return live.ok() && uid_of(*live) == uid_of(target.controller) && !being_deleted(*live);
}

}  // namespace

std::vector<client::ObjectPtr> claim(client::Client& client, const ClaimTarget& target,
                                     const std::vector<client::ObjectPtr>& controlled,
                                     const std::vector<client::ObjectPtr>& orphans) {
  const std::string uid = uid_of(target.controller);
  const bool deleting = being_deleted(target.controller);
  std::vector<client::ObjectPtr> held;
  for (const auto& obj : controlled) {
    if (selects(target.selector, *obj)) {
      held.push_back(obj);
    } else if (!deleting) {
      Json kept = Json::array();
      for (const auto& ref : owner_references(*obj))
        if (ref.value("uid", "") != uid) kept.push_back(ref);
      (void)patch_owner_refs(client, target.resource, *obj, std::move(kept));
    }
  }
  if (deleting || target.selector.empty()) return held;
  std::optional<bool> may_adopt;
  for (const auto& obj : orphans) {
    if (being_deleted(*obj) || namespace_of(*obj) != namespace_of(target.controller) ||
        !selects(target.selector, *obj) || (target.adoptable && !target.adoptable(*obj)))
      continue;
    if (!may_adopt) may_adopt = still_live(client, target);
    if (!*may_adopt) break;
    if (adopt(client, target.resource, *obj, target.controller)) held.push_back(obj);
  }
  return held;
}

bool selects(const api::LabelSelector& selector, const Json& obj) {
  const Json* labels = find_path(obj, "metadata.labels");
  return selector.matches(labels && labels->is_object() ? *labels : Json::object());
}

bool adopt(client::Client& client, const api::ResourceInfo& resource, const Json& obj, const Json& controller) {
  Json refs = owner_references(obj);
  refs.push_back(controller_ref(controller));
  return patch_owner_refs(client, resource, obj, std::move(refs));
}

client::EventHandler enqueue_adopters_handler(client::WorkQueue& queue, client::Informer& controllers) {
  auto enqueue = [&queue, &controllers](const client::ObjectPtr& obj) {
    if (controller_of(*obj) || being_deleted(*obj)) return;
    for (const auto& c : controllers.list_namespace(namespace_of(*obj))) {
      const Json* spec = find_path(*c, "spec");
      auto selector = api::LabelSelector::from_json(spec && spec->is_object() ? spec->value("selector", Json()) : Json());
      if (selector.ok() && !selector->empty() && selects(*selector, *obj)) queue.add(client::object_key(*c));
    }
  };
  return {.on_add = enqueue,
          .on_update = [enqueue](const client::ObjectPtr&, const client::ObjectPtr& obj) { enqueue(obj); },
          .on_delete = nullptr};
}

}  // namespace skiff::controllers

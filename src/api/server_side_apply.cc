#include "api/server_side_apply.h"

#include <algorithm>
#include <optional>
#include <set>

namespace skiff::api {
namespace {

constexpr const char* kBeforeFirstApply = "before-first-apply";
constexpr size_t kFieldManagerMaxLength = 128;

bool is_list(Shape s) { return s == Shape::kListMap || s == Shape::kListSet || s == Shape::kListIndexed; }

// Paths nobody owns: identity and server-set metadata (the apiserver's StripMetaManager).
const FieldSet& stripped_paths() {
  static const FieldSet set = [] {
    FieldSet s;
    s.insert({"f:apiVersion"});
    s.insert({"f:kind"});
    s.insert({"f:metadata"});
    for (const char* f : {"name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
                          "managedFields", "resourceVersion"})
      s.insert({"f:metadata", field_element(f)});
    return s;
  }();
  return set;
}

// The part of an object a write in this scope owns: the main resource of a kind with a status
// subresource owns nothing in status; the status subresource owns only status.
Json ownership_view(const Json& obj, const OwnershipScope& scope) {
  if (!obj.is_object()) return Json::object();
  if (scope.subresource == "status") {
    Json v = Json::object();
    if (auto it = obj.find("status"); it != obj.end()) v["status"] = *it;
    return v;
  }
  Json v = obj;
  if (scope.status_is_subresource) v.erase("status");
  if (auto m = v.find("metadata"); m != v.end() && m->is_object()) m->erase("managedFields");
  return v;
}

FieldSet owned(const FieldSet& set) { return set_difference(set, stripped_paths()); }

// ownership_view of an object the caller may change, without copying it: what the view leaves
// out is moved aside while the view lives and put back after.
class BorrowedOwnershipView {
 public:
  BorrowedOwnershipView(Json& obj, const OwnershipScope& scope) : obj_(obj) {
    if (!obj.is_object()) {
      copy_ = ownership_view(obj, scope);
      return;
    }
    if (scope.subresource == "status") {  // the view holds status alone, lent from obj
      copy_ = Json::object();
      if (auto status = take(obj_, "status")) (*copy_)["status"] = std::move(*status);
      status_in_copy_ = true;
      return;
    }
    if (scope.status_is_subresource) status_ = take(obj_, "status");
    if (auto m = obj_.find("metadata"); m != obj_.end() && m->is_object()) {
      metadata_ = &*m;
      managed_fields_ = take(*metadata_, "managedFields");
    }
  }
  ~BorrowedOwnershipView() {
    if (status_in_copy_) {
      if (auto it = copy_->find("status"); it != copy_->end()) obj_["status"] = std::move(*it);
      return;
    }
    if (status_) obj_["status"] = std::move(*status_);
    if (managed_fields_) (*metadata_)["managedFields"] = std::move(*managed_fields_);
  }
  BorrowedOwnershipView(const BorrowedOwnershipView&) = delete;
  BorrowedOwnershipView& operator=(const BorrowedOwnershipView&) = delete;

  const Json& get() const { return copy_ ? *copy_ : obj_; }

 private:
  static std::optional<Json> take(Json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    std::optional<Json> value(std::move(*it));
    object.erase(it);
    return value;
  }

  Json& obj_;
  std::optional<Json> copy_;
  bool status_in_copy_ = false;
  std::optional<Json> status_, managed_fields_;
  Json* metadata_ = nullptr;
};

struct ItemIndex {
  std::vector<std::pair<PathElement, const Json*>> order;
  const Json* find(const PathElement& pe) const {
    for (const auto& [e, v] : order)
      if (e == pe) return v;
    return nullptr;
  }
};

ItemIndex index_items(const Schema* s, const Json& list) {
  ItemIndex idx;
  for (size_t i = 0; i < list.size(); ++i) {
    PathElement pe = list_item_element(s, list[i], i);
    if (!idx.find(pe)) idx.order.emplace_back(std::move(pe), &list[i]);
  }
  return idx;
}

Json merge_value(const Json* live, const Json& config, const Schema* s);

// Live items the config does not name keep their place; shared and new items follow the
// config's order (structured-merge-diff's list merge).
Json merge_list(const Json& live, const Json& config, const Schema* s) {
  ItemIndex l = index_items(s, live);
  ItemIndex r = index_items(s, config);
  std::vector<const PathElement*> shared;
  for (const auto& [pe, _] : r.order)
    if (l.find(pe)) shared.push_back(&pe);
  size_t next_shared = 0;
  auto advance_shared = [&](const PathElement& pe) {
    if (next_shared < shared.size() && *shared[next_shared] == pe) ++next_shared;
  };
  std::set<PathElement> merged;
  Json out = Json::array();
  size_t li = 0, ri = 0;
  const Schema* items = s ? s->items : nullptr;
  while (li < l.order.size() || ri < r.order.size()) {
    if (li < l.order.size() && ri < r.order.size()) {
      const PathElement& pe = l.order[li].first;
      if (pe == r.order[ri].first) {
        out.push_back(merge_value(l.order[li].second, *r.order[ri].second, items));
        merged.insert(pe);
        advance_shared(pe);
        ++li;
        ++ri;
        continue;
      }
      if (r.find(pe) && next_shared < shared.size() && *shared[next_shared] != pe) {
        ++li;  // a shared item, placed when the config reaches it
        continue;
      }
    }
    if (li < l.order.size()) {
      const PathElement& pe = l.order[li].first;
      if (!r.find(pe)) {
        out.push_back(*l.order[li].second);
        ++li;
        continue;
      }
      if (merged.count(pe)) {
        ++li;
        continue;
      }
    }
    if (ri < r.order.size()) {
      const PathElement& pe = r.order[ri].first;
      out.push_back(merge_value(l.find(pe), *r.order[ri].second, items));
      merged.insert(pe);
      advance_shared(pe);
      ++ri;
    }
  }
  return out;
}

Json merge_value(const Json* live, const Json& config, const Schema* s) {
  if (!live || live->is_null() || config.is_null()) return config;
  Shape shape = shape_of(s, config);
  if (shape != shape_of(s, *live) || shape == Shape::kScalar || shape == Shape::kAtomic) return config;
  if (is_list(shape)) return merge_list(*live, config, s);
  Json out = *live;
  for (auto it = config.begin(); it != config.end(); ++it) {
    if (it.value().is_null()) {
      out.erase(it.key());
      continue;
    }
    auto existing = out.find(it.key());
    const Json* lv = existing == out.end() ? nullptr : &*existing;
    out[it.key()] = merge_value(lv, it.value(), child_schema(s, it.key()));
  }
  return out;
}

void remove_in(Json& v, const FieldSet& node, const Schema* s) {
  Shape shape = shape_of(s, v);
  if (shape == Shape::kStruct || shape == Shape::kMap) {
    for (const auto& [pe, child] : node.children) {
      if (pe.rfind("f:", 0) != 0) continue;
      std::string key = pe.substr(2);
      auto it = v.find(key);
      if (it == v.end()) continue;
      if (child.member) v.erase(it);
      else remove_in(*it, child, child_schema(s, key));
    }
  } else if (is_list(shape)) {
    Json out = Json::array();
    for (size_t i = 0; i < v.size(); ++i) {
      auto it = node.children.find(list_item_element(s, v[i], i));
      if (it == node.children.end()) {
        out.push_back(std::move(v[i]));
      } else if (!it->second.member) {
        remove_in(v[i], it->second, s->items);
        out.push_back(std::move(v[i]));
      }
    }
    v = std::move(out);
  }
}

std::string print_manager(const ManagedFieldsEntry& e) {
  std::string out = Json(e.manager).dump();
  if (!e.subresource.empty()) out += " with subresource " + Json(e.subresource).dump();
  if (e.operation == "Update") out += " using " + e.api_version;
  return out;
}

struct Conflict {
  const ManagedFieldsEntry* owner;
  FieldPath path;
};

Error conflict_error(const std::vector<Conflict>& conflicts) {
  std::string message;
  if (conflicts.size() == 1) {
    message = "Apply failed with 1 conflict: conflict with " + print_manager(*conflicts[0].owner) + ": " +
              format_path(conflicts[0].path);
  } else {
    std::map<std::string, std::vector<std::string>> by_manager;
    for (const auto& c : conflicts) by_manager[print_manager(*c.owner)].push_back(format_path(c.path));
    std::string lines;
    for (const auto& [manager, paths] : by_manager) {
      if (!lines.empty()) lines += "\n";
      lines += "conflicts with " + manager + ":";
      for (const auto& p : paths) lines += "\n- " + p;
    }
    message = "Apply failed with " + std::to_string(conflicts.size()) + " conflicts: " + lines;
  }
  Error e = Error::conflict(message);
  for (const auto& c : conflicts)
    e.causes.push_back({"FieldManagerConflict", "conflict with " + print_manager(*c.owner), format_path(c.path)});
  return e;
}

const std::string* last_applied_annotation(const Json& obj) {
  const Json* annotations = find_path(obj, "metadata.annotations");
  if (!annotations || !annotations->is_object()) return nullptr;
  auto it = annotations->find(kLastAppliedAnnotation);
  if (it == annotations->end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return nullptr;
  return &it->get_ref<const std::string&>();
}

// Conflicts kubectl may override when moving from client-side apply: fields of the
// last-applied configuration whose live values still equal it.
FieldSet allowed_by_last_applied(const Json& live, const OwnershipScope& scope) {
  const std::string* text = last_applied_annotation(live);
  if (!text) return {};
  Json last = Json::parse(*text, nullptr, false);
  if (!last.is_object()) return {};
  Json last_view = ownership_view(last, scope);
  FieldSet last_set = owned(field_set_of(last_view, scope.schema));
  Comparison changed = compare_objects(last_view, ownership_view(live, scope), scope.schema);
  return set_difference(last_set, changed.modified);
}

ManagedFieldsEntry* find_entry(std::vector<ManagedFieldsEntry>& entries, const ManagedFieldsEntry& key) {
  for (auto& e : entries)
    if (e.same_owner(key)) return &e;
  return nullptr;
}

void drop_empty(std::vector<ManagedFieldsEntry>& entries) {
  entries.erase(std::remove_if(entries.begin(), entries.end(), [](const auto& e) { return e.fields.empty(); }),
                entries.end());
}

void store_entries(Json& obj, std::vector<ManagedFieldsEntry> entries) {
  Json& meta = obj["metadata"];
  if (!meta.is_object()) meta = Json::object();
  Json encoded = encode_managed_fields(std::move(entries));
  if (encoded.empty()) meta.erase("managedFields");
  else meta["managedFields"] = std::move(encoded);
}

std::vector<ManagedFieldsEntry> stored_entries(const Json& obj) {
  const Json* mf = find_path(obj, "metadata.managedFields");
  if (!mf) return {};
  auto decoded = decode_managed_fields(*mf);
  return decoded.ok() ? std::move(*decoded) : std::vector<ManagedFieldsEntry>{};
}

std::string last_applied_of(const Json& config) {
  Json copy = config;
  if (Json* annotations = copy.contains("metadata") && copy["metadata"].is_object() &&
                                  copy["metadata"].contains("annotations")
                              ? &copy["metadata"]["annotations"]
                              : nullptr;
      annotations && annotations->is_object())
    annotations->erase(kLastAppliedAnnotation);
  return copy.dump() + "\n";
}

}  // namespace

Json merge_applied(const Json& live, const Json& config, const Schema* schema) {
  return merge_value(&live, config, schema);
}

Json remove_fields(const Json& obj, const FieldSet& set, const Schema* schema) {
  Json out = obj;
  remove_in(out, set, schema);
  return out;
}

std::string manager_from_user_agent(std::string_view user_agent) {
  std::string_view prefix = user_agent.substr(0, user_agent.find('/'));
  std::string out;
  for (unsigned char c : prefix) {
    if (c < 0x20 || c == 0x7f) continue;
    if (out.size() + 1 > kFieldManagerMaxLength) break;
    out += static_cast<char>(c);
  }
  return out;
}

Result<Json> server_side_apply(const Json* live, const Json& config, const OwnershipScope& scope,
                               const std::string& manager, bool force, const std::string& now) {
  if (!config.is_object()) return Error::bad_request("the applied configuration must be an object");
  if (const Json* mf = find_path(config, "metadata.managedFields"); mf && !mf->is_null())
    return Error::bad_request("metadata.managedFields must be nil");

  Json live_obj = live ? *live : Json::object();
  std::vector<ManagedFieldsEntry> entries = live ? stored_entries(*live) : std::vector<ManagedFieldsEntry>{};
  if (live_obj.contains("metadata") && live_obj["metadata"].is_object()) live_obj["metadata"].erase("managedFields");
  Json live_view = ownership_view(live_obj, scope);

  if (live && entries.empty()) {
    // Objects written before anything tracked ownership: everything in them belongs to one
    // Update manager, so an applier can not silently take it over.
    Comparison existing = compare_objects(Json::object(), live_view, scope.schema);
    FieldSet fields = owned(set_union(existing.added, existing.modified));
    if (!fields.empty())
      entries.push_back({kBeforeFirstApply, "Update", scope.api_version, now, scope.subresource, std::move(fields)});
  }

  ManagedFieldsEntry applier{manager, "Apply", scope.api_version, "", scope.subresource, {}};
  FieldSet last;
  if (ManagedFieldsEntry* previous = find_entry(entries, applier)) {
    last = previous->fields;
    applier.time = previous->time;
  }
  FieldSet applied = owned(field_set_of(ownership_view(config, scope), scope.schema));

  Json merged = merge_applied(live_obj, config, scope.schema);
  if (!last.empty()) {
    // Remove what the applier owned before and no longer applies, unless someone else owns it
    // (or something under it).
    FieldSet still_owned = applied;
    for (const auto& e : entries)
      if (!e.same_owner(applier)) still_owned = set_union(still_owned, e.fields);
    FieldSet removal =
        set_difference(last.with_parents_as_members(), still_owned.with_parents_as_members());
    removal = set_difference(removal, stripped_paths());
    merged = remove_fields(merged, removal, scope.schema);
  }

  Comparison changes = compare_objects(live_view, ownership_view(merged, scope), scope.schema);
  FieldSet changed = set_union(changes.modified, changes.added);
  std::vector<Conflict> conflicts;
  for (const auto& e : entries) {
    if (e.same_owner(applier)) continue;
    for (auto& path : set_intersection(e.fields, changed).paths()) conflicts.push_back({&e, std::move(path)});
  }
  if (!conflicts.empty() && !force) {
    bool allowed = false;
    if (manager == "kubectl" && live) {
      FieldSet permitted = allowed_by_last_applied(live_obj, scope);
      allowed = std::all_of(conflicts.begin(), conflicts.end(),
                            [&](const Conflict& c) { return permitted.contains(c.path); });
    }
    if (!allowed) return conflict_error(conflicts);
  }

  for (auto& e : entries) {
    if (e.same_owner(applier)) continue;
    e.fields = set_difference(set_difference(e.fields, changed), changes.removed);
  }
  std::erase_if(entries, [&](const ManagedFieldsEntry& e) { return e.same_owner(applier); });
  bool object_changed = merged != live_obj;
  if (object_changed) applier.time = now;
  applier.fields = std::move(applied);
  entries.push_back(std::move(applier));
  drop_empty(entries);

  if (live && manager == "kubectl" && last_applied_annotation(*live))
    merged["metadata"]["annotations"][std::string(kLastAppliedAnnotation)] = last_applied_of(config);
  store_entries(merged, std::move(entries));
  return merged;
}

Status track_update(Json* live, Json& updated, const OwnershipScope& scope, const std::string& manager,
                    const std::string& now) {
  std::vector<ManagedFieldsEntry> entries;
  bool reset = false;
  if (const Json* sent = find_path(updated, "metadata.managedFields"); sent && !sent->is_null()) {
    if (is_reset_managed_fields(*sent)) {
      reset = true;
    } else {
      SKIFF_ASSIGN_OR_RETURN(entries, decode_managed_fields(*sent));
    }
  }
  if (!reset && entries.empty() && live) entries = stored_entries(*live);
  if (live && entries.empty()) {
    // Untracked objects stay untracked until their first apply, as in Kubernetes.
    if (updated.contains("metadata") && updated["metadata"].is_object()) updated["metadata"].erase("managedFields");
    return ok_status();
  }

  Comparison changes = [&] {
    BorrowedOwnershipView after(updated, scope);
    if (!live) return compare_objects(Json::object(), after.get(), scope.schema);
    BorrowedOwnershipView before(*live, scope);
    return compare_objects(before.get(), after.get(), scope.schema);
  }();
  FieldSet merged;  // modified and added fields; a create only adds
  const FieldSet& written = changes.modified.empty() ? changes.added : (merged = set_union(changes.modified, changes.added));
  FieldSet taken = owned(written);
  for (auto& e : entries) e.fields = set_difference(set_difference(e.fields, taken), changes.removed);
  if (!taken.empty()) {
    ManagedFieldsEntry mine{manager, "Update", scope.api_version, now, scope.subresource, {}};
    if (ManagedFieldsEntry* previous = find_entry(entries, mine)) {
      previous->fields = set_union(previous->fields, taken);
      previous->time = now;
    } else {
      mine.fields = std::move(taken);
      entries.push_back(std::move(mine));
    }
  }
  drop_empty(entries);
  store_entries(updated, std::move(entries));
  return ok_status();
}

}  // namespace skiff::api

// Kubernetes' strategic merge patch, applied the way kube-apiserver applies it
// (k8s.io/apimachinery/pkg/util/strategicpatch): lists whose field has patch strategy
// "merge" are merged (maps by their merge key, scalars as a set), other lists replace,
// maps merge recursively, and the $-directives adjust the result.
//
// Where the Go code inserts a patch value verbatim (a field absent from the object, a
// `$patch: replace`), this one still strips directives and nulls from it, so directive keys
// never leak into stored objects.
#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/patch.h"

namespace skiff::api {
namespace {

constexpr std::string_view kPatchDirective = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList";
constexpr std::string_view kSetElementOrder = "$setElementOrder";
// Recursion follows the patch's nesting; real objects are far shallower.
constexpr int kMaxDepth = 512;

// Thrown inside this file only; apply_strategic_merge_patch returns it.
struct Failure {
  Error error;
};

[[noreturn]] void bad_request(std::string message) { throw Failure{Error::bad_request(std::move(message))}; }

std::string go_type_name(const Json& v) {
  if (v.is_object()) return "map[string]interface {}";
  if (v.is_array()) return "[]interface {}";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "float64";
  return "nil";
}

[[noreturn]] void bad_arg_type(std::string_view expected, const Json& actual) {
  bad_request("expected a " + std::string(expected) + ", but received a " + go_type_name(actual));
}

void check_depth(int depth) {
  if (depth > kMaxDepth) bad_request("strategic merge patch is nested more than " + std::to_string(kMaxDepth) + " levels");
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_directive_key(std::string_view key) {
  return key == kPatchDirective || key == kRetainKeys || starts_with(key, kSetElementOrder) ||
         starts_with(key, kDeleteFromPrimitiveList);
}

// "$setElementOrder/containers" -> "containers".
std::string directive_field(std::string_view key, std::string_view prefix, const char* format_error) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos || key.substr(0, slash) != prefix) bad_request(format_error);
  return std::string(key.substr(slash + 1));
}

constexpr const char* kBadPrimitiveList = "invalid patch format of primitive list";
constexpr const char* kBadRetainKeys = "invalid patch format of retainKeys";
constexpr const char* kBadSetElementOrder = "invalid patch format of setElementOrder list";

// What the schema says about one field.
struct FieldMeta {
  const Schema* schema = nullptr;
  bool merge = false;    // lists: merge elements instead of replacing the list
  bool replace = false;  // maps: replace instead of merging
  std::string merge_key;

  const Schema* items() const { return schema != nullptr ? schema->items : nullptr; }
};

FieldMeta field_meta(const Schema* parent, std::string_view key) {
  FieldMeta meta;
  if (parent == nullptr) return meta;
  meta.schema = parent->field(key);
  if (meta.schema == nullptr) return meta;
  std::string_view strategies = meta.schema->patch_strategy;
  while (!strategies.empty()) {
    auto comma = strategies.find(',');
    std::string_view one = strategies.substr(0, comma);
    if (one == "merge") meta.merge = true;
    if (one == "replace") meta.replace = true;
    if (comma == std::string_view::npos) break;
    strategies.remove_prefix(comma + 1);
  }
  meta.merge_key = meta.schema->patch_merge_key;
  return meta;
}

[[noreturn]] void no_merge_key(const Json& item, const std::string& key) {
  bad_request("map: " + dump_json(item) + " does not contain declared merge key: " + key);
}

const Json& merge_key_value(const Json& item, const std::string& key) {
  if (!item.is_object()) bad_arg_type("map[string]interface {}", item);
  auto it = item.find(key);
  if (it == item.end()) no_merge_key(item, key);
  return *it;
}

// What identifies a list element: its merge key value, or the element itself for scalars.
const Json& identity(const Json& item, const std::string& key) {
  return key.empty() ? item : merge_key_value(item, key);
}

std::vector<Json> identities(const Json& list, const std::string& key) {
  std::vector<Json> ids;
  ids.reserve(list.size());
  for (const Json& item : list) ids.push_back(identity(item, key));
  return ids;
}

std::optional<size_t> index_of(const std::vector<Json>& ids, const Json& id) {
  auto it = std::find(ids.begin(), ids.end(), id);
  if (it == ids.end()) return std::nullopt;
  return static_cast<size_t>(it - ids.begin());
}

enum class ElementKind { kNone, kMap, kScalar };

// All elements of both lists must share one JSON type; lists of lists are refused.
ElementKind element_kind(const Json& a, const Json& b) {
  const Json* first = nullptr;
  for (const Json* list : {&a, &b}) {
    for (const Json& item : *list) {
      if (item.is_array()) throw Failure{patch_not_applicable("lists of lists are not supported")};
      if (first == nullptr) {
        first = &item;
      } else if (go_type_name(item) != go_type_name(*first)) {
        bad_request("list element types are not identical: " + dump_json(a) + " " + dump_json(b));
      }
    }
  }
  if (first == nullptr) return ElementKind::kNone;
  return first->is_object() ? ElementKind::kMap : ElementKind::kScalar;
}

// Kubernetes' element order: the items named by the patch (or $setElementOrder) in that
// order, interleaved with the items only the server has, which keep their server order.
// At each step the server item goes first only when both are in the server list and the
// server item came earlier there; so new items land before the remaining server items.
Json order_items(Json merged, const std::vector<Json>& order_ids, const std::vector<Json>& server_ids,
                 const std::string& key) {
  struct Ranked {
    Json item;
    size_t rank;
    std::optional<size_t> server_index;
  };
  constexpr size_t kUnranked = std::numeric_limits<size_t>::max();
  std::vector<Ranked> patch_items, server_only;
  for (Json& item : merged) {
    const Json& id = identity(item, key);
    auto server_index = index_of(server_ids, id);
    if (auto in_order = index_of(order_ids, id)) {
      patch_items.push_back({std::move(item), *in_order, server_index});
    } else {
      server_only.push_back({std::move(item), server_index.value_or(kUnranked), server_index});
    }
  }
  auto by_rank = [](const Ranked& l, const Ranked& r) { return l.rank < r.rank; };
  std::stable_sort(patch_items.begin(), patch_items.end(), by_rank);
  std::stable_sort(server_only.begin(), server_only.end(), by_rank);

  Json result = Json::array();
  size_t i = 0, j = 0;
  while (i < server_only.size() || j < patch_items.size()) {
    bool take_server;
    if (j >= patch_items.size()) {
      take_server = true;
    } else if (i >= server_only.size()) {
      take_server = false;
    } else {
      const auto& l = server_only[i].server_index;
      const auto& r = patch_items[j].server_index;
      take_server = l && r && *l < *r;
    }
    result.push_back(std::move(take_server ? server_only[i++].item : patch_items[j++].item));
  }
  return result;
}

bool merge_map_into(Json& target, const Json& patch, const Schema* schema, int depth);
void merge_list_into(Json& target, const Json& patch, const FieldMeta& meta, int depth);

// What a patch value becomes where there is nothing to merge it with; nullopt when it
// deletes itself ($patch: delete).
std::optional<Json> fresh_value(const Json& value, const FieldMeta& meta, int depth) {
  if (value.is_object()) {
    Json target = Json::object();
    if (!merge_map_into(target, value, meta.schema, depth)) return std::nullopt;
    return target;
  }
  if (value.is_array()) {
    Json target = Json::array();
    merge_list_into(target, value, meta, depth);
    return target;
  }
  return value;
}

Json fresh_element(const Json& item, const Schema* schema, int depth) {
  Json target = Json::object();
  merge_map_into(target, item, schema, depth);
  return target;
}

void merge_scalar_list(Json& target, const Json& patch) {
  std::vector<Json> server_ids(target.begin(), target.end());
  Json merged = Json::array();
  for (const Json* list : {static_cast<const Json*>(&target), &patch}) {
    for (const Json& item : *list) {
      if (std::find(merged.begin(), merged.end(), item) == merged.end()) merged.push_back(item);
    }
  }
  std::vector<Json> order_ids(patch.begin(), patch.end());
  target = order_items(std::move(merged), order_ids, server_ids, "");
}

void merge_keyed_list(Json& target, const Json& patch, const FieldMeta& meta, int depth) {
  const std::string& key = meta.merge_key;
  auto matches = [&key](const Json& element, const Json& value) {
    auto it = element.find(key);
    return it != element.end() && *it == value;
  };

  std::vector<const Json*> plain;
  bool replace = false;
  for (const Json& item : patch) {
    auto directive = item.find(kPatchDirective);
    if (directive == item.end()) {
      plain.push_back(&item);
    } else if (*directive == "delete") {
      const Json& value = merge_key_value(item, key);
      target.erase(std::remove_if(target.begin(), target.end(),
                                  [&](const Json& element) { return matches(element, value); }),
                   target.end());
    } else if (*directive == "replace") {
      replace = true;
    } else if (*directive == "merge") {
      bad_request("merging lists cannot yet be specified in the patch");
    } else {
      bad_request("unknown patch type: " + dump_json(*directive) + " in map: " + dump_json(item));
    }
  }

  if (replace) {
    Json replaced = Json::array();
    for (const Json* item : plain) {
      merge_key_value(*item, key);
      replaced.push_back(fresh_element(*item, meta.items(), depth + 1));
    }
    target = std::move(replaced);
    return;
  }

  std::vector<Json> server_ids = identities(target, key);
  std::vector<Json> order_ids;
  for (const Json* item : plain) {
    const Json& value = merge_key_value(*item, key);
    order_ids.push_back(value);
    auto existing = std::find_if(target.begin(), target.end(),
                                 [&](const Json& element) { return matches(element, value); });
    if (existing != target.end()) {
      merge_map_into(*existing, *item, meta.items(), depth + 1);
    } else {
      target.push_back(fresh_element(*item, meta.items(), depth + 1));
    }
  }
  target = order_items(std::move(target), order_ids, server_ids, key);
}

void merge_list_into(Json& target, const Json& patch, const FieldMeta& meta, int depth) {
  check_depth(depth);
  if (!meta.merge) {
    target = patch;
    return;
  }
  switch (element_kind(target, patch)) {
    case ElementKind::kNone:
      return;
    case ElementKind::kScalar:
      return merge_scalar_list(target, patch);
    case ElementKind::kMap:
      if (meta.merge_key.empty()) bad_request("cannot merge lists without merge key for type map");
      return merge_keyed_list(target, patch, meta, depth);
  }
}

// $retainKeys: every key the patch sets must be listed; keys not listed are cleared.
void apply_retain_keys(Json& target, const Json& patch) {
  auto directive = patch.find(kRetainKeys);
  if (directive == patch.end()) return;
  if (!directive->is_array()) bad_request(kBadRetainKeys);
  const Json& retained = *directive;
  auto is_retained = [&retained](const std::string& key) {
    return std::find(retained.begin(), retained.end(), Json(key)) != retained.end();
  };
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null() || key == kRetainKeys || key == kPatchDirective || starts_with(key, kSetElementOrder) ||
        starts_with(key, kDeleteFromPrimitiveList)) {
      continue;
    }
    if (!is_retained(key)) bad_request(kBadRetainKeys);
  }
  for (auto it = target.begin(); it != target.end();) {
    it = is_retained(it.key()) ? std::next(it) : target.erase(it);
  }
}

// The patch list's elements must appear in $setElementOrder, in the same relative order.
void validate_element_order(const Json& patch_list, const Json& order, const std::string& key) {
  if (order.empty() || patch_list.empty()) return;
  std::vector<const Json*> items;
  for (const Json& item : patch_list) {
    if (!key.empty()) {
      if (!item.is_object()) bad_arg_type("map[string]interface {}", item);
      auto directive = item.find(kPatchDirective);
      if (directive != item.end() && *directive == "delete") continue;
    }
    items.push_back(&item);
  }
  size_t p = 0, s = 0;
  while (p < items.size() && s < order.size()) {
    if (items[p]->is_object() && items[p]->contains(kPatchDirective)) {
      ++p;
      continue;
    }
    bool same = key.empty() ? *items[p] == order[s] : merge_key_value(*items[p], key) == merge_key_value(order[s], key);
    if (same) ++p;
    ++s;
  }
  if (p < items.size()) {
    bad_request("The order in patch list:\n" + dump_json(patch_list) + "\n doesn't match " +
                std::string(kSetElementOrder) + " list:\n" + dump_json(order) + "\n");
  }
}

// $setElementOrder/<field>: merges the field's patch list (if any) and orders the result.
// Returns the fields whose patch lists were consumed here.
std::set<std::string> apply_element_orders(Json& target, const Json& patch, const Schema* schema, int depth) {
  std::set<std::string> consumed;
  for (const auto& [directive_key, order] : patch.items()) {
    if (!starts_with(directive_key, kSetElementOrder)) continue;
    std::string field = directive_field(directive_key, kSetElementOrder, kBadSetElementOrder);
    if (!order.is_array()) bad_arg_type("[]interface {}", order);
    FieldMeta meta = field_meta(schema, field);

    auto in_patch = patch.find(field);
    const Json* patch_list = in_patch != patch.end() && !in_patch->is_null() ? &*in_patch : nullptr;
    if (patch_list != nullptr && !patch_list->is_array()) bad_arg_type("[]interface {}", *patch_list);
    auto in_target = target.find(field);
    bool has_original = in_target != target.end() && !in_target->is_null();
    if (has_original && !in_target->is_array()) bad_arg_type("[]interface {}", *in_target);
    if (patch_list != nullptr) validate_element_order(*patch_list, order, meta.merge_key);
    if (!has_original && patch_list == nullptr) continue;

    Json original = has_original ? std::move(*in_target) : Json::array();
    Json merged = original;
    if (patch_list != nullptr) {
      merge_list_into(merged, *patch_list, meta, depth + 1);
      consumed.insert(field);
    }
    bool keyed = !meta.merge_key.empty() &&
                 (std::any_of(merged.begin(), merged.end(), [](const Json& e) { return e.is_object(); }) ||
                  std::any_of(order.begin(), order.end(), [](const Json& e) { return e.is_object(); }));
    std::string key = keyed ? meta.merge_key : "";
    target[field] = order_items(std::move(merged), identities(order, key), identities(original, key), key);
  }
  return consumed;
}

void delete_from_primitive_list(Json& target, const std::string& directive_key, const Json& to_delete) {
  std::string field = directive_field(directive_key, kDeleteFromPrimitiveList, kBadPrimitiveList);
  if (!to_delete.is_array()) bad_request(kBadPrimitiveList);
  auto list = target.find(field);
  if (list == target.end() || !list->is_array()) return;
  list->erase(std::remove_if(list->begin(), list->end(),
                             [&](const Json& item) {
                               return std::find(to_delete.begin(), to_delete.end(), item) != to_delete.end();
                             }),
              list->end());
}

void merge_field(Json& target, const std::string& key, const Json& value, const FieldMeta& meta, int depth) {
  if (value.is_null()) {
    target.erase(key);
    return;
  }
  auto existing = target.find(key);
  if (existing != target.end()) {
    if (existing->is_object() && value.is_object() && !meta.replace) {
      if (!merge_map_into(*existing, value, meta.schema, depth + 1)) target.erase(existing);
      return;
    }
    if (existing->is_array() && value.is_array()) {
      merge_list_into(*existing, value, meta, depth + 1);
      return;
    }
  }
  auto fresh = fresh_value(value, meta, depth + 1);
  if (fresh) {
    target[key] = std::move(*fresh);
  } else {
    target.erase(key);
  }
}

// Returns false when the patch deletes the map ($patch: delete).
bool merge_map_into(Json& target, const Json& patch, const Schema* schema, int depth) {
  check_depth(depth);
  if (!target.is_object()) target = Json::object();
  if (auto directive = patch.find(kPatchDirective); directive != patch.end()) {
    if (*directive == "delete") return false;
    if (*directive == "replace") {
      target = Json::object();
    } else if (*directive != "merge") {
      bad_request("unknown patch type: " + dump_json(*directive) + " in map: " + dump_json(patch));
    }
  }
  apply_retain_keys(target, patch);
  std::set<std::string> ordered = apply_element_orders(target, patch, schema, depth);
  for (const auto& [key, value] : patch.items()) {
    if (is_directive_key(key) || ordered.count(key) > 0) continue;
    merge_field(target, key, value, field_meta(schema, key), depth);
  }
  // Deletions last, so they also apply to what the patch list just merged in.
  for (const auto& [key, value] : patch.items()) {
    if (starts_with(key, kDeleteFromPrimitiveList)) delete_from_primitive_list(target, key, value);
  }
  return true;
}

}  // namespace

Result<Json> apply_strategic_merge_patch(const Json& doc, const Json& patch, const Schema* schema) {
  if (!patch.is_null() && !patch.is_object()) {
    return Error::bad_request("json: cannot unmarshal " + std::string(patch.is_array() ? "array" : "value") +
                              " into Go value of type map[string]interface {}");
  }
  if (!doc.is_object()) return Error::bad_request("invalid JSON document");
  Json result = doc;
  if (patch.is_null()) return result;
  try {
    if (!merge_map_into(result, patch, schema, 0)) result = Json::object();
    return result;
  } catch (const Failure& f) {
    return f.error;
  } catch (const Json::exception& e) {
    return Error::bad_request(std::string("strategic merge patch: ") + e.what());
  }
}

}  // namespace skiff::api

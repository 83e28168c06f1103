// Field ownership for server-side apply, as structured-merge-diff models it: sets of field
// paths walked with the kind's schema, their fieldsV1 encoding, the comparison of two objects
// as sets of added/modified/removed paths, and the metadata.managedFields entries.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/schema.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::api {

// One step of a path in its fieldsV1 spelling: "f:name" (a struct field or map key),
// "k:{\"name\":\"c\"}" (a list-map element by its keys), "v:\"x\"" (a set member), "i:3"
// (an element of a keyless granular list).
using PathElement = std::string;
using FieldPath = std::vector<PathElement>;

PathElement field_element(std::string_view name);
PathElement key_element(const Json& keys);  // keys: object of key field -> value
PathElement value_element(const Json& value);
PathElement index_element(size_t index);

// ".spec.template.spec.containers[name=\"web\"].image", as Kubernetes prints paths.
std::string format_path(const FieldPath& path);

// A set of paths, stored as a tree. A node is a member when its own path is in the set;
// its children hold longer paths.
struct FieldSet {
  bool member = false;
  std::map<PathElement, FieldSet> children;

  bool empty() const;  // no member anywhere
  void insert(const FieldPath& path);
  bool contains(const FieldPath& path) const;
  std::vector<FieldPath> paths() const;  // members in order
  // A node whose descendants hold a member becomes a member itself (structured-merge-diff's
  // EnsureNamedFieldsAreMembers, applied to every element): removing it would remove them.
  FieldSet with_parents_as_members() const;
  bool operator==(const FieldSet& other) const;
};

FieldSet set_union(const FieldSet& a, const FieldSet& b);
FieldSet set_difference(const FieldSet& a, const FieldSet& b);
FieldSet set_intersection(const FieldSet& a, const FieldSet& b);

// fieldsV1: {"f:spec":{"f:replicas":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}}.
Json to_fields_v1(const FieldSet& set);
// 400 BadRequest for anything that is not that shape.
Result<FieldSet> from_fields_v1(const Json& fields);

// How a value at a schema node is merged and owned.
enum class Shape {
  kScalar,       // a leaf
  kAtomic,       // an atomic list, map or struct: one leaf
  kStruct,       // named fields, owned one by one
  kMap,          // granular map (labels, data): every key owned by itself
  kListMap,      // list of objects keyed by list_map_keys (or x-kubernetes-patch-merge-key)
  kListSet,      // list of scalars owned by value
  kListIndexed,  // granular list without keys: owned by position
};
// schema may be nullptr (free-form content): objects are then granular maps, lists atomic.
Shape shape_of(const Schema* schema, const Json& value);
// The schema of a struct field or map value (nullptr when free-form).
const Schema* child_schema(const Schema* schema, std::string_view field);
// The path element of a list item (k:, v: or i:) for a list of this schema.
PathElement list_item_element(const Schema* list_schema, const Json& item, size_t index);

// Every path the object sets (structured-merge-diff's ToFieldSet): leaves, atomic values,
// empty or null struct fields, map keys and list items.
FieldSet field_set_of(const Json& object, const Schema* schema);

struct Comparison {
  FieldSet added;
  FieldSet modified;
  FieldSet removed;
};
// What changed from before to after (paths of leaves, and of non-leaf nodes added or removed).
Comparison compare_objects(const Json& before, const Json& after, const Schema* schema);

// One metadata.managedFields entry.
struct ManagedFieldsEntry {
  std::string manager;
  std::string operation;  // Apply | Update
  std::string api_version;
  std::string time;       // RFC 3339, may be empty
  std::string subresource;
  FieldSet fields;

  // Apply entries are one per manager whatever the version; Update entries one per version.
  bool same_owner(const ManagedFieldsEntry& other) const;
};

// Decodes metadata.managedFields (absent or null: empty). 400 BadRequest when an entry is not
// an object, its operation is not Apply/Update, fieldsType is not FieldsV1, time is not
// RFC 3339 or fieldsV1 is not a field set.
Result<std::vector<ManagedFieldsEntry>> decode_managed_fields(const Json& managed_fields);
// Entries sorted as Kubernetes stores them (operation, time, manager, apiVersion, subresource),
// empty sets dropped.
Json encode_managed_fields(std::vector<ManagedFieldsEntry> entries);

// True for `[{}]`: a client asking for managedFields to be cleared.
bool is_reset_managed_fields(const Json& managed_fields);

}  // namespace skiff::api

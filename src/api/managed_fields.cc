#include "api/managed_fields.h"

#include <algorithm>

#include "util/clock.h"

namespace skiff::api {
namespace {

void prune_empty(FieldSet& node) {
  for (auto it = node.children.begin(); it != node.children.end();) {
    prune_empty(it->second);
    if (!it->second.member && it->second.children.empty()) it = node.children.erase(it);
    else ++it;
  }
}

void collect_paths(const FieldSet& node, FieldPath& prefix, std::vector<FieldPath>& out) {
  if (node.member && !prefix.empty()) out.push_back(prefix);
  for (const auto& [pe, child] : node.children) {
    prefix.push_back(pe);
    collect_paths(child, prefix, out);
    prefix.pop_back();
  }
}

bool empty_container(const Json* v) {
  return v == nullptr || v->is_null() || ((v->is_object() || v->is_array()) && v->empty());
}

bool is_list(Shape s) { return s == Shape::kListMap || s == Shape::kListSet || s == Shape::kListIndexed; }

const Schema* items_of(const Schema* s) { return s ? s->items : nullptr; }

// The shape a list schema asks for, whatever the value.
Shape list_shape(const Schema* s) {
  if (!s) return Shape::kAtomic;
  if (s->list_type == "atomic") return Shape::kAtomic;
  if (s->list_type == "set") return Shape::kListSet;
  if (s->list_type == "map")
    return s->list_map_keys.empty() && s->patch_merge_key.empty() ? Shape::kListIndexed : Shape::kListMap;
  if (s->patch_strategy.find("merge") != std::string::npos)
    return s->patch_merge_key.empty() ? Shape::kListSet : Shape::kListMap;
  return Shape::kAtomic;
}

void collect(const Json& v, const Schema* s, FieldSet& node);

void collect_children(const Json& v, const Schema* s, Shape shape, FieldSet& node) {
  if (shape == Shape::kStruct || shape == Shape::kMap) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const Schema* cs = child_schema(s, it.key());
      FieldSet& child = node.children[field_element(it.key())];
      collect(it.value(), cs, child);
      bool named = shape == Shape::kStruct && s && s->properties.count(it.key());
      if (!named || empty_container(&it.value())) child.member = true;
    }
    return;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    FieldSet& child = node.children[list_item_element(s, v[i], i)];
    collect(v[i], items_of(s), child);
    child.member = true;
  }
}

void collect(const Json& v, const Schema* s, FieldSet& node) {
  Shape shape = shape_of(s, v);
  if (shape == Shape::kScalar || shape == Shape::kAtomic) {
    node.member = true;
    return;
  }
  collect_children(v, s, shape, node);
}

// Items of a granular list by path element; the first of duplicates wins, as in Kubernetes.
std::vector<std::pair<PathElement, const Json*>> index_items(const Schema* s, const Json* list) {
  std::vector<std::pair<PathElement, const Json*>> out;
  if (!list || !list->is_array()) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    PathElement pe = list_item_element(s, (*list)[i], i);
    bool seen = std::any_of(out.begin(), out.end(), [&](const auto& e) { return e.first == pe; });
    if (!seen) out.emplace_back(std::move(pe), &(*list)[i]);
  }
  return out;
}

// What compare_values adds for a value only the right side has: the value and everything in
// it, each a member, built in place under `node` rather than inserted path by path.
void add_subtree(const Json& r, const Schema* s, FieldSet& node) {
  node.member = true;
  Shape shape = shape_of(s, r);
  if (shape == Shape::kScalar || shape == Shape::kAtomic || empty_container(&r)) return;
  if (shape == Shape::kStruct || shape == Shape::kMap) {
    if (!r.is_object()) return;
    for (auto it = r.begin(); it != r.end(); ++it)
      add_subtree(it.value(), child_schema(s, it.key()), node.children[field_element(it.key())]);
    return;
  }
  for (const auto& [pe, item] : index_items(s, &r)) add_subtree(*item, items_of(s), node.children[pe]);
}

void compare_values(const Json* l, const Json* r, const Schema* s, FieldPath& path, Comparison& out) {
  if (!l && !path.empty()) {
    FieldSet* node = &out.added;
    for (const auto& pe : path) node = &node->children[pe];
    add_subtree(*r, s, *node);
    return;
  }
  const Json& sample = r ? *r : *l;
  Shape shape = shape_of(s, sample);
  bool leaf = shape == Shape::kScalar || shape == Shape::kAtomic || (l && r && shape_of(s, *l) != shape) ||
              (empty_container(l) && empty_container(r));
  if (leaf) {
    if (!l) out.added.insert(path);
    else if (!r) out.removed.insert(path);
    else if (*l != *r) out.modified.insert(path);
    return;
  }
  if (shape == Shape::kStruct || shape == Shape::kMap) {
    auto visit = [&](const std::string& key, const Json* lv, const Json* rv) {
      path.push_back(field_element(key));
      compare_values(lv, rv, child_schema(s, key), path, out);
      path.pop_back();
    };
    if (l && l->is_object())
      for (auto it = l->begin(); it != l->end(); ++it) {
        const Json* rv = nullptr;
        if (r && r->is_object())
          if (auto f = r->find(it.key()); f != r->end()) rv = &*f;
        visit(it.key(), &it.value(), rv);
      }
    if (r && r->is_object())
      for (auto it = r->begin(); it != r->end(); ++it)
        if (!l || !l->is_object() || !l->contains(it.key())) visit(it.key(), nullptr, &it.value());
  } else {
    auto litems = index_items(s, l);
    auto ritems = index_items(s, r);
    auto find = [](const auto& items, const PathElement& pe) -> const Json* {
      for (const auto& [e, v] : items)
        if (e == pe) return v;
      return nullptr;
    };
    for (const auto& [pe, lv] : litems) {
      path.push_back(pe);
      compare_values(lv, find(ritems, pe), items_of(s), path, out);
      path.pop_back();
    }
    for (const auto& [pe, rv] : ritems) {
      if (find(litems, pe)) continue;
      path.push_back(pe);
      compare_values(nullptr, rv, items_of(s), path, out);
      path.pop_back();
    }
  }
  if (!path.empty()) {
    if (!l) out.added.insert(path);
    else if (!r) out.removed.insert(path);
  }
}

Error bad_entry(size_t index, const std::string& field, const std::string& what) {
  return Error::bad_request("metadata.managedFields[" + std::to_string(index) + "]" +
                            (field.empty() ? "" : "." + field) + ": " + what);
}

Result<FieldSet> decode_set(const Json& fields, int depth) {
  if (!fields.is_object()) return Error::bad_request("fieldsV1 must be an object");
  if (depth > 200) return Error::bad_request("fieldsV1 is nested too deeply");
  FieldSet node;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& key = it.key();
    if (key == ".") {
      if (!it.value().is_object() || !it.value().empty())
        return Error::bad_request("fieldsV1: the \".\" member must be {}");
      node.member = true;
      continue;
    }
    if (key.size() < 2 || key[1] != ':' || std::string_view("fkvi").find(key[0]) == std::string_view::npos)
      return Error::bad_request("fieldsV1: unexpected key \"" + key + "\" (want f:, k:, v: or i:)");
    std::string_view body = std::string_view(key).substr(2);
    if (key[0] == 'k' || key[0] == 'v') {
      Json parsed = Json::parse(body, nullptr, false);
      if (parsed.is_discarded() || (key[0] == 'k' && !parsed.is_object()))
        return Error::bad_request("fieldsV1: invalid path element \"" + key + "\"");
    }
    if (key[0] == 'i' && (body.empty() || !std::all_of(body.begin(), body.end(), ::isdigit)))
      return Error::bad_request("fieldsV1: invalid path element \"" + key + "\"");
    SKIFF_ASSIGN_OR_RETURN(FieldSet child, decode_set(it.value(), depth + 1));
    if (it.value().empty()) child.member = true;
    node.children.emplace(key, std::move(child));
  }
  return node;
}

}  // namespace

PathElement field_element(std::string_view name) { return "f:" + std::string(name); }
PathElement key_element(const Json& keys) { return "k:" + keys.dump(); }
PathElement value_element(const Json& value) { return "v:" + value.dump(); }
PathElement index_element(size_t index) { return "i:" + std::to_string(index); }

std::string format_path(const FieldPath& path) {
  std::string out;
  for (const auto& pe : path) {
    std::string_view body = std::string_view(pe).substr(pe.size() >= 2 ? 2 : 0);
    switch (pe.empty() ? 'f' : pe[0]) {
      case 'k': {
        Json keys = Json::parse(body, nullptr, false);
        out += '[';
        bool first = true;
        if (keys.is_object())
          for (auto it = keys.begin(); it != keys.end(); ++it) {
            if (!first) out += ',';
            first = false;
            out += it.key() + "=" + it.value().dump();
          }
        out += ']';
        break;
      }
      case 'v': out += "[=" + std::string(body) + "]"; break;
      case 'i': out += "[" + std::string(body) + "]"; break;
      default: out += "." + std::string(body);
    }
  }
  return out;
}

bool FieldSet::empty() const {
  if (member) return false;
  for (const auto& [_, c] : children)
    if (!c.empty()) return false;
  return true;
}

void FieldSet::insert(const FieldPath& path) {
  FieldSet* node = this;
  for (const auto& pe : path) node = &node->children[pe];
  node->member = true;
}

bool FieldSet::contains(const FieldPath& path) const {
  const FieldSet* node = this;
  for (const auto& pe : path) {
    auto it = node->children.find(pe);
    if (it == node->children.end()) return false;
    node = &it->second;
  }
  return node->member;
}

std::vector<FieldPath> FieldSet::paths() const {
  std::vector<FieldPath> out;
  FieldPath prefix;
  collect_paths(*this, prefix, out);
  return out;
}

FieldSet FieldSet::with_parents_as_members() const {
  FieldSet out;
  out.member = member;
  for (const auto& [pe, child] : children) {
    FieldSet c = child.with_parents_as_members();
    if (!c.empty()) {
      c.member = true;
      out.children.emplace(pe, std::move(c));
    }
  }
  return out;
}

bool FieldSet::operator==(const FieldSet& other) const {
  return member == other.member && children == other.children;
}

FieldSet set_union(const FieldSet& a, const FieldSet& b) {
  FieldSet out = a;
  out.member = a.member || b.member;
  for (const auto& [pe, child] : b.children) {
    auto it = out.children.find(pe);
    if (it == out.children.end()) out.children.emplace(pe, child);
    else it->second = set_union(it->second, child);
  }
  return out;
}

FieldSet set_difference(const FieldSet& a, const FieldSet& b) {
  FieldSet out;
  out.member = a.member && !b.member;
  for (const auto& [pe, child] : a.children) {
    auto it = b.children.find(pe);
    FieldSet c = it == b.children.end() ? child : set_difference(child, it->second);
    if (!c.empty()) out.children.emplace(pe, std::move(c));
  }
  return out;
}

FieldSet set_intersection(const FieldSet& a, const FieldSet& b) {
  FieldSet out;
  out.member = a.member && b.member;
  for (const auto& [pe, child] : a.children) {
    auto it = b.children.find(pe);
    if (it == b.children.end()) continue;
    FieldSet c = set_intersection(child, it->second);
    if (!c.empty()) out.children.emplace(pe, std::move(c));
  }
  return out;
}

Json to_fields_v1(const FieldSet& set) {
  Json out = Json::object();
  for (const auto& [pe, child] : set.children) {
    if (child.empty()) continue;
    Json c = to_fields_v1(child);
    if (child.member && !c.empty()) c["."] = Json::object();
    out[pe] = std::move(c);
  }
  return out;
}

Result<FieldSet> from_fields_v1(const Json& fields) {
  SKIFF_ASSIGN_OR_RETURN(FieldSet set, decode_set(fields, 0));
  set.member = false;
  prune_empty(set);
  return set;
}

Shape shape_of(const Schema* s, const Json& value) {
  Shape shape;
  if (!s || s->type == Schema::Type::kAny) {
    shape = value.is_object() ? Shape::kMap : value.is_array() ? Shape::kAtomic : Shape::kScalar;
  } else if (s->type == Schema::Type::kObject) {
    if (s->map_type == "atomic") shape = Shape::kAtomic;
    else if (!s->properties.empty()) shape = Shape::kStruct;
    else shape = Shape::kMap;
  } else if (s->type == Schema::Type::kArray) {
    shape = list_shape(s);
  } else {
    shape = Shape::kScalar;
  }
  if (value.is_null()) return Shape::kScalar;
  if ((shape == Shape::kStruct || shape == Shape::kMap) && !value.is_object()) return Shape::kAtomic;
  if (is_list(shape) && !value.is_array()) return Shape::kAtomic;
  return shape;
}

const Schema* child_schema(const Schema* s, std::string_view field) {
  if (!s || s->type == Schema::Type::kAny) return nullptr;
  return s->field(field);
}

PathElement list_item_element(const Schema* s, const Json& item, size_t index) {
  switch (list_shape(s)) {
    case Shape::kListSet: return value_element(item);
    case Shape::kListMap: {
      if (!item.is_object()) break;
      std::vector<std::string> keys = s->list_map_keys;
      if (keys.empty()) keys.push_back(s->patch_merge_key);
      Json k = Json::object();
      for (const auto& key : keys) {
        if (auto it = item.find(key); it != item.end() && !it->is_null()) {
          k[key] = *it;
        } else if (const Schema* ks = child_schema(s->items, key); ks && ks->default_value) {
          k[key] = *ks->default_value;
        }
      }
      if (!k.empty()) return key_element(k);
      break;
    }
    default: break;
  }
  return index_element(index);
}

FieldSet field_set_of(const Json& object, const Schema* schema) {
  FieldSet set;
  Shape shape = shape_of(schema, object);
  if (shape == Shape::kStruct || shape == Shape::kMap || is_list(shape)) collect_children(object, schema, shape, set);
  set.member = false;
  prune_empty(set);
  return set;
}

Comparison compare_objects(const Json& before, const Json& after, const Schema* schema) {
  Comparison out;
  FieldPath path;
  compare_values(&before, &after, schema, path, out);
  for (FieldSet* s : {&out.added, &out.modified, &out.removed}) {
    s->member = false;
    prune_empty(*s);
  }
  return out;
}

bool ManagedFieldsEntry::same_owner(const ManagedFieldsEntry& o) const {
  return manager == o.manager && operation == o.operation && subresource == o.subresource &&
         (operation == "Apply" || api_version == o.api_version);
}

Result<std::vector<ManagedFieldsEntry>> decode_managed_fields(const Json& managed_fields) {
  std::vector<ManagedFieldsEntry> out;
  if (managed_fields.is_null()) return out;
  if (!managed_fields.is_array()) return Error::bad_request("metadata.managedFields must be a list");
  for (size_t i = 0; i < managed_fields.size(); ++i) {
    const Json& e = managed_fields[i];
    if (!e.is_object()) return bad_entry(i, "", "must be an object");
    for (const char* f : {"manager", "operation", "apiVersion", "time", "fieldsType", "subresource"})
      if (auto it = e.find(f); it != e.end() && !it->is_string() && !it->is_null())
        return bad_entry(i, f, "must be a string");
    ManagedFieldsEntry entry;
    entry.manager = get_string(e, "manager");
    entry.operation = get_string(e, "operation");
    entry.api_version = get_string(e, "apiVersion");
    entry.time = get_string(e, "time");
    entry.subresource = get_string(e, "subresource");
    if (entry.operation != "Apply" && entry.operation != "Update")
      return bad_entry(i, "operation",
                       "Unsupported value: \"" + entry.operation + "\": supported values: \"Apply\", \"Update\"");
    std::string type = get_string(e, "fieldsType");
    if (!type.empty() && type != "FieldsV1")
      return bad_entry(i, "fieldsType", "Unsupported value: \"" + type + "\": supported values: \"FieldsV1\"");
    if (!entry.time.empty() && !parse_rfc3339(entry.time))
      return bad_entry(i, "time", "\"" + entry.time + "\" is not an RFC 3339 time");
    if (auto it = e.find("fieldsV1"); it != e.end() && !it->is_null()) {
      auto set = from_fields_v1(*it);
      if (!set.ok()) return bad_entry(i, "fieldsV1", set.error().message);
      entry.fields = std::move(*set);
    }
    auto same = std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.same_owner(entry); });
    if (same != out.end()) same->fields = set_union(same->fields, entry.fields);
    else out.push_back(std::move(entry));
  }
  return out;
}

Json encode_managed_fields(std::vector<ManagedFieldsEntry> entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const auto& p, const auto& q) {
    return std::tie(p.operation, p.time, p.manager, p.api_version, p.subresource) <
           std::tie(q.operation, q.time, q.manager, q.api_version, q.subresource);
  });
  Json out = Json::array();
  for (const auto& e : entries) {
    if (e.fields.empty()) continue;
    Json j = {{"manager", e.manager},
              {"operation", e.operation},
              {"apiVersion", e.api_version},
              {"fieldsType", "FieldsV1"},
              {"fieldsV1", to_fields_v1(e.fields)}};
    if (!e.time.empty()) j["time"] = e.time;
    if (!e.subresource.empty()) j["subresource"] = e.subresource;
    out.push_back(std::move(j));
  }
  return out;
}

bool is_reset_managed_fields(const Json& managed_fields) {
  return managed_fields.is_array() && managed_fields.size() == 1 && managed_fields[0].is_object() &&
         managed_fields[0].empty();
}

}  // namespace skiff::api

// Turns the compact generated JSON (see tools/gen_schema.py for the encoding) into Schema
// nodes. Named types become one shared node each (so recursion is a pointer cycle); identical
// anonymous leaves (plain strings, int32s, string maps, ...) are interned to one node. The
// parsed JSON is dropped once the nodes are built.
#include "api/schema_loader.h"

#include <unordered_map>

#include "api/generated/schema_data.h"

namespace skiff::api::internal {
namespace {

Schema::Type type_of(std::string_view code) {
  if (code == "o") return Schema::Type::kObject;
  if (code == "a") return Schema::Type::kArray;
  if (code == "s") return Schema::Type::kString;
  if (code == "i") return Schema::Type::kInteger;
  if (code == "n") return Schema::Type::kNumber;
  if (code == "b") return Schema::Type::kBoolean;
  if (code == "x") return Schema::Type::kIntOrString;
  if (code == "q") return Schema::Type::kQuantity;
  return Schema::Type::kAny;
}

std::vector<std::string> strings_of(const Json& j) {
  std::vector<std::string> out;
  for (const auto& v : j) out.push_back(v.get<std::string>());
  return out;
}

class Builder {
 public:
  explicit Builder(LoadedSchemas& out) : out_(out) {}

  Status build(const Json& doc, const std::vector<EnumFact>& enums) {
    const Json& types = doc.at("types");
    for (auto it = types.begin(); it != types.end(); ++it) {
      Schema& node = out_.nodes.emplace_back();
      node.type_name = it.key();
      named_[it.key()] = &node;
    }
    for (auto it = types.begin(); it != types.end(); ++it) SKIFF_TRY(fill(it.value(), *named_[it.key()]));
    for (const auto& e : enums) SKIFF_TRY(attach_enum(e));
    // Wrappers copy their named type, so they are resolved after enums are attached.
    for (auto& [wrapper, spec] : wrappers_) {
      const std::string name = spec->at("r").get<std::string>();
      auto it = named_.find(name);
      if (it == named_.end()) return Error::internal("schema data: unknown type " + name);
      *wrapper = *it->second;
      apply_extensions(*spec, *wrapper);
    }
    for (const auto& [name, node] : named_) out_.named.emplace(name, node);
    return resources(doc.at("groupVersions"));
  }

 private:
  Result<const Schema*> node_for(const Json& j) {
    if (j.is_string()) {
      auto it = named_.find(j.get<std::string>());
      if (it == named_.end()) return Error::internal("schema data: unknown type " + j.get<std::string>());
      return static_cast<const Schema*>(it->second);
    }
    if (j.contains("r")) {
      Schema& wrapper = out_.nodes.emplace_back();
      wrappers_.emplace_back(&wrapper, &j);
      return static_cast<const Schema*>(&wrapper);
    }
    const bool internable = !j.contains("p");
    std::string key;
    if (internable) {
      key = j.dump();
      auto it = interned_.find(key);
      if (it != interned_.end()) return it->second;
    }
    Schema& node = out_.nodes.emplace_back();
    SKIFF_TRY(fill(j, node));
    if (internable) interned_.emplace(std::move(key), &node);
    return static_cast<const Schema*>(&node);
  }

  Status fill(const Json& j, Schema& node) {
    if (auto t = j.find("t"); t != j.end()) node.type = type_of(t->get<std::string>());
    if (auto f = j.find("f"); f != j.end()) node.format = f->get<std::string>();
    if (auto p = j.find("p"); p != j.end()) {
      for (auto it = p->begin(); it != p->end(); ++it) {
        SKIFF_ASSIGN_OR_RETURN(const Schema* child, node_for(it.value()));
        node.properties.emplace(it.key(), child);
      }
    }
    if (auto ap = j.find("ap"); ap != j.end()) {
      SKIFF_ASSIGN_OR_RETURN(node.additional_properties, node_for(*ap));
    }
    if (auto items = j.find("it"); items != j.end()) {
      SKIFF_ASSIGN_OR_RETURN(node.items, node_for(*items));
    }
    if (auto rq = j.find("rq"); rq != j.end()) node.required = strings_of(*rq);
    if (auto e = j.find("e"); e != j.end()) node.enum_values = strings_of(*e);
    apply_extensions(j, node);
    return ok_status();
  }

  static void apply_extensions(const Json& j, Schema& node) {
    if (auto d = j.find("d"); d != j.end()) node.default_value = *d;
    if (j.value("pu", false)) node.preserve_unknown_fields = true;
    if (j.value("er", false)) node.embedded_resource = true;
    if (auto lt = j.find("lt"); lt != j.end()) node.list_type = lt->get<std::string>();
    if (auto lk = j.find("lk"); lk != j.end()) node.list_map_keys = strings_of(*lk);
    if (auto mt = j.find("mt"); mt != j.end()) node.map_type = mt->get<std::string>();
    if (auto ps = j.find("ps"); ps != j.end()) node.patch_strategy = ps->get<std::string>();
    if (auto pk = j.find("pk"); pk != j.end()) node.patch_merge_key = pk->get<std::string>();
  }

  // Enum-carrying fields get their own node: the original may be an interned leaf.
  Status attach_enum(const EnumFact& e) {
    auto type = named_.find(std::string(e.type_name));
    if (type == named_.end()) return Error::internal("enum for unknown type " + std::string(e.type_name));
    std::string_view field = e.field;
    const bool on_items = field.ends_with("[]");
    if (on_items) field.remove_suffix(2);
    auto prop = type->second->properties.find(field);
    if (prop == type->second->properties.end())
      return Error::internal("enum for unknown field " + std::string(e.type_name) + "." + std::string(field));
    Schema& copy = out_.nodes.emplace_back(*prop->second);
    Schema* target = &copy;
    if (on_items) {
      if (copy.items == nullptr) return Error::internal("enum on items of a non-list " + std::string(field));
      target = &out_.nodes.emplace_back(*copy.items);
      copy.items = target;
    }
    target->enum_values.assign(e.values.begin(), e.values.end());
    prop->second = &copy;
    return ok_status();
  }

  Status resources(const Json& gvs) {
    for (const auto& gv : gvs) {
      const std::string group = gv.at("g").get<std::string>();
      const std::string version = gv.at("v").get<std::string>();
      for (const auto& r : gv.at("res")) {
        ResourceInfo info;
        info.gvk = {group, version, r.at("k").get<std::string>()};
        info.resource = r.at("r").get<std::string>();
        info.list_kind = r.at("lk").get<std::string>();
        info.namespaced = r.at("n").get<bool>();
        info.verbs = strings_of(r.at("v"));
        info.type_name = r.at("t").get<std::string>();
        info.list_type_name = r.at("lt").get<std::string>();
        auto it = named_.find(info.type_name);
        if (it == named_.end()) return Error::internal("schema data: no type for " + info.gvk.kind);
        info.schema = it->second;
        for (const auto& s : r.at("s")) {
          SubresourceInfo sub;
          sub.name = s.at("n").get<std::string>();
          sub.gvk = {s.at("g").get<std::string>(), s.at("vv").get<std::string>(), s.at("k").get<std::string>()};
          sub.verbs = strings_of(s.at("v"));
          info.subresources.push_back(sub.name);
          info.subresource_infos.push_back(std::move(sub));
        }
        out_.resources.push_back(std::move(info));
      }
    }
    return ok_status();
  }

  LoadedSchemas& out_;
  std::unordered_map<std::string, Schema*> named_;
  std::unordered_map<std::string, const Schema*> interned_;
  std::vector<std::pair<Schema*, const Json*>> wrappers_;
};

}  // namespace

Result<std::unique_ptr<LoadedSchemas>> load_generated_schemas(const std::vector<EnumFact>& enums) {
  auto out = std::make_unique<LoadedSchemas>();
  try {
    Json doc = Json::parse(std::string_view(generated::kSchemaData, generated::kSchemaDataSize));
    Builder builder(*out);
    SKIFF_TRY(builder.build(doc, enums));
  } catch (const Json::exception& e) {
    return Error::internal(std::string("schema data: ") + e.what());
  }
  return out;
}

}  // namespace skiff::api::internal

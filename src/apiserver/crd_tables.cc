#include "apiserver/crd_tables.h"

#include "api/crd_definition.h"
#include "api/crd_json_path.h"
#include "apiserver/tables_format.h"

namespace skiff::apiserver {
namespace {

constexpr const char* kNameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow "
    "a client to request the generation of an appropriate name automatically. Name is primarily intended for "
    "creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

// client-go jsonpath's printing of one result: strings bare, other values as JSON.
std::string print_value(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "<nil>";
  return v.dump();
}

Json cell(const api::CustomResourceColumn& col, const Json& obj, WallTime now) {
  auto found = api::json_path_find(obj, col.json_path);
  if (!found.ok() || found->empty()) return nullptr;
  const Json& v = *found->front();
  if (col.type == "string") return print_value(v);
  if (v.is_null()) return nullptr;
  if (col.type == "integer") {
    if (v.is_number_integer()) return v;
    if (v.is_number()) return static_cast<int64_t>(v.get<double>());
    return nullptr;
  }
  if (col.type == "number") return v.is_number() ? Json(v.get<double>()) : Json(nullptr);
  if (col.type == "boolean") return v.is_boolean() ? v : Json(nullptr);
  if (col.type == "date") {
    if (!v.is_string()) return nullptr;
    auto t = tables::timestamp(v);
    if (!t) return "<invalid>";
    return tables::human_age(*t, now);
  }
  return nullptr;
}

Json row_object(const Json& obj, IncludeObject include) {
  if (include == IncludeObject::kMetadata) {
    Json metadata = obj.is_object() && obj.contains("metadata") ? obj["metadata"] : Json::object();
    return Json{{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", std::move(metadata)}};
  }
  return obj;
}

}  // namespace

Json make_custom_resource_table(const api::ResourceInfo& info, const std::vector<const Json*>& objects,
                                IncludeObject include, WallTime now) {
  const auto& columns = info.custom->columns;
  Json defs = Json::array();
  defs.push_back({{"name", "Name"}, {"type", "string"}, {"format", "name"}, {"description", kNameDescription},
                  {"priority", 0}});
  for (const auto& c : columns) {
    std::string description = c.description.empty()
                                  ? "Custom resource definition column (in JSONPath format): " + c.json_path
                                  : c.description;
    defs.push_back({{"name", c.name}, {"type", c.type}, {"format", c.format}, {"description", description},
                    {"priority", c.priority}});
  }
  Json rows = Json::array();
  for (const Json* obj : objects) {
    if (!obj) continue;
    Json cells = Json::array();
    cells.push_back(tables::str(*obj, "metadata.name"));
    for (const auto& c : columns) cells.push_back(cell(c, *obj, now));
    Json row = {{"cells", std::move(cells)}};
    if (include != IncludeObject::kNone) row["object"] = row_object(*obj, include);
    rows.push_back(std::move(row));
  }
  return Json{{"kind", "Table"},
              {"apiVersion", "meta.k8s.io/v1"},
              {"metadata", Json::object()},
              {"columnDefinitions", std::move(defs)},
              {"rows", std::move(rows)}};
}

}  // namespace skiff::apiserver

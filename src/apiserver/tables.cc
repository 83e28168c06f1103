#include "apiserver/tables.h"

#include "apiserver/crd_tables.h"
#include "apiserver/tables_format.h"
#include "apiserver/tables_printers.h"

namespace skiff::apiserver {

namespace tables {

void PrinterRegistry::add(std::string group, std::string version, std::string kind, Printer printer) {
  printers_[{std::move(group), std::move(version), std::move(kind)}] = std::move(printer);
}

const Printer* PrinterRegistry::find(const api::GroupVersionKind& gvk) const {
  auto it = printers_.find(std::make_tuple(gvk.group, gvk.version, gvk.kind));
  if (it != printers_.end()) return &it->second;
  it = printers_.find(std::make_tuple(gvk.group, std::string(), gvk.kind));
  if (it != printers_.end()) return &it->second;
  return nullptr;
}

const PrinterRegistry& PrinterRegistry::builtin() {
  static const PrinterRegistry registry = [] {
    PrinterRegistry r;
    add_core_printers(r);
    add_workload_printers(r);
    add_other_printers(r);
    return r;
  }();
  return registry;
}

namespace {

PrintedRow print_name_and_age(const Json& obj, const PrintContext& ctx) {
  return {{str(obj, "metadata.name"), object_age(obj, ctx.now)}, nullptr};
}

// Go formats an unset creation time as year 1.
PrintedRow print_name_and_creation_time(const Json& obj, const PrintContext&) {
  auto created = timestamp(at(obj, "metadata.creationTimestamp"));
  return {{str(obj, "metadata.name"), created ? format_rfc3339(*created) : "0001-01-01T00:00:00Z"}, nullptr};
}

}  // namespace

const Printer& default_printer() {
  // As a custom resource without additionalPrinterColumns: the age column has type date and
  // its cells are already human-readable, as the apiextensions server renders them.
  static const Printer printer{
      {name_column(), {"Age", "date", "", "Time since the object was created.", 0}},
      print_name_and_age};
  return printer;
}

const Printer& created_at_printer() {
  static const Printer printer{
      {name_column(), {"Created At", "date", "", "When the object was created.", 0}},
      print_name_and_creation_time};
  return printer;
}

}  // namespace tables

Result<IncludeObject> parse_include_object(std::string_view value) {
  if (value.empty() || value == "Metadata") return IncludeObject::kMetadata;
  if (value == "None") return IncludeObject::kNone;
  if (value == "Object") return IncludeObject::kObject;
  return Error::bad_request("includeObject: Unsupported value: \"" + std::string(value) +
                           "\": supported values: \"Metadata\", \"None\", \"Object\"");
}

namespace {

const tables::Printer& printer_for(const api::GroupVersionKind& gvk) {
  const tables::Printer* p = tables::PrinterRegistry::builtin().find(gvk);
  return p ? *p : tables::default_printer();
}

Json column_json(const api::PrinterColumn& c) {
  return Json{{"name", c.name},
              {"type", c.type},
              {"format", c.format},
              {"description", c.description},
              {"priority", c.priority}};
}

Json row_object(const Json& obj, const api::ResourceInfo& info, IncludeObject include) {
  if (include == IncludeObject::kMetadata) {
    Json metadata = obj.is_object() && obj.contains("metadata") ? obj["metadata"] : Json::object();
    return Json{{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", std::move(metadata)}};
  }
  Json full = obj;
  if (full.is_object()) {
    if (!full.contains("kind")) full["kind"] = info.gvk.kind;
    if (!full.contains("apiVersion")) full["apiVersion"] = info.gvk.api_version();
  }
  return full;
}

}  // namespace

std::vector<api::PrinterColumn> table_columns(const api::GroupVersionKind& gvk) { return printer_for(gvk).columns; }

Json make_table(const api::ResourceInfo& info, const std::vector<const Json*>& objects, IncludeObject include,
                WallTime now) {
  if (info.custom) return make_custom_resource_table(info, objects, include, now);
  const tables::Printer& printer = printer_for(info.gvk);
  Json columns = Json::array();
  for (const auto& c : printer.columns) columns.push_back(column_json(c));

  tables::PrintContext ctx{now};
  Json rows = Json::array();
  for (const Json* obj : objects) {
    if (!obj) continue;
    tables::PrintedRow printed = printer.print(*obj, ctx);
    Json row = Json::object();
    row["cells"] = std::move(printed.cells);
    if (printed.conditions.is_array() && !printed.conditions.empty()) row["conditions"] = std::move(printed.conditions);
    if (include != IncludeObject::kNone) row["object"] = row_object(*obj, info, include);
    rows.push_back(std::move(row));
  }

  return Json{{"kind", "Table"},
              {"apiVersion", "meta.k8s.io/v1"},
              {"metadata", Json::object()},
              {"columnDefinitions", std::move(columns)},
              {"rows", std::move(rows)}};
}

}  // namespace skiff::apiserver

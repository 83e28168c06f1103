// CRD defaults and validation (apiextensions-apiserver pkg/apis/apiextensions/v1/defaults.go
// and validation/validation.go), and the served resources built from a CRD.
#include "api/crd_definition.h"

#include <algorithm>
#include <set>

#include "api/crd_validation_rules.h"
#include "api/name_validation.h"
#include "util/strings.h"

namespace skiff::api {
namespace {

const std::vector<std::string> kColumnTypes = {"boolean", "date", "integer", "number", "string"};
const std::vector<std::string> kColumnFormats = {"byte",  "date",  "date-time", "double", "float",
                                                 "int32", "int64", "password"};

std::string str(const Json& j, std::string_view key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json& child(const Json& j, std::string_view key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

void dns1035(FieldErrors& errs, const std::string& path, const std::string& value, std::string_view prefix = "") {
  auto problems = dns1035_label_errors(value);
  if (!problems.empty()) errs.invalid(path, value, std::string(prefix) + join(problems, ","));
}

void validate_names(const Json& names, const std::string& path, FieldErrors& errs) {
  std::string plural = str(names, "plural"), singular = str(names, "singular"), kind = str(names, "kind"),
              list_kind = str(names, "listKind");
  if (!plural.empty()) dns1035(errs, path_child(path, "plural"), plural);
  if (!singular.empty()) dns1035(errs, path_child(path, "singular"), singular);
  if (!kind.empty() && !dns1035_label_errors(to_lower(kind)).empty())
    errs.invalid(path_child(path, "kind"), kind,
                 "may have mixed case, but should otherwise match: " + join(dns1035_label_errors(to_lower(kind)), ","));
  if (!list_kind.empty() && !dns1035_label_errors(to_lower(list_kind)).empty())
    errs.invalid(path_child(path, "listKind"), list_kind,
                 "may have mixed case, but should otherwise match: " +
                     join(dns1035_label_errors(to_lower(list_kind)), ","));
  const Json& short_names = child(names, "shortNames");
  if (short_names.is_array())
    for (size_t i = 0; i < short_names.size(); ++i)
      if (short_names[i].is_string()) dns1035(errs, path_index(path_child(path, "shortNames"), i), short_names[i]);
  if (!kind.empty() && kind == list_kind) errs.invalid(path_child(path, "listKind"), list_kind, "kind and listKind may not be the same");
  const Json& categories = child(names, "categories");
  if (categories.is_array())
    for (size_t i = 0; i < categories.size(); ++i)
      if (categories[i].is_string()) dns1035(errs, path_index(path_child(path, "categories"), i), categories[i]);
}

// Printer column and subresource paths are "simple" JSON paths: ".spec.replicas".
bool simple_json_path(const std::string& p) { return starts_with(p, ".") && p.size() > 1; }

void validate_scale(const Json& scale, const std::string& path, FieldErrors& errs) {
  std::string spec = str(scale, "specReplicasPath"), status = str(scale, "statusReplicasPath"),
              selector = str(scale, "labelSelectorPath");
  if (spec.empty()) errs.required(path_child(path, "specReplicasPath"), "");
  else if (!starts_with(spec, ".spec.")) errs.invalid(path_child(path, "specReplicasPath"), spec, "should be a json path under .spec");
  if (status.empty()) errs.required(path_child(path, "statusReplicasPath"), "");
  else if (!starts_with(status, ".status."))
    errs.invalid(path_child(path, "statusReplicasPath"), status, "should be a json path under .status");
  if (!selector.empty() && !starts_with(selector, ".spec.") && !starts_with(selector, ".status."))
    errs.invalid(path_child(path, "labelSelectorPath"), selector, "should be a json path under either .spec or .status");
}

void validate_column(const Json& col, const std::string& path, FieldErrors& errs) {
  if (str(col, "name").empty()) errs.required(path_child(path, "name"), "");
  std::string type = str(col, "type");
  if (type.empty()) errs.required(path_child(path, "type"), "must be one of " + join(kColumnTypes, ","));
  else if (std::find(kColumnTypes.begin(), kColumnTypes.end(), type) == kColumnTypes.end())
    errs.invalid(path_child(path, "type"), type, "must be one of " + join(kColumnTypes, ","));
  std::string format = str(col, "format");
  if (!format.empty() && std::find(kColumnFormats.begin(), kColumnFormats.end(), format) == kColumnFormats.end())
    errs.invalid(path_child(path, "format"), format, "must be one of " + join(kColumnFormats, ","));
  std::string json_path = str(col, "jsonPath");
  if (json_path.empty()) errs.required(path_child(path, "JSONPath"), "");
  else if (!simple_json_path(json_path))
    errs.invalid(path_child(path, "JSONPath"), json_path, "must be a simple json path starting with .");
}

// Kubernetes converts a v1 CRD whose versions share one schema to spec.validation, so that is
// where its errors point; otherwise they name each version's schema.
bool identical_version_schemas(const Json& versions) {
  if (!versions.is_array() || versions.empty()) return false;
  const Json& first = child(versions[0], "schema");
  for (const auto& v : versions)
    if (!child(v, "schema").is_object() || child(v, "schema") != first) return false;
  return true;
}

// What validating a CRD does with its CEL rules. Serving a stored CRD does not check them: a
// rule that does not compile is then skipped, as Kubernetes serves such a CRD too.
struct RuleChecking {
  bool enabled = true;
  std::vector<std::string>* warnings = nullptr;
};

void validate_version(const Json& version, const std::string& path, const std::string& schema_path,
                      bool preserve_unknown, FieldErrors& errs, const RuleChecking& rules) {
  std::string name = str(version, "name");
  if (name.empty()) errs.required(path_child(path, "name"), "");
  else dns1035(errs, path_child(path, "name"), name);
  const Json& schema = child(child(version, "schema"), "openAPIV3Schema");
  if (schema_path.empty()) {
    // the shared schema, validated with the first version
  } else if (!schema.is_object()) {
    if (!preserve_unknown) errs.required(schema_path, "");
  } else {
    FieldErrors structural;
    auto parsed = parse_structural_schema(schema, schema_path, structural);
    const bool ok = structural.empty();
    errs.add(structural.causes());
    if (rules.enabled) compile_validation_rules(*parsed, schema_path, ok, errs, rules.warnings);
  }
  const Json& subresources = child(version, "subresources");
  if (const Json& scale = child(subresources, "scale"); scale.is_object())
    validate_scale(scale, path_child(path_child(path, "subresources"), "scale"), errs);
  const Json& columns = child(version, "additionalPrinterColumns");
  if (columns.is_array())
    for (size_t i = 0; i < columns.size(); ++i)
      validate_column(columns[i], path_index(path_child(path, "additionalPrinterColumns"), i), errs);
}

void validate_spec(const Json& spec, FieldErrors& errs, const RuleChecking& rules) {
  std::string group = str(spec, "group");
  if (group.empty()) errs.required("spec.group", "");
  else if (auto problems = dns1123_subdomain_errors(group); !problems.empty())
    errs.invalid("spec.group", group, join(problems, ","));
  else if (group.find('.') == std::string::npos)
    errs.invalid("spec.group", group, "should be a domain with at least one dot");

  std::string scope = str(spec, "scope");
  if (scope.empty()) errs.required("spec.scope", "");
  else if (scope != "Cluster" && scope != "Namespaced") errs.not_supported("spec.scope", scope, {"Cluster", "Namespaced"});

  bool preserve_unknown = child(spec, "preserveUnknownFields").is_boolean() && child(spec, "preserveUnknownFields").get<bool>();
  if (preserve_unknown)
    errs.invalid("spec.preserveUnknownFields", true,
                 "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema "
                 "instead");
  const Json& versions = child(spec, "versions");
  int storage = 0;
  std::set<std::string> names;
  bool unique = true;
  if (versions.is_array()) {
    // A schema shared by every version is validated once, as spec.validation.
    const bool shared_schema = identical_version_schemas(versions);
    for (size_t i = 0; i < versions.size(); ++i) {
      const Json& v = versions[i];
      if (child(v, "storage").is_boolean() && child(v, "storage").get<bool>()) ++storage;
      if (!names.insert(str(v, "name")).second) unique = false;
      const std::string path = path_index("spec.versions", i);
      const std::string schema_path = !shared_schema ? path_child(path_child(path, "schema"), "openAPIV3Schema")
                                      : i == 0       ? "spec.validation.openAPIV3Schema"
                                                     : "";
      validate_version(v, path, schema_path, preserve_unknown, errs, rules);
    }
  }
  if (!versions.is_array() || versions.empty()) {
    errs.required("spec.versions", "must have exactly one version marked as storage version");
  } else {
    if (!unique) errs.invalid("spec.versions", versions, "must contain unique version names");
    if (storage != 1) errs.invalid("spec.versions", versions, "must have exactly one version marked as storage version");
  }

  const Json& names_json = child(spec, "names");
  if (str(names_json, "plural").empty()) errs.required("spec.names.plural", "");
  if (str(names_json, "singular").empty()) errs.required("spec.names.singular", "");
  if (str(names_json, "kind").empty()) errs.required("spec.names.kind", "");
  if (str(names_json, "listKind").empty()) errs.required("spec.names.listKind", "");
  validate_names(names_json, "spec.names", errs);

  const Json& conversion = child(spec, "conversion");
  std::string strategy = str(conversion, "strategy");
  if (strategy.empty()) errs.required("spec.conversion.strategy", "");
  else if (strategy != "None" && strategy != "Webhook")
    errs.not_supported("spec.conversion.strategy", strategy, {"None", "Webhook"});
}

const StructuralSchema* null_if_empty(const std::unique_ptr<StructuralSchema>& s) { return s.get(); }

// StructuralSchema -> the api::Schema nodes the generic machinery (SSA, OpenAPI) reads.
class SchemaMirror {
 public:
  SchemaMirror(std::deque<Schema>& nodes, const Schema* object_meta) : nodes_(nodes), object_meta_(object_meta) {}

  const Schema* convert(const StructuralSchema& s, bool root) {
    Schema& out = nodes_.emplace_back();
    if (s.int_or_string) out.type = Schema::Type::kIntOrString;
    else if (s.type == "object") out.type = Schema::Type::kObject;
    else if (s.type == "array") out.type = Schema::Type::kArray;
    else if (s.type == "string") out.type = Schema::Type::kString;
    else if (s.type == "integer") out.type = Schema::Type::kInteger;
    else if (s.type == "number") out.type = Schema::Type::kNumber;
    else if (s.type == "boolean") out.type = Schema::Type::kBoolean;
    else out.type = Schema::Type::kAny;
    out.format = s.format;
    for (const auto& [name, prop] : s.properties) {
      if ((root || s.embedded_resource) && name == "metadata" && object_meta_) continue;
      out.properties[name] = convert(*prop, false);
    }
    if (root || s.embedded_resource) add_type_meta(out);
    if (s.items) out.items = convert(*s.items, false);
    if (s.additional_properties) out.additional_properties = convert(*s.additional_properties, false);
    out.required = s.required;
    for (const auto& e : s.enum_values)
      if (e.is_string()) out.enum_values.push_back(e.get<std::string>());
    out.default_value = s.default_value;
    out.preserve_unknown_fields = s.preserve_unknown_fields || s.additional_properties_any ||
                                  (s.type.empty() && !s.int_or_string);
    out.embedded_resource = s.embedded_resource;
    out.list_type = s.list_type;
    out.list_map_keys = s.list_map_keys;
    out.map_type = s.map_type;
    return &out;
  }

  // A CRD without a schema keeps everything.
  const Schema* any_object() {
    Schema& out = nodes_.emplace_back();
    out.type = Schema::Type::kObject;
    out.preserve_unknown_fields = true;
    add_type_meta(out);
    return &out;
  }

 private:
  void add_type_meta(Schema& out) {
    Schema& string_node = nodes_.emplace_back();
    string_node.type = Schema::Type::kString;
    out.properties["apiVersion"] = &string_node;
    out.properties["kind"] = &string_node;
    if (object_meta_) out.properties["metadata"] = object_meta_;
  }

  std::deque<Schema>& nodes_;
  const Schema* object_meta_;
};

std::vector<std::string> string_list(const Json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

void validate_crd_object(const Json& crd, FieldErrors& errs, const RuleChecking& rules) {
  const Json& spec = child(crd, "spec");
  validate_spec(spec, errs, rules);
  std::string name = str(child(crd, "metadata"), "name");
  std::string plural = str(child(spec, "names"), "plural");
  std::string group = str(spec, "group");
  if (!name.empty() && name != plural + "." + group)
    errs.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group");
}

}  // namespace

void default_crd(Json& crd) {
  if (!crd.is_object() || !crd.contains("spec") || !crd["spec"].is_object()) return;
  Json& spec = crd["spec"];
  if (spec.contains("names") && spec["names"].is_object()) {
    Json& names = spec["names"];
    std::string kind = str(names, "kind");
    if (!kind.empty()) {
      if (str(names, "singular").empty()) names["singular"] = to_lower(kind);
      if (str(names, "listKind").empty()) names["listKind"] = kind + "List";
    }
  }
  if (!spec.contains("conversion") || !spec["conversion"].is_object()) spec["conversion"] = {{"strategy", "None"}};
  else if (str(spec["conversion"], "strategy").empty()) spec["conversion"]["strategy"] = "None";
}

void validate_crd(const Json& crd, FieldErrors& errs) { validate_crd_object(crd, errs, {}); }

std::vector<std::string> crd_rule_warnings(const Json& crd) {
  FieldErrors ignored;
  std::vector<std::string> warnings;
  validate_spec(child(crd, "spec"), ignored, {true, &warnings});
  return warnings;
}

void set_crd_condition(Json& crd, const std::string& type, const std::string& status, const std::string& reason,
                       const std::string& message, const std::string& now) {
  if (!crd.contains("status") || !crd["status"].is_object()) crd["status"] = Json::object();
  Json& conditions = crd["status"]["conditions"];
  if (!conditions.is_array()) conditions = Json::array();
  Json condition = {{"type", type}, {"status", status}, {"lastTransitionTime", now}, {"reason", reason},
                    {"message", message}};
  for (auto& c : conditions) {
    if (str(c, "type") != type) continue;
    if (str(c, "status") == status && c.contains("lastTransitionTime")) condition["lastTransitionTime"] = c["lastTransitionTime"];
    c = std::move(condition);
    return;
  }
  conditions.push_back(std::move(condition));
}

std::string custom_type_name(std::string_view group, std::string_view version, std::string_view kind) {
  auto parts = split(group, '.');
  std::reverse(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += std::string(p) + ".";
  return out + std::string(version) + "." + std::string(kind);
}

Result<std::unique_ptr<CustomResourceSet>> build_custom_resources(const Json& crd, const Schema* object_meta,
                                                                  const Schema* list_meta) {
  FieldErrors errs;
  validate_crd_object(crd, errs, {false, nullptr});
  std::string crd_name = str(child(crd, "metadata"), "name");
  if (!errs.empty()) return errs.to_error(kCrdGroup, kCrdKind, crd_name);

  const Json& spec = crd["spec"];
  Json names = spec["names"];
  if (str(names, "singular").empty()) names["singular"] = to_lower(str(names, "kind"));
  if (str(names, "listKind").empty()) names["listKind"] = str(names, "kind") + "List";

  auto set = std::make_unique<CustomResourceSet>();
  set->crd_name = crd_name;
  const std::string group = str(spec, "group");
  const bool namespaced = str(spec, "scope") == "Namespaced";
  std::string storage_version;
  for (const auto& v : spec["versions"])
    if (v.value("storage", false)) storage_version = str(v, "name");

  SchemaMirror mirror(set->nodes, object_meta);
  std::vector<const Json*> ordered;
  for (const auto& v : spec["versions"])
    if (v.value("served", false)) ordered.push_back(&v);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&](const Json* a, const Json* b) { return str(*a, "name") == storage_version && str(*b, "name") != storage_version; });

  for (const Json* vp : ordered) {
    const Json& v = *vp;
    const std::string version = str(v, "name");
    auto& facts = set->facts.emplace_back();
    facts.crd_name = crd_name;
    facts.storage_version = storage_version;
    facts.deprecated = v.value("deprecated", false);
    facts.deprecation_warning = str(v, "deprecationWarning");
    const Schema* root = nullptr;
    if (const Json& schema = child(child(v, "schema"), "openAPIV3Schema"); schema.is_object()) {
      FieldErrors ignored;  // validated above
      set->structural.push_back(parse_structural_schema(schema, "", ignored));
      compile_validation_rules(*set->structural.back(), "", true, ignored, nullptr);
      facts.schema = null_if_empty(set->structural.back());
      root = mirror.convert(*facts.schema, true);
    } else {
      root = mirror.any_object();
    }
    const Json& columns = child(v, "additionalPrinterColumns");
    if (columns.is_array()) {
      for (const auto& c : columns)
        facts.columns.push_back({str(c, "name"), str(c, "type"), str(c, "format"), str(c, "description"),
                                 str(c, "jsonPath"), c.value("priority", 0)});
    } else {
      facts.columns.push_back({"Age", "date", "", "", ".metadata.creationTimestamp", 0});
    }
    const Json& subresources = child(v, "subresources");
    const bool has_status = child(subresources, "status").is_object();
    const Json& scale = child(subresources, "scale");
    if (scale.is_object()) {
      facts.has_scale = true;
      facts.spec_replicas_path = str(scale, "specReplicasPath");
      facts.status_replicas_path = str(scale, "statusReplicasPath");
      facts.label_selector_path = str(scale, "labelSelectorPath");
    }

    auto& info = set->resources.emplace_back();
    info.gvk = {group, version, str(names, "kind")};
    info.resource = str(names, "plural");
    info.singular = str(names, "singular");
    info.list_kind = str(names, "listKind");
    info.namespaced = namespaced;
    info.short_names = string_list(names["shortNames"]);
    info.categories = string_list(names["categories"]);
    info.verbs = {"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"};
    if (has_status) {
      info.subresources.push_back("status");
      info.subresource_infos.push_back({"status", info.gvk, {"get", "patch", "update"}});
    }
    if (facts.has_scale) {
      info.subresources.push_back("scale");
      info.subresource_infos.push_back({"scale", {"autoscaling", "v1", "Scale"}, {"get", "patch", "update"}});
    }
    info.type_name = custom_type_name(group, version, info.gvk.kind);
    info.list_type_name = custom_type_name(group, version, info.list_kind);
    Schema& named_root = set->nodes.emplace_back(*root);
    named_root.type_name = info.type_name;
    info.schema = &named_root;
    Schema& list = set->nodes.emplace_back();
    list.type = Schema::Type::kObject;
    list.type_name = info.list_type_name;
    Schema& string_node = set->nodes.emplace_back();
    string_node.type = Schema::Type::kString;
    Schema& items = set->nodes.emplace_back();
    items.type = Schema::Type::kArray;
    items.items = &named_root;
    list.properties["apiVersion"] = &string_node;
    list.properties["kind"] = &string_node;
    list.properties["items"] = &items;
    if (list_meta) list.properties["metadata"] = list_meta;
    list.required = {"items"};
    set->named[info.type_name] = &named_root;
    set->named[info.list_type_name] = &list;
    info.custom = &facts;
  }
  return set;
}

}  // namespace skiff::api

// The Swagger 2.0 document as gnostic's openapi.v2.Document protobuf (google/gnostic
// openapiv2/OpenAPIv2.proto), which kubectl 1.27/1.28 parse to build their validation and
// explain models. Only the messages and fields Skiff's documents use are written; vendor
// extensions and defaults are Any{yaml}, for which JSON text serves (JSON is YAML).
#include "api/openapi.h"
#include "api/protobuf_wire.h"

namespace skiff::api {
namespace {

using wire::Writer;

// Field numbers from OpenAPIv2.proto.
namespace document { constexpr uint32_t kSwagger = 1, kInfo = 2, kPaths = 8, kDefinitions = 9, kVendorExtension = 16; }
namespace info { constexpr uint32_t kTitle = 1, kVersion = 2, kDescription = 3; }
namespace paths { constexpr uint32_t kPath = 2; }
namespace named_entry { constexpr uint32_t kName = 1, kValue = 2; }  // NamedAny, NamedPathItem, NamedSchema, ...
namespace any { constexpr uint32_t kYaml = 2; }
namespace path_item { constexpr uint32_t kGet = 2, kPut = 3, kPost = 4, kDelete = 5, kOptions = 6, kHead = 7, kPatch = 8, kParameters = 9, kVendorExtension = 10; }
namespace operation { constexpr uint32_t kTags = 1, kSummary = 2, kDescription = 3, kOperationId = 5, kProduces = 6, kConsumes = 7, kParameters = 8, kResponses = 9, kSchemes = 10, kDeprecated = 11, kVendorExtension = 13; }
namespace parameters_item { constexpr uint32_t kParameter = 1; }
namespace parameter { constexpr uint32_t kBodyParameter = 1, kNonBodyParameter = 2; }
namespace body_parameter { constexpr uint32_t kDescription = 1, kName = 2, kIn = 3, kRequired = 4, kSchema = 5; }
namespace non_body_parameter { constexpr uint32_t kHeader = 1, kFormData = 2, kQuery = 3, kPath = 4; }
namespace responses { constexpr uint32_t kResponseCode = 1; }
namespace response_value { constexpr uint32_t kResponse = 1; }
namespace response { constexpr uint32_t kDescription = 1, kSchema = 2; }
namespace schema_item { constexpr uint32_t kSchema = 1; }
namespace definitions { constexpr uint32_t kAdditionalProperties = 1; }  // also Properties
namespace schema {
constexpr uint32_t kRef = 1, kFormat = 2, kTitle = 3, kDescription = 4, kDefault = 5, kRequired = 19, kEnum = 20,
                   kAdditionalProperties = 21, kType = 22, kItems = 23, kAllOf = 24, kProperties = 25,
                   kReadOnly = 27, kVendorExtension = 31;
}
namespace additional_properties_item { constexpr uint32_t kSchema = 1, kBoolean = 2; }
namespace repeated_value { constexpr uint32_t kValue = 1; }  // TypeItem.value, ItemsItem.schema

std::string str(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

void string_field(Writer& w, uint32_t field, const Json& j, std::string_view key) {
  std::string s = str(j, key);
  if (!s.empty()) w.bytes_field(field, s);
}

void strings_field(Writer& w, uint32_t field, const Json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return;
  for (const auto& s : *it) {
    if (s.is_string()) w.bytes_field(field, s.get<std::string>());
  }
}

std::string any_yaml(const Json& value) {
  Writer w;
  w.bytes_field(any::kYaml, value.dump() + "\n");
  return std::move(w).data();
}

std::string named(std::string_view name, const std::string& value) {
  Writer w;
  w.bytes_field(named_entry::kName, name);
  w.bytes_field(named_entry::kValue, value);
  return std::move(w).data();
}

// Every "x-..." key of j as repeated NamedAny.
void vendor_extensions(Writer& w, uint32_t field, const Json& j) {
  for (const auto& [key, value] : j.items()) {
    if (key.starts_with("x-")) w.bytes_field(field, named(key, any_yaml(value)));
  }
}

std::string schema_message(const Json& s) {
  Writer w;
  string_field(w, schema::kRef, s, "$ref");
  string_field(w, schema::kFormat, s, "format");
  string_field(w, schema::kTitle, s, "title");
  string_field(w, schema::kDescription, s, "description");
  if (auto d = s.find("default"); d != s.end()) w.bytes_field(schema::kDefault, any_yaml(*d));
  strings_field(w, schema::kRequired, s, "required");
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    for (const auto& v : *e) w.bytes_field(schema::kEnum, any_yaml(v));
  }
  if (auto ap = s.find("additionalProperties"); ap != s.end()) {
    Writer item;
    if (ap->is_boolean()) item.varint_field(additional_properties_item::kBoolean, ap->get<bool>() ? 1 : 0);
    else item.bytes_field(additional_properties_item::kSchema, schema_message(*ap));
    w.bytes_field(schema::kAdditionalProperties, item.data());
  }
  if (auto t = s.find("type"); t != s.end() && t->is_string()) {
    Writer type;
    type.bytes_field(repeated_value::kValue, t->get<std::string>());
    w.bytes_field(schema::kType, type.data());
  }
  if (auto items = s.find("items"); items != s.end()) {
    Writer item;
    item.bytes_field(repeated_value::kValue, schema_message(*items));
    w.bytes_field(schema::kItems, item.data());
  }
  if (auto all_of = s.find("allOf"); all_of != s.end() && all_of->is_array()) {
    for (const auto& sub : *all_of) w.bytes_field(schema::kAllOf, schema_message(sub));
  }
  if (auto props = s.find("properties"); props != s.end() && props->is_object()) {
    Writer properties;
    for (const auto& [name, sub] : props->items()) {
      properties.bytes_field(definitions::kAdditionalProperties, named(name, schema_message(sub)));
    }
    w.bytes_field(schema::kProperties, properties.data());
  }
  if (s.value("readOnly", false)) w.varint_field(schema::kReadOnly, 1);
  vendor_extensions(w, schema::kVendorExtension, s);
  return std::move(w).data();
}

// Query and path parameters share the sub-schema layout up to `type`, which sits one field
// later in QueryParameterSubSchema (after allow_empty_value).
std::string encode_non_body_parameter(const Json& p) {
  const std::string in = str(p, "in");
  const bool query = in == "query";
  const uint32_t type_field = query ? 6 : 5, format_field = query ? 7 : 6, unique_items_field = query ? 20 : 19;
  Writer sub;
  if (p.value("required", false)) sub.varint_field(1, 1);
  sub.bytes_field(2, in);
  string_field(sub, 3, p, "description");
  string_field(sub, 4, p, "name");
  string_field(sub, type_field, p, "type");
  string_field(sub, format_field, p, "format");
  if (p.value("uniqueItems", false)) sub.varint_field(unique_items_field, 1);
  Writer nbp;
  uint32_t which = query ? non_body_parameter::kQuery
                   : in == "path" ? non_body_parameter::kPath
                   : in == "header" ? non_body_parameter::kHeader
                                    : non_body_parameter::kFormData;
  nbp.bytes_field(which, sub.data());
  return std::move(nbp).data();
}

std::string encode_parameters_item(const Json& p) {
  Writer param;
  if (str(p, "in") == "body") {
    Writer body;
    string_field(body, body_parameter::kDescription, p, "description");
    string_field(body, body_parameter::kName, p, "name");
    body.bytes_field(body_parameter::kIn, "body");
    if (p.value("required", false)) body.varint_field(body_parameter::kRequired, 1);
    if (auto s = p.find("schema"); s != p.end()) body.bytes_field(body_parameter::kSchema, schema_message(*s));
    param.bytes_field(parameter::kBodyParameter, body.data());
  } else {
    param.bytes_field(parameter::kNonBodyParameter, encode_non_body_parameter(p));
  }
  Writer item;
  item.bytes_field(parameters_item::kParameter, param.data());
  return std::move(item).data();
}

std::string operation_message(const Json& op) {
  Writer w;
  strings_field(w, operation::kTags, op, "tags");
  string_field(w, operation::kSummary, op, "summary");
  string_field(w, operation::kDescription, op, "description");
  string_field(w, operation::kOperationId, op, "operationId");
  strings_field(w, operation::kProduces, op, "produces");
  strings_field(w, operation::kConsumes, op, "consumes");
  if (auto params = op.find("parameters"); params != op.end()) {
    for (const auto& p : *params) w.bytes_field(operation::kParameters, encode_parameters_item(p));
  }
  if (auto rs = op.find("responses"); rs != op.end() && rs->is_object()) {
    Writer responses;
    for (const auto& [code, r] : rs->items()) {
      Writer resp;
      string_field(resp, response::kDescription, r, "description");
      if (auto s = r.find("schema"); s != r.end()) {
        Writer item;
        item.bytes_field(schema_item::kSchema, schema_message(*s));
        resp.bytes_field(response::kSchema, item.data());
      }
      Writer value;
      value.bytes_field(response_value::kResponse, resp.data());
      responses.bytes_field(responses::kResponseCode, named(code, value.data()));
    }
    w.bytes_field(operation::kResponses, responses.data());
  }
  strings_field(w, operation::kSchemes, op, "schemes");
  if (op.value("deprecated", false)) w.varint_field(operation::kDeprecated, 1);
  vendor_extensions(w, operation::kVendorExtension, op);
  return std::move(w).data();
}

std::string path_item_message(const Json& item) {
  static constexpr std::pair<std::string_view, uint32_t> kMethods[] = {
      {"get", path_item::kGet},       {"put", path_item::kPut},   {"post", path_item::kPost},
      {"delete", path_item::kDelete}, {"options", path_item::kOptions}, {"head", path_item::kHead},
      {"patch", path_item::kPatch}};
  Writer w;
  for (const auto& [method, field] : kMethods) {
    if (auto op = item.find(method); op != item.end()) w.bytes_field(field, operation_message(*op));
  }
  if (auto params = item.find("parameters"); params != item.end()) {
    for (const auto& p : *params) w.bytes_field(path_item::kParameters, encode_parameters_item(p));
  }
  vendor_extensions(w, path_item::kVendorExtension, item);
  return std::move(w).data();
}

}  // namespace

std::string openapi_v2_protobuf(const Json& v2doc) {
  Writer w;
  string_field(w, document::kSwagger, v2doc, "swagger");
  if (auto i = v2doc.find("info"); i != v2doc.end()) {
    Writer info;
    string_field(info, info::kTitle, *i, "title");
    string_field(info, info::kVersion, *i, "version");
    string_field(info, info::kDescription, *i, "description");
    w.bytes_field(document::kInfo, info.data());
  }
  if (auto p = v2doc.find("paths"); p != v2doc.end() && p->is_object()) {
    Writer paths;
    for (const auto& [path, item] : p->items()) paths.bytes_field(paths::kPath, named(path, path_item_message(item)));
    w.bytes_field(document::kPaths, paths.data());
  }
  if (auto d = v2doc.find("definitions"); d != v2doc.end() && d->is_object()) {
    Writer defs;
    for (const auto& [name, s] : d->items()) defs.bytes_field(definitions::kAdditionalProperties, named(name, schema_message(s)));
    w.bytes_field(document::kDefinitions, defs.data());
  }
  vendor_extensions(w, document::kVendorExtension, v2doc);
  return std::move(w).data();
}

}  // namespace skiff::api

// CEL validation rules: any text must parse, check and evaluate without crashing, hanging or
// running past the cost limit; problems print as cel-go's "ERROR: <input>:L:C:" lines; a rule
// that checks as bool yields a bool or an error. The input is also run as an
// x-kubernetes-validations rule of a CRD schema, on create and on update.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "api/cel/checker.h"
#include "api/cel/interpreter.h"
#include "api/cel/parser.h"
#include "api/cel/schema_values.h"
#include "api/crd_schema.h"
#include "api/crd_validation_rules.h"
#include "api/utf8.h"

namespace {

using namespace skiff::api;
using skiff::Json;

constexpr uint64_t kCostLimit = 20000;

const char* kSchema = R"({"type": "object", "properties": {"spec": {"type": "object", "properties": {
  "replicas": {"type": "integer"}, "ratio": {"type": "number"}, "name": {"type": "string"},
  "enabled": {"type": "boolean"}, "port": {"x-kubernetes-int-or-string": true},
  "when": {"type": "string", "format": "date-time"}, "timeout": {"type": "string", "format": "duration"},
  "data": {"type": "string", "format": "byte"},
  "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
  "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
            "items": {"type": "object", "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}},
  "labels": {"type": "object", "additionalProperties": {"type": "string"}},
  "namespace": {"type": "string"}, "max-surge": {"type": "string"}}}}})";

const char* kObject = R"({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
  "spec": {"replicas": 3, "ratio": 0.5, "name": "web", "enabled": true, "port": "http",
  "when": "2024-01-01T00:00:00Z", "timeout": "1m30s", "data": "aGk=", "tags": ["a", "b"],
  "ports": [{"name": "http", "port": 80}], "labels": {"app": "web"}, "namespace": "default",
  "max-surge": "25%"}})";

const char* kOldObject = R"({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
  "spec": {"replicas": 2, "name": "web", "tags": ["b", "a"], "ports": [{"name": "http", "port": 81}]}})";

struct Fixture {
  std::unique_ptr<StructuralSchema> schema;
  Json object = Json::parse(kObject);
  Json old_object = Json::parse(kOldObject);
  cel::TypePtr type;
  Fixture() {
    FieldErrors errs;
    schema = parse_structural_schema(Json::parse(kSchema), "", errs);
    type = cel::schema_type(*schema, true);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void fail(std::string_view text, const char* why) {
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(text.size()), text.data(), why);
  std::abort();
}

void run_expression(std::string_view text) {
  const Fixture& f = fixture();
  cel::ParseResult parsed = cel::parse(text);
  if (!parsed.issues.empty()) {
    if (parsed.expr) fail(text, "an expression came with parse issues");
    if (cel::format_issues(text, parsed.issues).rfind("ERROR: <input>:", 0) != 0) fail(text, "issue text");
    return;
  }
  cel::CheckResult checked = cel::check(*parsed.expr, {{"self", f.type}, {"oldSelf", f.type}});
  if (!checked.issues.empty()) {
    (void)cel::format_issues(text, checked.issues);
    return;
  }
  cel::RegexCache regexes;
  cel::precompile_regexes(*parsed.expr, regexes, nullptr);
  cel::Value self = cel::schema_value(f.object, *f.schema, true);
  cel::Value old_self = cel::schema_value(f.old_object, *f.schema, true);
  cel::EvalResult r = cel::evaluate(*parsed.expr, {{"self", self}, {"oldSelf", old_self}}, kCostLimit, &regexes);
  // The limit is checked as cost accrues; one function may add its whole traversal at once.
  if (r.cost > kCostLimit + (uint64_t{1} << 20)) fail(text, "cost ran past the limit");
  if (checked.type->kind == cel::TypeKind::kBool && checked.unsupported.empty() && !r.value.is(cel::ValueKind::kBool) &&
      !r.value.is_error())
    fail(text, "a bool expression evaluated to something else");
}

void run_as_rule(std::string_view text) {
  Json schema = Json::parse(kSchema);
  schema["properties"]["spec"]["x-kubernetes-validations"] = Json::array({{{"rule", std::string(text)}}});
  FieldErrors errs;
  auto parsed = parse_structural_schema(schema, "spec.validation.openAPIV3Schema", errs);
  std::vector<std::string> warnings;
  compile_validation_rules(*parsed, "spec.validation.openAPIV3Schema", errs.empty(), errs, &warnings);
  if (!errs.empty()) return;
  const Fixture& f = fixture();
  FieldErrors create_errs, update_errs;
  validate_custom_resource_rules(*parsed, f.object, nullptr, create_errs, &warnings);
  validate_custom_resource_rules(*parsed, f.object, &f.old_object, update_errs, &warnings);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  run_expression(text);
  // Rules arrive in JSON, so they are valid UTF-8.
  for (size_t i = 0; i < text.size();) {
    auto [r, width] = decode_utf8(text.substr(i));
    if (r == kUtf8Invalid && width == 1) return 0;
    i += width;
  }
  run_as_rule(text);
  return 0;
}

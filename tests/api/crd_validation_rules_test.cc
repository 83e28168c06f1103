// x-kubernetes-validations: rules checked when the CRD is validated (paths and messages as
// apiextensions-apiserver words them) and evaluated on custom resources, with oldSelf on
// updates, reasons, field paths, messageExpression, ratcheting and the cost budget.
#include "api/crd_validation_rules.h"

#include <gtest/gtest.h>

#include "api/crd_definition.h"
#include "api/crd_registry.h"

namespace skiff::api {
namespace {

Json crd_with_schema(const Json& schema) {
  Json crd = {
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", {{"name", "widgets.example.com"}}},
      {"spec",
       {{"group", "example.com"},
        {"scope", "Namespaced"},
        {"names", {{"plural", "widgets"}, {"kind", "Widget"}}},
        {"versions",
         Json::array(
             {{{"name", "v1"}, {"served", true}, {"storage", true}, {"schema", {{"openAPIV3Schema", schema}}}}})}}}};
  default_crd(crd);
  return crd;
}

Json spec_schema(const Json& spec_properties, const Json& spec_rules) {
  Json spec = {{"type", "object"}, {"properties", spec_properties}};
  if (!spec_rules.empty()) spec["x-kubernetes-validations"] = spec_rules;
  return {{"type", "object"}, {"properties", {{"spec", spec}}}};
}

std::string crd_error(const Json& crd) {
  FieldErrors errs;
  validate_crd(crd, errs);
  return errs.empty() ? "" : errs.to_error(kCrdGroup, kCrdKind, "widgets.example.com").message;
}

class Widgets {
 public:
  explicit Widgets(const Json& schema) : registry_(SchemaRegistry::builtin()) {
    Json crd = crd_with_schema(schema);
    EXPECT_EQ(crd_error(crd), "");
    EXPECT_TRUE(registry_.set_crd(crd).ok());
    info_ = registry_.find_resource("example.com", "v1", "widgets");
  }

  // "" when the write is allowed, else the 422 message.
  std::string create(const Json& spec) { return write(object(spec), nullptr); }
  std::string update(const Json& old_spec, const Json& spec) {
    Json old = object(old_spec);
    return write(object(spec), &old);
  }
  std::string write(const Json& obj, const Json* old) {
    warnings.clear();
    Status s = check_custom_resource_rules(*info_, obj, old, &warnings);
    return s.ok() ? "" : s.error().message;
  }
  static Json object(const Json& spec) {
    Json obj = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "w"}}}};
    if (!spec.is_null()) obj["spec"] = spec;
    return obj;
  }

  std::vector<std::string> warnings;

 private:
  DynamicSchemaRegistry registry_;
  const ResourceInfo* info_ = nullptr;
};

const Json kReplicas = {{"minReplicas", {{"type", "integer"}}}, {"maxReplicas", {{"type", "integer"}}}};

TEST(CrdValidationRules, FailingRuleReportsItsMessageAtTheNode) {
  Widgets w(spec_schema(kReplicas, Json::array({{{"rule", "self.minReplicas <= self.maxReplicas"},
                                                 {"message", "minReplicas must not exceed maxReplicas"}}})));
  EXPECT_EQ(w.create({{"minReplicas", 1}, {"maxReplicas", 3}}), "");
  EXPECT_EQ(
      w.create({{"minReplicas", 5}, {"maxReplicas", 3}}),
      "Widget.example.com \"w\" is invalid: spec: Invalid value: \"object\": minReplicas must not exceed maxReplicas");
}

TEST(CrdValidationRules, WithoutMessageTheRuleIsQuoted) {
  Widgets w(spec_schema(kReplicas, Json::array({{{"rule", "self.minReplicas <= self.maxReplicas"}}})));
  EXPECT_EQ(w.create({{"minReplicas", 5}, {"maxReplicas", 3}}),
            "Widget.example.com \"w\" is invalid: spec: Invalid value: \"object\": failed rule: self.minReplicas <= "
            "self.maxReplicas");
}

TEST(CrdValidationRules, RootRulesSeeMetadataNameAndReportANilPath) {
  Json schema = spec_schema(kReplicas, Json::array());
  schema["x-kubernetes-validations"] = Json::array({{{"rule", "self.metadata.name.startsWith('w-')"}}});
  Widgets w(schema);
  EXPECT_EQ(w.create({{"minReplicas", 1}}),
            "Widget.example.com \"w\" is invalid: <nil>: Invalid value: \"object\": failed rule: "
            "self.metadata.name.startsWith('w-')");
}

TEST(CrdValidationRules, RuntimeErrorsNameTheRule) {
  Widgets w(spec_schema(kReplicas, Json::array({{{"rule", "self.minReplicas <= self.maxReplicas"}}})));
  EXPECT_EQ(w.create({{"minReplicas", 1}}),
            "Widget.example.com \"w\" is invalid: spec: Invalid value: \"object\": no such key: maxReplicas evaluating "
            "rule: self.minReplicas <= self.maxReplicas");
}

TEST(CrdValidationRules, IndexingPastTheEndOfAListField) {
  Json props = {{"items", {{"type", "array"}, {"items", {{"type", "string"}}}}}};
  Widgets w(spec_schema(props, Json::array({{{"rule", "self.items[2] != ''"}, {"message", "third item"}}})));
  EXPECT_EQ(w.create({{"items", {"a"}}}),
            "Widget.example.com \"w\" is invalid: spec: Invalid value: \"object\": index out of bounds: 2 evaluating "
            "rule: third item");
}

TEST(CrdValidationRules, TransitionRuleMakesAFieldImmutable) {
  Json props = {{"name",
                 {{"type", "string"},
                  {"x-kubernetes-validations",
                   Json::array({{{"rule", "self == oldSelf"}, {"message", "Value is immutable"}}})}}}};
  Widgets w(spec_schema(props, Json::array()));
  EXPECT_EQ(w.create({{"name", "a"}}), "");  // no old value: transition rules are skipped
  EXPECT_EQ(w.update({{"name", "a"}}, {{"name", "a"}}), "");
  EXPECT_EQ(w.update({{"name", "a"}}, {{"name", "b"}}),
            "Widget.example.com \"w\" is invalid: spec.name: Invalid value: \"string\": Value is immutable");
  EXPECT_EQ(w.update(Json::object(), {{"name", "b"}}), "");  // the field did not exist before
}

TEST(CrdValidationRules, OptionalOldSelfRunsOnCreateToo) {
  Json props = {{"phase", {{"type", "string"}}}};
  Json rules = Json::array({{{"rule", "oldSelf.hasValue() || self.phase == 'Pending'"},
                             {"optionalOldSelf", true},
                             {"message", "must start Pending"}}});
  Widgets w(spec_schema(props, rules));
  EXPECT_EQ(w.create({{"phase", "Running"}}),
            "Widget.example.com \"w\" is invalid: spec: Invalid value: \"object\": must start Pending");
  EXPECT_EQ(w.create({{"phase", "Pending"}}), "");
  EXPECT_EQ(w.update({{"phase", "Pending"}}, {{"phase", "Running"}}), "");
}

TEST(CrdValidationRules, ListRuleWithAll) {
  Json props = {{"ports",
                 {{"type", "array"},
                  {"items", {{"type", "integer"}}},
                  {"x-kubernetes-validations", Json::array({{{"rule", "self.all(p, p > 0 && p < 65536)"},
                                                             {"message", "ports must be between 1 and 65535"}}})}}}};
  Widgets w(spec_schema(props, Json::array()));
  EXPECT_EQ(w.create({{"ports", {80, 443}}}), "");
  EXPECT_EQ(
      w.create({{"ports", {80, 0}}}),
      "Widget.example.com \"w\" is invalid: spec.ports: Invalid value: \"array\": ports must be between 1 and 65535");
}

TEST(CrdValidationRules, RulesOnItemsAndMapValuesRunPerElement) {
  Json props = {{"items",
                 {{"type", "array"},
                  {"items",
                   {{"type", "object"},
                    {"properties", {{"name", {{"type", "string"}}}}},
                    {"x-kubernetes-validations", Json::array({{{"rule", "self.name.size() <= 3"}}})}}}}},
                {"labels",
                 {{"type", "object"},
                  {"additionalProperties",
                   {{"type", "string"}, {"x-kubernetes-validations", Json::array({{{"rule", "self != ''"}}})}}}}}};
  Widgets w(spec_schema(props, Json::array()));
  EXPECT_EQ(w.create({{"items", {{{"name", "ok"}}, {{"name", "toolong"}}}}, {"labels", {{"a", "x"}, {"b", ""}}}}),
            "Widget.example.com \"w\" is invalid: [spec.items[1]: Invalid value: \"object\": failed rule: "
            "self.name.size() <= 3, spec.labels[b]: Invalid value: \"string\": failed rule: self != '']");
}

TEST(CrdValidationRules, ReasonAndFieldPathShapeTheCause) {
  Json rules = Json::array({
      {{"rule", "has(self.minReplicas)"},
       {"reason", "FieldValueRequired"},
       {"fieldPath", ".minReplicas"},
       {"message", "minReplicas is required"}},
      {{"rule", "!has(self.maxReplicas)"}, {"reason", "FieldValueForbidden"}, {"message", "no maxReplicas"}},
      {{"rule", "false"}, {"reason", "FieldValueDuplicate"}},
  });
  Widgets w(spec_schema(kReplicas, rules));
  EXPECT_EQ(w.create({{"maxReplicas", 3}}),
            "Widget.example.com \"w\" is invalid: [spec.minReplicas: Required value: minReplicas is required, spec: "
            "Forbidden: no maxReplicas, spec: Duplicate value: \"object\"]");
}

TEST(CrdValidationRules, MessageExpressionBuildsTheMessage) {
  Json rules = Json::array({{{"rule", "self.minReplicas <= self.maxReplicas"},
                             {"messageExpression",
                              "'minReplicas ' + string(self.minReplicas) + ' exceeds ' + "
                              "string(self.maxReplicas)"}}});
  Widgets w(spec_schema(kReplicas, rules));
  EXPECT_EQ(w.create({{"minReplicas", 5}, {"maxReplicas", 3}}),
            "Widget.example.com \"w\" is invalid: spec: Invalid value: \"object\": minReplicas 5 exceeds 3");
}

TEST(CrdValidationRules, UnchangedInvalidValuesRatchetToWarnings) {
  Json props = {{"size", {{"type", "integer"}, {"x-kubernetes-validations", Json::array({{{"rule", "self <= 10"}}})}}},
                {"other", {{"type", "string"}}}};
  Widgets w(spec_schema(props, Json::array()));
  EXPECT_NE(w.create({{"size", 20}}), "");
  // An object stored before the rule existed can still be updated elsewhere.
  EXPECT_EQ(w.update({{"size", 20}, {"other", "a"}}, {{"size", 20}, {"other", "b"}}), "");
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_EQ(w.warnings[0], "spec.size: Invalid value: \"integer\": failed rule: self <= 10");
  EXPECT_NE(w.update({{"size", 20}}, {{"size", 21}}), "");
}

TEST(CrdValidationRules, EscapedPropertyNamesAndIntOrString) {
  Json props = {{"namespace", {{"type", "string"}}}, {"max-surge", {{"x-kubernetes-int-or-string", true}}}};
  Json rules = Json::array({{{"rule", "self.__namespace__ != 'kube-system'"}},
                            {{"rule",
                              "type(self.max__dash__surge) == int ? self.max__dash__surge >= 0 : "
                              "self.max__dash__surge.endsWith('%')"}}});
  Widgets w(spec_schema(props, rules));
  EXPECT_EQ(w.create({{"namespace", "default"}, {"max-surge", "25%"}}), "");
  EXPECT_EQ(w.create({{"namespace", "default"}, {"max-surge", 2}}), "");
  EXPECT_NE(w.create({{"namespace", "kube-system"}, {"max-surge", 2}}), "");
  EXPECT_NE(w.create({{"namespace", "default"}, {"max-surge", "25"}}), "");
}

TEST(CrdValidationRules, StringFormatsBecomeTypedValues) {
  Json props = {{"timeout", {{"type", "string"}, {"format", "duration"}}},
                {"when", {{"type", "string"}, {"format", "date-time"}}},
                {"day", {{"type", "string"}, {"format", "date"}}},
                {"data", {{"type", "string"}, {"format", "byte"}}}};
  Json rules = Json::array({{{"rule", "self.timeout >= duration('1m')"}},
                            {{"rule", "self.when < timestamp('2030-01-01T00:00:00Z')"}},
                            {{"rule", "self.day.getFullYear() == 2024 && self.data == b'hi'"}}});
  Widgets w(spec_schema(props, rules));
  EXPECT_EQ(w.create({{"timeout", "90s"}, {"when", "2025-06-01T12:00:00Z"}, {"day", "2024-02-29"}, {"data", "aGk="}}),
            "");
  EXPECT_EQ(w.create({{"timeout", "2d"}, {"when", "2025-06-01T12:00:00Z"}, {"day", "2024-02-29"}, {"data", "aGk="}}),
            "");
  EXPECT_EQ(w.create({{"timeout", "5s"}, {"when", "2031-01-01T00:00:00Z"}, {"day", "2024-02-29"}, {"data", "aGk="}}),
            "Widget.example.com \"w\" is invalid: [spec: Invalid value: \"object\": failed rule: self.timeout >= "
            "duration('1m'), spec: Invalid value: \"object\": failed rule: self.when < "
            "timestamp('2030-01-01T00:00:00Z')]");
}

TEST(CrdValidationRules, EmbeddedResourcesExposeTypeMeta) {
  Json props = {
      {"template",
       {{"type", "object"},
        {"x-kubernetes-embedded-resource", true},
        {"x-kubernetes-preserve-unknown-fields", true},
        {"x-kubernetes-validations", Json::array({{{"rule", "self.kind == 'Pod' && self.metadata.name != ''"}}})}}}};
  Widgets w(spec_schema(props, Json::array()));
  EXPECT_EQ(w.create({{"template", {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}}}}}}), "");
  EXPECT_NE(w.create({{"template", {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "p"}}}}}}), "");
}

TEST(CrdValidationRules, SetAndMapListsCompareAsKubernetesDoes) {
  Json props = {{"tags",
                 {{"type", "array"},
                  {"x-kubernetes-list-type", "set"},
                  {"items", {{"type", "string"}}},
                  {"x-kubernetes-validations", Json::array({{{"rule", "self == oldSelf"}}})}}},
                {"ports",
                 {{"type", "array"},
                  {"x-kubernetes-list-type", "map"},
                  {"x-kubernetes-list-map-keys", {"name"}},
                  {"items",
                   {{"type", "object"},
                    {"required", {"name"}},
                    {"properties", {{"name", {{"type", "string"}}}, {"port", {{"type", "integer"}}}}},
                    {"x-kubernetes-validations",
                     Json::array({{{"rule", "self.port >= oldSelf.port"}, {"message", "ports only grow"}}})}}}}}};
  Widgets w(spec_schema(props, Json::array()));
  EXPECT_EQ(w.update({{"tags", {"a", "b"}}}, {{"tags", {"b", "a"}}}), "");  // sets ignore order
  EXPECT_NE(w.update({{"tags", {"a", "b"}}}, {{"tags", {"a", "c"}}}), "");
  // Map-list items meet their old selves by key, wherever they moved.
  Json old_ports = {{"ports", {{{"name", "http"}, {"port", 80}}, {{"name", "https"}, {"port", 443}}}}};
  EXPECT_EQ(w.update(old_ports, {{"ports", {{{"name", "https"}, {"port", 443}}, {{"name", "http"}, {"port", 81}}}}}),
            "");
  EXPECT_EQ(w.update(old_ports, {{"ports", {{{"name", "https"}, {"port", 443}}, {{"name", "http"}, {"port", 79}}}}}),
            "Widget.example.com \"w\" is invalid: spec.ports[1]: Invalid value: \"object\": ports only grow");
}

TEST(CrdValidationRules, CostLimitStopsValidation) {
  Json props = {{"items", {{"type", "array"}, {"items", {{"type", "integer"}}}}}};
  Json rules = Json::array({{{"rule", "self.items.all(a, self.items.all(b, self.items.all(c, a + b + c >= 0)))"}}});
  Widgets w(spec_schema(props, rules));
  Json many = Json::array();
  for (int i = 0; i < 200; ++i) many.push_back(i);
  EXPECT_EQ(
      w.create({{"items", many}}),
      "Widget.example.com \"w\" is invalid: spec: Invalid value: \"object\": 'operation cancelled: actual cost limit "
      "exceeded': no further validation rules will be run due to call cost exceeds limit for rule: "
      "self.items.all(a, self.items.all(b, self.items.all(c, a + b + c >= 0)))");
}

TEST(CrdValidationRules, InvalidRuleRejectsTheCrd) {
  Json crd = crd_with_schema(spec_schema(kReplicas, Json::array({{{"rule", "self.minReplicas <= self.maxReplica"}}})));
  EXPECT_EQ(crd_error(crd),
            "CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: "
            "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: "
            "apiextensions.ValidationRule{Rule:\"self.minReplicas <= self.maxReplica\", Message:\"\", "
            "MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", "
            "OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:25: undefined field 'maxReplica'\n"
            " | self.minReplicas <= self.maxReplica\n"
            " | ........................^");
}

TEST(CrdValidationRules, SchemaErrorsAndRuleFailuresAreReportedTogether) {
  Json props = {{"name", {{"type", "string"}, {"pattern", "^[a-z]+$"}}}, {"size", {{"type", "integer"}}}};
  Json schema = spec_schema(props, Json::array({{{"rule", "self.size < 10"}}}));
  schema["properties"]["spec"]["required"] = {"size"};
  DynamicSchemaRegistry registry(SchemaRegistry::builtin());
  ASSERT_TRUE(registry.set_crd(crd_with_schema(schema)).ok());
  const ResourceInfo* info = registry.find_resource("example.com", "v1", "widgets");
  // A pattern mismatch does not stop the rules...
  Status both = registry.validate(*info, Widgets::object({{"name", "UPPER"}, {"size", 20}}));
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().message,
            "Widget.example.com \"w\" is invalid: [spec.name: Invalid value: \"UPPER\": spec.name in body should match "
            "'^[a-z]+$', spec: Invalid value: \"object\": failed rule: self.size < 10]");
  // ...a missing required field does.
  Status blocked = registry.validate(*info, Widgets::object({{"name", "ok"}}));
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().message,
            "Widget.example.com \"w\" is invalid: [spec.size: Required value, <nil>: Invalid value: \"null\": some "
            "validation rules were not checked because the object was invalid; correct the existing errors to complete "
            "validation]");
}

TEST(CrdValidationRules, StoredCrdWithAnInvalidRuleIsStillServed) {
  // Written before rules were checked: serving skips the rule rather than the whole CRD.
  Json crd = crd_with_schema(
      spec_schema(kReplicas, Json::array({{{"rule", "self.nope > 1"}}, {{"rule", "self.minReplicas > 0"}}})));
  DynamicSchemaRegistry registry(SchemaRegistry::builtin());
  ASSERT_TRUE(registry.set_crd(crd).ok());
  const ResourceInfo* info = registry.find_resource("example.com", "v1", "widgets");
  ASSERT_NE(info, nullptr);
  std::vector<std::string> warnings;
  EXPECT_TRUE(check_custom_resource_rules(*info, Widgets::object({{"minReplicas", 1}}), nullptr, &warnings).ok());
  EXPECT_FALSE(check_custom_resource_rules(*info, Widgets::object({{"minReplicas", 0}}), nullptr, &warnings).ok());
}

TEST(CrdValidationRules, CrdChecksOfRuleFields) {
  Json rules = Json::array({
      {{"rule", ""}},
      {{"rule", "self.minReplicas > 0"}, {"message", "two\nlines"}},
      {{"rule", "true"}, {"reason", "Bogus"}},
      {{"rule", "true"}, {"fieldPath", ".nope"}},
  });
  EXPECT_EQ(
      crd_error(crd_with_schema(spec_schema(kReplicas, rules))),
      "CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: ["
      "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is "
      "not specified, "
      "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].message: Invalid value: "
      "\"two\\nlines\": message must not contain line breaks, "
      "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[2].reason: Unsupported value: "
      "\"Bogus\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", "
      "\"FieldValueRequired\", "
      "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[3].fieldPath: Invalid value: "
      "\".nope\": fieldPath must be a valid path]");
}

TEST(CrdValidationRules, RuleMustBeBoolAndOldSelfNeedsCorrelation) {
  Json crd = crd_with_schema(spec_schema(kReplicas, Json::array({{{"rule", "self.minReplicas"}}})));
  EXPECT_NE(crd_error(crd).find("x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{"
                                "Rule:\"self.minReplicas\""),
            std::string::npos);
  EXPECT_NE(crd_error(crd).find("}: cel expression must evaluate to a bool"), std::string::npos);

  Json props = {
      {"list",
       {{"type", "array"},
        {"items", {{"type", "string"}, {"x-kubernetes-validations", Json::array({{{"rule", "self == oldSelf"}}})}}}}}};
  EXPECT_EQ(crd_error(crd_with_schema(spec_schema(props, Json::array()))),
            "CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: "
            "spec.validation.openAPIV3Schema.properties[spec].properties[list].items.x-kubernetes-validations[0].rule: "
            "Invalid value: \"self == oldSelf\": oldSelf cannot be used on the uncorrelatable portion of the schema "
            "within spec.validation.openAPIV3Schema.properties[spec].properties[list]");

  Json optional = Json::array({{{"rule", "self.minReplicas > 0"}, {"optionalOldSelf", true}}});
  EXPECT_NE(crd_error(crd_with_schema(spec_schema(kReplicas, optional)))
                .find("x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf is "
                      "not used in rule"),
            std::string::npos);
}

TEST(CrdValidationRules, SchemasThatDifferPerVersionReportVersionPaths) {
  Json crd = crd_with_schema(spec_schema(kReplicas, Json::array({{{"rule", "self.nope"}}})));
  Json v2 = crd["spec"]["versions"][0];
  v2["name"] = "v2";
  v2["storage"] = false;
  v2["schema"]["openAPIV3Schema"]["description"] = "differs";
  crd["spec"]["versions"].push_back(v2);
  std::string err = crd_error(crd);
  EXPECT_NE(err.find("spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("spec.versions[1].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule"),
            std::string::npos)
      << err;
}

TEST(CrdValidationRules, RulesOutsideTheSubsetAreAcceptedWithAWarning) {
  Json props = {{"memory", {{"type", "string"}}}};
  Json crd = crd_with_schema(
      spec_schema(props, Json::array({{{"rule", "quantity(self.memory).isLessThan(quantity('1Gi'))"}}})));
  EXPECT_EQ(crd_error(crd), "");
  std::vector<std::string> warnings = crd_rule_warnings(crd);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: rule is not evaluated "
            "by this server: it uses isLessThan(), quantity(), which this server's CEL interpreter does not implement");
  Widgets w(spec_schema(props, Json::array({{{"rule", "quantity(self.memory).isLessThan(quantity('1Gi'))"}}})));
  EXPECT_EQ(w.create({{"memory", "2Gi"}}), "");  // not evaluated
}

}  // namespace
}  // namespace skiff::api

// Structural schemas of CRDs: parsing checks, and validation, defaulting and pruning of
// custom resource bodies.
#include "api/crd_schema.h"

#include <gtest/gtest.h>

namespace skiff::api {
namespace {

Json schema_json() {
  return Json::parse(R"({
    "type": "object",
    "properties": {
      "spec": {
        "type": "object",
        "required": ["image"],
        "properties": {
          "image": {"type": "string", "minLength": 3, "maxLength": 20, "pattern": "^[a-z0-9:./-]+$"},
          "replicas": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
          "mode": {"type": "string", "enum": ["fast", "slow"], "default": "fast"},
          "ratio": {"type": "number", "exclusiveMaximum": true, "maximum": 1},
          "port": {"x-kubernetes-int-or-string": true},
          "created": {"type": "string", "format": "date-time"},
          "note": {"type": "string", "nullable": true},
          "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2, "x-kubernetes-list-type": "set"},
          "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "required": ["name"],
                              "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}},
          "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
          "labels": {"type": "object", "additionalProperties": {"type": "string"}},
          "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                       "properties": {"spec": {"type": "object", "properties": {"x": {"type": "string"}}}}}
        }
      },
      "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}}
    }
  })");
}

std::unique_ptr<StructuralSchema> parsed() {
  FieldErrors errs;
  auto s = parse_structural_schema(schema_json(), "spec.versions[0].schema.openAPIV3Schema", errs);
  EXPECT_TRUE(errs.empty()) << (errs.empty() ? "" : errs.causes()[0].field + ": " + errs.causes()[0].message);
  return s;
}

std::vector<std::string> problems(const Json& obj) {
  auto s = parsed();
  FieldErrors errs;
  validate_custom_resource(*s, obj, errs);
  std::vector<std::string> out;
  for (const auto& c : errs.causes()) out.push_back(field_error_text(c));
  return out;
}

Json cr(Json spec) {
  return {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "w"}}}, {"spec", spec}};
}

TEST(CrdSchemaParse, AcceptsAStructuralSchema) { EXPECT_NE(parsed(), nullptr); }

TEST(CrdSchemaParse, RequiresTypesLikeKubernetes) {
  FieldErrors errs;
  parse_structural_schema(Json::parse(R"({"type":"object","properties":{"spec":{"properties":{"a":{"type":"string"}}},
                                         "list":{"type":"array","items":{}}}})"),
                          "spec.versions[0].schema.openAPIV3Schema", errs);
  std::vector<std::string> texts;
  for (const auto& c : errs.causes()) texts.push_back(field_error_text(c));
  EXPECT_NE(std::find(texts.begin(), texts.end(),
                      "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be "
                      "empty for specified object fields"),
            texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(),
                      "spec.versions[0].schema.openAPIV3Schema.properties[list].items.type: Required value: must not "
                      "be empty for specified array items"),
            texts.end());
}

TEST(CrdSchemaParse, RootMustBeAnObject) {
  FieldErrors errs;
  parse_structural_schema(Json::parse(R"({"type":"string"})"), "s", errs);
  ASSERT_EQ(errs.causes().size(), 1u);
  EXPECT_EQ(field_error_text(errs.causes()[0]), "s.type: Invalid value: \"string\": must be object at the root");
}

TEST(CrdSchemaParse, RejectsRefsAndBadListMapKeys) {
  FieldErrors errs;
  parse_structural_schema(Json::parse(R"({"type":"object","properties":{
      "a":{"$ref":"#/x","type":"string"},
      "b":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["missing"],
           "items":{"type":"object","properties":{"name":{"type":"string"}}}}}})"),
                          "s", errs);
  std::vector<std::string> texts;
  for (const auto& c : errs.causes()) texts.push_back(field_error_text(c));
  EXPECT_NE(std::find(texts.begin(), texts.end(), "s.properties[a].$ref: Forbidden: $ref is not supported"), texts.end());
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_NE(texts[1].find("entries must all be names of item properties"), std::string::npos) << texts[1];
}

TEST(CrdSchemaParse, InvalidDefaultIsRejected) {
  FieldErrors errs;
  parse_structural_schema(Json::parse(R"({"type":"object","properties":{"n":{"type":"integer","minimum":2,"default":1}}})"),
                          "s", errs);
  ASSERT_EQ(errs.causes().size(), 1u);
  EXPECT_EQ(errs.causes()[0].field, "s.properties[n].default");
}

TEST(CrdSchemaParse, PatternsAreGoRegularExpressions) {
  auto parse = [](const char* pattern, FieldErrors& errs) {
    Json schema = {{"type", "object"}, {"properties", {{"s", {{"type", "string"}, {"pattern", pattern}}}}}};
    return parse_structural_schema(schema, "s", errs);
  };
  FieldErrors ok;
  auto s = parse("(?i)^ab\\pL$", ok);  // inline flags and Unicode classes: Go syntax, not ECMAScript
  ASSERT_TRUE(ok.empty());
  FieldErrors errs;
  validate_custom_resource(*s, Json{{"s", "ABé"}}, errs);
  EXPECT_TRUE(errs.empty());
  validate_custom_resource(*s, Json{{"s", "AB1"}}, errs);
  EXPECT_EQ(errs.causes().size(), 1u);
  for (const char* bad : {"(", "a(?=b)"}) {  // unbalanced; lookahead, which Go's regexp lacks
    FieldErrors rejected;
    parse(bad, rejected);
    ASSERT_EQ(rejected.causes().size(), 1u) << bad;
    EXPECT_EQ(rejected.causes()[0].field, "s.properties[s].pattern");
    EXPECT_NE(rejected.causes()[0].message.find("must be a valid regular expression"), std::string::npos);
  }
}

TEST(CrdValues, ValidObjectHasNoProblems) {
  EXPECT_TRUE(problems(cr({{"image", "nginx:1.25"}, {"replicas", 3}, {"port", "http"}, {"note", nullptr}})).empty());
}

TEST(CrdValues, TypeErrorsAreWordedLikeKubeOpenApi) {
  auto p = problems(cr({{"image", "nginx"}, {"replicas", "three"}}));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
}

TEST(CrdValues, RequiredEnumAndBounds) {
  auto p = problems(cr({{"replicas", 11}, {"mode", "medium"}, {"ratio", 1}}));
  std::vector<std::string> expected = {
      "spec.image: Required value",
      "spec.mode: Unsupported value: \"medium\": supported values: \"fast\", \"slow\"",
      "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1",
      "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
  };
  EXPECT_EQ(p, expected);
}

TEST(CrdValues, StringLengthsPatternAndFormat) {
  auto p = problems(cr({{"image", "NO"}, {"created", "yesterday"}}));
  std::vector<std::string> expected = {
      "spec.created: Invalid value: \"yesterday\": spec.created in body must be of type date-time: \"yesterday\"",
      "spec.image: Invalid value: \"NO\": spec.image in body should be at least 3 chars long",
      "spec.image: Invalid value: \"NO\": spec.image in body should match '^[a-z0-9:./-]+$'",
  };
  EXPECT_EQ(p, expected);
  auto long_image = problems(cr({{"image", std::string(21, 'a')}}));
  ASSERT_EQ(long_image.size(), 1u);
  EXPECT_EQ(long_image[0].substr(0, 22), "spec.image: Too long: ");
}

TEST(CrdValues, IntOrStringAndNullable) {
  EXPECT_TRUE(problems(cr({{"image", "abc"}, {"port", 80}})).empty());
  auto p = problems(cr({{"image", "abc"}, {"port", true}, {"mode", nullptr}}));
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], "spec.mode: Invalid value: \"null\": spec.mode in body must be of type string: \"null\"");
  EXPECT_NE(p[1].find("must be of type integer,string"), std::string::npos) << p[1];
}

TEST(CrdValues, ListTypesRejectDuplicatesAndMaxItems) {
  auto p = problems(cr({{"image", "abc"},
                        {"tags", {"a", "a", "b"}},
                        {"ports", {{{"name", "http"}, {"port", 80}}, {{"name", "http"}, {"port", 81}}}}}));
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], "spec.ports[1]: Duplicate value: map[string]interface {}{\"name\":\"http\"}");
  EXPECT_EQ(p[1], "spec.tags: Too many: 3: must have at most 2 items");
  EXPECT_EQ(p[2], "spec.tags[1]: Duplicate value: \"a\"");
}

TEST(CrdValues, EmbeddedResourceNeedsApiVersionAndKind) {
  auto p = problems(cr({{"image", "abc"}, {"template", {{"spec", {{"x", "y"}}}}}}));
  std::vector<std::string> expected = {"spec.template.apiVersion: Required value: must not be empty",
                                       "spec.template.kind: Required value: must not be empty"};
  EXPECT_EQ(p, expected);
}

TEST(CrdValues, PruningDropsUndeclaredFieldsAndKeepsPreserved) {
  auto s = parsed();
  Json obj = cr({{"image", "abc"},
                 {"bogus", 1},
                 {"extra", {{"anything", {{"goes", true}}}}},
                 {"labels", {{"a", "b"}}},
                 {"template", {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}}}, {"junk", 1}}}});
  obj["unknownTop"] = 1;
  std::vector<std::string> pruned;
  prune_custom_resource(*s, obj, &pruned);
  std::sort(pruned.begin(), pruned.end());
  EXPECT_EQ(pruned, (std::vector<std::string>{"spec.bogus", "spec.template.junk", "unknownTop"}));
  EXPECT_EQ(obj["spec"]["extra"]["anything"]["goes"], true);
  EXPECT_EQ(obj["spec"]["labels"]["a"], "b");
  EXPECT_EQ(obj["spec"]["template"]["metadata"]["name"], "p");
  EXPECT_EQ(obj["metadata"]["name"], "w");
}

TEST(CrdValues, DefaultingFillsAbsentFieldsOnly) {
  auto s = parsed();
  Json obj = cr({{"image", "abc"}, {"mode", "slow"}});
  default_custom_resource(*s, obj);
  EXPECT_EQ(obj["spec"]["replicas"], 1);
  EXPECT_EQ(obj["spec"]["mode"], "slow");
  Json again = obj;
  default_custom_resource(*s, again);
  EXPECT_EQ(again, obj);
}

}  // namespace
}  // namespace skiff::api

// Field sets over the built-in schemas: what an object owns, fieldsV1 encoding, comparisons,
// managedFields entries.
#include <gtest/gtest.h>

#include "api/managed_fields.h"

namespace skiff::api {
namespace {

const Schema* deployment_schema() {
  return SchemaRegistry::builtin().find_kind("apps", "v1", "Deployment")->schema;
}

Json deployment() {
  return Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}, "finalizers": ["a/b"]},
    "spec": {
      "replicas": 2,
      "selector": {"matchLabels": {"app": "web"}},
      "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1", "args": ["-x"],
                                 "ports": [{"containerPort": 80}]}]}
      }
    }
  })");
}

TEST(FieldSetTest, LeavesAndMapKeysAreMembersButStructsAreNot) {
  FieldSet set = field_set_of(deployment(), deployment_schema());
  EXPECT_TRUE(set.contains({"f:spec", "f:replicas"}));
  EXPECT_TRUE(set.contains({"f:metadata", "f:labels", "f:app"}));
  EXPECT_FALSE(set.contains({"f:spec"}));
  EXPECT_FALSE(set.contains({"f:metadata", "f:labels"}));
}

TEST(FieldSetTest, AtomicStructIsOneLeaf) {
  FieldSet set = field_set_of(deployment(), deployment_schema());
  EXPECT_TRUE(set.contains({"f:spec", "f:selector"}));
  EXPECT_FALSE(set.contains({"f:spec", "f:selector", "f:matchLabels"}));
}

TEST(FieldSetTest, ListMapItemsAreKeyedAndMembers) {
  FieldSet set = field_set_of(deployment(), deployment_schema());
  FieldPath container = {"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"nginx"})"};
  EXPECT_TRUE(set.contains(container));
  FieldPath image = container;
  image.push_back("f:image");
  EXPECT_TRUE(set.contains(image));
  FieldPath args = container;
  args.push_back("f:args");
  EXPECT_TRUE(set.contains(args));  // atomic list: one leaf
}

TEST(FieldSetTest, ListMapKeyTakesSchemaDefaultWhenOmitted) {
  FieldSet set = field_set_of(deployment(), deployment_schema());
  FieldPath port = {"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"nginx"})", "f:ports",
                    R"(k:{"containerPort":80,"protocol":"TCP"})"};
  EXPECT_TRUE(set.contains(port));
}

TEST(FieldSetTest, SetMembersAreOwnedByValue) {
  FieldSet set = field_set_of(deployment(), deployment_schema());
  EXPECT_TRUE(set.contains({"f:metadata", "f:finalizers", R"(v:"a/b")"}));
}

TEST(FieldSetTest, EmptyStructFieldIsAMember) {
  Json obj = {{"spec", {{"strategy", Json::object()}}}};
  FieldSet set = field_set_of(obj, deployment_schema());
  EXPECT_TRUE(set.contains({"f:spec", "f:strategy"}));
}

TEST(FieldSetTest, FreeFormContentIsGranularMapsAndAtomicLists) {
  Json obj = {{"a", {{"b", 1}}}, {"l", {1, 2}}};
  FieldSet set = field_set_of(obj, nullptr);
  EXPECT_TRUE(set.contains({"f:a", "f:b"}));
  EXPECT_TRUE(set.contains({"f:l"}));
}

TEST(FieldsV1Test, EncodesMembersWithChildrenWithDot) {
  FieldSet set;
  set.insert({"f:metadata", "f:labels"});
  set.insert({"f:metadata", "f:labels", "f:app"});
  set.insert({"f:spec", "f:replicas"});
  Json expected = Json::parse(R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}})");
  EXPECT_EQ(to_fields_v1(set), expected);
}

TEST(FieldsV1Test, RoundTrips) {
  FieldSet set = field_set_of(deployment(), deployment_schema());
  auto decoded = from_fields_v1(to_fields_v1(set));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, set);
}

TEST(FieldsV1Test, RejectsUnknownPathElements) {
  EXPECT_FALSE(from_fields_v1(Json::parse(R"({"x:foo":{}})")).ok());
  EXPECT_FALSE(from_fields_v1(Json::parse(R"({"k:notjson":{}})")).ok());
  EXPECT_FALSE(from_fields_v1(Json::parse(R"({"f:a":1})")).ok());
  EXPECT_FALSE(from_fields_v1(Json::parse(R"([])")).ok());
}

TEST(FieldPathTest, FormatsAsKubernetesPrintsPaths) {
  EXPECT_EQ(format_path({"f:spec", "f:replicas"}), ".spec.replicas");
  EXPECT_EQ(format_path({"f:spec", "f:containers", R"(k:{"name":"c"})", "f:image"}),
            R"(.spec.containers[name="c"].image)");
  EXPECT_EQ(format_path({"f:metadata", "f:finalizers", R"(v:"x")"}), R"(.metadata.finalizers[="x"])");
  EXPECT_EQ(format_path({"f:l", "i:3"}), ".l[3]");
}

TEST(FieldSetTest, SetOperations) {
  FieldSet a, b;
  a.insert({"f:x"});
  a.insert({"f:y", "f:z"});
  b.insert({"f:y", "f:z"});
  EXPECT_EQ(set_difference(a, b).paths(), std::vector<FieldPath>{{"f:x"}});
  EXPECT_EQ(set_intersection(a, b).paths(), (std::vector<FieldPath>{{"f:y", "f:z"}}));
  EXPECT_EQ(set_union(a, b).paths().size(), 2u);
  EXPECT_TRUE(set_difference(b, a).empty());
}

TEST(FieldSetTest, ParentsBecomeMembersWhenAskedFor) {
  FieldSet a;
  a.insert({"f:spec", "f:replicas"});
  FieldSet p = a.with_parents_as_members();
  EXPECT_TRUE(p.contains({"f:spec"}));
  EXPECT_TRUE(p.contains({"f:spec", "f:replicas"}));
}

TEST(CompareTest, ReportsAddedModifiedRemovedLeaves) {
  Json before = deployment();
  Json after = deployment();
  after["spec"]["replicas"] = 3;
  after["metadata"]["labels"]["tier"] = "front";
  after["metadata"].erase("finalizers");
  Comparison c = compare_objects(before, after, deployment_schema());
  EXPECT_TRUE(c.modified.contains({"f:spec", "f:replicas"}));
  EXPECT_TRUE(c.added.contains({"f:metadata", "f:labels", "f:tier"}));
  EXPECT_TRUE(c.removed.contains({"f:metadata", "f:finalizers"}));
  EXPECT_FALSE(c.modified.contains({"f:spec", "f:selector"}));
}

TEST(CompareTest, AddedListItemIsAddedWithItsFields) {
  Json before = deployment();
  Json after = deployment();
  after["spec"]["template"]["spec"]["containers"].push_back({{"name", "side"}, {"image", "busybox"}});
  Comparison c = compare_objects(before, after, deployment_schema());
  FieldPath side = {"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"side"})"};
  EXPECT_TRUE(c.added.contains(side));
  side.push_back("f:image");
  EXPECT_TRUE(c.added.contains(side));
}

TEST(CompareTest, IdenticalObjectsHaveNoChanges) {
  Comparison c = compare_objects(deployment(), deployment(), deployment_schema());
  EXPECT_TRUE(c.added.empty());
  EXPECT_TRUE(c.modified.empty());
  EXPECT_TRUE(c.removed.empty());
}

TEST(ManagedFieldsTest, DecodesAndEncodesEntriesSortedByOperationThenTime) {
  Json mf = Json::parse(R"([
    {"manager":"b","operation":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z",
     "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}},
    {"manager":"a","operation":"Apply","apiVersion":"apps/v1","time":"2024-02-01T00:00:00Z",
     "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}}}}])");
  auto entries = decode_managed_fields(mf);
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  ASSERT_EQ(entries->size(), 2u);
  Json encoded = encode_managed_fields(*entries);
  EXPECT_EQ(encoded[0]["manager"], "a");
  EXPECT_EQ(encoded[1]["manager"], "b");
  EXPECT_EQ(encoded[1]["fieldsV1"], mf[0]["fieldsV1"]);
  EXPECT_EQ(encoded[1]["time"], "2024-01-01T00:00:00Z");
}

TEST(ManagedFieldsTest, RejectsWrongShapes) {
  for (const char* bad : {R"("x")", R"([1])", R"([{"manager":"m","operation":"Delete"}])",
                          R"([{"manager":"m","operation":"Update","fieldsType":"FieldsV2"}])",
                          R"([{"manager":"m","operation":"Update","time":"yesterday"}])",
                          R"([{"manager":"m","operation":"Update","fieldsV1":{"bogus":{}}}])",
                          R"([{"manager":7,"operation":"Update"}])"}) {
    auto r = decode_managed_fields(Json::parse(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, 400) << bad;
  }
}

TEST(ManagedFieldsTest, ApplyEntriesAreOnePerManagerWhateverTheVersion) {
  ManagedFieldsEntry a{"m", "Apply", "apps/v1", "", "", {}};
  ManagedFieldsEntry b{"m", "Apply", "apps/v2", "", "", {}};
  ManagedFieldsEntry c{"m", "Update", "apps/v1", "", "", {}};
  ManagedFieldsEntry d{"m", "Update", "apps/v2", "", "", {}};
  EXPECT_TRUE(a.same_owner(b));
  EXPECT_FALSE(a.same_owner(c));
  EXPECT_FALSE(c.same_owner(d));
}

}  // namespace
}  // namespace skiff::api

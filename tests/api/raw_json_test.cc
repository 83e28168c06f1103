#include "api/raw_json.h"

#include <gtest/gtest.h>

#include "util/json.h"

namespace skiff::api {
namespace {

TEST(RawJson, VisitsEachMemberWithItsRawValue) {
  std::vector<std::pair<std::string, std::string>> seen;
  EXPECT_TRUE(for_each_raw_member(R"( {"a" : 1, "b":"x\"}y", "c":{"d":[1,{"e":"]"}]},"f":null} )",
                                  [&](std::string_view k, std::string_view v) {
                                    seen.emplace_back(k, v);
                                    return true;
                                  }));
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(seen[1].second, R"("x\"}y")");
  EXPECT_EQ(seen[2].second, R"({"d":[1,{"e":"]"}]})");
  EXPECT_EQ(seen[3].second, "null");
}

TEST(RawJson, RejectsWhatIsNotAnObject) {
  auto ignore = [](std::string_view, std::string_view) { return true; };
  EXPECT_FALSE(for_each_raw_member("[1]", ignore));
  EXPECT_FALSE(for_each_raw_member(R"({"a":"unterminated})", ignore));
  EXPECT_FALSE(for_each_raw_member(R"({"a":1)", ignore));
  EXPECT_TRUE(for_each_raw_member("{}", ignore));
}

TEST(RawJson, FindsMembersAndDecodesStrings) {
  std::string doc = R"({"metadata":{"name":"a\\b\u0041"},"spec":{}})";
  auto meta = raw_member(doc, "metadata");
  ASSERT_TRUE(meta);
  EXPECT_EQ(raw_string_value(*raw_member(*meta, "name")), "a\\bA");
  EXPECT_FALSE(raw_member(doc, "status"));
  EXPECT_EQ(raw_string_value("\"plain\""), "plain");
  EXPECT_FALSE(raw_string_value("12"));
}

// The result must equal what parsing, setting the field and serializing again gives.
std::string reference(const std::string& doc, const std::string& rv) {
  Json j = Json::parse(doc);
  j["metadata"]["resourceVersion"] = rv;
  return dump_json(j);
}

TEST(RawJson, SetsResourceVersionWhereSortedKeysPutIt) {
  for (std::string doc : {R"({"kind":"Pod","metadata":{"name":"a","uid":"u"},"spec":{"x":1}})",
                          R"({"metadata":{"annotations":{"resourceVersion":"no"},"name":"a"}})",
                          R"({"metadata":{"name":"a"}})", R"({"metadata":{}})",
                          R"({"metadata":{"resourceVersion":"7","uid":"u"}})",
                          R"({"metadata":{"name":"a","resourceVersion":"7"}})"}) {
    auto out = with_resource_version(doc, "42");
    ASSERT_TRUE(out) << doc;
    EXPECT_EQ(*out, reference(doc, "42")) << doc;
  }
}

// What parsing, erasing metadata.managedFields and serializing again gives.
std::string reference_without_managed_fields(const std::string& doc) {
  Json j = Json::parse(doc);
  j["metadata"].erase("managedFields");
  return dump_json(j);
}

TEST(RawJson, DropsManagedFieldsWhereverTheyStand) {
  for (std::string doc : {R"({"kind":"Pod","metadata":{"labels":{"a":"b"},"managedFields":[{"m":1}],"name":"a"}})",
                          R"({"metadata":{"managedFields":[{"manager":"m"}],"name":"a"},"spec":{}})",
                          R"({"metadata":{"name":"a","managedFields":[]}})",
                          R"({"metadata":{"managedFields":[{"fieldsV1":{"f:x":{}}}]}})",
                          R"({"metadata":{"annotations":{"managedFields":"kept"},"managedFields":[],"uid":"u"}})"}) {
    auto out = without_managed_fields(doc);
    ASSERT_TRUE(out) << doc;
    EXPECT_EQ(dump_json(Json::parse(*out)), reference_without_managed_fields(doc)) << doc << " -> " << *out;
  }
  // Spacing around the member goes with it or stays, never leaving a stray comma.
  auto spaced = without_managed_fields(R"({ "metadata" : { "managedFields" : [ ] , "name" : "a" } })");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(Json::parse(*spaced), Json::parse(R"({"metadata":{"name":"a"}})"));
}

TEST(RawJson, NothingToDropOrNoMetadataIsLeftToTheCaller) {
  EXPECT_FALSE(without_managed_fields(R"({"metadata":{"name":"a"}})"));
  EXPECT_FALSE(without_managed_fields(R"({"kind":"Pod","managedFields":[]})"));
  EXPECT_FALSE(without_managed_fields(R"({"metadata":null})"));
  EXPECT_FALSE(without_managed_fields(R"({"metadata":{"managedFields":[],"name":}})")) << "malformed after it";
  EXPECT_FALSE(without_managed_fields("[]"));
}

TEST(RawJson, NoMetadataObjectIsLeftToTheCaller) {
  EXPECT_FALSE(with_resource_version(R"({"kind":"Pod"})", "1"));
  EXPECT_FALSE(with_resource_version(R"({"metadata":null})", "1"));
  EXPECT_FALSE(with_resource_version("[]", "1"));
}

}  // namespace
}  // namespace skiff::api

// Empty maps vanish from built-in kinds on decode, as Go's `omitempty` drops them in
// Kubernetes' round trip; empty structs and empty lists stay.
#include <gtest/gtest.h>

#include "api/schema.h"

namespace skiff::api {
namespace {

Json decoded(std::string_view kind, const std::string& json) {
  const SchemaRegistry& reg = SchemaRegistry::builtin();
  const ResourceInfo* info = reg.find_kind("", "v1", kind);
  EXPECT_NE(info, nullptr);
  Json obj = Json::parse(json);
  EXPECT_TRUE(reg.validate_and_prune(*info, obj, FieldValidation::kStrict, nullptr).ok());
  return obj;
}

TEST(DecodingEmptyMaps, EmptyAnnotationsLabelsAndDataAreDropped) {
  Json cm = decoded("ConfigMap", R"({"apiVersion":"v1","kind":"ConfigMap",
      "metadata":{"name":"c","annotations":{},"labels":{}},"data":{}})");
  EXPECT_EQ(cm, Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})"));
}

TEST(DecodingEmptyMaps, NonEmptyMapsAndEmptyStructsStay) {
  Json pod = decoded("Pod", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"}},
      "spec":{"nodeSelector":{},"containers":[{"name":"c","image":"i","resources":{"limits":{}}}],
              "volumes":[{"name":"v","emptyDir":{}}]}})");
  EXPECT_EQ(pod["metadata"]["labels"], Json({{"a", "b"}}));
  EXPECT_FALSE(pod["spec"].contains("nodeSelector"));
  EXPECT_EQ(pod["spec"]["containers"][0]["resources"], Json::object());
  EXPECT_EQ(pod["spec"]["volumes"][0]["emptyDir"], Json::object());
}

}  // namespace
}  // namespace skiff::api

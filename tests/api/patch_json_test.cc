// JSON patch (RFC 6902): the RFC's appendix A examples plus the errors kube-apiserver returns.
#include <gtest/gtest.h>

#include "api/patch.h"

namespace skiff::api {
namespace {

Json J(const char* text) { return Json::parse(text); }

Json apply_ok(const char* doc, const char* patch) {
  auto r = apply_json_patch(J(doc), J(patch));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message + " " + (r.error().causes.empty() ? "" : r.error().causes[0].message));
  return r.ok() ? *r : Json();
}

Error apply_err(const char* doc, const char* patch) {
  auto r = apply_json_patch(J(doc), J(patch));
  EXPECT_FALSE(r.ok()) << "patch applied: " << (r.ok() ? r->dump() : "");
  return r.ok() ? Error() : r.error();
}

std::string cause(const Error& e) { return e.causes.empty() ? "" : e.causes[0].message; }

TEST(JsonPatchRfc6902, A1AddsObjectMember) {
  EXPECT_EQ(apply_ok(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])"),
            J(R"({"baz":"qux","foo":"bar"})"));
}

TEST(JsonPatchRfc6902, A2AddsArrayElement) {
  EXPECT_EQ(apply_ok(R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])"),
            J(R"({"foo":["bar","qux","baz"]})"));
}

TEST(JsonPatchRfc6902, A3RemovesObjectMember) {
  EXPECT_EQ(apply_ok(R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])"), J(R"({"foo":"bar"})"));
}

TEST(JsonPatchRfc6902, A4RemovesArrayElement) {
  EXPECT_EQ(apply_ok(R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])"),
            J(R"({"foo":["bar","baz"]})"));
}

TEST(JsonPatchRfc6902, A5ReplacesValue) {
  EXPECT_EQ(apply_ok(R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])"),
            J(R"({"baz":"boo","foo":"bar"})"));
}

TEST(JsonPatchRfc6902, A6MovesValue) {
  EXPECT_EQ(apply_ok(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
                     R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])"),
            J(R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"));
}

TEST(JsonPatchRfc6902, A7MovesArrayElement) {
  EXPECT_EQ(apply_ok(R"({"foo":["all","grass","cows","eat"]})", R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])"),
            J(R"({"foo":["all","cows","eat","grass"]})"));
}

TEST(JsonPatchRfc6902, A8TestSucceeds) {
  const char* doc = R"({"baz":"qux","foo":["a",2,"c"]})";
  EXPECT_EQ(apply_ok(doc, R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])"),
            J(doc));
}

TEST(JsonPatchRfc6902, A9FailedTestIs422WithDetailInCause) {
  Error e = apply_err(R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])");
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(e.reason, "Invalid");
  EXPECT_EQ(e.message, "the server rejected our request due to an error in our request");
  ASSERT_EQ(e.causes.size(), 1u);
  EXPECT_EQ(e.causes[0].type, "UnexpectedServerResponse");
  EXPECT_EQ(e.causes[0].message, "testing value /baz failed: test failed");
}

TEST(JsonPatchRfc6902, A10AddsNestedMemberObject) {
  EXPECT_EQ(apply_ok(R"({"foo":"bar"})", R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])"),
            J(R"({"foo":"bar","child":{"grandchild":{}}})"));
}

TEST(JsonPatchRfc6902, A11IgnoresUnrecognizedMembers) {
  EXPECT_EQ(apply_ok(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])"),
            J(R"({"foo":"bar","baz":"qux"})"));
}

TEST(JsonPatchRfc6902, A12AddingToNonexistentTargetFails) {
  Error e = apply_err(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz/bat","value":"qux"}])");
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(cause(e), R"(add operation does not apply: doc is missing path: "/baz/bat": missing value)");
}

TEST(JsonPatchRfc6902, A14EscapesDecodeTildeOneBeforeTildeZero) {
  const char* doc = R"({"/":9,"~1":10})";
  EXPECT_EQ(apply_ok(doc, R"([{"op":"test","path":"/~01","value":10}])"), J(doc));
  EXPECT_EQ(apply_ok(doc, R"([{"op":"remove","path":"/~1"}])"), J(R"({"~1":10})"));
}

TEST(JsonPatchRfc6902, A15StringDoesNotEqualNumber) {
  Error e = apply_err(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])");
  EXPECT_EQ(e.code, 422);
}

TEST(JsonPatchRfc6902, A16AppendsWithDash) {
  EXPECT_EQ(apply_ok(R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])"),
            J(R"({"foo":["bar",["abc","def"]]})"));
}

TEST(JsonPatch, CopiesValue) {
  EXPECT_EQ(apply_ok(R"({"a":{"b":1}})", R"([{"op":"copy","from":"/a","path":"/c"}])"),
            J(R"({"a":{"b":1},"c":{"b":1}})"));
}

TEST(JsonPatch, AddReplacesExistingMember) {
  EXPECT_EQ(apply_ok(R"({"a":1})", R"([{"op":"add","path":"/a","value":2}])"), J(R"({"a":2})"));
}

TEST(JsonPatch, AddWithoutValueSetsNull) {
  EXPECT_EQ(apply_ok(R"({})", R"([{"op":"add","path":"/a"}])"), J(R"({"a":null})"));
}

TEST(JsonPatch, NegativeIndexCountsFromEnd) {
  EXPECT_EQ(apply_ok(R"({"a":[1,2,3]})", R"([{"op":"remove","path":"/a/-1"}])"), J(R"({"a":[1,2]})"));
}

TEST(JsonPatch, AddAtArrayLengthAppends) {
  EXPECT_EQ(apply_ok(R"({"a":[1]})", R"([{"op":"add","path":"/a/1","value":2}])"), J(R"({"a":[1,2]})"));
}

TEST(JsonPatch, AddBeyondArrayLengthFails) {
  Error e = apply_err(R"({"a":[1]})", R"([{"op":"add","path":"/a/5","value":2}])");
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(cause(e), "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced");
}

TEST(JsonPatch, TestOfMissingMemberEqualsNull) {
  EXPECT_EQ(apply_ok(R"({})", R"([{"op":"test","path":"/a","value":null}])"), J("{}"));
}

TEST(JsonPatch, TestOfWholeDocument) {
  EXPECT_EQ(apply_ok(R"({"a":1})", R"([{"op":"test","path":"","value":{"a":1}}])"), J(R"({"a":1})"));
}

TEST(JsonPatch, ReplaceOfWholeDocument) {
  EXPECT_EQ(apply_ok(R"({"a":1})", R"([{"op":"replace","path":"","value":{"b":2}}])"), J(R"({"b":2})"));
}

TEST(JsonPatch, HelmStyleResourceVersionGuardThenReplace) {
  const char* doc = R"({"metadata":{"resourceVersion":"7","managedFields":[{"manager":"helm"}]}})";
  const char* patch = R"([{"op":"test","path":"/metadata/resourceVersion","value":"7"},
                          {"op":"replace","path":"/metadata/managedFields/0/manager","value":"kubectl"}])";
  EXPECT_EQ(apply_ok(doc, patch)["metadata"]["managedFields"][0]["manager"], "kubectl");
  EXPECT_EQ(apply_err(R"({"metadata":{"resourceVersion":"8"}})", patch).code, 422);
}

TEST(JsonPatch, RemoveOfMissingMemberIs422) {
  Error e = apply_err(R"({"a":1})", R"([{"op":"remove","path":"/b"}])");
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(cause(e), "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value");
}

TEST(JsonPatch, ReplaceOfMissingMemberIs422) {
  Error e = apply_err(R"({"a":1})", R"([{"op":"replace","path":"/b","value":1}])");
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(cause(e), "replace operation does not apply: doc is missing key: /b: missing value");
}

TEST(JsonPatch, MoveFromMissingPathIs422) {
  EXPECT_EQ(apply_err(R"({"a":1})", R"([{"op":"move","from":"/x/y","path":"/b"}])").code, 422);
}

TEST(JsonPatch, UnknownOpIs422) {
  Error e = apply_err(R"({})", R"([{"op":"frobnicate","path":"/a"}])");
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(cause(e), "Unexpected kind: frobnicate");
}

// kube-apiserver decodes the operations leniently and only fails while applying them.
TEST(JsonPatch, MissingOpIs422AsInKube) {
  Error e = apply_err(R"({})", R"([{"path":"/a","value":1}])");
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(cause(e), "Unexpected kind: unknown");
}

TEST(JsonPatch, MissingPathIs422AsInKube) {
  Error e = apply_err(R"({})", R"([{"op":"add","value":1}])");
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(cause(e), "add operation failed to decode path: operation missing path field: missing value");
}

TEST(JsonPatch, PatchThatIsNotAnArrayIsBadRequest) {
  Error e = apply_err(R"({})", R"({"op":"add","path":"/a","value":1})");
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.reason, "BadRequest");
}

TEST(JsonPatch, OperationThatIsNotAnObjectIsBadRequest) {
  EXPECT_EQ(apply_err(R"({})", R"(["add"])").code, 400);
}

TEST(JsonPatch, MoreThanTenThousandOperationsIs413) {
  Json patch = Json::array();
  for (int i = 0; i < 10001; ++i) patch.push_back(J(R"({"op":"test","path":"/a","value":null})"));
  auto r = apply_json_patch(Json::object(), patch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 413);
}

TEST(JsonPatch, CopiesThatGrowTheDocumentPastThreeMebibytesFail) {
  Json doc = {{"a", std::string(1024 * 1024, 'x')}};
  Json patch = Json::array();
  for (int i = 0; i < 4; ++i) patch.push_back({{"op", "copy"}, {"from", "/a"}, {"path", "/b" + std::to_string(i)}});
  auto r = apply_json_patch(doc, patch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 422);
  EXPECT_NE(cause(r.error()).find("accumulated size increase of copy"), std::string::npos);
}

TEST(JsonPatch, FailingLaterOperationLeavesNoPartialResult) {
  Json doc = J(R"({"a":1})");
  auto r = apply_json_patch(doc, J(R"([{"op":"add","path":"/b","value":2},{"op":"remove","path":"/zzz"}])"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(doc, J(R"({"a":1})"));
}

}  // namespace
}  // namespace skiff::api

// Field error wording, value rendering and aggregation (field_errors.h).
#include "api/field_errors.h"

#include <gtest/gtest.h>

namespace skiff::api {
namespace {

TEST(RenderBadValue, StringsAreGoQuoted) {
  EXPECT_EQ(render_bad_value("a\x01"), "\"a\\x01\"");
}

TEST(RenderBadValue, NumbersAndNullAreBare) {
  EXPECT_EQ(render_bad_value(-1), "-1");
  EXPECT_EQ(render_bad_value(nullptr), "null");
}

TEST(RenderBadValue, StringMapsPrintAsGoMaps) {
  EXPECT_EQ(render_bad_value(Json{{"a", "1"}, {"b", "2"}}), "map[string]string{\"a\":\"1\", \"b\":\"2\"}");
}

TEST(FieldNotSupported, ListsSupportedValuesInOrderSkippingEmpty) {
  StatusCause c = field_not_supported("spec.x", "Z", {"B", "", "A"});
  EXPECT_EQ(c.type, "FieldValueNotSupported");
  EXPECT_EQ(c.message, "Unsupported value: \"Z\": supported values: \"B\", \"A\"");
}

TEST(AggregateErrorText, DropsDuplicatesAndBracketsSeveral) {
  EXPECT_EQ(aggregate_error_text({"a", "a"}), "a");
  EXPECT_EQ(aggregate_error_text({"a", "b", "a"}), "[a, b]");
}

TEST(FieldErrors, ToErrorKeepsEveryCauseButPrintsDuplicatesOnce) {
  FieldErrors errs;
  errs.required("spec.a");
  errs.required("spec.a");
  Error err = errs.to_error("apps", "Deployment", "d");
  EXPECT_EQ(err.message, "Deployment.apps \"d\" is invalid: spec.a: Required value");
  EXPECT_EQ(err.causes.size(), 2u);
}

TEST(FieldErrors, AddAppendsCauseLists) {
  FieldErrors errs;
  errs.add({field_required("a", ""), field_forbidden("b", "no")});
  ASSERT_EQ(errs.causes().size(), 2u);
  EXPECT_EQ(errs.causes()[1].message, "Forbidden: no");
}

TEST(FieldPaths, ChildIndexAndKey) {
  EXPECT_EQ(path_child("", "spec"), "spec");
  EXPECT_EQ(path_index(path_child("spec", "ports"), 2), "spec.ports[2]");
  EXPECT_EQ(path_key("data", "a b"), "data[a b]");
}

}  // namespace
}  // namespace skiff::api

// JSON merge patch (RFC 7386): the RFC's appendix A table.
#include <gtest/gtest.h>

#include "api/patch.h"

namespace skiff::api {
namespace {

struct MergeCase {
  const char* original;
  const char* patch;
  const char* result;
};

class MergePatchRfc7386 : public ::testing::TestWithParam<MergeCase> {};

TEST_P(MergePatchRfc7386, AppendixAExample) {
  const MergeCase& c = GetParam();
  EXPECT_EQ(apply_merge_patch(Json::parse(c.original), Json::parse(c.patch)), Json::parse(c.result))
      << c.original << " + " << c.patch;
}

INSTANTIATE_TEST_SUITE_P(
    AppendixA, MergePatchRfc7386,
    ::testing::Values(MergeCase{R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
                      MergeCase{R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
                      MergeCase{R"({"a":"b"})", R"({"a":null})", R"({})"},
                      MergeCase{R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
                      MergeCase{R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
                      MergeCase{R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
                      MergeCase{R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
                      MergeCase{R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
                      MergeCase{R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
                      MergeCase{R"({"a":"b"})", R"(["c"])", R"(["c"])"},
                      MergeCase{R"({"a":"foo"})", "null", "null"},
                      MergeCase{R"({"a":"foo"})", R"("bar")", R"("bar")"},
                      MergeCase{R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
                      MergeCase{R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
                      MergeCase{R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"}));

TEST(MergePatch, NullDeletesLabelAndKeepsOthers) {
  Json doc = Json::parse(R"({"metadata":{"labels":{"app":"web","tier":"front"}}})");
  EXPECT_EQ(apply_merge_patch(doc, Json::parse(R"({"metadata":{"labels":{"tier":null}}})")),
            Json::parse(R"({"metadata":{"labels":{"app":"web"}}})"));
}

TEST(MergePatch, ListsAreReplacedWhole) {
  Json doc = Json::parse(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})");
  EXPECT_EQ(apply_merge_patch(doc, Json::parse(R"({"spec":{"containers":[{"name":"c"}]}})")),
            Json::parse(R"({"spec":{"containers":[{"name":"c"}]}})"));
}

TEST(MergePatch, ScaleStyleReplicasUpdateKeepsSiblings) {
  Json doc = Json::parse(R"({"spec":{"replicas":1,"selector":{"app":"x"}}})");
  EXPECT_EQ(apply_merge_patch(doc, Json::parse(R"({"spec":{"replicas":3}})")),
            Json::parse(R"({"spec":{"replicas":3,"selector":{"app":"x"}}})"));
}

}  // namespace
}  // namespace skiff::api

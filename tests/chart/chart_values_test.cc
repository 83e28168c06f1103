#include <gtest/gtest.h>

#include "chart/chart/chart.h"
#include "chart/values/coalesce.h"
#include "chart/values/dependencies.h"

namespace skiff::chart {
namespace {

std::shared_ptr<Chart> make_chart(const std::string& name, Json values) {
  auto c = std::make_shared<Chart>();
  c->metadata.name = name;
  c->metadata.version = "1.0.0";
  c->metadata.api_version = "v2";
  c->values = std::move(values);
  return c;
}

TEST(Coalesce, UserValuesWinOverDefaults) {
  auto c = make_chart("app", Json::parse(R"({"a": 1, "b": {"c": 2, "d": 3}})"));
  auto v = coalesce_values(*c, Json::parse(R"({"b": {"c": 9}})"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["a"], 1);
  EXPECT_EQ((*v)["b"]["c"], 9);
  EXPECT_EQ((*v)["b"]["d"], 3);
}

TEST(Coalesce, UserNullDeletesDefault) {
  auto c = make_chart("app", Json::parse(R"({"a": 1, "b": {"c": 2}})"));
  auto v = coalesce_values(*c, Json::parse(R"({"a": null, "b": {"c": null}})"));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->contains("a"));
  EXPECT_FALSE((*v)["b"].contains("c"));
}

TEST(Coalesce, GlobalsFlowIntoSubcharts) {
  auto parent = make_chart("parent", Json::parse(R"({"global": {"g": "p"}})"));
  auto child = make_chart("child", Json::parse(R"({"x": 1, "global": {"own": true}})"));
  parent->set_dependencies({child});
  auto v = coalesce_values(*parent, Json::object());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["child"]["x"], 1);
  EXPECT_EQ((*v)["child"]["global"]["g"], "p");
  EXPECT_EQ((*v)["child"]["global"]["own"], true);
}

TEST(Dependencies, ConditionFalseRemovesSubchart) {
  auto parent = make_chart("parent", Json::parse(R"({"child": {"enabled": false}})"));
  auto child = make_chart("child", Json::object());
  parent->metadata.dependencies.push_back(Dependency{"child", "1.x", "", "child.enabled"});
  parent->set_dependencies({child});
  ASSERT_TRUE(process_dependencies(*parent, Json::object()).ok());
  EXPECT_TRUE(parent->dependencies.empty());
}

TEST(Dependencies, UserValueOverridesCondition) {
  auto parent = make_chart("parent", Json::parse(R"({"child": {"enabled": false}})"));
  auto child = make_chart("child", Json::object());
  parent->metadata.dependencies.push_back(Dependency{"child", "1.x", "", "child.enabled"});
  parent->set_dependencies({child});
  ASSERT_TRUE(process_dependencies(*parent, Json::parse(R"({"child": {"enabled": true}})")).ok());
  EXPECT_EQ(parent->dependencies.size(), 1u);
}

TEST(Dependencies, AliasRenamesACopy) {
  auto parent = make_chart("parent", Json::object());
  auto child = make_chart("child", Json::object());
  Dependency d{"child", "^1.0.0", ""};
  d.alias = "other";
  parent->metadata.dependencies.push_back(d);
  parent->set_dependencies({child});
  ASSERT_TRUE(process_dependencies(*parent, Json::object()).ok());
  ASSERT_EQ(parent->dependencies.size(), 1u);
  EXPECT_EQ(parent->dependencies[0]->name(), "other");
  EXPECT_EQ(parent->dependencies[0]->full_path(), "parent/charts/other");
  EXPECT_EQ(child->name(), "child");
}

TEST(Dependencies, OneSubchartUnderTwoAliasesGivesTwoCharts) {
  auto parent = make_chart("parent", Json::object());
  auto child = make_chart("child", Json::parse(R"({"port": 80})"));
  child->set_dependencies({make_chart("grandchild", Json::object())});
  parent->set_dependencies({std::move(child)});  // owned by the parent alone
  for (const char* alias : {"first", "second"}) {
    Dependency d{"child", "^1.0.0", ""};
    d.alias = alias;
    parent->metadata.dependencies.push_back(d);
  }
  ASSERT_TRUE(process_dependencies(*parent, Json::object()).ok());
  ASSERT_EQ(parent->dependencies.size(), 2u);
  EXPECT_EQ(parent->dependencies[0]->name(), "first");
  EXPECT_EQ(parent->dependencies[1]->name(), "second");
  EXPECT_NE(parent->dependencies[0].get(), parent->dependencies[1].get());
  for (const auto& alias : parent->dependencies) {
    EXPECT_EQ(alias->values["port"], 80);
    ASSERT_EQ(alias->dependencies.size(), 1u);
    EXPECT_EQ(alias->dependencies[0]->parent, alias.get());
    EXPECT_EQ(alias->dependencies[0]->full_path(), "parent/charts/" + alias->name() + "/charts/grandchild");
  }
}

TEST(Dependencies, ImportValuesCopyExportsUp) {
  auto parent = make_chart("parent", Json::object());
  auto child = make_chart("child", Json::parse(R"({"exports": {"data": {"port": 80}}})"));
  Dependency d{"child", "1.0.0", ""};
  d.import_values = Json::array({"data"});
  parent->metadata.dependencies.push_back(d);
  parent->set_dependencies({child});
  ASSERT_TRUE(process_dependencies(*parent, Json::object()).ok());
  EXPECT_EQ(parent->values["port"], 80);
}

}  // namespace
}  // namespace skiff::chart

#include <gtest/gtest.h>

#include "chart/values/strvals.h"

namespace skiff::chart {
namespace {

Json parse(const std::string& s, StrvalsMode mode = StrvalsMode::kTyped) {
  Json out = Json::object();
  Status st = parse_strvals_into(s, out, mode);
  EXPECT_TRUE(st.ok()) << s << ": " << (st.ok() ? "" : st.error().message);
  return out;
}

std::string error_of(const std::string& s) {
  Json out = Json::object();
  Status st = parse_strvals_into(s, out, StrvalsMode::kTyped);
  return st.ok() ? "" : st.error().message;
}

TEST(Strvals, TypesIntegersBooleansAndNull) {
  Json v = parse("a=1,b=true,c=null,d=0,e=012,f=1.5,g=FALSE");
  EXPECT_TRUE(v["a"].is_number_integer());
  EXPECT_EQ(v["a"], 1);
  EXPECT_EQ(v["b"], true);
  EXPECT_TRUE(v["c"].is_null());
  EXPECT_EQ(v["d"], 0);
  EXPECT_EQ(v["e"], "012");  // leading zeros stay strings
  EXPECT_EQ(v["f"], "1.5");  // floats stay strings
  EXPECT_EQ(v["g"], false);
}

TEST(Strvals, SetStringKeepsEverythingAString) {
  Json v = parse("a=1,b=true", StrvalsMode::kString);
  EXPECT_EQ(v["a"], "1");
  EXPECT_EQ(v["b"], "true");
}

TEST(Strvals, NestedKeysAndLists) {
  Json v = parse("a.b.c=x,list[1].name=n,arr={p,q}");
  EXPECT_EQ(v["a"]["b"]["c"], "x");
  ASSERT_EQ(v["list"].size(), 2u);
  EXPECT_TRUE(v["list"][0].is_null());
  EXPECT_EQ(v["list"][1]["name"], "n");
  EXPECT_EQ(v["arr"], Json::array({"p", "q"}));
}

TEST(Strvals, EscapedDotStaysInKey) {
  Json v = parse("grafana\\.ini.server.domain=example");
  EXPECT_EQ(v["grafana.ini"]["server"]["domain"], "example");
}

TEST(Strvals, EmptyValueIsEmptyString) {
  Json v = parse("a=");
  EXPECT_EQ(v["a"], "");
}

TEST(Strvals, KeyWithoutValueIsAnError) {
  EXPECT_EQ(error_of("name"), "key \"name\" has no value");
  EXPECT_EQ(error_of("a,b=c"), "key \"a\" has no value (cannot end with ,)");
}

TEST(Strvals, NegativeIndexIsAnError) {
  EXPECT_NE(error_of("a[-1]=x").find("negative -1 index not allowed"), std::string::npos);
}

TEST(Strvals, JsonValuesDecodeAsJson) {
  Json v = Json::object();
  ASSERT_TRUE(parse_strvals_into("a={\"x\":1},b=[1,\"s\"]", v, StrvalsMode::kJson).ok());
  EXPECT_TRUE(v["a"]["x"].is_number_float());  // encoding/json: float64
  EXPECT_EQ(v["b"][1], "s");
}

TEST(Strvals, LiteralKeepsCommasAndEquals) {
  Json v = Json::object();
  ASSERT_TRUE(parse_literal_into("a.b=x,y=z", v).ok());
  EXPECT_EQ(v["a"]["b"], "x,y=z");
}

}  // namespace
}  // namespace skiff::chart

#include "controllers/daemonset_placement.h"

#include <gtest/gtest.h>

#include "controllers/controller_revision.h"

namespace skiff::controllers::daemon_set {
namespace {

Json node(Json labels, Json taints = Json::array()) {
  return {{"metadata", {{"name", "n1"}, {"labels", labels}}}, {"spec", {{"taints", taints}}}};
}

Json taint(const char* key, const char* value, const char* effect) {
  return {{"key", key}, {"value", value}, {"effect", effect}};
}

TEST(DaemonSetPlacement, TolerationsFollowKubernetesMatching) {
  Json t = taint("k", "v", "NoSchedule");
  EXPECT_TRUE(tolerates(Json::array({{{"key", "k"}, {"operator", "Exists"}}}), t));
  EXPECT_TRUE(tolerates(Json::array({{{"key", "k"}, {"value", "v"}}}), t));  // Equal by default
  EXPECT_FALSE(tolerates(Json::array({{{"key", "k"}, {"value", "w"}}}), t));
  EXPECT_FALSE(tolerates(Json::array({{{"key", "k"}, {"operator", "Exists"}, {"effect", "NoExecute"}}}), t));
  EXPECT_TRUE(tolerates(Json::array({{{"operator", "Exists"}}}), t));  // empty key tolerates everything
  EXPECT_FALSE(tolerates(Json::array(), t));
}

TEST(DaemonSetPlacement, NodeSelectorTermsAreOredAndRequirementsAnded) {
  Json n = node({{"zone", "a"}, {"cpu", "8"}});
  auto terms = [](Json exprs) { return Json::array({{{"matchExpressions", exprs}}}); };
  EXPECT_TRUE(matches_node_selector_terms(terms({{{"key", "zone"}, {"operator", "In"}, {"values", {"a", "b"}}}}), n));
  EXPECT_FALSE(matches_node_selector_terms(terms({{{"key", "zone"}, {"operator", "NotIn"}, {"values", {"a"}}}}), n));
  EXPECT_TRUE(matches_node_selector_terms(terms({{{"key", "gpu"}, {"operator", "DoesNotExist"}}}), n));
  EXPECT_TRUE(matches_node_selector_terms(terms({{{"key", "cpu"}, {"operator", "Gt"}, {"values", {"4"}}}}), n));
  EXPECT_FALSE(matches_node_selector_terms(
      terms({{{"key", "cpu"}, {"operator", "Lt"}, {"values", {"4"}}}, {{"key", "zone"}, {"operator", "Exists"}}}), n));
  Json two = Json::array({{{"matchExpressions", {{{"key", "zone"}, {"operator", "In"}, {"values", {"z"}}}}}},
                          {{"matchFields", {{{"key", "metadata.name"}, {"operator", "In"}, {"values", {"n1"}}}}}}});
  EXPECT_TRUE(matches_node_selector_terms(two, n));
  EXPECT_FALSE(matches_node_selector_terms(Json::array({Json::object()}), n));  // an empty term matches nothing
}

TEST(DaemonSetPlacement, TaintsDecideRunAndContinueRunning) {
  Json spec = {{"containers", Json::array()}};
  Placement free = placement_on(node(Json::object()), spec);
  EXPECT_TRUE(free.should_run && free.should_continue_running);
  Placement no_schedule = placement_on(node(Json::object(), Json::array({taint("k", "v", "NoSchedule")})), spec);
  EXPECT_FALSE(no_schedule.should_run);
  EXPECT_TRUE(no_schedule.should_continue_running);
  Placement no_execute = placement_on(node(Json::object(), Json::array({taint("k", "v", "NoExecute")})), spec);
  EXPECT_FALSE(no_execute.should_run || no_execute.should_continue_running);
  // Daemon pods tolerate node problems.
  Placement not_ready =
      placement_on(node(Json::object(), Json::array({taint("node.kubernetes.io/not-ready", "", "NoExecute")})), spec);
  EXPECT_TRUE(not_ready.should_run);
  Json elsewhere = {{"nodeName", "other"}};
  EXPECT_FALSE(placement_on(node(Json::object()), elsewhere).should_continue_running);
}

TEST(DaemonSetPlacement, DaemonTolerationsReplaceAMatchingOneAndPinningReplacesAffinity) {
  Json spec = Json::parse(R"({
    "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                     "tolerationSeconds": 30}],
    "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
      "nodeSelectorTerms": [{"matchExpressions": [{"key": "x", "operator": "Exists"}]}]}}}})");
  add_daemon_tolerations(spec);
  EXPECT_EQ(spec["tolerations"].size(), 6u);
  EXPECT_FALSE(spec["tolerations"][0].contains("tolerationSeconds"));
  pin_to_node(spec, "n7");
  Json pod = {{"spec", spec}};
  EXPECT_EQ(target_node(pod), "n7");
  EXPECT_EQ(spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"].size(),
            1u);
}

TEST(ControllerRevisionHistory, HashesLookLikeKubernetesAndDependOnCollisions) {
  Json tmpl = {{"spec", {{"containers", {{{"name", "c"}, {"image", "x"}}}}}}};
  std::string h = revisions::hash_json(tmpl, 0);
  EXPECT_FALSE(h.empty());
  EXPECT_EQ(h.find_first_not_of("bcdfghjklmnpqrstvwxz2456789"), std::string::npos);
  EXPECT_EQ(h, revisions::hash_json(tmpl, 0));
  EXPECT_NE(h, revisions::hash_json(tmpl, 1));
  EXPECT_EQ(revisions::revision_name(std::string(300, 'a'), "xyz").size(), 223u + 4u);
}

TEST(ControllerRevisionHistory, TemplatePatchRoundTripsThroughApplyRevision) {
  Json set = {{"spec", {{"replicas", 3}, {"template", {{"metadata", {{"labels", {{"a", "b"}}}}}}}}}};
  Json data = revisions::template_patch(set);
  EXPECT_EQ(data["spec"]["template"]["$patch"], "replace");
  EXPECT_FALSE(data["spec"].contains("replicas"));
  Json other = {{"spec", {{"replicas", 1}, {"template", {{"metadata", {{"labels", {{"c", "d"}}}}}}}}}};
  Json restored = revisions::apply_revision(other, {{"data", data}});
  EXPECT_EQ(restored["spec"]["template"], set["spec"]["template"]);
  EXPECT_EQ(restored["spec"]["replicas"], 1);
}

}  // namespace
}  // namespace skiff::controllers::daemon_set

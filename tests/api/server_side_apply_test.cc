// Server-side apply over the built-in schemas: merging, removal of fields no longer applied,
// conflicts and force, ownership moving on ordinary writes.
#include <gtest/gtest.h>

#include "api/server_side_apply.h"

namespace skiff::api {
namespace {

constexpr const char* kT1 = "2025-01-01T00:00:00Z";
constexpr const char* kT2 = "2025-01-02T00:00:00Z";

OwnershipScope deployment_scope() {
  return {SchemaRegistry::builtin().find_kind("apps", "v1", "Deployment")->schema, "apps/v1", "", true};
}
OwnershipScope configmap_scope() {
  return {SchemaRegistry::builtin().find_kind("", "v1", "ConfigMap")->schema, "v1", "", false};
}

Json configmap(const Json& data) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}}}, {"data", data}};
}

Json deployment(int replicas, const Json& containers) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", "web"}}}}},
            {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"containers", containers}}}}}}}};
}

Json entry_of(const Json& obj, const std::string& manager) {
  for (const auto& e : obj["metadata"].value("managedFields", Json::array()))
    if (e["manager"] == manager) return e;
  return Json();
}

Json apply_ok(const Json* live, const Json& config, const OwnershipScope& scope, const std::string& manager,
              bool force = false, const char* now = kT1) {
  auto r = server_side_apply(live, config, scope, manager, force, now);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : Json();
}

TEST(ServerSideApplyTest, CreateOwnsExactlyTheAppliedFields) {
  Json obj = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "m");
  EXPECT_EQ(obj["data"]["a"], "1");
  Json e = entry_of(obj, "m");
  EXPECT_EQ(e["operation"], "Apply");
  EXPECT_EQ(e["apiVersion"], "v1");
  EXPECT_EQ(e["time"], kT1);
  EXPECT_EQ(e["fieldsType"], "FieldsV1");
  EXPECT_EQ(e["fieldsV1"], Json::parse(R"({"f:data":{"f:a":{}}})"));
}

TEST(ServerSideApplyTest, ReapplyingTheSameConfigChangesNothing) {
  Json first = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "m");
  Json second = apply_ok(&first, configmap({{"a", "1"}}), configmap_scope(), "m", false, kT2);
  EXPECT_EQ(second, first);
}

TEST(ServerSideApplyTest, ChangedValueOwnedByUpdaterIsAConflict) {
  Json live = deployment(2, {{{"name", "c"}, {"image", "nginx"}}});
  ASSERT_TRUE(track_update(nullptr, live, deployment_scope(), "kubectl-client-side-apply", kT1).ok());
  auto r = server_side_apply(&live, deployment(3, {{{"name", "c"}, {"image", "nginx"}}}), deployment_scope(), "m",
                             false, kT2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 409);
  EXPECT_EQ(r.error().reason, "Conflict");
  EXPECT_EQ(r.error().message,
            "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
  ASSERT_EQ(r.error().causes.size(), 1u);
  EXPECT_EQ(r.error().causes[0].type, "FieldManagerConflict");
  EXPECT_EQ(r.error().causes[0].message, "conflict with \"kubectl-client-side-apply\" using apps/v1");
  EXPECT_EQ(r.error().causes[0].field, ".spec.replicas");
}

TEST(ServerSideApplyTest, ConflictsWithAnotherApplierNameItWithoutVersion) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}, {"b", "1"}}), configmap_scope(), "first");
  auto r = server_side_apply(&live, configmap({{"a", "2"}, {"b", "2"}}), configmap_scope(), "second", false, kT2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Apply failed with 2 conflicts: conflicts with \"first\":\n- .data.a\n- .data.b");
  EXPECT_EQ(r.error().causes.size(), 2u);
}

TEST(ServerSideApplyTest, SameValueIsSharedOwnership) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "first");
  Json obj = apply_ok(&live, configmap({{"a", "1"}}), configmap_scope(), "second", false, kT2);
  EXPECT_EQ(entry_of(obj, "first")["fieldsV1"], Json::parse(R"({"f:data":{"f:a":{}}})"));
  EXPECT_EQ(entry_of(obj, "second")["fieldsV1"], Json::parse(R"({"f:data":{"f:a":{}}})"));
}

TEST(ServerSideApplyTest, ForceTakesOwnershipFromTheOtherManager) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}, {"b", "1"}}), configmap_scope(), "first");
  Json obj = apply_ok(&live, configmap({{"a", "2"}}), configmap_scope(), "second", true, kT2);
  EXPECT_EQ(obj["data"]["a"], "2");
  EXPECT_EQ(entry_of(obj, "first")["fieldsV1"], Json::parse(R"({"f:data":{"f:b":{}}})"));
  EXPECT_EQ(entry_of(obj, "second")["fieldsV1"], Json::parse(R"({"f:data":{"f:a":{}}})"));
  EXPECT_EQ(entry_of(obj, "second")["time"], kT2);
}

TEST(ServerSideApplyTest, FieldsNoLongerAppliedAreRemoved) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}, {"b", "1"}}), configmap_scope(), "m");
  Json obj = apply_ok(&live, configmap({{"a", "1"}}), configmap_scope(), "m", false, kT2);
  EXPECT_EQ(obj["data"], Json({{"a", "1"}}));
  EXPECT_EQ(entry_of(obj, "m")["time"], kT2);
}

TEST(ServerSideApplyTest, FieldsNoLongerAppliedStayWhenAnotherManagerOwnsThem) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}, {"b", "1"}}), configmap_scope(), "first");
  live = apply_ok(&live, configmap({{"b", "1"}}), configmap_scope(), "second");
  Json obj = apply_ok(&live, configmap({{"a", "1"}}), configmap_scope(), "first", false, kT2);
  EXPECT_EQ(obj["data"], Json({{"a", "1"}, {"b", "1"}}));
  EXPECT_EQ(entry_of(obj, "second")["fieldsV1"], Json::parse(R"({"f:data":{"f:b":{}}})"));
}

TEST(ServerSideApplyTest, FieldsSetByOthersAreNotRemovedByAnApplier) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "m");
  Json edited = live;
  edited["data"]["z"] = "edited";
  ASSERT_TRUE(track_update(&live, edited, configmap_scope(), "kubectl-edit", kT1).ok());
  Json obj = apply_ok(&edited, configmap({{"a", "2"}}), configmap_scope(), "m", false, kT2);
  EXPECT_EQ(obj["data"]["z"], "edited");
}

TEST(ServerSideApplyTest, ListMapItemsFromTwoAppliersMergeByKey) {
  Json live = apply_ok(nullptr, deployment(1, {{{"name", "a"}, {"image", "x"}}}), deployment_scope(), "first");
  Json second = deployment(1, {{{"name", "b"}, {"image", "y"}}});
  second["spec"].erase("selector");
  second["spec"].erase("template");
  second["spec"]["template"]["spec"]["containers"] = {{{"name", "b"}, {"image", "y"}}};
  second["spec"].erase("replicas");
  Json obj = apply_ok(&live, second, deployment_scope(), "second");
  const Json& containers = obj["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["name"], "a");
  EXPECT_EQ(containers[1]["name"], "b");
}

TEST(ServerSideApplyTest, ListMapItemNoLongerAppliedIsRemoved) {
  Json live = apply_ok(nullptr, deployment(1, {{{"name", "a"}, {"image", "x"}}, {{"name", "b"}, {"image", "y"}}}),
                       deployment_scope(), "m");
  Json obj = apply_ok(&live, deployment(1, {{{"name", "b"}, {"image", "y"}}}), deployment_scope(), "m");
  const Json& containers = obj["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0]["name"], "b");
}

TEST(ServerSideApplyTest, SetsMergeByValue) {
  Json cfg = configmap({{"a", "1"}});
  cfg["metadata"]["finalizers"] = {"x/one"};
  Json live = apply_ok(nullptr, cfg, configmap_scope(), "first");
  Json other = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}, {"finalizers", {"x/two"}}}}};
  Json obj = apply_ok(&live, other, configmap_scope(), "second");
  EXPECT_EQ(obj["metadata"]["finalizers"], Json({"x/one", "x/two"}));
}

TEST(ServerSideApplyTest, AtomicListsAreReplaced) {
  Json first = deployment(1, {{{"name", "a"}, {"image", "x"}, {"args", {"1", "2"}}}});
  Json live = apply_ok(nullptr, first, deployment_scope(), "m");
  Json obj = apply_ok(&live, deployment(1, {{{"name", "a"}, {"image", "x"}, {"args", {"3"}}}}), deployment_scope(), "m");
  EXPECT_EQ(obj["spec"]["template"]["spec"]["containers"][0]["args"], Json({"3"}));
}

TEST(ServerSideApplyTest, AtomicStructChangeConflictsAsAWhole) {
  Json live = apply_ok(nullptr, deployment(1, {{{"name", "a"}, {"image", "x"}}}), deployment_scope(), "first");
  Json cfg = deployment(1, {{{"name", "a"}, {"image", "x"}}});
  cfg["spec"]["selector"]["matchLabels"]["tier"] = "b";
  auto r = server_side_apply(&live, cfg, deployment_scope(), "second", false, kT2);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(".spec.selector"), std::string::npos) << r.error().message;
}

TEST(ServerSideApplyTest, ManagedFieldsInTheConfigAreRejected) {
  Json cfg = configmap({{"a", "1"}});
  cfg["metadata"]["managedFields"] = Json::array({Json::object()});
  auto r = server_side_apply(nullptr, cfg, configmap_scope(), "m", false, kT1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
  EXPECT_EQ(r.error().message, "metadata.managedFields must be nil");
}

TEST(ServerSideApplyTest, UntrackedObjectsBelongToBeforeFirstApply) {
  Json live = configmap({{"a", "1"}});
  auto r = server_side_apply(&live, configmap({{"a", "2"}}), configmap_scope(), "m", false, kT2);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("\"before-first-apply\" using v1"), std::string::npos) << r.error().message;
  Json obj = apply_ok(&live, configmap({{"b", "2"}}), configmap_scope(), "m");
  EXPECT_EQ(entry_of(obj, "before-first-apply")["operation"], "Update");
  EXPECT_EQ(obj["data"], Json({{"a", "1"}, {"b", "2"}}));
}

TEST(ServerSideApplyTest, MainResourceOwnsNothingUnderStatus) {
  Json cfg = deployment(1, {{{"name", "a"}, {"image", "x"}}});
  cfg["status"] = {{"replicas", 5}};
  Json obj = apply_ok(nullptr, cfg, deployment_scope(), "m");
  EXPECT_FALSE(entry_of(obj, "m")["fieldsV1"].contains("f:status"));
}

TEST(ServerSideApplyTest, KubectlMayTakeOverFieldsItAppliedClientSide) {
  Json live = configmap({{"a", "1"}});
  live["metadata"]["annotations"] = {{std::string(kLastAppliedAnnotation), configmap({{"a", "1"}}).dump()}};
  ASSERT_TRUE(track_update(nullptr, live, configmap_scope(), "kubectl-client-side-apply", kT1).ok());
  Json obj = apply_ok(&live, configmap({{"a", "2"}}), configmap_scope(), "kubectl", false, kT2);
  EXPECT_EQ(obj["data"]["a"], "2");
  std::string annotation = obj["metadata"]["annotations"][std::string(kLastAppliedAnnotation)];
  EXPECT_EQ(Json::parse(annotation)["data"]["a"], "2");
  // Another manager gets no such allowance.
  EXPECT_FALSE(server_side_apply(&live, configmap({{"a", "2"}}), configmap_scope(), "helm", false, kT2).ok());
}

TEST(TrackUpdateTest, CreateOwnsEverythingSetButIdentity) {
  Json obj = configmap({{"a", "1"}});
  obj["metadata"]["uid"] = "u";
  ASSERT_TRUE(track_update(nullptr, obj, configmap_scope(), "kubectl-create", kT1).ok());
  Json e = entry_of(obj, "kubectl-create");
  EXPECT_EQ(e["operation"], "Update");
  EXPECT_EQ(e["fieldsV1"], Json::parse(R"({"f:data":{".":{},"f:a":{}}})"));
}

TEST(TrackUpdateTest, UpdateMovesOwnershipToTheWriter) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}, {"b", "1"}}), configmap_scope(), "m");
  Json updated = live;
  updated["data"]["a"] = "2";
  ASSERT_TRUE(track_update(&live, updated, configmap_scope(), "kubectl-edit", kT2).ok());
  EXPECT_EQ(entry_of(updated, "m")["fieldsV1"], Json::parse(R"({"f:data":{"f:b":{}}})"));
  EXPECT_EQ(entry_of(updated, "kubectl-edit")["fieldsV1"], Json::parse(R"({"f:data":{"f:a":{}}})"));
  EXPECT_EQ(entry_of(updated, "kubectl-edit")["time"], kT2);
}

TEST(TrackUpdateTest, NoOpUpdateLeavesManagedFieldsAlone) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "m");
  Json updated = live;
  ASSERT_TRUE(track_update(&live, updated, configmap_scope(), "other", kT2).ok());
  EXPECT_EQ(updated, live);
}

TEST(TrackUpdateTest, EmptiedEntriesAreDropped) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "m");
  Json updated = live;
  updated["data"]["a"] = "2";
  ASSERT_TRUE(track_update(&live, updated, configmap_scope(), "other", kT2).ok());
  EXPECT_TRUE(entry_of(updated, "m").is_null());
  EXPECT_EQ(updated["metadata"]["managedFields"].size(), 1u);
}

TEST(TrackUpdateTest, ManagedFieldsSentByTheClientReplaceTheLiveOnes) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "kubectl-client-side-apply");
  Json updated = live;
  updated["metadata"]["managedFields"][0]["manager"] = "kubectl";
  ASSERT_TRUE(track_update(&live, updated, configmap_scope(), "kubectl", kT2).ok());
  ASSERT_EQ(updated["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(updated["metadata"]["managedFields"][0]["manager"], "kubectl");
}

TEST(TrackUpdateTest, MalformedManagedFieldsFromTheClientAreRejected) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "m");
  Json updated = live;
  updated["metadata"]["managedFields"][0]["operation"] = "Bogus";
  auto s = track_update(&live, updated, configmap_scope(), "x", kT2);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, 400);
}

TEST(TrackUpdateTest, ResetClearsManagedFieldsAndStopsTracking) {
  Json live = apply_ok(nullptr, configmap({{"a", "1"}}), configmap_scope(), "m");
  Json updated = live;
  updated["metadata"]["managedFields"] = Json::array({Json::object()});
  updated["data"]["a"] = "2";
  ASSERT_TRUE(track_update(&live, updated, configmap_scope(), "x", kT2).ok());
  EXPECT_FALSE(updated["metadata"].contains("managedFields"));
}

TEST(TrackUpdateTest, StatusWritesAreRecordedWithTheirSubresource) {
  OwnershipScope scope = deployment_scope();
  scope.subresource = "status";
  Json live = apply_ok(nullptr, deployment(1, {{{"name", "a"}, {"image", "x"}}}), deployment_scope(), "m");
  Json updated = live;
  updated["status"]["replicas"] = 1;
  ASSERT_TRUE(track_update(&live, updated, scope, "controller", kT2).ok());
  Json e = entry_of(updated, "controller");
  EXPECT_EQ(e["subresource"], "status");
  EXPECT_EQ(e["fieldsV1"], Json::parse(R"({"f:status":{".":{},"f:replicas":{}}})"));
}

TEST(ManagerFromUserAgentTest, TakesThePartBeforeTheFirstSlash) {
  EXPECT_EQ(manager_from_user_agent("kubectl/v1.33.0 (linux/amd64) kubernetes/8adc0f0"), "kubectl");
  EXPECT_EQ(manager_from_user_agent("Go-http-client/1.1"), "Go-http-client");
  EXPECT_EQ(manager_from_user_agent(""), "");
  EXPECT_EQ(manager_from_user_agent(std::string(300, 'a')).size(), 128u);
}

TEST(MergeAppliedTest, LiveOnlyListItemsKeepTheirPlace) {
  const Schema* s = deployment_scope().schema;
  Json live = deployment(1, {{{"name", "a"}}, {{"name", "b"}}, {{"name", "c"}}});
  Json cfg = deployment(1, {{{"name", "c"}, {"image", "z"}}, {{"name", "a"}, {"image", "x"}}});
  Json merged = merge_applied(live, cfg, s);
  std::vector<std::string> names;
  for (const auto& c : merged["spec"]["template"]["spec"]["containers"]) names.push_back(c["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"b", "c", "a"}));
}

TEST(RemoveFieldsTest, RemovesMembersWithTheirSubtrees) {
  FieldSet set;
  set.insert({"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"a"})"});
  set.insert({"f:spec", "f:replicas"});
  Json out = remove_fields(deployment(1, {{{"name", "a"}}, {{"name", "b"}}}), set, deployment_scope().schema);
  EXPECT_FALSE(out["spec"].contains("replicas"));
  EXPECT_EQ(out["spec"]["template"]["spec"]["containers"].size(), 1u);
}

}  // namespace
}  // namespace skiff::api

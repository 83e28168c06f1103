// Strategic merge patch against hand-built schemas shaped like the Kubernetes types whose
// patch metadata matters (PodSpec containers/ports/env/volumes, Deployment strategy,
// ObjectMeta finalizers/ownerReferences), checked against Kubernetes' documented behaviour.
#include <gtest/gtest.h>

#include <deque>
#include <initializer_list>
#include <utility>

#include "api/patch.h"

namespace skiff::api {
namespace {

using Type = Schema::Type;

class TestSchemas {
 public:
  TestSchemas() {
    const Schema* str = scalar(Type::kString);
    const Schema* integer = scalar(Type::kInteger);
    const Schema* string_map = map_of(str);

    const Schema* port = object({{"containerPort", integer}, {"protocol", str}, {"name", str}});
    const Schema* env_var = object({{"name", str}, {"value", str}});
    const Schema* mount = object({{"name", str}, {"mountPath", str}});
    container = object({{"name", str},
                        {"image", str},
                        {"args", list(str)},
                        {"ports", list(port, "merge", "containerPort")},
                        {"env", list(env_var, "merge", "name")},
                        {"volumeMounts", list(mount, "merge", "mountPath")}});
    const Schema* volume = object({{"name", str},
                                   {"configMap", object({{"name", str}})},
                                   {"emptyDir", object({{"medium", str}})}});
    pod_spec = object({{"containers", list(container, "merge", "name")},
                       {"volumes", list(volume, "merge,retainKeys", "name")}});
    const Schema* owner_ref = object({{"uid", str}, {"name", str}, {"kind", str}});
    const Schema* metadata = object({{"name", str},
                                     {"labels", string_map},
                                     {"annotations", string_map},
                                     {"finalizers", list(str, "merge", "")},
                                     {"ownerReferences", list(owner_ref, "merge", "uid")}});
    pod = object({{"metadata", metadata}, {"spec", pod_spec}});

    const Schema* rolling = object({{"maxSurge", scalar(Type::kIntOrString)}, {"maxUnavailable", scalar(Type::kIntOrString)}});
    Schema* strategy = object({{"type", str}, {"rollingUpdate", rolling}});
    strategy->patch_strategy = "retainKeys";
    const Schema* template_spec = object({{"metadata", metadata}, {"spec", pod_spec}});
    const Schema* deployment_spec = object({{"replicas", integer}, {"strategy", strategy}, {"template", template_spec}});
    deployment = object({{"metadata", metadata}, {"spec", deployment_spec}});
  }

  const Schema* pod = nullptr;
  const Schema* deployment = nullptr;
  const Schema* container = nullptr;
  const Schema* pod_spec = nullptr;

 private:
  Schema* make(Type type) {
    Schema& s = arena_.emplace_back();
    s.type = type;
    return &s;
  }
  const Schema* scalar(Type type) { return make(type); }
  Schema* object(std::initializer_list<std::pair<const char*, const Schema*>> props) {
    Schema* s = make(Type::kObject);
    for (const auto& [name, child] : props) s->properties.emplace(name, child);
    return s;
  }
  const Schema* map_of(const Schema* value) {
    Schema* s = make(Type::kObject);
    s->additional_properties = value;
    return s;
  }
  const Schema* list(const Schema* items, const char* strategy = "", const char* merge_key = "") {
    Schema* s = make(Type::kArray);
    s->items = items;
    s->patch_strategy = strategy;
    s->patch_merge_key = merge_key;
    if (*merge_key != '\0') {
      s->list_type = "map";
      s->list_map_keys = {merge_key};
    }
    return s;
  }

  std::deque<Schema> arena_;
};

const TestSchemas& schemas() {
  static const TestSchemas s;
  return s;
}

Json J(const char* text) { return Json::parse(text); }

Json smp(const char* doc, const char* patch, const Schema* schema) {
  auto r = apply_strategic_merge_patch(J(doc), J(patch), schema);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Json();
}

Error smp_error(const char* doc, const char* patch, const Schema* schema) {
  auto r = apply_strategic_merge_patch(J(doc), J(patch), schema);
  EXPECT_FALSE(r.ok()) << "patch applied: " << (r.ok() ? r->dump() : "");
  return r.ok() ? Error() : r.error();
}

Json pod_patch(const char* doc, const char* patch) { return smp(doc, patch, schemas().pod); }

constexpr const char* kTwoContainers =
    R"({"spec":{"containers":[{"name":"web","image":"nginx:1"},{"name":"sidecar","image":"envoy:1"}]}})";

TEST(StrategicMergePatch, UpdatesContainerImageByNameKeepingOthers) {
  Json out = pod_patch(kTwoContainers, R"({"spec":{"containers":[{"name":"sidecar","image":"envoy:2"}]}})");
  EXPECT_EQ(out, J(R"({"spec":{"containers":[{"name":"web","image":"nginx:1"},{"name":"sidecar","image":"envoy:2"}]}})"));
}

TEST(StrategicMergePatch, AddsPortKeepingExistingOnesInKubectlOrder) {
  const char* doc = R"({"spec":{"containers":[{"name":"web","ports":[{"containerPort":80}]}]}})";
  const char* patch = R"({"spec":{"containers":[{"name":"web",
      "$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],
      "ports":[{"containerPort":443,"name":"https"}]}],
      "$setElementOrder/containers":[{"name":"web"}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["containers"][0]["ports"],
            J(R"([{"containerPort":80},{"containerPort":443,"name":"https"}])"));
}

// Without $setElementOrder, Kubernetes places items the server did not have ahead of the
// server's remaining items.
TEST(StrategicMergePatch, NewItemsWithoutElementOrderGoBeforeServerItems) {
  const char* doc = R"({"spec":{"containers":[{"name":"web","ports":[{"containerPort":80}]}]}})";
  const char* patch = R"({"spec":{"containers":[{"name":"web","ports":[{"containerPort":443}]}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["containers"][0]["ports"],
            J(R"([{"containerPort":443},{"containerPort":80}])"));
}

// apimachinery's "preserve the order from the patch in a merging list 2".
TEST(StrategicMergePatch, PatchOrderWinsAndServerOnlyItemsKeepTheirPlace) {
  const char* doc = R"({"spec":{"containers":[{"name":"1"},{"name":"2","image":"b"},{"name":"3"}]}})";
  const char* patch = R"({"spec":{"containers":[{"name":"3","image":"c"},{"name":"1","image":"a"}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["containers"],
            J(R"([{"name":"2","image":"b"},{"name":"3","image":"c"},{"name":"1","image":"a"}])"));
}

TEST(StrategicMergePatch, SetElementOrderReordersWithoutOtherChanges) {
  const char* doc = R"({"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}})";
  const char* patch = R"({"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"},{"name":"b"}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["containers"], J(R"([{"name":"c"},{"name":"a"},{"name":"b"}])"));
}

TEST(StrategicMergePatch, SetElementOrderPlacesAddedContainer) {
  const char* doc = R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})";
  const char* patch = R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"d"},{"name":"b"}],
                                  "containers":[{"name":"d","image":"x"}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["containers"],
            J(R"([{"name":"a"},{"name":"d","image":"x"},{"name":"b"}])"));
}

TEST(StrategicMergePatch, SetElementOrderThatContradictsPatchListIsBadRequest) {
  const char* doc = R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})";
  const char* patch = R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],
                                  "containers":[{"name":"b","image":"x"},{"name":"a","image":"y"}]}})";
  Error e = smp_error(doc, patch, schemas().pod);
  EXPECT_EQ(e.code, 400);
  EXPECT_NE(e.message.find("doesn't match $setElementOrder list"), std::string::npos);
}

TEST(StrategicMergePatch, PatchDeleteRemovesEnvVarByName) {
  const char* doc = R"({"spec":{"containers":[{"name":"web","env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","value":"3"}]}]}})";
  const char* patch = R"({"spec":{"containers":[{"name":"web","env":[{"name":"B","$patch":"delete"}]}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["containers"][0]["env"],
            J(R"([{"name":"A","value":"1"},{"name":"C","value":"3"}])"));
}

TEST(StrategicMergePatch, MergesVolumeMountsByMountPath) {
  const char* doc = R"({"spec":{"containers":[{"name":"web","volumeMounts":[{"name":"a","mountPath":"/a"},{"name":"b","mountPath":"/b"}]}]}})";
  const char* patch = R"({"spec":{"containers":[{"name":"web","volumeMounts":[{"name":"renamed","mountPath":"/b"}]}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["containers"][0]["volumeMounts"],
            J(R"([{"name":"a","mountPath":"/a"},{"name":"renamed","mountPath":"/b"}])"));
}

TEST(StrategicMergePatch, RetainKeysSwitchingToRecreateClearsRollingUpdate) {
  const char* doc = R"({"spec":{"replicas":2,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}}})";
  const char* patch = R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})";
  EXPECT_EQ(smp(doc, patch, schemas().deployment), J(R"({"spec":{"replicas":2,"strategy":{"type":"Recreate"}}})"));
}

TEST(StrategicMergePatch, RetainKeysRejectsPatchKeysItDoesNotList) {
  const char* doc = R"({"spec":{"strategy":{"type":"RollingUpdate"}}})";
  const char* patch = R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":{"maxSurge":1}}}})";
  Error e = smp_error(doc, patch, schemas().deployment);
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.message, "invalid patch format of retainKeys");
}

TEST(StrategicMergePatch, RetainKeysOnVolumeSwitchesSource) {
  const char* doc = R"({"spec":{"volumes":[{"name":"v","configMap":{"name":"cm"}},{"name":"w","emptyDir":{}}]}})";
  const char* patch = R"({"spec":{"volumes":[{"name":"v","$retainKeys":["emptyDir","name"],"emptyDir":{}}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["volumes"], J(R"([{"name":"v","emptyDir":{}},{"name":"w","emptyDir":{}}])"));
}

TEST(StrategicMergePatch, DeleteFromPrimitiveListRemovesFinalizer) {
  const char* doc = R"({"metadata":{"finalizers":["a/one","b/two","c/three"]}})";
  const char* patch = R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["b/two"]}})";
  EXPECT_EQ(pod_patch(doc, patch), J(R"({"metadata":{"finalizers":["a/one","c/three"]}})"));
}

TEST(StrategicMergePatch, KubectlFinalizerRemovalWithElementOrder) {
  const char* doc = R"({"metadata":{"finalizers":["a","b","c"]}})";
  const char* patch = R"({"metadata":{"$setElementOrder/finalizers":["a","c"],"$deleteFromPrimitiveList/finalizers":["b"]}})";
  EXPECT_EQ(pod_patch(doc, patch), J(R"({"metadata":{"finalizers":["a","c"]}})"));
}

TEST(StrategicMergePatch, FinalizersMergeAsUnionKeepingServerOrder) {
  const char* doc = R"({"metadata":{"finalizers":["a","b"]}})";
  EXPECT_EQ(pod_patch(doc, R"({"metadata":{"finalizers":["b","c"]}})"), J(R"({"metadata":{"finalizers":["a","b","c"]}})"));
}

TEST(StrategicMergePatch, FinalizerAddedWithElementOrderGoesWhereKubectlSaid) {
  const char* doc = R"({"metadata":{"finalizers":["a"]}})";
  const char* patch = R"({"metadata":{"$setElementOrder/finalizers":["a","b"],"finalizers":["b"]}})";
  EXPECT_EQ(pod_patch(doc, patch), J(R"({"metadata":{"finalizers":["a","b"]}})"));
}

TEST(StrategicMergePatch, OwnerReferencesMergeByUid) {
  const char* doc = R"({"metadata":{"ownerReferences":[{"uid":"1","name":"rs-a"},{"uid":"2","name":"rs-b"}]}})";
  const char* patch = R"({"metadata":{"ownerReferences":[{"uid":"2","kind":"ReplicaSet"}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["metadata"]["ownerReferences"],
            J(R"([{"uid":"1","name":"rs-a"},{"uid":"2","name":"rs-b","kind":"ReplicaSet"}])"));
}

TEST(StrategicMergePatch, NullDeletesLabel) {
  const char* doc = R"({"metadata":{"labels":{"app":"web","tier":"front"}}})";
  EXPECT_EQ(pod_patch(doc, R"({"metadata":{"labels":{"tier":null}}})"), J(R"({"metadata":{"labels":{"app":"web"}}})"));
}

TEST(StrategicMergePatch, PatchReplaceOnMapReplacesWholeMap) {
  const char* doc = R"({"metadata":{"labels":{"app":"web","tier":"front"}}})";
  EXPECT_EQ(pod_patch(doc, R"({"metadata":{"labels":{"$patch":"replace","team":"core"}}})"),
            J(R"({"metadata":{"labels":{"team":"core"}}})"));
}

TEST(StrategicMergePatch, PatchDeleteOnMapRemovesIt) {
  const char* doc = R"({"metadata":{"name":"p","labels":{"app":"web"}}})";
  EXPECT_EQ(pod_patch(doc, R"({"metadata":{"labels":{"$patch":"delete"}}})"), J(R"({"metadata":{"name":"p"}})"));
}

TEST(StrategicMergePatch, PatchReplaceInListReplacesTheList) {
  Json out = pod_patch(kTwoContainers, R"({"spec":{"containers":[{"name":"only","image":"x"},{"$patch":"replace"}]}})");
  EXPECT_EQ(out["spec"]["containers"], J(R"([{"name":"only","image":"x"}])"));
}

TEST(StrategicMergePatch, PatchMergeOnMapMerges) {
  const char* doc = R"({"metadata":{"labels":{"a":"1"}}})";
  EXPECT_EQ(pod_patch(doc, R"({"metadata":{"labels":{"$patch":"merge","b":"2"}}})"),
            J(R"({"metadata":{"labels":{"a":"1","b":"2"}}})"));
}

TEST(StrategicMergePatch, TopLevelPatchReplaceReplacesTheObject) {
  EXPECT_EQ(pod_patch(R"({"metadata":{"name":"a"},"spec":{}})", R"({"$patch":"replace","metadata":{"name":"b"}})"),
            J(R"({"metadata":{"name":"b"}})"));
}

TEST(StrategicMergePatch, ListsWithoutMergeStrategyAreReplaced) {
  const char* doc = R"({"spec":{"containers":[{"name":"web","args":["--a","--b"]}]}})";
  const char* patch = R"({"spec":{"containers":[{"name":"web","args":["--c"]}]}})";
  EXPECT_EQ(pod_patch(doc, patch)["spec"]["containers"][0]["args"], J(R"(["--c"])"));
}

TEST(StrategicMergePatch, UnknownFieldsMergeLikeJsonMergePatch) {
  const char* doc = R"({"spec":{"custom":{"keep":1,"change":1,"list":[1,2]}}})";
  const char* patch = R"({"spec":{"custom":{"change":2,"drop":null,"list":[3]}}})";
  EXPECT_EQ(pod_patch(doc, patch), J(R"({"spec":{"custom":{"keep":1,"change":2,"list":[3]}}})"));
}

TEST(StrategicMergePatch, NullSchemaStillHonoursDirectives) {
  const char* doc = R"({"a":{"x":1,"y":2},"b":{"k":1}})";
  EXPECT_EQ(smp(doc, R"({"a":{"$patch":"replace","z":3},"b":{"$patch":"delete"}})", nullptr), J(R"({"a":{"z":3}})"));
}

TEST(StrategicMergePatch, DirectivesInAddedValuesDoNotLeakIntoTheObject) {
  const char* doc = R"({"metadata":{"name":"p"}})";
  EXPECT_EQ(pod_patch(doc, R"({"metadata":{"labels":{"$patch":"replace","a":"b","gone":null}}})"),
            J(R"({"metadata":{"name":"p","labels":{"a":"b"}}})"));
}

TEST(StrategicMergePatch, UnknownPatchDirectiveIsBadRequest) {
  EXPECT_EQ(smp_error(R"({"metadata":{}})", R"({"metadata":{"$patch":"explode"}})", schemas().pod).code, 400);
}

TEST(StrategicMergePatch, MergeListElementWithoutMergeKeyIsBadRequest) {
  Error e = smp_error(kTwoContainers, R"({"spec":{"containers":[{"image":"x"}]}})", schemas().pod);
  EXPECT_EQ(e.code, 400);
  EXPECT_NE(e.message.find("does not contain declared merge key: name"), std::string::npos);
}

TEST(StrategicMergePatch, MalformedDeleteFromPrimitiveListIsBadRequest) {
  Error e = smp_error(R"({"metadata":{"finalizers":["a"]}})", R"({"metadata":{"$deleteFromPrimitiveList":["a"]}})",
                      schemas().pod);
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.message, "invalid patch format of primitive list");
}

TEST(StrategicMergePatch, MalformedSetElementOrderIsBadRequest) {
  Error e = smp_error(kTwoContainers, R"({"spec":{"$setElementOrder":[{"name":"web"}]}})", schemas().pod);
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.message, "invalid patch format of setElementOrder list");
}

TEST(StrategicMergePatch, SetElementOrderThatIsNotAListIsBadRequest) {
  EXPECT_EQ(smp_error(kTwoContainers, R"({"spec":{"$setElementOrder/containers":"web"}})", schemas().pod).code, 400);
}

TEST(StrategicMergePatch, ListsOfListsAre422) {
  Error e = smp_error(R"({"metadata":{"finalizers":["a"]}})", R"({"metadata":{"finalizers":[["b"]]}})", schemas().pod);
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(e.reason, "Invalid");
}

TEST(StrategicMergePatch, PatchThatIsNotAnObjectIsBadRequest) {
  EXPECT_EQ(smp_error("{}", "[]", schemas().pod).code, 400);
}

TEST(StrategicMergePatch, KubectlRolloutRestartAddsTemplateAnnotation) {
  const char* doc = R"({"spec":{"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c"}]}}}})";
  const char* patch = R"({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2024-01-01T00:00:00Z"}}}}})";
  Json out = smp(doc, patch, schemas().deployment);
  EXPECT_EQ(out["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"], "2024-01-01T00:00:00Z");
  EXPECT_EQ(out["spec"]["template"]["metadata"]["labels"]["app"], "x");
  EXPECT_EQ(out["spec"]["template"]["spec"]["containers"], J(R"([{"name":"c"}])"));
}

// The real registry's Deployment schema carries the same patch metadata as Kubernetes'.
TEST(StrategicMergePatchWithBuiltinSchema, KubectlApplyStyleDeploymentPatch) {
  const ResourceInfo* info = SchemaRegistry::builtin().find_kind("apps", "v1", "Deployment");
  if (info == nullptr || info->schema == nullptr) GTEST_SKIP() << "built-in Deployment schema not available";
  const char* doc = R"({"metadata":{"name":"web","finalizers":["a"]},"spec":{"replicas":1,
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%"}},
      "template":{"spec":{"containers":[{"name":"web","image":"nginx:1","env":[{"name":"A","value":"1"}]},
                                        {"name":"side","image":"envoy:1"}]}}}})";
  const char* patch = R"({"metadata":{"$setElementOrder/finalizers":["a","b"],"finalizers":["b"]},
      "spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null},
      "template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"side"}],
          "containers":[{"name":"web","image":"nginx:2","env":[{"name":"A","$patch":"delete"}]}]}}}})";
  Json out = smp(doc, patch, info->schema);
  EXPECT_EQ(out["metadata"]["finalizers"], J(R"(["a","b"])"));
  EXPECT_EQ(out["spec"]["strategy"], J(R"({"type":"Recreate"})"));
  EXPECT_EQ(out["spec"]["template"]["spec"]["containers"],
            J(R"([{"name":"web","image":"nginx:2","env":[]},{"name":"side","image":"envoy:1"}])"));
}

}  // namespace
}  // namespace skiff::api

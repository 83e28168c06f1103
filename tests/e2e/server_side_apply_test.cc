// Server-side apply with the real kubectl (1.27 and 1.33), and its wire-level errors.
#include <gtest/gtest.h>

#include <regex>

#include "harness.h"
#include "http_client.h"
#include "util/json.h"

namespace skiff::e2e {
namespace {

const char* kSettings = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app: demo
data:
  mode: fast
)";

const char* kWeb = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
)";

std::string replace_all(const std::string& s, const std::string& from, const std::string& to) {
  return std::regex_replace(s, std::regex(from), to);
}

Json entry_of(const Json& obj, const std::string& manager, const std::string& operation) {
  for (const auto& e : obj["metadata"].value("managedFields", Json::array()))
    if (e["manager"] == manager && e["operation"] == operation) return e;
  return Json();
}

class ServerSideApplyTest : public KubectlSuite {
 protected:
  Json get_json(const std::string& kind, const std::string& name) {
    return KubectlSuite::get_json({"get", kind, name, "-n", ns_, "--show-managed-fields"});
  }
};

TEST_P(ServerSideApplyTest, CreatesThenChangesThenLeavesUnchanged) {
  EXPECT_EQ(k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, kSettings), "configmap/settings serverside-applied\n");
  Json cm = get_json("configmap", "settings");
  EXPECT_EQ(cm["data"]["mode"], "fast");
  Json e = entry_of(cm, "kubectl", "Apply");
  ASSERT_FALSE(e.is_null()) << cm.dump(2);
  EXPECT_EQ(e["fieldsV1"], Json::parse(R"({"f:data":{"f:mode":{}},"f:metadata":{"f:labels":{"f:app":{}}}})"));
  EXPECT_TRUE(std::regex_match(e.value("time", ""), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << e.dump();

  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, replace_all(kSettings, "fast", "slow"));
  cm = get_json("configmap", "settings");
  EXPECT_EQ(cm["data"]["mode"], "slow");
  std::string rv = cm["metadata"]["resourceVersion"];

  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, replace_all(kSettings, "fast", "slow"));
  EXPECT_EQ(get_json("configmap", "settings")["metadata"]["resourceVersion"], rv);
}

TEST_P(ServerSideApplyTest, FieldsNoLongerAppliedAreRemoved) {
  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, kSettings);
  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, replace_all(kSettings, "  labels:\n    app: demo\n", ""));
  Json cm = get_json("configmap", "settings");
  EXPECT_FALSE(cm["metadata"].contains("labels")) << cm.dump(2);
}

TEST_P(ServerSideApplyTest, ConflictWithAnotherManagerFailsUntilForced) {
  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, kSettings);
  std::string other = replace_all(kSettings, "fast", "slow");
  auto r = k()({"apply", "--server-side", "--field-manager=other", "-n", ns_, "-f", "-"}, other);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("conflict"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(".data.mode"), std::string::npos) << r.err;
  EXPECT_EQ(get_json("configmap", "settings")["data"]["mode"], "fast");

  k().ok({"apply", "--server-side", "--field-manager=other", "--force-conflicts", "-n", ns_, "-f", "-"}, other);
  Json cm = get_json("configmap", "settings");
  EXPECT_EQ(cm["data"]["mode"], "slow");
  EXPECT_EQ(entry_of(cm, "other", "Apply")["fieldsV1"]["f:data"], Json::parse(R"({"f:mode":{}})"));
  EXPECT_FALSE(entry_of(cm, "kubectl", "Apply")["fieldsV1"].contains("f:data")) << cm.dump(2);
}

TEST_P(ServerSideApplyTest, SameValueFromAnotherManagerIsShared) {
  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, kSettings);
  k().ok({"apply", "--server-side", "--field-manager=other", "-n", ns_, "-f", "-"}, kSettings);
  Json cm = get_json("configmap", "settings");
  EXPECT_FALSE(entry_of(cm, "kubectl", "Apply").is_null());
  EXPECT_FALSE(entry_of(cm, "other", "Apply").is_null());
}

TEST_P(ServerSideApplyTest, ShowManagedFieldsListsManagers) {
  k().ok({"create", "configmap", "made", "-n", ns_, "--from-literal=a=b"});
  k().ok({"apply", "--server-side", "--field-manager=tool", "-n", ns_, "-f", "-"},
         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: made\ndata:\n  c: d\n");
  std::string yaml = k().ok({"get", "configmap", "made", "-n", ns_, "-o", "yaml", "--show-managed-fields"});
  EXPECT_NE(yaml.find("manager: kubectl-create"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("manager: tool"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("operation: Apply"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("operation: Update"), std::string::npos) << yaml;
  std::string plain = k().ok({"get", "configmap", "made", "-n", ns_, "-o", "yaml"});
  EXPECT_EQ(plain.find("managedFields"), std::string::npos) << plain;
}

TEST_P(ServerSideApplyTest, ClientSideApplyMovesToServerSide) {
  EXPECT_EQ(k().ok({"apply", "-n", ns_, "-f", "-"}, kWeb), "deployment.apps/web created\n");
  Json before = get_json("deployment", "web");
  EXPECT_FALSE(entry_of(before, "kubectl-client-side-apply", "Update").is_null()) << before.dump(2);

  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, replace_all(kWeb, "replicas: 2", "replicas: 3"));
  Json after = get_json("deployment", "web");
  EXPECT_EQ(after["spec"]["replicas"], 3);
  Json applied = entry_of(after, "kubectl", "Apply");
  ASSERT_FALSE(applied.is_null()) << after.dump(2);
  EXPECT_TRUE(applied["fieldsV1"]["f:spec"].contains("f:replicas")) << applied.dump(2);
  Json csa = entry_of(after, "kubectl-client-side-apply", "Update");
  EXPECT_TRUE(csa.is_null() || !csa["fieldsV1"]["f:spec"].contains("f:replicas")) << after.dump(2);
}

TEST_P(ServerSideApplyTest, ServerSideApplyMovesBackToClientSide) {
  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, kWeb);
  auto r = k()({"apply", "-n", ns_, "-f", "-"}, replace_all(kWeb, "replicas: 2", "replicas: 4"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "deployment.apps/web configured\n");
  EXPECT_EQ(get_json("deployment", "web")["spec"]["replicas"], 4);
}

TEST_P(ServerSideApplyTest, ServerSideApplyKeepsLastAppliedInSyncForKubectl) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, kSettings);
  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, replace_all(kSettings, "fast", "slow"));
  Json cm = get_json("configmap", "settings");
  auto last = parse_json(cm["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
                             .get<std::string>());
  ASSERT_TRUE(last.ok());
  EXPECT_EQ((*last)["data"]["mode"], "slow");
  // Client-side apply computes its patch from that annotation, so going back works.
  EXPECT_EQ(k().ok({"apply", "-n", ns_, "-f", "-"}, kSettings), "configmap/settings configured\n");
  EXPECT_EQ(get_json("configmap", "settings")["data"]["mode"], "fast");
}

INSTANTIATE_TEST_SUITE_P(Versions, ServerSideApplyTest, ::testing::Values(33, 27),
                         [](const auto& info) { return "kubectl_1_" + std::to_string(info.param); });

// The wire: errors as Status objects.
class ServerSideApplyWireTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--insecure-plain-http", "--datastore", "memory"});
    server_->start();
  }
  static void TearDownTestSuite() {
    server_->stop();
    delete server_;
  }
  HttpReply send(const std::string& method, const std::string& path, const std::string& body,
                 const std::string& content_type) {
    HttpClient client(server_->port());
    return client.request(method, path, body, content_type);
  }
  static ServerProcess* server_;
};
ServerProcess* ServerSideApplyWireTest::server_ = nullptr;

const std::string kApplyType = "application/apply-patch+yaml";
const std::string kCm = "/api/v1/namespaces/default/configmaps/";

TEST_F(ServerSideApplyWireTest, ApplyWithoutFieldManagerIsBadRequest) {
  HttpReply r = send("PATCH", kCm + "nomgr", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nomgr\n", kApplyType);
  EXPECT_EQ(r.status, 400) << r.body;
  Json status = Json::parse(r.body);
  EXPECT_EQ(status["message"], "PATCH, application/apply-patch+yaml requires fieldManager to be set");
}

TEST_F(ServerSideApplyWireTest, JsonBodyCreatesWhenAbsent) {
  HttpReply r = send("PATCH", kCm + "fromjson?fieldManager=m",
                     R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fromjson"},"data":{"a":"1"}})",
                     kApplyType);
  ASSERT_EQ(r.status, 200) << r.body;
  Json obj = Json::parse(r.body);
  EXPECT_EQ(obj["data"]["a"], "1");
  EXPECT_FALSE(obj["metadata"].value("uid", "").empty());
  EXPECT_EQ(obj["metadata"]["managedFields"][0]["manager"], "m");
}

TEST_F(ServerSideApplyWireTest, ConflictIsStatusWithFieldManagerCauses) {
  std::string body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: contested\ndata:\n  a: one\n";
  ASSERT_EQ(send("PATCH", kCm + "contested?fieldManager=first", body, kApplyType).status, 200);
  HttpReply r = send("PATCH", kCm + "contested?fieldManager=second", replace_all(body, "one", "two"), kApplyType);
  ASSERT_EQ(r.status, 409) << r.body;
  Json status = Json::parse(r.body);
  EXPECT_EQ(status["reason"], "Conflict");
  EXPECT_EQ(status["message"], "Apply failed with 1 conflict: conflict with \"first\": .data.a");
  EXPECT_EQ(status["details"]["causes"][0]["reason"], "FieldManagerConflict");
  EXPECT_EQ(status["details"]["causes"][0]["field"], ".data.a");
  EXPECT_EQ(status["details"]["causes"][0]["message"], "conflict with \"first\"");
  r = send("PATCH", kCm + "contested?fieldManager=second&force=true", replace_all(body, "one", "two"), kApplyType);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ServerSideApplyWireTest, CreateRecordsAnUpdateEntryForTheWrittenFields) {
  HttpReply r = send("POST", "/api/v1/namespaces/default/configmaps",
                     R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"byagent"},"data":{"a":"1"}})",
                     "application/json");
  ASSERT_EQ(r.status, 201) << r.body;
  Json obj = Json::parse(r.body);
  ASSERT_EQ(obj["metadata"]["managedFields"].size(), 1u) << r.body;
  EXPECT_EQ(obj["metadata"]["managedFields"][0]["operation"], "Update");
  EXPECT_EQ(obj["metadata"]["managedFields"][0]["fieldsV1"], Json::parse(R"({"f:data":{".":{},"f:a":{}}})"));
}

TEST_F(ServerSideApplyWireTest, MalformedManagedFieldsAreBadRequest) {
  HttpReply r = send("POST", "/api/v1/namespaces/default/configmaps",
                     R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"badmf",
                         "managedFields":[{"manager":"x","operation":"Sideways","fieldsType":"FieldsV1"}]}})",
                     "application/json");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(send("GET", kCm + "badmf", "", "application/json").status, 404);
}

TEST_F(ServerSideApplyWireTest, ManagedFieldsInAnAppliedConfigAreBadRequest) {
  HttpReply r = send("PATCH", kCm + "withmf?fieldManager=m",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: withmf\n  managedFields:\n  - manager: x\n",
                     kApplyType);
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(ServerSideApplyWireTest, StatusApplyIsOwnedUnderTheStatusSubresource) {
  const std::string path = "/apis/apps/v1/namespaces/default/deployments/stat";
  std::string spec = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"stat"},"spec":{
      "selector":{"matchLabels":{"app":"s"}},"template":{"metadata":{"labels":{"app":"s"}},
      "spec":{"containers":[{"name":"c","image":"busybox"}]}}}})";
  ASSERT_EQ(send("PATCH", path + "?fieldManager=owner", spec, kApplyType).status, 200);
  HttpReply r = send("PATCH", path + "/status?fieldManager=ctrl",
                     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"stat"},
                         "status":{"observedGeneration":1}})",
                     kApplyType);
  ASSERT_EQ(r.status, 200) << r.body;
  Json obj = Json::parse(r.body);
  EXPECT_EQ(obj["status"]["observedGeneration"], 1);
  Json ctrl = entry_of(obj, "ctrl", "Apply");
  EXPECT_EQ(ctrl["subresource"], "status") << r.body;
  EXPECT_EQ(ctrl["fieldsV1"], Json::parse(R"({"f:status":{"f:observedGeneration":{}}})"));
  EXPECT_FALSE(entry_of(obj, "owner", "Apply").is_null()) << r.body;
}

TEST_F(ServerSideApplyWireTest, CborApplyIsUnsupportedMediaType) {
  EXPECT_EQ(send("PATCH", kCm + "cbor?fieldManager=m", "\xa0", "application/apply-patch+cbor").status, 415);
}

}  // namespace
}  // namespace skiff::e2e

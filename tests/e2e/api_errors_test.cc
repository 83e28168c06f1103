// Bad input gets the right Status error, changes nothing, and the server keeps serving.
#include <gtest/gtest.h>

#include "harness.h"
#include "http_client.h"
#include "util/json.h"

namespace skiff::e2e {
namespace {

class ApiErrorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--insecure-plain-http", "--datastore", "memory"});
    server_->start();
  }
  static void TearDownTestSuite() {
    server_->stop();
    delete server_;
  }

  // Sends the request and checks the Status body: code, reason, and that the server still answers.
  Json expect_status(const std::string& method, const std::string& path, const std::string& body, int code,
                     const std::string& reason, const std::string& content_type = "application/json") {
    HttpClient client(server_->port());
    HttpReply r = client.request(method, path, body, content_type);
    EXPECT_EQ(r.status, code) << method << " " << path << "\n" << r.body;
    auto status = parse_json(r.body);
    EXPECT_TRUE(status.ok()) << r.body;
    if (!status.ok()) return Json();
    EXPECT_EQ((*status)["kind"], "Status") << r.body;
    EXPECT_EQ((*status)["reason"], reason) << r.body;
    EXPECT_EQ((*status)["code"], code) << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/json");
    HttpClient probe(server_->port());
    EXPECT_EQ(probe.request("GET", "/readyz").status, 200) << "server stopped serving";
    return *status;
  }

  int get_status(const std::string& path) {
    HttpClient client(server_->port());
    return client.request("GET", path).status;
  }

  static ServerProcess* server_;
};
ServerProcess* ApiErrorsTest::server_ = nullptr;

const std::string kCmPath = "/api/v1/namespaces/default/configmaps";

TEST_F(ApiErrorsTest, MalformedJsonIsBadRequest) {
  expect_status("POST", kCmPath, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x")", 400, "BadRequest");
  EXPECT_EQ(get_status(kCmPath + "/x"), 404);
}

TEST_F(ApiErrorsTest, MalformedYamlIsBadRequest) {
  expect_status("POST", kCmPath, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [y\n", 400, "BadRequest",
                "application/yaml");
}

TEST_F(ApiErrorsTest, UnknownGroupVersionOrResourceIsNotFound) {
  expect_status("GET", "/apis/nosuch.example.com/v1/widgets", "", 404, "NotFound");
  expect_status("GET", "/api/v1/namespaces/default/widgets", "", 404, "NotFound");
  expect_status("GET", "/apis/apps/v7/deployments", "", 404, "NotFound");
}

TEST_F(ApiErrorsTest, KindMismatchIsBadRequest) {
  expect_status("POST", kCmPath, R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"k"}})", 400, "BadRequest");
  expect_status("POST", kCmPath, R"({"apiVersion":"v9","kind":"ConfigMap","metadata":{"name":"k"}})", 400,
                "BadRequest");
  EXPECT_EQ(get_status(kCmPath + "/k"), 404);
}

TEST_F(ApiErrorsTest, WrongFieldTypeIsBadRequest) {
  expect_status("POST", "/apis/apps/v1/namespaces/default/deployments",
                R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"typed"},
                    "spec":{"replicas":"two","selector":{"matchLabels":{"a":"b"}},
                    "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})",
                400, "BadRequest");
  expect_status("POST", kCmPath, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"t"},"data":{"a":1}})",
                400, "BadRequest");
  EXPECT_EQ(get_status("/apis/apps/v1/namespaces/default/deployments/typed"), 404);
}

TEST_F(ApiErrorsTest, InvalidNameIsInvalidWithCause) {
  Json s = expect_status("POST", kCmPath, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}})",
                         422, "Invalid");
  ASSERT_TRUE(s.contains("details"));
  EXPECT_EQ(s["details"]["causes"][0]["field"], "metadata.name");
  expect_status("POST", kCmPath, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{}})", 422, "Invalid");
}

TEST_F(ApiErrorsTest, MissingRequiredFieldIsInvalid) {
  expect_status("POST", "/api/v1/namespaces/default/pods",
                R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"noimage"},"spec":{"containers":[{"name":"c"}]}})",
                422, "Invalid");
  EXPECT_EQ(get_status("/api/v1/namespaces/default/pods/noimage"), 404);
}

TEST_F(ApiErrorsTest, DuplicateCreateIsAlreadyExists) {
  std::string body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"}})";
  HttpClient client(server_->port());
  ASSERT_EQ(client.request("POST", kCmPath, body).status, 201);
  Json s = expect_status("POST", kCmPath, body, 409, "AlreadyExists");
  EXPECT_EQ(s["details"]["name"], "dup");
  EXPECT_EQ(s["details"]["kind"], "configmaps");
}

TEST_F(ApiErrorsTest, StaleResourceVersionIsConflict) {
  HttpClient client(server_->port());
  auto created = client.request("POST", kCmPath, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cas"}})");
  ASSERT_EQ(created.status, 201);
  Json obj = Json::parse(created.body);
  obj["data"] = {{"k", "1"}};
  ASSERT_EQ(client.request("PUT", kCmPath + "/cas", obj.dump()).status, 200);
  obj["data"] = {{"k", "2"}};  // still carries the first resourceVersion
  expect_status("PUT", kCmPath + "/cas", obj.dump(), 409, "Conflict");
  Json live = Json::parse(client.request("GET", kCmPath + "/cas").body);
  EXPECT_EQ(live["data"]["k"], "1");
}

TEST_F(ApiErrorsTest, UpdateWithoutResourceVersionIsUnconditional) {
  HttpClient client(server_->port());
  ASSERT_EQ(client.request("POST", kCmPath, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"uncond"}})")
                .status,
            201);
  auto r = client.request("PUT", kCmPath + "/uncond",
                          R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"uncond"},"data":{"a":"b"}})");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ApiErrorsTest, ImmutableFieldsAreInvalidAndUnchanged) {
  HttpClient client(server_->port());
  const std::string deployments = "/apis/apps/v1/namespaces/default/deployments";
  auto created = client.request("POST", deployments, R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"fixed"},"spec":{"selector":{"matchLabels":{"app":"a"}},
    "template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}})");
  ASSERT_EQ(created.status, 201) << created.body;
  Json s = expect_status("PATCH", deployments + "/fixed",
                         R"({"spec":{"selector":{"matchLabels":{"app":"b"}},"template":{"metadata":{"labels":{"app":"b"}}}}})",
                         422, "Invalid", "application/merge-patch+json");
  EXPECT_EQ(s["message"],
            "Deployment.apps \"fixed\" is invalid: spec.selector: Invalid value: "
            "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"b\"}, "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
  EXPECT_EQ(s["details"]["causes"][0]["field"], "spec.selector");
  Json live = Json::parse(client.request("GET", deployments + "/fixed").body);
  EXPECT_EQ(live["spec"]["selector"]["matchLabels"]["app"], "a");
  // Scaling still works.
  EXPECT_EQ(client.request("PATCH", deployments + "/fixed", R"({"spec":{"replicas":3}})", "application/merge-patch+json")
                .status,
            200);

  const std::string pods = "/api/v1/namespaces/default/pods";
  ASSERT_EQ(client.request("POST", pods, R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"containers":[{"name":"c","image":"x:1","env":[{"name":"A","value":"1"}]}]}})").status,
            201);
  s = expect_status("PATCH", pods + "/p",
                    R"({"spec":{"containers":[{"name":"c","env":[{"name":"A","value":"2"}]}]}})", 422, "Invalid",
                    "application/strategic-merge-patch+json");
  EXPECT_NE(s["message"].get<std::string>().find("spec: Forbidden: pod updates may not change fields other than"),
            std::string::npos)
      << s["message"];
  auto image = client.request("PATCH", pods + "/p", R"({"spec":{"containers":[{"name":"c","image":"x:2"}]}})",
                              "application/strategic-merge-patch+json");
  EXPECT_EQ(image.status, 200) << image.body;
}

TEST_F(ApiErrorsTest, JobSelectorIsGeneratedAtCreate) {
  HttpClient client(server_->port());
  auto created = client.request("POST", "/apis/batch/v1/namespaces/default/jobs", R"({"apiVersion":"batch/v1",
    "kind":"Job","metadata":{"name":"pi"},"spec":{"template":{"spec":{"restartPolicy":"Never",
    "containers":[{"name":"c","image":"x"}]}}}})");
  ASSERT_EQ(created.status, 201) << created.body;
  Json job = Json::parse(created.body);
  std::string uid = job["metadata"]["uid"];
  EXPECT_EQ(job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"], uid);
  EXPECT_EQ(job["spec"]["template"]["metadata"]["labels"]["job-name"], "pi");
  EXPECT_EQ(job["metadata"]["labels"]["batch.kubernetes.io/job-name"], "pi");
}

TEST_F(ApiErrorsTest, OversizedBodyIsRequestEntityTooLarge) {
  std::string big(3 * 1024 * 1024 + 100, 'x');
  std::string body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"a":")" + big + "\"}}";
  expect_status("POST", kCmPath, body, 413, "RequestEntityTooLarge");
  EXPECT_EQ(get_status(kCmPath + "/big"), 404);
}

TEST_F(ApiErrorsTest, MalformedSelectorsAreBadRequest) {
  expect_status("GET", kCmPath + "?labelSelector=a%20in%20(b", "", 400, "BadRequest");
  expect_status("GET", kCmPath + "?labelSelector=!!a", "", 400, "BadRequest");
  expect_status("GET", kCmPath + "?fieldSelector=spec.nosuch%3Dx", "", 400, "BadRequest");
}

TEST_F(ApiErrorsTest, MalformedQuantityIsRejected) {
  HttpClient client(server_->port());
  auto r = client.request("POST", "/api/v1/namespaces/default/pods",
                          R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"q"},"spec":{"containers":[
                              {"name":"c","image":"busybox","resources":{"limits":{"cpu":"two cores"}}}]}})");
  EXPECT_TRUE(r.status == 400 || r.status == 422) << r.status << r.body;
  auto s = parse_json(r.body);
  ASSERT_TRUE(s.ok());
  EXPECT_NE((*s)["message"].get<std::string>().find("quantities must match"), std::string::npos) << r.body;
  EXPECT_EQ(get_status("/api/v1/namespaces/default/pods/q"), 404);
}

TEST_F(ApiErrorsTest, UnsupportedMediaTypeIs415) {
  expect_status("POST", kCmPath, "name=x", 415, "UnsupportedMediaType", "application/x-www-form-urlencoded");
}

TEST_F(ApiErrorsTest, CreateInMissingNamespaceIsNotFound) {
  expect_status("POST", "/api/v1/namespaces/nosuchns/configmaps",
                R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})", 404, "NotFound");
}

TEST_F(ApiErrorsTest, StrictFieldValidationRejectsUnknownFields) {
  Json s = expect_status("POST", kCmPath + "?fieldValidation=Strict",
                         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"strict"},"dta":{}})", 400,
                         "BadRequest");
  EXPECT_NE(s["message"].get<std::string>().find("unknown field \"dta\""), std::string::npos) << s.dump();
  HttpClient client(server_->port());
  auto warned = client.request("POST", kCmPath + "?fieldValidation=Warn",
                               R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warned"},"dta":{}})");
  EXPECT_EQ(warned.status, 201);
  EXPECT_NE(warned.headers["warning"].find("unknown field"), std::string::npos);
  EXPECT_EQ(Json::parse(warned.body).contains("dta"), false);
}

TEST_F(ApiErrorsTest, StrictFieldValidationRejectsDuplicateFields) {
  Json s = expect_status("POST", kCmPath + "?fieldValidation=Strict",
                         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"twice","name":"again"}})", 400,
                         "BadRequest");
  EXPECT_NE(s["message"].get<std::string>().find("duplicate field \"metadata.name\""), std::string::npos) << s.dump();
  EXPECT_EQ(get_status(kCmPath + "/twice"), 404);
  EXPECT_EQ(get_status(kCmPath + "/again"), 404);
}

TEST_F(ApiErrorsTest, MetricsCountRequestsByCode) {
  HttpClient client(server_->port());
  client.request("GET", kCmPath + "/definitely-missing");
  auto metrics = client.request("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("apiserver_request_total{code=\"404\",group=\"\",resource=\"configmaps\",verb=\"get\"}"),
            std::string::npos)
      << metrics.body.substr(0, 2000);
  EXPECT_NE(metrics.body.find("process_resident_memory_bytes"), std::string::npos);
}

}  // namespace
}  // namespace skiff::e2e

// Decoding (types, unknown fields, pruning) and validation (required, enums, kind rules).
#include <gtest/gtest.h>

#include "api/schema.h"

namespace skiff::api {
namespace {

const SchemaRegistry& reg() { return SchemaRegistry::builtin(); }

Status check(std::string_view group, std::string_view version, std::string_view kind, Json& obj,
             FieldValidation mode = FieldValidation::kStrict, std::vector<std::string>* warnings = nullptr) {
  const ResourceInfo* info = reg().find_kind(group, version, kind);
  EXPECT_NE(info, nullptr);
  return reg().validate_and_prune(*info, obj, mode, warnings);
}

Json deployment() {
  return Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"selector":{"matchLabels":{"app":"web"}},
            "template":{"metadata":{"labels":{"app":"web"}},
                        "spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}]}]}}}})");
}

Json pod() {
  return Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"containers":[{"name":"a","image":"busybox"}]}})");
}

TEST(SchemaDecoding, ValidDeploymentPasses) {
  Json d = deployment();
  EXPECT_TRUE(check("apps", "v1", "Deployment", d).ok());
  EXPECT_EQ(d, deployment()) << "validation must not default the object";
}

TEST(SchemaDecoding, StrictRejectsUnknownFieldsNamingEach) {
  Json d = deployment();
  d["spec"]["foo"] = 1;
  d["spec"]["bar"] = "x";
  d["spec"]["template"]["spec"]["containers"][0]["colour"] = "red";
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 400);
  EXPECT_EQ(st.error().reason, "BadRequest");
  EXPECT_EQ(st.error().message,
            "strict decoding error: unknown field \"spec.bar\", unknown field \"spec.foo\", unknown field "
            "\"spec.template.spec.containers[0].colour\"");
}

TEST(SchemaDecoding, WarnReportsAndPrunesUnknownFields) {
  Json d = deployment();
  d["spec"]["foo"] = 1;
  std::vector<std::string> warnings;
  EXPECT_TRUE(check("apps", "v1", "Deployment", d, FieldValidation::kWarn, &warnings).ok());
  EXPECT_EQ(warnings, std::vector<std::string>{"unknown field \"spec.foo\""});
  EXPECT_FALSE(d["spec"].contains("foo"));
}

TEST(SchemaDecoding, IgnorePrunesSilently) {
  Json d = deployment();
  d["spec"]["foo"] = 1;
  std::vector<std::string> warnings;
  EXPECT_TRUE(check("apps", "v1", "Deployment", d, FieldValidation::kIgnore, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
  EXPECT_FALSE(d["spec"].contains("foo"));
}

TEST(SchemaDecoding, NullsAreAbsent) {
  Json d = deployment();
  d["spec"]["replicas"] = nullptr;
  d["metadata"]["labels"] = nullptr;
  EXPECT_TRUE(check("apps", "v1", "Deployment", d).ok());
  EXPECT_FALSE(d["spec"].contains("replicas"));
  EXPECT_FALSE(d["metadata"].contains("labels"));
}

TEST(SchemaDecoding, WrongTypeIsBadRequestNamingTheField) {
  Json d = deployment();
  d["spec"]["template"]["spec"]["containers"] = "nginx";
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 400);
  EXPECT_EQ(st.error().message,
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go "
            "struct field PodSpec.spec.template.spec.containers of type []v1.Container");
}

TEST(SchemaDecoding, StringWhereIntegerExpected) {
  Json d = deployment();
  d["spec"]["replicas"] = "3";
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
            std::string::npos)
      << st.error().message;
}

TEST(SchemaDecoding, Int32Overflow) {
  Json d = deployment();
  d["spec"]["replicas"] = 5000000000LL;
  EXPECT_FALSE(check("apps", "v1", "Deployment", d).ok());
}

TEST(SchemaDecoding, IntOrStringAcceptsBoth) {
  Json d = deployment();
  d["spec"]["strategy"] = Json::parse(R"({"rollingUpdate":{"maxSurge":1,"maxUnavailable":"10%"}})");
  EXPECT_TRUE(check("apps", "v1", "Deployment", d).ok());
  d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = true;
  EXPECT_FALSE(check("apps", "v1", "Deployment", d).ok());
}

TEST(SchemaDecoding, QuantitiesAcceptNumbersAndBecomeStrings) {
  Json p = pod();
  p["spec"]["containers"][0]["resources"] = Json::parse(R"({"limits":{"cpu":1,"memory":"128Mi"},"requests":{"cpu":0.5}})");
  ASSERT_TRUE(check("", "v1", "Pod", p).ok());
  EXPECT_EQ(p["spec"]["containers"][0]["resources"]["limits"]["cpu"], "1");
  EXPECT_EQ(p["spec"]["containers"][0]["resources"]["requests"]["cpu"], "500m");
  p["spec"]["containers"][0]["resources"]["limits"]["cpu"] = "lots";
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 400);
}

TEST(SchemaDecoding, PreservesArbitraryJsonInRawExtensions) {
  Json cr = Json::parse(R"({"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"r"},
                            "revision":1,"data":{"spec":{"anything":{"goes":[1,2]}}}})");
  EXPECT_TRUE(check("apps", "v1", "ControllerRevision", cr).ok());
  EXPECT_EQ(cr["data"]["spec"]["anything"]["goes"], Json::array({1, 2}));
}

TEST(SchemaDecoding, SecretDataMustBeBase64) {
  Json s = Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"not base64!"}})");
  Status st = check("", "v1", "Secret", s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 400);
  EXPECT_EQ(st.error().message,
            "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3");
}

TEST(SchemaValidation, MissingImageIsRequired) {
  Json d = deployment();
  d["spec"]["template"]["spec"]["containers"][0].erase("image");
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 422);
  EXPECT_EQ(st.error().reason, "Invalid");
  EXPECT_EQ(st.error().message, "Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value");
  ASSERT_EQ(st.error().causes.size(), 1u);
  EXPECT_EQ(st.error().causes[0].type, "FieldValueRequired");
  EXPECT_EQ(st.error().causes[0].field, "spec.template.spec.containers[0].image");
  EXPECT_EQ(st.error().causes[0].message, "Required value");
  EXPECT_EQ(st.error().detail_kind, "Deployment");
  EXPECT_EQ(st.error().detail_group, "apps");
  EXPECT_EQ(st.error().detail_name, "web");
}

TEST(SchemaValidation, SeveralErrorsAreBracketed) {
  Json p = pod();
  p["spec"]["containers"][0].erase("image");
  p["spec"]["containers"][0]["name"] = "Bad_Name";
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().causes.size(), 2u);
  EXPECT_EQ(st.error().message.rfind("Pod \"p\" is invalid: [", 0), 0u) << st.error().message;
  EXPECT_NE(st.error().message.find("spec.containers[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label"),
            std::string::npos);
}

TEST(SchemaValidation, PodNeedsContainers) {
  Json p = pod();
  p["spec"]["containers"] = Json::array();
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "Pod \"p\" is invalid: spec.containers: Required value");
}

TEST(SchemaValidation, DuplicateContainerNames) {
  Json p = pod();
  p["spec"]["initContainers"] = Json::parse(R"([{"name":"a","image":"x"}])");
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "Pod \"p\" is invalid: spec.containers[0].name: Duplicate value: \"a\"");
}

TEST(SchemaValidation, ContainerPortRange) {
  Json p = pod();
  p["spec"]["containers"][0]["ports"] = Json::parse(R"([{"containerPort":70000}])");
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "Pod \"p\" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 "
            "and 65535, inclusive");
}

TEST(SchemaValidation, VolumeMountMustNameAVolume) {
  Json p = pod();
  p["spec"]["containers"][0]["volumeMounts"] = Json::parse(R"([{"name":"data","mountPath":"/d"}])");
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].name: Not found: \"data\"");
}

TEST(SchemaValidation, EnumValueNotSupported) {
  Json p = pod();
  p["spec"]["restartPolicy"] = "Sometimes";
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "Pod \"p\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
            "\"Never\", \"OnFailure\"");
  EXPECT_EQ(st.error().causes[0].type, "FieldValueNotSupported");
}

TEST(SchemaValidation, SelectorMustMatchTemplateLabels) {
  Json d = deployment();
  d["spec"]["template"]["metadata"]["labels"] = {{"app", "other"}};
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
            "map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`");
}

TEST(SchemaValidation, MatchExpressionsSelectors) {
  Json d = deployment();
  d["spec"]["selector"] = Json::parse(R"({"matchExpressions":[{"key":"app","operator":"In","values":["web","api"]}]})");
  EXPECT_TRUE(check("apps", "v1", "Deployment", d).ok());
  d["spec"]["selector"]["matchExpressions"][0]["operator"] = "NotIn";
  EXPECT_FALSE(check("apps", "v1", "Deployment", d).ok());
}

TEST(SchemaValidation, SelectorIsRequired) {
  Json d = deployment();
  d["spec"].erase("selector");
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "Deployment.apps \"web\" is invalid: spec.selector: Required value");
}

TEST(SchemaValidation, EmptySelectorIsInvalid) {
  Json d = deployment();
  d["spec"]["selector"] = Json::object();
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("spec.selector: Invalid value: v1.LabelSelector{"), std::string::npos);
  EXPECT_NE(st.error().message.find("empty selector is invalid for deployment"), std::string::npos);
}

TEST(SchemaValidation, ReplicaSetEmptySelectorUsesDeploymentWording) {
  Json rs = deployment();
  rs["kind"] = "ReplicaSet";
  rs["spec"]["selector"] = Json::object();
  Status st = check("apps", "v1", "ReplicaSet", rs);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("empty selector is invalid for deployment"), std::string::npos)
      << st.error().message;
}

TEST(SchemaValidation, InvalidSelectorIsReportedWithoutAMatchError) {
  Json d = deployment();
  d["spec"]["selector"] = Json::parse(R"({"matchExpressions":[{"key":"app","operator":"In"}]})");
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "Deployment.apps \"web\" is invalid: spec.selector.matchExpressions[0].values: Required value: must be "
            "specified when `operator` is 'In' or 'NotIn'");
}

TEST(SchemaValidation, ContainerNameReportsEveryDnsLabelProblem) {
  Json p = pod();
  const std::string name = std::string(63, 'a') + "B";
  p["spec"]["containers"][0]["name"] = name;
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  ASSERT_EQ(st.error().causes.size(), 2u);
  EXPECT_EQ(st.error().causes[0].message, "Invalid value: \"" + name + "\": must be no more than 63 characters");
  EXPECT_EQ(st.error().causes[1].field, "spec.containers[0].name");
  EXPECT_NE(st.error().causes[1].message.find("a lowercase RFC 1123 label must consist of"), std::string::npos);
}

TEST(SchemaValidation, VolumeNameMustNotContainDots) {
  Json p = pod();
  p["spec"]["volumes"] = Json::parse(R"([{"name":"a.b","emptyDir":{}}])");
  Status st = check("", "v1", "Pod", p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "Pod \"p\" is invalid: spec.volumes[0].name: Invalid value: \"a.b\": must not contain dots");
}

TEST(SchemaValidation, NegativeReplicas) {
  Json d = deployment();
  d["spec"]["replicas"] = -1;
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
}

TEST(SchemaValidation, DeploymentTemplateMustRestartAlways) {
  Json d = deployment();
  d["spec"]["template"]["spec"]["restartPolicy"] = "Never";
  Status st = check("apps", "v1", "Deployment", d);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
            std::string::npos);
}

TEST(SchemaValidation, JobTemplateMustNotRestartAlways) {
  Json j = Json::parse(R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},
    "spec":{"template":{"spec":{"containers":[{"name":"a","image":"busybox"}]}}}})");
  Status st = check("batch", "v1", "Job", j);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "Job.batch \"j\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported "
            "values: \"OnFailure\", \"Never\"");
  j["spec"]["template"]["spec"]["restartPolicy"] = "Never";
  EXPECT_TRUE(check("batch", "v1", "Job", j).ok());
}

TEST(SchemaValidation, ServicePorts) {
  Json s = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"selector":{"a":"b"}}})");
  Status st = check("", "v1", "Service", s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "Service \"s\" is invalid: spec.ports: Required value");
  s["spec"]["clusterIP"] = "None";
  EXPECT_TRUE(check("", "v1", "Service", s).ok()) << "headless services need no ports";
  s["spec"]["ports"] = Json::parse(R"([{"port":0,"protocol":"ICMP"}])");
  st = check("", "v1", "Service", s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
            std::string::npos);
  EXPECT_NE(st.error().message.find(
                "spec.ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
            std::string::npos);
}

TEST(SchemaValidation, MultiplePortsNeedNames) {
  Json s = Json::parse(R"({"metadata":{"name":"s"},"spec":{"ports":[{"port":80},{"port":443}]}})");
  Status st = check("", "v1", "Service", s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("spec.ports[0].name: Required value"), std::string::npos);
}

TEST(SchemaValidation, ExternalNameServiceNeedsNoPorts) {
  Json s = Json::parse(R"({"metadata":{"name":"s"},"spec":{"type":"ExternalName","externalName":"example.com"}})");
  EXPECT_TRUE(check("", "v1", "Service", s).ok());
}

TEST(SchemaValidation, ConfigMapKeys) {
  Json cm = Json::parse(R"({"metadata":{"name":"c"},"data":{"good.key":"1","bad key":"2"}})");
  Status st = check("", "v1", "ConfigMap", cm);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "ConfigMap \"c\" is invalid: data[bad key]: Invalid value: \"bad key\": a valid config key must consist of "
            "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used "
            "for validation is '[-._a-zA-Z0-9]+')");
}

TEST(SchemaValidation, SecretTypeRequiresItsKeys) {
  Json s = Json::parse(R"({"metadata":{"name":"t"},"type":"kubernetes.io/tls","data":{"tls.crt":"eA=="}})");
  Status st = check("", "v1", "Secret", s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "Secret \"t\" is invalid: data[tls.key]: Required value");
}

TEST(SchemaValidation, DefaultedFieldsAreNotReportedMissing) {
  Json rb = Json::parse(R"({"metadata":{"name":"rb"},"roleRef":{"kind":"Role","name":"r"},
                            "subjects":[{"kind":"User","name":"u"}]})");
  EXPECT_TRUE(check("rbac.authorization.k8s.io", "v1", "RoleBinding", rb).ok());
  EXPECT_FALSE(rb["roleRef"].contains("apiGroup")) << "the object itself is not defaulted";
}

TEST(SchemaValidation, ClusterRoleBindingMustReferenceAClusterRole) {
  Json crb = Json::parse(R"({"metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}})");
  Status st = check("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", crb);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "ClusterRoleBinding.rbac.authorization.k8s.io \"b\" is invalid: roleRef.kind: Unsupported value: \"Role\": "
            "supported values: \"ClusterRole\"");
}

TEST(SchemaValidation, HpaReplicaBounds) {
  Json h = Json::parse(R"({"metadata":{"name":"h"},"spec":{"minReplicas":5,"maxReplicas":2,
                           "scaleTargetRef":{"kind":"Deployment","name":"d"}}})");
  Status st = check("autoscaling", "v2", "HorizontalPodAutoscaler", h);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "HorizontalPodAutoscaler.autoscaling \"h\" is invalid: spec.minReplicas: Invalid value: 5: must be less than "
            "or equal to maxReplicas");
}

TEST(SchemaValidation, PvcNeedsAccessModesAndStorage) {
  Json pvc = Json::parse(R"({"metadata":{"name":"c"},"spec":{}})");
  Status st = check("", "v1", "PersistentVolumeClaim", pvc);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "PersistentVolumeClaim \"c\" is invalid: [spec.accessModes: Required value: at least 1 access mode is "
            "required, spec.resources[storage]: Required value]");
}

TEST(SchemaValidation, IngressPathsMustBeAbsolute) {
  Json i = Json::parse(R"({"metadata":{"name":"i"},"spec":{"rules":[{"http":{"paths":[{"path":"foo","pathType":"Prefix",
                           "backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}})");
  Status st = check("networking.k8s.io", "v1", "Ingress", i);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "Ingress.networking.k8s.io \"i\" is invalid: spec.rules[0].http.paths[0].path: Invalid value: \"foo\": must "
            "be an absolute path");
}

TEST(SchemaValidation, CronScheduleNeedsFiveFields) {
  Json c = Json::parse(R"({"metadata":{"name":"c"},"spec":{"schedule":"* * *","jobTemplate":{"spec":{"template":{
                           "spec":{"restartPolicy":"OnFailure","containers":[{"name":"a","image":"b"}]}}}}}})");
  Status st = check("batch", "v1", "CronJob", c);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "CronJob.batch \"c\" is invalid: spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found "
            "3: [* * *]");
}

TEST(SchemaValidation, StatusIsNotValidatedOnWrites) {
  Json d = deployment();
  d["status"] = Json::parse(R"({"conditions":[{"reason":"x"}]})");
  EXPECT_TRUE(check("apps", "v1", "Deployment", d).ok());
}

}  // namespace
}  // namespace skiff::api

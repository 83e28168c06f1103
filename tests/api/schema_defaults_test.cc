// Kubernetes' API defaults as kube-apiserver 1.33 applies them on create.
#include <gtest/gtest.h>

#include "api/schema.h"

namespace skiff::api {
namespace {

Json defaulted(std::string_view group, std::string_view version, std::string_view kind, Json obj) {
  const SchemaRegistry& reg = SchemaRegistry::builtin();
  const ResourceInfo* info = reg.find_kind(group, version, kind);
  EXPECT_NE(info, nullptr);
  reg.apply_defaults(*info, obj);
  return obj;
}

Json pod_template() {
  return Json::parse(R"({"metadata":{"labels":{"app":"web"}},
                         "spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}})");
}

TEST(SchemaDefaults, DeploymentSpec) {
  Json d = defaulted("apps", "v1", "Deployment",
                     {{"metadata", {{"name", "web"}}},
                      {"spec", {{"selector", {{"matchLabels", {{"app", "web"}}}}}, {"template", pod_template()}}}});
  const Json& spec = d["spec"];
  EXPECT_EQ(spec["replicas"], 1);
  EXPECT_EQ(spec["revisionHistoryLimit"], 10);
  EXPECT_EQ(spec["progressDeadlineSeconds"], 600);
  EXPECT_EQ(spec["strategy"], Json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}})"));
  EXPECT_EQ(d["status"], Json::object());
}

TEST(SchemaDefaults, DeploymentRecreateGetsNoRollingUpdate) {
  Json d = defaulted("apps", "v1", "Deployment", {{"spec", {{"strategy", {{"type", "Recreate"}}}}}});
  EXPECT_FALSE(d["spec"]["strategy"].contains("rollingUpdate"));
}

TEST(SchemaDefaults, DeploymentKeepsGivenValues) {
  Json d = defaulted("apps", "v1", "Deployment", {{"spec", {{"replicas", 0}, {"strategy", {{"rollingUpdate", {{"maxSurge", 2}}}}}}}});
  EXPECT_EQ(d["spec"]["replicas"], 0);
  EXPECT_EQ(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], 2);
  EXPECT_EQ(d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], "25%");
}

TEST(SchemaDefaults, SelectorIsNotDefaultedFromTemplateLabels) {
  Json d = defaulted("apps", "v1", "Deployment", {{"spec", {{"template", pod_template()}}}});
  EXPECT_FALSE(d["spec"].contains("selector"));
}

TEST(SchemaDefaults, PodSpecInTemplates) {
  Json d = defaulted("apps", "v1", "Deployment", {{"spec", {{"template", pod_template()}}}});
  const Json& pod = d["spec"]["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"], "Always");
  EXPECT_EQ(pod["dnsPolicy"], "ClusterFirst");
  EXPECT_EQ(pod["terminationGracePeriodSeconds"], 30);
  EXPECT_EQ(pod["schedulerName"], "default-scheduler");
  EXPECT_EQ(pod["securityContext"], Json::object());
  EXPECT_FALSE(pod.contains("enableServiceLinks")) << "SetDefaults_Pod applies to Pods only";
  const Json& c = pod["containers"][0];
  EXPECT_EQ(c["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(c["terminationMessagePath"], "/dev/termination-log");
  EXPECT_EQ(c["terminationMessagePolicy"], "File");
  EXPECT_EQ(c["resources"], Json::object());
}

TEST(SchemaDefaults, PodOnlyDefaults) {
  Json p = defaulted("", "v1", "Pod", Json::parse(R"({"spec":{"containers":[{"name":"a","image":"busybox",
      "resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}}}]}})"));
  EXPECT_EQ(p["spec"]["enableServiceLinks"], true);
  EXPECT_EQ(p["spec"]["containers"][0]["resources"]["requests"], Json::parse(R"({"cpu":"500m","memory":"1Gi"})"));
}

TEST(SchemaDefaults, ImagePullPolicyFollowsTheTag) {
  auto policy = [](const char* image) {
    Json p = defaulted("", "v1", "Pod", {{"spec", {{"containers", {{{"name", "a"}, {"image", image}}}}}}});
    return p["spec"]["containers"][0]["imagePullPolicy"].get<std::string>();
  };
  EXPECT_EQ(policy("nginx"), "Always");
  EXPECT_EQ(policy("nginx:latest"), "Always");
  EXPECT_EQ(policy("registry.local:5000/nginx"), "Always");
  EXPECT_EQ(policy("nginx:1.25"), "IfNotPresent");
  EXPECT_EQ(policy("registry.local:5000/nginx:1.25"), "IfNotPresent");
  EXPECT_EQ(policy("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), "IfNotPresent");
}

TEST(SchemaDefaults, ContainerPortProtocolAndProbes) {
  Json p = defaulted("", "v1", "Pod", Json::parse(R"({"spec":{"containers":[{"name":"a","image":"x:1",
      "ports":[{"containerPort":80}],
      "livenessProbe":{"httpGet":{"port":80}},
      "readinessProbe":{"tcpSocket":{"port":80},"periodSeconds":5}}]}})"));
  const Json& c = p["spec"]["containers"][0];
  EXPECT_EQ(c["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(c["livenessProbe"], Json::parse(R"({"httpGet":{"port":80,"path":"/","scheme":"HTTP"},
      "timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3})"));
  EXPECT_EQ(c["readinessProbe"]["periodSeconds"], 5);
}

TEST(SchemaDefaults, VolumeSourcesDefaultMode) {
  Json p = defaulted("", "v1", "Pod", Json::parse(R"({"spec":{"containers":[{"name":"a","image":"x:1"}],
      "volumes":[{"name":"c","configMap":{"name":"cm"}},{"name":"s","secret":{"secretName":"s"}},
                 {"name":"p","projected":{"sources":[{"serviceAccountToken":{"path":"t"}}]}},
                 {"name":"d","downwardAPI":{"items":[{"path":"l","fieldRef":{"fieldPath":"metadata.labels"}}]}},
                 {"name":"h","hostPath":{"path":"/tmp"}},
                 {"name":"e"}]}})"));
  const Json& v = p["spec"]["volumes"];
  EXPECT_EQ(v[0]["configMap"]["defaultMode"], 420);
  EXPECT_EQ(v[1]["secret"]["defaultMode"], 420);
  EXPECT_EQ(v[2]["projected"]["defaultMode"], 420);
  EXPECT_EQ(v[2]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"], 3600);
  EXPECT_EQ(v[3]["downwardAPI"]["defaultMode"], 420);
  EXPECT_EQ(v[3]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"], "v1");
  EXPECT_EQ(v[4]["hostPath"]["type"], "");
  EXPECT_EQ(v[5]["emptyDir"], Json::object());
}

TEST(SchemaDefaults, Service) {
  Json s = defaulted("", "v1", "Service", Json::parse(R"({"spec":{"selector":{"app":"web"},
      "ports":[{"port":80},{"port":443,"targetPort":"https","protocol":"TCP"}]}})"));
  const Json& spec = s["spec"];
  EXPECT_EQ(spec["type"], "ClusterIP");
  EXPECT_EQ(spec["sessionAffinity"], "None");
  EXPECT_EQ(spec["ipFamilyPolicy"], "SingleStack");
  EXPECT_EQ(spec["ipFamilies"], Json::array({"IPv4"}));
  EXPECT_EQ(spec["internalTrafficPolicy"], "Cluster");
  EXPECT_FALSE(spec.contains("externalTrafficPolicy"));
  EXPECT_EQ(spec["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(spec["ports"][0]["targetPort"], 80);
  EXPECT_EQ(spec["ports"][1]["targetPort"], "https");
  EXPECT_EQ(s["status"], Json::parse(R"({"loadBalancer":{}})"));
}

TEST(SchemaDefaults, LoadBalancerService) {
  Json s = defaulted("", "v1", "Service", Json::parse(R"({"spec":{"type":"LoadBalancer","ports":[{"port":80}]}})"));
  EXPECT_EQ(s["spec"]["externalTrafficPolicy"], "Cluster");
  EXPECT_EQ(s["spec"]["allocateLoadBalancerNodePorts"], true);
}

TEST(SchemaDefaults, ClientIPAffinityTimeout) {
  Json s = defaulted("", "v1", "Service", Json::parse(R"({"spec":{"sessionAffinity":"ClientIP","ports":[{"port":80}]}})"));
  EXPECT_EQ(s["spec"]["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"], 10800);
}

TEST(SchemaDefaults, StatefulSet) {
  Json s = defaulted("apps", "v1", "StatefulSet", {{"spec", {{"template", pod_template()}}}});
  const Json& spec = s["spec"];
  EXPECT_EQ(spec["replicas"], 1);
  EXPECT_EQ(spec["podManagementPolicy"], "OrderedReady");
  EXPECT_EQ(spec["revisionHistoryLimit"], 10);
  EXPECT_EQ(spec["updateStrategy"], Json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"partition":0}})"));
  EXPECT_EQ(spec["persistentVolumeClaimRetentionPolicy"], Json::parse(R"({"whenDeleted":"Retain","whenScaled":"Retain"})"));
}

TEST(SchemaDefaults, DaemonSet) {
  Json d = defaulted("apps", "v1", "DaemonSet", {{"spec", {{"template", pod_template()}}}});
  EXPECT_EQ(d["spec"]["updateStrategy"], Json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}})"));
  EXPECT_EQ(d["spec"]["revisionHistoryLimit"], 10);
}

TEST(SchemaDefaults, ReplicaSetReplicas) {
  EXPECT_EQ(defaulted("apps", "v1", "ReplicaSet", {{"spec", Json::object()}})["spec"]["replicas"], 1);
}

TEST(SchemaDefaults, Job) {
  Json j = defaulted("batch", "v1", "Job", {{"spec", {{"template", pod_template()}}}});
  const Json& spec = j["spec"];
  EXPECT_EQ(spec["completions"], 1);
  EXPECT_EQ(spec["parallelism"], 1);
  EXPECT_EQ(spec["backoffLimit"], 6);
  EXPECT_EQ(spec["completionMode"], "NonIndexed");
  EXPECT_EQ(spec["suspend"], false);
  EXPECT_EQ(spec["manualSelector"], false);
  EXPECT_EQ(spec["podReplacementPolicy"], "TerminatingOrFailed");
  EXPECT_EQ(j["metadata"]["labels"], Json::parse(R"({"app":"web"})"));
}

TEST(SchemaDefaults, JobWithParallelismOnlyKeepsCompletionsUnset) {
  Json j = defaulted("batch", "v1", "Job", {{"spec", {{"parallelism", 3}}}});
  EXPECT_FALSE(j["spec"].contains("completions"));
}

TEST(SchemaDefaults, CronJob) {
  Json c = defaulted("batch", "v1", "CronJob",
                     {{"spec", {{"schedule", "* * * * *"}, {"jobTemplate", {{"spec", {{"template", pod_template()}}}}}}}});
  const Json& spec = c["spec"];
  EXPECT_EQ(spec["concurrencyPolicy"], "Allow");
  EXPECT_EQ(spec["suspend"], false);
  EXPECT_EQ(spec["successfulJobsHistoryLimit"], 3);
  EXPECT_EQ(spec["failedJobsHistoryLimit"], 1);
  EXPECT_FALSE(spec["jobTemplate"]["spec"].contains("backoffLimit")) << "Job defaults apply to Jobs only";
  EXPECT_EQ(spec["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"], "Always");
}

TEST(SchemaDefaults, Namespace) {
  Json n = defaulted("", "v1", "Namespace", {{"metadata", {{"name", "dev"}}}, {"spec", {{"finalizers", Json::array()}}}});
  // The "kubernetes" finalizer is a create-time rule, not a default: finalizing must be able to empty the list.
  EXPECT_EQ(n["spec"]["finalizers"], Json::array());
  EXPECT_EQ(n["status"]["phase"], "Active");
  EXPECT_EQ(n["metadata"]["labels"]["kubernetes.io/metadata.name"], "dev");
}

TEST(SchemaDefaults, SecretTypeAndStringData) {
  Json s = defaulted("", "v1", "Secret", Json::parse(R"({"stringData":{"user":"admin"},"data":{"x":"eA=="}})"));
  EXPECT_EQ(s["type"], "Opaque");
  EXPECT_FALSE(s.contains("stringData"));
  EXPECT_EQ(s["data"], Json::parse(R"({"user":"YWRtaW4=","x":"eA=="})"));
}

TEST(SchemaDefaults, PersistentVolumesAndClaims) {
  Json pvc = defaulted("", "v1", "PersistentVolumeClaim", {{"spec", {{"accessModes", {"ReadWriteOnce"}}}}});
  EXPECT_EQ(pvc["spec"]["volumeMode"], "Filesystem");
  EXPECT_EQ(pvc["status"]["phase"], "Pending");
  Json pv = defaulted("", "v1", "PersistentVolume", {{"spec", {{"hostPath", {{"path", "/d"}}}}}});
  EXPECT_EQ(pv["spec"]["persistentVolumeReclaimPolicy"], "Retain");
  EXPECT_EQ(pv["spec"]["volumeMode"], "Filesystem");
  EXPECT_EQ(pv["status"]["phase"], "Pending");
}

TEST(SchemaDefaults, HorizontalPodAutoscalerV2) {
  Json h = defaulted("autoscaling", "v2", "HorizontalPodAutoscaler",
                     Json::parse(R"({"spec":{"maxReplicas":5,"scaleTargetRef":{"kind":"Deployment","name":"w"},
                                     "behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}})"));
  const Json& spec = h["spec"];
  EXPECT_EQ(spec["minReplicas"], 1);
  EXPECT_EQ(spec["metrics"], Json::parse(R"([{"type":"Resource","resource":{"name":"cpu",
      "target":{"type":"Utilization","averageUtilization":80}}}])"));
  EXPECT_EQ(spec["behavior"]["scaleUp"], Json::parse(R"({"stabilizationWindowSeconds":0,"selectPolicy":"Max",
      "policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]})"));
  EXPECT_EQ(spec["behavior"]["scaleDown"], Json::parse(R"({"stabilizationWindowSeconds":60,"selectPolicy":"Max",
      "policies":[{"type":"Percent","value":100,"periodSeconds":15}]})"));
}

TEST(SchemaDefaults, HorizontalPodAutoscalerV1MinReplicas) {
  Json h = defaulted("autoscaling", "v1", "HorizontalPodAutoscaler", {{"spec", {{"maxReplicas", 3}}}});
  EXPECT_EQ(h["spec"]["minReplicas"], 1);
}

TEST(SchemaDefaults, NetworkPolicyTypesAndPorts) {
  Json n = defaulted("networking.k8s.io", "v1", "NetworkPolicy",
                     Json::parse(R"({"spec":{"egress":[{"ports":[{"port":53}]}]}})"));
  EXPECT_EQ(n["spec"]["policyTypes"], Json::parse(R"(["Ingress","Egress"])"));
  EXPECT_EQ(n["spec"]["egress"][0]["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(n["spec"]["podSelector"], Json::object());
  Json ingress_only = defaulted("networking.k8s.io", "v1", "NetworkPolicy", {{"spec", Json::object()}});
  EXPECT_EQ(ingress_only["spec"]["policyTypes"], Json::array({"Ingress"}));
}

TEST(SchemaDefaults, IngressPathTypeIsNotDefaulted) {
  Json i = defaulted("networking.k8s.io", "v1", "Ingress",
                     Json::parse(R"({"spec":{"rules":[{"http":{"paths":[{"path":"/","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}})"));
  EXPECT_FALSE(i["spec"]["rules"][0]["http"]["paths"][0].contains("pathType"));
}

TEST(SchemaDefaults, RbacApiGroups) {
  Json b = defaulted("rbac.authorization.k8s.io", "v1", "RoleBinding",
                     Json::parse(R"({"roleRef":{"kind":"Role","name":"r"},
                                     "subjects":[{"kind":"User","name":"u"},{"kind":"ServiceAccount","name":"s"}]})"));
  EXPECT_EQ(b["roleRef"]["apiGroup"], "rbac.authorization.k8s.io");
  EXPECT_EQ(b["subjects"][0]["apiGroup"], "rbac.authorization.k8s.io");
  EXPECT_EQ(b["subjects"][1]["apiGroup"], "");
}

TEST(SchemaDefaults, StoragePriorityAndEndpointSlices) {
  Json sc = defaulted("storage.k8s.io", "v1", "StorageClass", {{"provisioner", "x"}});
  EXPECT_EQ(sc["reclaimPolicy"], "Delete");
  EXPECT_EQ(sc["volumeBindingMode"], "Immediate");
  Json pc = defaulted("scheduling.k8s.io", "v1", "PriorityClass", {{"value", 10}});
  EXPECT_EQ(pc["preemptionPolicy"], "PreemptLowerPriority");
  Json es = defaulted("discovery.k8s.io", "v1", "EndpointSlice", Json::parse(R"({"ports":[{"port":80}]})"));
  EXPECT_EQ(es["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(es["ports"][0]["name"], "");
}

TEST(SchemaDefaults, LeaseAndConfigMapGetNothingExtra) {
  Json lease = defaulted("coordination.k8s.io", "v1", "Lease", {{"metadata", {{"name", "l"}}}});
  EXPECT_EQ(lease, Json::parse(R"({"metadata":{"name":"l"},"spec":{}})"));
  Json cm = defaulted("", "v1", "ConfigMap", {{"metadata", {{"name", "c"}}}, {"data", {{"a", "b"}}}});
  EXPECT_EQ(cm, Json::parse(R"({"metadata":{"name":"c"},"data":{"a":"b"}})"));
}

TEST(SchemaDefaults, Idempotent) {
  Json once = defaulted("apps", "v1", "Deployment", {{"spec", {{"template", pod_template()}}}});
  EXPECT_EQ(defaulted("apps", "v1", "Deployment", once), once);
}

}  // namespace
}  // namespace skiff::api

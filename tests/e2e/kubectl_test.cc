// The real kubectl (1.27 and 1.33) against `skiff server`, with no extra flags.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include "harness.h"
#include "util/json.h"
#include "util/yaml.h"

namespace skiff::e2e {
namespace {

using KubectlTest = KubectlSuite;

const char* kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app: demo
data:
  mode: fast
)";

const char* kDeployment = R"(apiVersion: apps/v1
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
        ports:
        - containerPort: 80
)";

// What every cluster starts with beside its namespaces: the kubernetes Service's endpoints (this
// server), the system PriorityClasses, and namespaces that may not be deleted.
TEST_P(KubectlTest, ClusterStartsWithApiEndpointsAndSystemPriorityClasses) {
  Json ep = get_json({"get", "endpoints", "kubernetes", "-n", "default"});
  EXPECT_EQ(ep["subsets"][0]["ports"][0]["port"], server_->port());
  EXPECT_EQ(ep["subsets"][0]["addresses"][0]["ip"], "127.0.0.1");
  Json slice = get_json({"get", "endpointslices", "kubernetes", "-n", "default"});
  EXPECT_EQ(slice["ports"][0]["port"], server_->port());
  EXPECT_EQ(get_json({"get", "priorityclass", "system-node-critical"})["value"], 2000001000);
  EXPECT_EQ(get_json({"get", "priorityclass", "system-cluster-critical"})["value"], 2000000000);
  CommandResult deleted = k()({"delete", "namespace", "kube-public"});
  EXPECT_NE(deleted.exit_code, 0);
  EXPECT_NE(deleted.err.find("this namespace may not be deleted"), std::string::npos) << deleted.err;
  CommandResult unknown = k()({"run", "lost", "-n", ns_, "--image=nginx", "--overrides",
                               R"({"spec":{"priorityClassName":"nonexistent"}})"});
  EXPECT_NE(unknown.err.find("no PriorityClass with name nonexistent was found"), std::string::npos) << unknown.err;
  k().ok({"create", "priorityclass", "described-" + ns_, "--value=10", "--description=for tests"});
  EXPECT_EQ(get_json({"get", "priorityclass", "described-" + ns_})["description"], "for tests");
  k().ok({"delete", "priorityclass", "described-" + ns_});
}

TEST_P(KubectlTest, ApplyReportsCreatedConfiguredUnchanged) {
  EXPECT_EQ(k().ok({"apply", "-n", ns_, "-f", "-"}, kConfigMap), "configmap/settings created\n");
  EXPECT_EQ(k().ok({"apply", "-n", ns_, "-f", "-"}, kConfigMap), "configmap/settings unchanged\n");
  std::string changed = std::regex_replace(kConfigMap, std::regex("fast"), "slow");
  EXPECT_EQ(k().ok({"apply", "-n", ns_, "-f", "-"}, changed), "configmap/settings configured\n");
  Json cm = get_json({"get", "configmap", "settings", "-n", ns_});
  EXPECT_EQ(cm["data"]["mode"], "slow");
  EXPECT_TRUE(cm["metadata"]["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"));
}

TEST_P(KubectlTest, ApplyDeploymentGetsDefaultsAndShowsInTables) {
  EXPECT_EQ(k().ok({"apply", "-n", ns_, "-f", "-"}, kDeployment), "deployment.apps/web created\n");
  Json d = get_json({"get", "deploy", "web", "-n", ns_});
  EXPECT_EQ(d["spec"]["strategy"]["type"], "RollingUpdate");
  EXPECT_EQ(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
  EXPECT_EQ(d["spec"]["revisionHistoryLimit"], 10);
  EXPECT_EQ(d["spec"]["progressDeadlineSeconds"], 600);
  EXPECT_EQ(d["spec"]["template"]["spec"]["restartPolicy"], "Always");
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(d["metadata"]["generation"], 1);

  std::string table = k().ok({"get", "deployments", "-n", ns_});
  EXPECT_NE(table.find("NAME"), std::string::npos) << table;
  EXPECT_NE(table.find("UP-TO-DATE"), std::string::npos) << table;
  EXPECT_NE(table.find("web"), std::string::npos) << table;
  std::string wide = k().ok({"get", "deployments", "-n", ns_, "-o", "wide"});
  EXPECT_NE(wide.find("IMAGES"), std::string::npos) << wide;
  EXPECT_NE(wide.find("nginx:1.25"), std::string::npos) << wide;
  std::string yaml = k().ok({"get", "deployment", "web", "-n", ns_, "-o", "yaml"});
  EXPECT_NE(yaml.find("kind: Deployment"), std::string::npos);
  EXPECT_EQ(k().ok({"get", "deployment", "web", "-n", ns_, "-o", "jsonpath={.spec.replicas}"}), "2");
}

TEST_P(KubectlTest, LabelAndFieldSelectorsFilterLists) {
  k().ok({"create", "configmap", "a", "-n", ns_, "--from-literal=k=v"});
  k().ok({"create", "configmap", "b", "-n", ns_, "--from-literal=k=v"});
  k().ok({"label", "configmap", "a", "-n", ns_, "tier=front"});
  EXPECT_EQ(k().ok({"get", "cm", "-n", ns_, "-l", "tier=front", "-o", "name"}), "configmap/a\n");
  EXPECT_EQ(k().ok({"get", "cm", "-n", ns_, "-l", "tier!=front", "-o", "name"}), "configmap/b\n");
  EXPECT_EQ(k().ok({"get", "cm", "-n", ns_, "--field-selector", "metadata.name=b", "-o", "name"}), "configmap/b\n");
  std::string all = k().ok({"get", "cm", "-A"});
  EXPECT_NE(all.find("NAMESPACE"), std::string::npos);
  EXPECT_NE(all.find(ns_), std::string::npos);
  auto bad = k()({"get", "cm", "-n", ns_, "-l", "tier in (front"});
  EXPECT_NE(bad.exit_code, 0);
}

TEST_P(KubectlTest, PatchStrategicMergeAndJson) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, kDeployment);
  k().ok({"patch", "deployment", "web", "-n", ns_, "--type", "strategic", "-p",
          R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}})"});
  Json d = get_json({"get", "deployment", "web", "-n", ns_});
  ASSERT_EQ(d["spec"]["template"]["spec"]["containers"].size(), 1u);
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.26");
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"], 80);
  EXPECT_EQ(d["metadata"]["generation"], 2);

  k().ok({"patch", "deployment", "web", "-n", ns_, "--type", "merge", "-p", R"({"spec":{"replicas":5}})"});
  k().ok({"patch", "deployment", "web", "-n", ns_, "--type", "json", "-p",
          R"([{"op":"add","path":"/spec/minReadySeconds","value":3}])"});
  d = get_json({"get", "deployment", "web", "-n", ns_});
  EXPECT_EQ(d["spec"]["replicas"], 5);
  EXPECT_EQ(d["spec"]["minReadySeconds"], 3);
  auto bad = k()({"patch", "deployment", "web", "-n", ns_, "--type", "json", "-p",
                  R"([{"op":"test","path":"/spec/replicas","value":7}])"});
  EXPECT_NE(bad.exit_code, 0);
}

TEST_P(KubectlTest, LabelAnnotateScale) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, kDeployment);
  EXPECT_EQ(k().ok({"label", "deployment", "web", "-n", ns_, "team=blue"}), "deployment.apps/web labeled\n");
  // kubectl 1.27 prints "annotate", later versions "annotated".
  EXPECT_EQ(k().ok({"annotate", "deployment", "web", "-n", ns_, "note=hello"}).rfind("deployment.apps/web annotate", 0),
            0u);
  EXPECT_EQ(k().ok({"scale", "deployment", "web", "-n", ns_, "--replicas=4"}), "deployment.apps/web scaled\n");
  Json d = get_json({"get", "deployment", "web", "-n", ns_});
  EXPECT_EQ(d["metadata"]["labels"]["team"], "blue");
  EXPECT_EQ(d["metadata"]["annotations"]["note"], "hello");
  EXPECT_EQ(d["spec"]["replicas"], 4);
  k().ok({"label", "deployment", "web", "-n", ns_, "team-"});
  d = get_json({"get", "deployment", "web", "-n", ns_});
  EXPECT_FALSE(d["metadata"]["labels"].contains("team"));
}

TEST_P(KubectlTest, DescribeShowsObject) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, kDeployment);
  std::string out = k().ok({"describe", "deployment", "web", "-n", ns_});
  EXPECT_NE(out.find("Name:"), std::string::npos) << out;
  EXPECT_NE(out.find("nginx:1.25"), std::string::npos) << out;
  EXPECT_NE(out.find("RollingUpdate"), std::string::npos) << out;
}

TEST_P(KubectlTest, DeleteByNameLabelAndWait) {
  k().ok({"create", "configmap", "one", "-n", ns_, "--from-literal=a=b"});
  k().ok({"create", "configmap", "two", "-n", ns_, "--from-literal=a=b"});
  k().ok({"label", "configmap", "two", "-n", ns_, "doomed=yes"});
  EXPECT_EQ(k().ok({"delete", "configmap", "one", "-n", ns_}), "configmap \"one\" deleted\n");
  EXPECT_EQ(k().ok({"delete", "configmap", "-n", ns_, "-l", "doomed=yes", "--wait"}), "configmap \"two\" deleted\n");
  EXPECT_EQ(k().ok({"get", "configmap", "-n", ns_, "-o", "name"}).find("configmap/one"), std::string::npos);
  auto missing = k()({"get", "configmap", "one", "-n", ns_});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("NotFound"), std::string::npos) << missing.err;
}

TEST_P(KubectlTest, CreateSubcommands) {
  EXPECT_EQ(k().ok({"create", "configmap", "cfg", "-n", ns_, "--from-literal=x=1"}), "configmap/cfg created\n");
  EXPECT_EQ(k().ok({"create", "secret", "generic", "pw", "-n", ns_, "--from-literal=password=s3cr3t"}),
            "secret/pw created\n");
  Json s = get_json({"get", "secret", "pw", "-n", ns_});
  EXPECT_EQ(s["type"], "Opaque");
  EXPECT_EQ(s["data"]["password"], "czNjcjN0");
  auto dup = k()({"create", "configmap", "cfg", "-n", ns_, "--from-literal=x=1"});
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.err.find("configmaps \"cfg\" already exists"), std::string::npos) << dup.err;
}

TEST_P(KubectlTest, DiscoveryCommands) {
  std::string resources = k().ok({"api-resources"});
  for (const char* r : {"deployments", "configmaps", "horizontalpodautoscalers", "leases", "priorityclasses"})
    EXPECT_NE(resources.find(r), std::string::npos) << r;
  EXPECT_NE(resources.find("deploy"), std::string::npos);
  std::string versions = k().ok({"api-versions"});
  for (const char* v : {"apps/v1", "autoscaling/v2", "v1", "rbac.authorization.k8s.io/v1"})
    EXPECT_NE(versions.find(v), std::string::npos) << v;
  auto version = k()({"version", "-o", "json"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(parse_json(version.out).value()["serverVersion"]["gitVersion"], "v1.33.0+skiff");
  // The only complaint allowed: kubectl's own version-skew notice for clients older than 1.32.
  std::string err = std::regex_replace(version.err, std::regex("WARNING: version difference[^\n]*\n"), "");
  EXPECT_EQ(err, "");
}

TEST_P(KubectlTest, WatchStreamsChanges) {
  auto watch = std::async(std::launch::async, [&] {
    return k()({"get", "configmaps", "-n", ns_, "-w", "--request-timeout=4s"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  k().ok({"create", "configmap", "watched", "-n", ns_, "--from-literal=a=b"});
  auto r = watch.get();
  EXPECT_NE(r.out.find("watched"), std::string::npos) << r.out << r.err;
}

TEST_P(KubectlTest, DeletingANamespaceDeletesItsContents) {
  std::string doomed = ns_ + "-gone";
  k().ok({"create", "namespace", doomed});
  k().ok({"create", "configmap", "inside", "-n", doomed, "--from-literal=a=b"});
  k().ok({"apply", "-n", doomed, "-f", "-"}, kDeployment);
  EXPECT_EQ(k().ok({"delete", "namespace", doomed, "--wait", "--timeout=30s"}), "namespace \"" + doomed + "\" deleted\n");
  auto gone = k()({"get", "namespace", doomed});
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.err.find("not found"), std::string::npos) << gone.err;
  auto create = k()({"create", "configmap", "late", "-n", doomed, "--from-literal=a=b"});
  EXPECT_NE(create.exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Versions, KubectlTest, ::testing::Values(33, 27),
                         [](const auto& info) { return "kubectl_1_" + std::to_string(info.param); });

}  // namespace
}  // namespace skiff::e2e

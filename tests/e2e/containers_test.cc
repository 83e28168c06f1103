// Real containers end to end: `skiff server --runtime cri` on a private containerd with a loopback
// registry (scripts/containerd-test-env.sh), driven with the real kubectl. Skipped, with the reason,
// where containerd can not run here (not root, packages missing); built only with SKIFF_CRI.
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "containerd_env.h"
#include "harness.h"
#include "util/clock.h"

namespace skiff::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;


class ContainersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_.start("skiff-e2e-containerd");
    if (!env_.skip_reason().empty() || !env_.failure().empty()) return;
    server_ = new ServerProcess({"--runtime", "cri", "--containerd-socket", env_.socket()});
    server_->start();
  }

  static void TearDownTestSuite() {
    if (server_) server_->stop();
    delete server_;
    server_ = nullptr;
    env_.stop();
  }

  void SetUp() override {
    if (!env_.skip_reason().empty()) GTEST_SKIP() << env_.skip_reason();
    ASSERT_TRUE(env_.failure().empty()) << env_.failure();
    ASSERT_NE(server_, nullptr);
    kubectl_ = std::make_unique<Kubectl>(*server_, 33);
    if (!kubectl_->available()) GTEST_SKIP() << "kubectl 1.33 is not installed";
    ASSERT_TRUE(wait_for(60s, [&] { return has_ready_node(*kubectl_); }))
        << "no Ready node; server log:\n" << read_file(server_->log_path());
  }

  const Kubectl& k() const { return *kubectl_; }
  std::string image() const { return env_["BUSYBOX_IMAGE"]; }

  Json get_json(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = args;
    argv.insert(argv.end(), {"-o", "json"});
    CommandResult r = (*kubectl_)(argv);
    if (r.exit_code != 0) return Json();
    auto parsed = parse_json(r.out);
    return parsed.ok() ? *parsed : Json();
  }

  Json pod(const std::string& name) const { return get_json({"get", "pod", name}); }

  static bool wait_for(std::chrono::seconds timeout, const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(250ms);
    }
    return done();
  }

  // Containers containerd has for a pod UID (any state), through ctr.
  std::vector<std::string> containerd_containers(const std::string& pod_uid) const {
    CommandResult r = run_command({"ctr", "-a", env_.socket(), "-n", "k8s.io", "containers", "ls", "-q",
                                   "labels.\"io.kubernetes.pod.uid\"==" + pod_uid});
    std::vector<std::string> ids;
    std::istringstream in(r.out);
    for (std::string id; std::getline(in, id);)
      if (!id.empty()) ids.push_back(id);
    return ids;
  }

  std::string pod_yaml(const std::string& name, const std::string& restart_policy, const std::string& command,
                       const std::string& extra_container_fields = "") const {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "}\nspec:\n  restartPolicy: " + restart_policy +
           "\n  terminationGracePeriodSeconds: 5\n  containers:\n  - name: main\n    image: " + image() +
           "\n    command: [\"sh\", \"-c\", " + Json(command).dump() + "]\n" + extra_container_fields;
  }

  // Applies a pod and waits until `kubectl logs` shows `expected` (the container has written it).
  void start_and_wait_for_log(const std::string& yaml, const std::string& pod_name, const std::string& expected,
                              const std::vector<std::string>& extra = {}) {
    k().ok({"apply", "-f", "-"}, yaml);
    std::vector<std::string> args = {"logs", pod_name};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r;
    ASSERT_TRUE(wait_for(60s, [&] {
      r = k()(args);
      return r.exit_code == 0 && r.out == expected;
    })) << r.out << r.err << "\n" << pod(pod_name).dump(2);
  }

  static inline ContainerdEnv env_;
  static inline ServerProcess* server_ = nullptr;
  std::unique_ptr<Kubectl> kubectl_;
};

std::string log_of(const std::string& data_dir, const std::string& pod, const std::string& container) {
  for (const auto& dir : fs::directory_iterator(data_dir + "/pod-logs"))
    if (dir.path().filename().string().rfind("default_" + pod + "_", 0) == 0)
      return read_file(dir.path().string() + "/" + container + "/0.log");
  return "";
}

TEST_F(ContainersTest, DeploymentOfBusyboxHttpdRunsPodsWithIpsThatServeTheirPages) {
  std::string deployment = R"yaml(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: httpd
        image: )yaml" + image() + R"yaml(
        env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        command: ["sh", "-c", "mkdir -p /www && echo hello from $(POD_NAME) > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080}]
)yaml";
  k().ok({"apply", "-f", "-"}, deployment);
  Json pods;
  ASSERT_TRUE(wait_for(90s, [&] {
    pods = get_json({"get", "pods", "-l", "app=web"});
    int running = 0;
    for (const auto& p : pods.value("items", Json::array()))
      if (p["status"].value("phase", "") == "Running" && !p["status"].value("podIP", "").empty() &&
          p["status"]["containerStatuses"][0].value("ready", false))
        ++running;
    return running == 2;
  })) << pods.dump(2) << "\n" << read_file(server_->log_path());

  for (const auto& p : pods["items"]) {
    const Json& cs = p["status"]["containerStatuses"][0];
    EXPECT_EQ(cs["restartCount"], 0);
    EXPECT_TRUE(cs["state"].contains("running"));
    EXPECT_EQ(cs["containerID"].get<std::string>().rfind("containerd://", 0), 0u);
    EXPECT_NE(cs["imageID"].get<std::string>().find("sha256:"), std::string::npos);
    bool ready = false;
    for (const auto& c : p["status"]["conditions"])
      if (c["type"] == "Ready") ready = c["status"] == "True";
    EXPECT_TRUE(ready);
  }
  EXPECT_NE(pods["items"][0]["status"]["podIP"], pods["items"][1]["status"]["podIP"]);
  if (env_["CNI_READY"] != "1") GTEST_SKIP() << "no pod network here: pod pages not fetched";
  for (const auto& p : pods["items"]) {
    std::string url = "http://" + p["status"]["podIP"].get<std::string>() + ":8080/";
    CommandResult page;
    wait_for(20s, [&] {
      page = run_command({"curl", "-sf", "--max-time", "2", url});
      return page.exit_code == 0;
    });
    EXPECT_EQ(page.out, "hello from " + p["metadata"]["name"].get<std::string>() + "\n") << url;
  }
}

TEST_F(ContainersTest, CrashingContainerGoesIntoCrashLoopBackOffWithGrowingRestartCount) {
  k().ok({"apply", "-f", "-"}, pod_yaml("crasher", "Always", "exit 3"));
  Json p;
  ASSERT_TRUE(wait_for(90s, [&] {
    p = pod("crasher");
    const Json* cs = find_path(p, "status.containerStatuses");
    if (!cs || cs->empty()) return false;
    const Json& s = (*cs)[0];
    return s.value("restartCount", 0) >= 2 && s["state"].contains("waiting") &&
           s["state"]["waiting"].value("reason", "") == "CrashLoopBackOff";
  })) << p.dump(2);
  const Json& s = p["status"]["containerStatuses"][0];
  EXPECT_EQ(s["lastState"]["terminated"]["exitCode"], 3);
  EXPECT_EQ(s["lastState"]["terminated"]["reason"], "Error");
  EXPECT_EQ(p["status"]["phase"], "Running");  // restartPolicy Always never ends
  EXPECT_FALSE(s["ready"].get<bool>());
  k().ok({"delete", "pod", "crasher", "--wait=true"});
}

TEST_F(ContainersTest, PodWithRestartPolicyNeverRunsInitContainersThenSucceeds) {
  std::string yaml = pod_yaml("once", "Never", "echo $(GREETING) from main",
                              "    env: [{name: GREETING, value: hello}]\n") +
                     "  initContainers:\n  - name: init\n    image: " + image() +
                     "\n    command: [\"sh\", \"-c\", \"echo init ran\"]\n";
  k().ok({"apply", "-f", "-"}, yaml);
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("once");
    return find_path(p, "status.phase") && p["status"]["phase"] == "Succeeded";
  })) << p.dump(2);
  EXPECT_EQ(p["status"]["containerStatuses"][0]["state"]["terminated"]["reason"], "Completed");
  EXPECT_EQ(p["status"]["initContainerStatuses"][0]["state"]["terminated"]["exitCode"], 0);
  EXPECT_EQ(p["status"]["containerStatuses"][0]["restartCount"], 0);
  // The init container finished before the main one started.
  EXPECT_LE(p["status"]["initContainerStatuses"][0]["state"]["terminated"]["finishedAt"].get<std::string>(),
            p["status"]["containerStatuses"][0]["state"]["terminated"]["startedAt"].get<std::string>());
  EXPECT_NE(log_of(server_->data_dir(), "once", "main").find("stdout F hello from main"), std::string::npos);
  EXPECT_NE(log_of(server_->data_dir(), "once", "init").find("init ran"), std::string::npos);
}

TEST_F(ContainersTest, FailingContainerWithRestartPolicyNeverFailsThePod) {
  k().ok({"apply", "-f", "-"}, pod_yaml("fails", "Never", "exit 7"));
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("fails");
    return find_path(p, "status.phase") && p["status"]["phase"] == "Failed";
  })) << p.dump(2);
  EXPECT_EQ(p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 7);
  EXPECT_EQ(p["status"]["containerStatuses"][0]["restartCount"], 0);
}

TEST_F(ContainersTest, EnvironmentComesFromConfigMapsSecretsAndTheDownwardApi) {
  k().ok({"create", "configmap", "settings", "--from-literal=color=blue"});
  k().ok({"create", "secret", "generic", "creds", "--from-literal=password=s3cret"});
  std::string env = R"yaml(    env:
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: settings, key: color}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: COMBINED, value: "$(COLOR)-$(PASSWORD)"}
)yaml";
  k().ok({"apply", "-f", "-"}, pod_yaml("envs", "Never", "echo color=$COLOR combined=$COMBINED node=$NODE", env));
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("envs");
    return find_path(p, "status.phase") && p["status"]["phase"] == "Succeeded";
  })) << p.dump(2);
  std::string node = p["spec"]["nodeName"];
  EXPECT_NE(log_of(server_->data_dir(), "envs", "main").find("color=blue combined=blue-s3cret node=" + node),
            std::string::npos)
      << log_of(server_->data_dir(), "envs", "main");
}

TEST_F(ContainersTest, VolumesShareAnEmptyDirAndProjectConfigMapsAndSecretsAsFiles) {
  k().ok({"create", "configmap", "files", "--from-literal=greeting=hello", "--from-literal=other=x"});
  k().ok({"create", "secret", "generic", "filesecret", "--from-literal=token=abc123"});
  std::string yaml = R"yaml(apiVersion: v1
kind: Pod
metadata: {name: volumes}
spec:
  restartPolicy: Never
  volumes:
  - {name: scratch, emptyDir: {}}
  - {name: config, configMap: {name: files, items: [{key: greeting, path: nested/greeting.txt}]}}
  - {name: creds, secret: {secretName: filesecret}}
  initContainers:
  - name: writer
    image: IMAGE
    command: ["sh", "-c", "echo from-init > /scratch/shared"]
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  containers:
  - name: main
    image: IMAGE
    command: ["sh", "-c", "cat /scratch/shared /config/nested/greeting.txt /creds/token; echo; ls /config; touch /config/x || echo read-only"]
    volumeMounts:
    - {name: scratch, mountPath: /scratch}
    - {name: config, mountPath: /config}
    - {name: creds, mountPath: /creds}
)yaml";
  for (auto pos = yaml.find("IMAGE"); pos != std::string::npos; pos = yaml.find("IMAGE"))
    yaml.replace(pos, 5, image());
  k().ok({"apply", "-f", "-"}, yaml);
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("volumes");
    return find_path(p, "status.phase") && p["status"]["phase"] == "Succeeded";
  })) << p.dump(2);
  std::string log = log_of(server_->data_dir(), "volumes", "main");
  EXPECT_NE(log.find("stdout F from-init"), std::string::npos) << log;
  EXPECT_NE(log.find("stdout F hello"), std::string::npos) << log;
  EXPECT_NE(log.find("abc123"), std::string::npos) << log;
  EXPECT_NE(log.find("stdout F nested"), std::string::npos) << log;
  EXPECT_EQ(log.find("stdout F other"), std::string::npos) << "only the listed item is projected\n" << log;
  EXPECT_NE(log.find("read-only"), std::string::npos) << log;
}

TEST_F(ContainersTest, MissingConfigMapKeepsTheContainerWaitingWithAConfigError) {
  std::string env = "    env: [{name: X, valueFrom: {configMapKeyRef: {name: absent, key: x}}}]\n";
  k().ok({"apply", "-f", "-"}, pod_yaml("noconfig", "Always", "sleep 1000", env));
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("noconfig");
    const Json* w = find_path(p, "status.containerStatuses");
    return w && !w->empty() && (*w)[0]["state"].contains("waiting") &&
           (*w)[0]["state"]["waiting"].value("reason", "") == "CreateContainerConfigError";
  })) << p.dump(2);
  EXPECT_NE(p["status"]["containerStatuses"][0]["state"]["waiting"]["message"].get<std::string>().find("absent"),
            std::string::npos);
  EXPECT_EQ(p["status"]["phase"], "Pending");
  k().ok({"delete", "pod", "noconfig", "--wait=true"});
}

TEST_F(ContainersTest, ImageThatDoesNotExistReportsErrImagePullThenBackOff) {
  std::string yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: badimage}\nspec:\n  containers:\n  - name: main\n"
                     "    image: " + env_["REGISTRY"] + "/library/does-not-exist:1\n";
  k().ok({"apply", "-f", "-"}, yaml);
  std::set<std::string> reasons;
  Json p;
  wait_for(40s, [&] {
    p = pod("badimage");
    const Json* cs = find_path(p, "status.containerStatuses");
    if (cs && !cs->empty() && (*cs)[0]["state"].contains("waiting"))
      reasons.insert((*cs)[0]["state"]["waiting"].value("reason", ""));
    return reasons.count("ErrImagePull") && reasons.count("ImagePullBackOff");
  });
  EXPECT_TRUE(reasons.count("ErrImagePull")) << p.dump(2);
  EXPECT_TRUE(reasons.count("ImagePullBackOff")) << p.dump(2);
  EXPECT_EQ(p["status"]["phase"], "Pending");
  k().ok({"delete", "pod", "badimage", "--wait=true"});
}

TEST_F(ContainersTest, ReadinessProbeGatesTheReadyCondition) {
  std::string probe = R"yaml(    readinessProbe:
      httpGet: {path: /ready.html, port: 8080}
      periodSeconds: 1
)yaml";
  k().ok({"apply", "-f", "-"},
         pod_yaml("gated", "Always",
                  "mkdir -p /www && httpd -p 8080 -h /www && sleep 4 && touch /www/ready.html && exec sleep 1000",
                  probe));
  k().ok({"label", "pod", "gated", "gate=yes"});
  k().ok({"create", "service", "clusterip", "gated", "--tcp=80:8080"});
  k().ok({"set", "selector", "service", "gated", "gate=yes"});
  // Until the probe passes, the pod is only among the Service's not-ready addresses.
  Json early = get_json({"get", "endpoints", "gated"});
  for (const auto& subset : early.value("subsets", Json::array())) EXPECT_FALSE(subset.contains("addresses")) << early.dump(2);
  Json p;
  auto ready_condition = [&](const Json& pod) -> const Json* {
    if (const Json* cs = find_path(pod, "status.conditions"))
      for (const auto& c : *cs)
        if (c["type"] == "Ready") return &c;
    return nullptr;
  };
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("gated");
    const Json* c = ready_condition(p);
    return c && (*c)["status"] == "True";
  })) << p.dump(2);
  // Ready only once the page existed, a few seconds after the container started.
  auto started = parse_rfc3339(p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"].get<std::string>());
  auto ready_at = parse_rfc3339((*ready_condition(p))["lastTransitionTime"].get<std::string>());
  ASSERT_TRUE(started && ready_at);
  EXPECT_GE(*ready_at - *started, 3s);
  EXPECT_EQ(p["status"]["containerStatuses"][0]["restartCount"], 0);
  Json endpoints;
  EXPECT_TRUE(wait_for(20s, [&] {
    endpoints = get_json({"get", "endpoints", "gated"});
    const Json* addresses = find_path(endpoints, "subsets");
    return addresses && addresses->is_array() && !addresses->empty() && (*addresses)[0].contains("addresses") &&
           (*addresses)[0]["addresses"][0].value("ip", "") == p["status"].value("podIP", "");
  })) << endpoints.dump(2);
  k().ok({"delete", "service", "gated"});
  k().ok({"delete", "pod", "gated", "--wait=false"});
}

// A container killed from outside (here through containerd, as an OOM kill or an operator would)
// is restarted per its restartPolicy, and the status says how the last run ended.
TEST_F(ContainersTest, ContainerKilledFromOutsideIsRestarted) {
  k().ok({"apply", "-f", "-"}, pod_yaml("victim2", "Always", "exec sleep 3600"));
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("victim2");
    return find_path(p, "status.containerStatuses") && p["status"]["containerStatuses"][0]["state"].contains("running");
  })) << p.dump(2);
  std::string id = p["status"]["containerStatuses"][0]["containerID"];
  id = id.substr(id.find("://") + 3);
  CommandResult killed =
      run_command({"ctr", "-a", env_.socket(), "-n", "k8s.io", "tasks", "kill", "--signal", "SIGKILL", id});
  ASSERT_EQ(killed.exit_code, 0) << killed.out << killed.err;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("victim2");
    const Json& cs = p["status"]["containerStatuses"][0];
    return cs.value("restartCount", 0) >= 1 && cs["state"].contains("running");
  })) << p.dump(2);
  const Json& last = p["status"]["containerStatuses"][0]["lastState"]["terminated"];
  EXPECT_EQ(last.value("exitCode", 0), 137) << p.dump(2);
  k().ok({"delete", "pod", "victim2", "--wait=false"});
}

TEST_F(ContainersTest, FailingLivenessProbeRestartsTheContainerAndRecordsAnEvent) {
  std::string probe = R"yaml(    livenessProbe:
      exec: {command: ["cat", "/tmp/healthy"]}
      periodSeconds: 1
      failureThreshold: 2
)yaml";
  k().ok({"apply", "-f", "-"},
         pod_yaml("sickly", "Always", "touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 1000", probe));
  Json p;
  ASSERT_TRUE(wait_for(90s, [&] {
    p = pod("sickly");
    const Json* cs = find_path(p, "status.containerStatuses");
    return cs && !cs->empty() && (*cs)[0].value("restartCount", 0) >= 1;
  })) << p.dump(2);
  EXPECT_TRUE(p["status"]["containerStatuses"][0]["lastState"].contains("terminated"));
  bool unhealthy = false;
  wait_for(10s, [&] {
    for (const auto& e : get_json({"get", "events"}).value("items", Json::array()))
      if (e["involvedObject"].value("name", "") == "sickly" && e.value("reason", "") == "Unhealthy" &&
          e.value("message", "").find("Liveness probe failed") != std::string::npos)
        unhealthy = true;
    return unhealthy;
  });
  EXPECT_TRUE(unhealthy) << "no Unhealthy event for pod sickly";
  k().ok({"delete", "pod", "sickly", "--wait=false"});
}

TEST_F(ContainersTest, DeletingAPodStopsAndRemovesItsContainers) {
  k().ok({"apply", "-f", "-"}, pod_yaml("victim", "Always", "trap 'exit 0' TERM; while true; do sleep 0.2; done"));
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("victim");
    return find_path(p, "status.phase") && p["status"]["phase"] == "Running";
  })) << p.dump(2);
  std::string uid = p["metadata"]["uid"];
  EXPECT_FALSE(containerd_containers(uid).empty());
  auto started = std::chrono::steady_clock::now();
  k().ok({"delete", "pod", "victim", "--wait=true"});
  auto took = std::chrono::steady_clock::now() - started;
  // The container handles SIGTERM at once: well inside the 5 s grace period.
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(wait_for(10s, [&] { return containerd_containers(uid).empty(); }))
      << "containers left for pod " << uid;
  EXPECT_EQ(k()({"get", "pod", "victim"}).exit_code, 1);
}

// A StatefulSet's volumeClaimTemplate gets a claim the local-path provisioner binds to a host
// directory; what a pod writes there is still there for the pod that replaces it.
TEST_F(ContainersTest, StatefulSetKeepsItsDataAcrossPodDeletion) {
  const std::string yaml = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: keep}\nspec:\n"
                           "  serviceName: keep\n  replicas: 1\n  selector: {matchLabels: {app: keep}}\n"
                           "  template:\n    metadata: {labels: {app: keep}}\n    spec:\n"
                           "      terminationGracePeriodSeconds: 1\n      containers:\n      - name: main\n"
                           "        image: " + image() + "\n"
                           "        command: [\"sh\", \"-c\", \"[ -f /data/first ] || cat /proc/sys/kernel/random/uuid > /data/first; "
                           "cat /data/first; sleep 3600\"]\n"
                           "        volumeMounts: [{name: data, mountPath: /data}]\n"
                           "  volumeClaimTemplates:\n  - metadata: {name: data}\n"
                           "    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n";
  k().ok({"apply", "-f", "-"}, yaml);
  std::string first;
  ASSERT_TRUE(wait_for(60s, [&] {
    CommandResult r = k()({"logs", "keep-0"});
    first = r.out;
    return r.exit_code == 0 && first.size() > 30;
  })) << first << "\n" << pod("keep-0").dump(2);
  std::string uid = pod("keep-0")["metadata"]["uid"];
  k().ok({"delete", "pod", "keep-0"});
  std::string second;
  ASSERT_TRUE(wait_for(90s, [&] {
    Json p = pod("keep-0");
    if (p.is_null() || p["metadata"].value("uid", "") == uid) return false;
    CommandResult r = k()({"logs", "keep-0"});
    second = r.out;
    return r.exit_code == 0 && !second.empty();
  })) << pod("keep-0").dump(2);
  EXPECT_EQ(second, first) << "the new pod found the first pod's file";

  Json claim = get_json({"get", "pvc", "data-keep-0"});
  std::string volume = claim["spec"].value("volumeName", "");
  Json pv = get_json({"get", "pv", volume});
  std::string path = find_path(pv, "spec.hostPath.path") ? pv["spec"]["hostPath"].value("path", "") : "";
  k().ok({"delete", "statefulset", "keep", "--wait=true"});
  k().ok({"delete", "pvc", "data-keep-0"});
  std::error_code ec;
  if (!path.empty()) fs::remove_all(path, ec);  // the provisioner's directory on this host
}

// `kubectl port-forward pod/POD :PORT` run in the background until a page fetched through the
// local port it chose comes back (or 20 s pass), then stopped; the page, or the command's output
// when none came.
std::string page_through_port_forward(const ServerProcess& server, int minor, const std::string& pod, int port) {
  std::string log = "/tmp/skiff-pf-" + std::to_string(::getpid()) + "-" + pod + "-" + std::to_string(minor) + ".log";
  std::string cmd = "KUBECONFIG=" + server.kubeconfig() + " " + kubectl_path(minor) + " port-forward pod/" + pod +
                    " :" + std::to_string(port) + " > " + log + " 2>&1 & echo $!";
  CommandResult started = run_command({"sh", "-c", cmd});
  int pid = std::atoi(started.out.c_str());
  auto until = [](std::chrono::seconds timeout, const std::function<bool()>& done) {
    for (auto end = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < end;) {
      if (done()) return true;
      std::this_thread::sleep_for(250ms);
    }
    return done();
  };
  const std::string forwarding = "Forwarding from 127.0.0.1:";
  std::string local_port;
  until(20s, [&] {
    std::string text = read_file(log);
    auto at = text.find(forwarding);
    if (at == std::string::npos) return false;
    at += forwarding.size();
    local_port = text.substr(at, text.find(' ', at) - at);
    return true;
  });
  CommandResult page;
  if (!local_port.empty())
    until(20s, [&] {
      page = run_command({"busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:" + local_port + "/"});
      return page.exit_code == 0 && !page.out.empty();
    });
  std::string result = page.exit_code == 0 && !page.out.empty() ? page.out : "no page: " + page.err + read_file(log);
  if (pid > 0) ::kill(pid, SIGTERM);
  std::remove(log.c_str());
  return result;
}

// kubectl exec (SPDY from 1.27, WebSocket first from 1.33) and port-forward reach the container
// through the API server's tunnel to containerd's streaming server: a command's output and exit
// code, stdin, the other pod's page fetched from inside this one, and a local port forwarded.
TEST_F(ContainersTest, ExecAndPortForwardWithKubectl127And133) {
  const std::string server_pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: pf-web}\nspec:\n  containers:\n"
                                 "  - name: httpd\n    image: " + image() + "\n"
                                 "    command: [\"sh\", \"-c\", \"mkdir -p /www && echo forwarded page > /www/index.html"
                                 " && exec httpd -f -p 8080 -h /www\"]\n";
  k().ok({"apply", "-f", "-"}, server_pod);
  k().ok({"apply", "-f", "-"}, pod_yaml("shell", "Always", "sleep 3600"));
  Json web, shell;
  ASSERT_TRUE(wait_for(60s, [&] {
    web = pod("pf-web");
    shell = pod("shell");
    return find_path(web, "status.podIP") && find_path(shell, "status.phase") && shell["status"]["phase"] == "Running" &&
           web["status"]["phase"] == "Running";
  })) << web.dump(2) << shell.dump(2);
  const std::string web_ip = web["status"]["podIP"];

  for (int minor : {27, 33}) {
    SCOPED_TRACE("kubectl 1." + std::to_string(minor));
    Kubectl kubectl(*server_, minor);
    if (!kubectl.available()) continue;
    CommandResult echoed = kubectl({"exec", "shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_EQ(echoed.exit_code, 3) << echoed.out << echoed.err;
    EXPECT_EQ(echoed.out, "out\n");
    EXPECT_NE(echoed.err.find("err"), std::string::npos) << echoed.err;
    CommandResult input = kubectl({"exec", "-i", "shell", "--", "sh", "-c", "tr a-z A-Z"}, "shout\n");
    EXPECT_EQ(input.exit_code, 0) << input.err;
    EXPECT_EQ(input.out, "SHOUT\n");
    if (env_["CNI_READY"] == "1") {
      CommandResult fetched = kubectl({"exec", "shell", "--", "wget", "-q", "-O", "-", "http://" + web_ip + ":8080/"});
      EXPECT_EQ(fetched.out, "forwarded page\n") << fetched.err;
    }

    EXPECT_EQ(page_through_port_forward(*server_, minor, "pf-web", 8080), "forwarded page\n");
  }
}

// An update to a ConfigMap reaches the files of a running pod that mounts it (the agent's
// periodic refresh, every 10 s), read from inside the container with kubectl exec.
TEST_F(ContainersTest, ConfigMapUpdatesAppearInTheMountedFile) {
  k().ok({"create", "configmap", "live", "--from-literal=greeting=hello"});
  k().ok({"apply", "-f", "-"}, pod_yaml("reader", "Always", "sleep 3600",
                                       "    volumeMounts: [{name: cfg, mountPath: /etc/live}]\n"
                                       "  volumes: [{name: cfg, configMap: {name: live}}]\n"));
  CommandResult read;
  ASSERT_TRUE(wait_for(60s, [&] {
    read = k()({"exec", "reader", "--", "cat", "/etc/live/greeting"});
    return read.exit_code == 0 && read.out == "hello";
  })) << read.out << read.err << pod("reader").dump(2);
  k().ok({"patch", "configmap", "live", "-p", R"({"data":{"greeting":"bonjour","extra":"x"}})"});
  EXPECT_TRUE(wait_for(40s, [&] {
    read = k()({"exec", "reader", "--", "cat", "/etc/live/greeting", "/etc/live/extra"});
    return read.exit_code == 0 && read.out == "bonjourx";
  })) << read.out << read.err;
}

// A downwardAPI volume shows the pod's own fields (and its label changes, through the agent's
// periodic refresh), a projected volume merges a ConfigMap, a Secret and the downward API; modes
// and read-only mounts as in Kubernetes. Read from inside the container with kubectl exec.
TEST_F(ContainersTest, DownwardApiAndProjectedVolumesShowThePodAndItsObjects) {
  k().ok({"create", "configmap", "bundle-cm", "--from-literal=greeting=hello", "--from-literal=unlisted=x"});
  k().ok({"create", "secret", "generic", "bundle-secret", "--from-literal=token=s3cret"});
  std::string yaml = R"yaml(apiVersion: v1
kind: Pod
metadata:
  name: described
  labels: {app: shop, tier: front}
  annotations: {owner: 'team "a"'}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: podinfo
    downwardAPI:
      defaultMode: 0440
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: annotations, fieldRef: {fieldPath: metadata.annotations}}
      - {path: name, fieldRef: {fieldPath: metadata.name}, mode: 0444}
      - {path: memory, resourceFieldRef: {containerName: main, resource: requests.memory, divisor: 1Mi}}
  - name: bundle
    projected:
      defaultMode: 0400
      sources:
      - configMap: {name: bundle-cm, items: [{key: greeting, path: config/greeting}]}
      - secret: {name: bundle-secret}
      - downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}
      - configMap: {name: not-there, optional: true}
  containers:
  - name: main
    image: IMAGE
    command: ["sleep", "3600"]
    resources: {requests: {memory: 32Mi}}
    volumeMounts:
    - {name: podinfo, mountPath: /etc/podinfo}
    - {name: bundle, mountPath: /etc/bundle}
)yaml";
  yaml.replace(yaml.find("IMAGE"), 5, image());
  // create, not apply: apply's last-applied annotation would be among the annotations.
  k().ok({"create", "-f", "-"}, yaml);
  auto read = [&](const std::string& script) { return k()({"exec", "described", "--", "sh", "-c", script}); };
  CommandResult r;
  ASSERT_TRUE(wait_for(60s, [&] {
    r = read("cat /etc/podinfo/name");
    return r.exit_code == 0 && r.out == "described";
  })) << r.out << r.err << pod("described").dump(2);
  EXPECT_EQ(read("cat /etc/podinfo/labels").out, "app=\"shop\"\ntier=\"front\"");
  EXPECT_EQ(read("cat /etc/podinfo/annotations").out, "owner=\"team \\\"a\\\"\"");
  EXPECT_EQ(read("cat /etc/podinfo/memory").out, "32");
  EXPECT_EQ(read("stat -c %a /etc/podinfo/labels /etc/podinfo/name").out, "440\n444\n");
  EXPECT_EQ(read("cat /etc/bundle/config/greeting /etc/bundle/token /etc/bundle/namespace").out, "hellos3cretdefault");
  EXPECT_EQ(read("ls /etc/bundle | sort | tr '\\n' ' '").out, "config namespace token ");
  EXPECT_EQ(read("stat -c %a /etc/bundle/token /etc/bundle/config/greeting").out, "400\n400\n");
  EXPECT_NE(read("touch /etc/bundle/x /etc/podinfo/x").exit_code, 0) << "both are mounted read-only";

  k().ok({"label", "pod", "described", "tier=back", "--overwrite"});
  EXPECT_TRUE(wait_for(40s, [&] {
    r = read("cat /etc/podinfo/labels");
    return r.out == "app=\"shop\"\ntier=\"back\"";
  })) << r.out << r.err;
  k().ok({"delete", "pod", "described", "--wait=false"});
}

TEST_F(ContainersTest, ProjectedServiceAccountTokenIsAConfigErrorUntilTokensAreIssued) {
  k().ok({"apply", "-f", "-"},
         pod_yaml("wants-token", "Always", "sleep 3600",
                  "    volumeMounts: [{name: token, mountPath: /var/run/secrets/tokens}]\n"
                  "  volumes:\n  - name: token\n    projected:\n      sources:\n"
                  "      - serviceAccountToken: {path: token, expirationSeconds: 3600}\n"));
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("wants-token");
    const Json* cs = find_path(p, "status.containerStatuses");
    return cs && !cs->empty() && (*cs)[0]["state"].contains("waiting") &&
           (*cs)[0]["state"]["waiting"].value("reason", "") == "CreateContainerConfigError";
  })) << p.dump(2);
  EXPECT_NE(p["status"]["containerStatuses"][0]["state"]["waiting"].value("message", "").find(
                "service account tokens are not issued yet"),
            std::string::npos)
      << p.dump(2);
  k().ok({"delete", "pod", "wants-token", "--wait=false"});
}

// The postStart hook runs right after the container starts; what it writes, the container sees.
TEST_F(ContainersTest, PostStartHookWritesAFileTheContainerSees) {
  std::string lifecycle = R"yaml(    lifecycle:
      postStart:
        exec: {command: ["sh", "-c", "echo written by postStart > /tmp/hooked"]}
)yaml";
  start_and_wait_for_log(
      pod_yaml("hooked", "Always", "while [ ! -f /tmp/hooked ]; do sleep 0.1; done; cat /tmp/hooked; exec sleep 3600",
               lifecycle),
      "hooked", "written by postStart\n");
  Json p = pod("hooked");
  EXPECT_EQ(p["status"]["containerStatuses"][0]["restartCount"], 0) << p.dump(2);
  k().ok({"delete", "pod", "hooked", "--wait=false"});
}

// A failing postStart hook kills the container (a FailedPostStartHook event says why) and the
// restart policy brings it back.
TEST_F(ContainersTest, FailingPostStartHookKillsTheContainerWhichIsRestarted) {
  std::string lifecycle = R"yaml(    lifecycle:
      postStart:
        exec: {command: ["sh", "-c", "echo not today; exit 1"]}
)yaml";
  k().ok({"apply", "-f", "-"},
         pod_yaml("unhooked", "Always", "trap 'exit 0' TERM; while true; do sleep 0.2; done", lifecycle));
  Json p;
  ASSERT_TRUE(wait_for(90s, [&] {
    p = pod("unhooked");
    const Json* cs = find_path(p, "status.containerStatuses");
    return cs && !cs->empty() && (*cs)[0].value("restartCount", 0) >= 1;
  })) << p.dump(2);
  std::string message;
  EXPECT_TRUE(wait_for(20s, [&] {
    for (const auto& e : get_json({"get", "events"}).value("items", Json::array()))
      if (e["involvedObject"].value("name", "") == "unhooked" && e.value("reason", "") == "FailedPostStartHook")
        message = e.value("message", "");
    return !message.empty();
  })) << "no FailedPostStartHook event for pod unhooked";
  EXPECT_NE(message.find("Exec lifecycle hook ([sh -c echo not today; exit 1]) for Container \"main\""),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("not today"), std::string::npos) << message;
  k().ok({"delete", "pod", "unhooked", "--wait=false"});
}

// Deleting a pod runs each container's preStop hook before its stop signal: the exec hook's line
// lands in a hostPath file before the container's own TERM handler's, and (with a pod network)
// the httpGet hook's request reaches the container's web server.
TEST_F(ContainersTest, PreStopHooksRunBeforeTheContainersAreStopped) {
  std::string out = env_.dir() + "/prestop-out";
  std::error_code ec;
  fs::remove_all(out, ec);
  std::string yaml = R"yaml(apiVersion: v1
kind: Pod
metadata: {name: stopping}
spec:
  terminationGracePeriodSeconds: 3
  volumes: [{name: out, hostPath: {path: OUT, type: DirectoryOrCreate}}]
  containers:
  - name: worker
    image: IMAGE
    command: ["sh", "-c", "trap 'echo term >> /out/worker; exit 0' TERM; while true; do sleep 0.2; done"]
    lifecycle: {preStop: {exec: {command: ["sh", "-c", "echo prestop >> /out/worker"]}}}
    volumeMounts: [{name: out, mountPath: /out}]
  - name: web
    image: IMAGE
    command: ["sh", "-c", "mkdir -p /www && exec httpd -f -vv -p 8080 -h /www 2>>/out/httpd.log"]
    lifecycle: {preStop: {httpGet: {path: /drain, port: 8080}}}
    volumeMounts: [{name: out, mountPath: /out}]
)yaml";
  yaml.replace(yaml.find("OUT"), 3, out);
  for (auto pos = yaml.find("IMAGE"); pos != std::string::npos; pos = yaml.find("IMAGE")) yaml.replace(pos, 5, image());
  k().ok({"apply", "-f", "-"}, yaml);
  Json p;
  ASSERT_TRUE(wait_for(60s, [&] {
    p = pod("stopping");
    const Json* cs = find_path(p, "status.containerStatuses");
    if (!cs || cs->size() != 2) return false;
    for (const auto& s : *cs)
      if (!s["state"].contains("running")) return false;
    return true;
  })) << p.dump(2);
  k().ok({"delete", "pod", "stopping", "--wait=true"});
  std::string worker = read_file(out + "/worker"), httpd_log = read_file(out + "/httpd.log");
  fs::remove_all(out, ec);
  EXPECT_EQ(worker, "prestop\nterm\n");
  if (env_["CNI_READY"] != "1") GTEST_SKIP() << "no pod network here: the httpGet hook's request not checked";
  EXPECT_NE(httpd_log.find("url:/drain"), std::string::npos) << httpd_log;
  bool failed_hook = false;
  for (const auto& e : get_json({"get", "events"}).value("items", Json::array()))
    failed_hook = failed_hook ||
                  (e["involvedObject"].value("name", "") == "stopping" && e.value("reason", "") == "FailedPreStopHook");
  EXPECT_FALSE(failed_hook);
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A free loopback TCP port (free when asked: the caller binds it soon after).
int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// A pod pulls from a registry that wants a password with the credentials of its imagePullSecrets
// (the kubernetes.io/dockerconfigjson Secret `kubectl create secret docker-registry` makes);
// without them the same pull is refused.
TEST_F(ContainersTest, ImagePullSecretsLetPodsPullFromARegistryThatWantsAPassword) {
  // A second registry over the suite's registry storage, behind htpasswd: skiff / pull-secret-pw.
  std::string dir = env_.dir() + "/auth-registry";
  fs::create_directories(dir);
  write_text(dir + "/htpasswd", "skiff:$2b$04$1hS.7rSgHsxB25FiTAydTui13.N3/fnQm30bfDy5wPjbA62jw5q/6\n");
  int port = free_loopback_port();
  ASSERT_GT(port, 0);
  std::string registry = "127.0.0.1:" + std::to_string(port);
  write_text(dir + "/registry.yml", "version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: " +
                                        env_.dir() + "/registry}}\nhttp: {addr: " + registry +
                                        "}\nauth: {htpasswd: {realm: skiff-test, path: " + dir + "/htpasswd}}\n");
  CommandResult started = run_command(
      {"sh", "-c", "docker-registry serve " + dir + "/registry.yml > " + dir + "/registry.log 2>&1 & echo $!"});
  int pid = std::atoi(started.out.c_str());
  ASSERT_GT(pid, 0) << started.err;
  CommandResult answer;
  bool up = wait_for(15s, [&] {
    answer = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://" + registry + "/v2/"});
    return answer.out == "401";
  });
  auto pod_pulling = [&](const std::string& name, const std::string& extra_spec) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "}\nspec:\n  terminationGracePeriodSeconds: 1\n" +
           extra_spec + "  containers:\n  - name: main\n    image: " + registry +
           "/library/busybox:latest\n    command: [\"sh\", \"-c\", \"echo pulled with credentials; exec sleep 3600\"]\n";
  };
  if (up) {
    k().ok({"apply", "-f", "-"}, pod_pulling("no-creds", ""));
    Json p;
    EXPECT_TRUE(wait_for(60s, [&] {
      p = pod("no-creds");
      const Json* cs = find_path(p, "status.containerStatuses");
      if (!cs || cs->empty() || !(*cs)[0]["state"].contains("waiting")) return false;
      std::string reason = (*cs)[0]["state"]["waiting"].value("reason", "");
      return reason == "ErrImagePull" || reason == "ImagePullBackOff";
    })) << p.dump(2);
    EXPECT_NE(p.dump().find("401 Unauthorized"), std::string::npos) << p.dump(2);
    k().ok({"create", "secret", "docker-registry", "regcred", "--docker-server=" + registry, "--docker-username=skiff",
            "--docker-password=pull-secret-pw"});
    start_and_wait_for_log(pod_pulling("with-creds", "  imagePullSecrets: [{name: regcred}]\n"), "with-creds",
                           "pulled with credentials\n");
    k().ok({"delete", "pod", "no-creds", "with-creds", "--wait=false"});
  }
  ::kill(pid, SIGTERM);
  ASSERT_TRUE(up) << "the password-protected registry did not start: " << answer.out << answer.err << "\n"
                  << read_file(dir + "/registry.log");
}

// A Job runs its pods as real containers to completion; the controller then marks it Complete.
TEST_F(ContainersTest, JobWithARealContainerCompletes) {
  k().ok({"create", "job", "once", "--image=" + image(), "--", "sh", "-c", "echo computed; exit 0"});
  Json job;
  ASSERT_TRUE(wait_for(90s, [&] {
    job = get_json({"get", "job", "once"});
    return find_path(job, "status.succeeded") && job["status"]["succeeded"] == 1;
  })) << job.dump(2);
  bool complete = false;
  for (const auto& c : job["status"].value("conditions", Json::array()))
    complete = complete || (c["type"] == "Complete" && c["status"] == "True");
  EXPECT_TRUE(complete) << job.dump(2);
  EXPECT_EQ(k().ok({"logs", "job/once"}), "computed\n");
}

TEST_F(ContainersTest, PodStartupLatencyForAHandfulOfPods) {
  // A figure, not an assertion on time: create -> Running with the image present.
  const int kPods = 5;
  auto created = std::chrono::steady_clock::now();
  for (int i = 0; i < kPods; ++i)
    k().ok({"apply", "-f", "-"}, pod_yaml("latency-" + std::to_string(i), "Always", "sleep 1000"));
  std::vector<double> seconds(kPods, -1);
  wait_for(90s, [&] {
    Json pods = get_json({"get", "pods"});
    auto now = std::chrono::steady_clock::now();
    bool all = true;
    for (const auto& p : pods.value("items", Json::array())) {
      std::string name = p["metadata"]["name"];
      if (name.rfind("latency-", 0) != 0) continue;
      int i = std::stoi(name.substr(8));
      if (seconds[i] < 0 && p["status"].value("phase", "") == "Running")
        seconds[i] = std::chrono::duration<double>(now - created).count();
    }
    for (double s : seconds) all = all && s >= 0;
    return all;
  });
  std::string figures;
  for (double s : seconds) {
    EXPECT_GE(s, 0) << "a pod never ran";
    figures += " " + std::to_string(s).substr(0, 5);
  }
  std::printf("pod startup (all %d created at t=0, polled every ~0.3 s), seconds until Running:%s\n", kPods,
              figures.c_str());
  for (int i = 0; i < kPods; ++i) k().ok({"delete", "pod", "latency-" + std::to_string(i), "--wait=false"});
}

// `skiff agent --runtime cri` joining the suite's server as another node, its kubelet API on a
// loopback port it picks (and its Node's InternalIP on loopback, where the API server finds it).
class JoinedAgent {
 public:
  JoinedAgent(const ServerProcess& server, const ContainerdEnv& env, const std::string& node_name)
      : log_path_(server.data_dir() + "/agent-" + node_name + ".log") {
    std::vector<std::string> args = {SKIFF_BINARY, "agent", "--runtime", "cri", "--kubeconfig", server.kubeconfig(),
                                     "--containerd-socket", env.socket(), "--node-name", node_name,
                                     "--pod-log-dir", server.data_dir() + "/pod-logs-" + node_name,
                                     "--pods-dir", server.data_dir() + "/pods-" + node_name,
                                     "--node-port", "0", "--address", "127.0.0.1", "--node-ip", "127.0.0.1"};
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(SKIFF_BINARY, argv.data());
      _exit(127);
    }
  }
  ~JoinedAgent() { stop(); }

  bool started() const { return pid_ > 0; }
  // SIGTERM and wait: the exit status, -1 when it did not exit by itself.
  int stop() {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_status_;
  }
  std::string log() const { return read_file(log_path_); }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

TEST_F(ContainersTest, SkiffAgentJoinsTheServerAsASecondNodeAndRunsItsPods) {
  JoinedAgent agent(*server_, env_, "second-node");
  ASSERT_TRUE(agent.started());
  std::string yaml = pod_yaml("on-second", "Always", "exec sleep 1000") + "  nodeName: second-node\n";
  Json p;
  bool running = wait_for(60s, [&] {
    if (p.is_null()) k()({"apply", "-f", "-"}, yaml);  // once the Node exists
    p = pod("on-second");
    return find_path(p, "status.phase") && p["status"]["phase"] == "Running";
  });
  Json node = get_json({"get", "node", "second-node"});
  // Deleted while its agent runs, so that agent stops its containers.
  CommandResult deleted = k()({"delete", "pod", "on-second", "--wait=true", "--timeout=60s"});
  int exit_status = agent.stop();
  k()({"delete", "node", "second-node"});  // so later pods are not scheduled onto a node without an agent
  ASSERT_TRUE(running) << p.dump(2) << "\n" << agent.log();
  EXPECT_EQ(exit_status, 0) << agent.log();
  EXPECT_FALSE(p["status"].value("podIP", "").empty());
  // Capacity comes from the machine.
  EXPECT_EQ(node["status"]["capacity"]["cpu"], std::to_string(std::thread::hardware_concurrency()));
  EXPECT_EQ(node["status"]["capacity"]["pods"], "110");
  EXPECT_NE(node["status"]["nodeInfo"]["containerRuntimeVersion"].get<std::string>().find("containerd://"),
            std::string::npos);
  // As a kubelet's: where its API listens, and the addresses to reach it at.
  int kubelet_port = node["status"]["daemonEndpoints"]["kubeletEndpoint"].value("Port", 0);
  EXPECT_GT(kubelet_port, 0);
  EXPECT_NE(kubelet_port, 10250) << "--node-port 0 picks a free port";
  EXPECT_NE(agent.log().find("kubelet API on 127.0.0.1:" + std::to_string(kubelet_port)), std::string::npos)
      << agent.log();
  Json addresses = node["status"]["addresses"];
  ASSERT_EQ(addresses.size(), 2u) << addresses.dump();
  EXPECT_EQ(addresses[0], Json({{"type", "InternalIP"}, {"address", "127.0.0.1"}}));
  EXPECT_EQ(addresses[1]["type"], "Hostname");
  EXPECT_EQ(p["status"]["hostIP"], "127.0.0.1");
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
}

// ---- kubectl logs, with every kubectl version here ----

std::vector<int> kubectl_minors() {
  std::vector<int> minors;
  for (int minor : {27, 33})
    if (!kubectl_path(minor).empty()) minors.push_back(minor);
  return minors;
}

// `kubectl logs -f`: the lines it prints until `want` lines came or the deadline passed, and whether
// it was still following (running) then; it is killed afterwards.
struct FollowedLines {
  std::vector<std::string> lines;
  bool still_running = false;
};

FollowedLines follow_lines(const ServerProcess& server, int minor, const std::vector<std::string>& args, size_t want,
                           std::chrono::seconds deadline) {
  FollowedLines result;
  int out[2];
  if (pipe(out) != 0) return result;
  pid_t child = fork();
  if (child == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    setenv("KUBECONFIG", server.kubeconfig().c_str(), 1);
    setenv("HOME", server.home().c_str(), 1);
    std::string path = kubectl_path(minor);
    std::vector<char*> argv = {path.data()};
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  std::string buffer;
  auto end = std::chrono::steady_clock::now() + deadline;
  while (result.lines.size() < want && std::chrono::steady_clock::now() < end) {
    char chunk[4096];
    ssize_t n = read(out[0], chunk, sizeof chunk);
    if (n > 0) {
      buffer.append(chunk, static_cast<size_t>(n));
      for (size_t nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
        result.lines.push_back(buffer.substr(0, nl));
        buffer.erase(0, nl + 1);
      }
    } else if (n == 0) {
      break;  // kubectl ended
    } else {
      std::this_thread::sleep_for(20ms);
    }
  }
  result.still_running = waitpid(child, nullptr, WNOHANG) == 0;
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(out[0]);
  return result;
}

TEST_F(ContainersTest, LogsShowWhatTheContainerPrinted) {
  start_and_wait_for_log(pod_yaml("printer", "Always", "for i in 1 2 3 4 5; do echo line $i; done; exec sleep 1000"),
                         "printer", "line 1\nline 2\nline 3\nline 4\nline 5\n");
  for (int minor : kubectl_minors()) {
    SCOPED_TRACE("kubectl 1." + std::to_string(minor));
    Kubectl kc(*server_, minor);
    EXPECT_EQ(kc.ok({"logs", "printer"}), "line 1\nline 2\nline 3\nline 4\nline 5\n");
    EXPECT_EQ(kc.ok({"logs", "printer", "--tail=2"}), "line 4\nline 5\n");
    EXPECT_EQ(kc.ok({"logs", "printer", "--limit-bytes=9"}), "line 1\nli");
    EXPECT_EQ(kc.ok({"logs", "printer", "--since=1h"}), "line 1\nline 2\nline 3\nline 4\nline 5\n");
    std::string stamped = kc.ok({"logs", "printer", "--timestamps", "--tail=1"});
    // "<RFC3339Nano> line 5": the time parses and is recent.
    auto space = stamped.find(' ');
    ASSERT_NE(space, std::string::npos) << stamped;
    EXPECT_EQ(stamped.substr(space), " line 5\n");
    auto when = parse_rfc3339(stamped.substr(0, space));
    ASSERT_TRUE(when.has_value()) << stamped;
    EXPECT_LT(std::chrono::abs(std::chrono::system_clock::now() - *when), std::chrono::minutes(10)) << stamped;
  }
  k().ok({"delete", "pod", "printer", "--wait=false"});
}

TEST_F(ContainersTest, LogsContainerIsChosenWithDashCAndRequiredByTheApi) {
  std::string yaml = pod_yaml("pair", "Always", "echo from main; exec sleep 1000") +
                     "  - name: side\n    image: " + image() +
                     "\n    command: [\"sh\", \"-c\", \"echo from side; exec sleep 1000\"]\n";
  start_and_wait_for_log(yaml, "pair", "from side\n", {"-c", "side"});
  for (int minor : kubectl_minors()) {
    SCOPED_TRACE("kubectl 1." + std::to_string(minor));
    Kubectl kc(*server_, minor);
    EXPECT_EQ(kc.ok({"logs", "pair", "-c", "main"}), "from main\n");
    EXPECT_EQ(kc.ok({"logs", "pair", "-c", "side"}), "from side\n");
    // kubectl itself picks the first container when none is named, and says so.
    CommandResult defaulted = kc({"logs", "pair"});
    EXPECT_EQ(defaulted.exit_code, 0);
    EXPECT_EQ(defaulted.out, "from main\n");
    EXPECT_NE(defaulted.err.find("Defaulted container \"main\" out of: main, side"), std::string::npos)
        << defaulted.err;
    // The API server needs the name.
    CommandResult raw = kc({"get", "--raw", "/api/v1/namespaces/default/pods/pair/log"});
    EXPECT_NE(raw.exit_code, 0);
    EXPECT_NE(raw.err.find("a container name must be specified for pod pair, choose one of: [main side]"),
              std::string::npos)
        << raw.err;
    CommandResult unknown = kc({"logs", "pair", "-c", "nope"});
    EXPECT_NE(unknown.exit_code, 0);
    EXPECT_NE(unknown.err.find("container nope is not valid for pod pair"), std::string::npos) << unknown.err;
  }
  k().ok({"delete", "pod", "pair", "--wait=false"});
}

TEST_F(ContainersTest, LogsPreviousShowsTheRunBeforeARestart) {
  // Each run counts itself in an emptyDir that outlives the container; the second run stays up.
  std::string yaml = pod_yaml("twice", "Always",
                              "n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/n; echo run $n; "
                              "[ $n -ge 2 ] && exec sleep 1000; exit 1",
                              "    volumeMounts: [{name: data, mountPath: /data}]\n") +
                     "  volumes: [{name: data, emptyDir: {}}]\n";
  start_and_wait_for_log(yaml, "twice", "run 2\n");
  for (int minor : kubectl_minors()) {
    SCOPED_TRACE("kubectl 1." + std::to_string(minor));
    Kubectl kc(*server_, minor);
    EXPECT_EQ(kc.ok({"logs", "twice", "--previous"}), "run 1\n");
    EXPECT_EQ(kc.ok({"logs", "twice"}), "run 2\n");
  }
  k().ok({"delete", "pod", "twice", "--wait=false"});
}

TEST_F(ContainersTest, LogsPreviousWithoutARestartAndWaitingContainersAreErrors) {
  start_and_wait_for_log(pod_yaml("fresh", "Always", "echo hi; exec sleep 1000"), "fresh", "hi\n");
  std::string badimage = "apiVersion: v1\nkind: Pod\nmetadata: {name: nopull}\nspec:\n  containers:\n  - name: main\n"
                         "    image: " + env_["REGISTRY"] + "/library/does-not-exist:1\n";
  k().ok({"apply", "-f", "-"}, badimage);
  for (int minor : kubectl_minors()) {
    SCOPED_TRACE("kubectl 1." + std::to_string(minor));
    Kubectl kc(*server_, minor);
    CommandResult previous = kc({"logs", "fresh", "--previous"});
    EXPECT_NE(previous.exit_code, 0);
    EXPECT_NE(previous.err.find("previous terminated container \"main\" in pod \"fresh\" not found"),
              std::string::npos)
        << previous.err;
    CommandResult waiting;
    wait_for(30s, [&] {
      waiting = kc({"logs", "nopull"});
      return waiting.err.find("is waiting to start: ") != std::string::npos &&
             waiting.err.find("ContainerCreating") == std::string::npos;
    });
    EXPECT_NE(waiting.exit_code, 0);
    EXPECT_NE(waiting.err.find("container \"main\" in pod \"nopull\" is waiting to start: "), std::string::npos)
        << waiting.err;
  }
  k().ok({"delete", "pod", "fresh", "nopull", "--wait=false"});
}

TEST_F(ContainersTest, LogsFollowStreamsLinesAsTheyAreWritten) {
  k().ok({"apply", "-f", "-"},
         pod_yaml("ticker", "Always", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"));
  ASSERT_TRUE(wait_for(60s, [&] { return k()({"logs", "ticker", "--tail=1"}).out.find("tick") == 0; }))
      << pod("ticker").dump(2);
  for (int minor : kubectl_minors()) {
    SCOPED_TRACE("kubectl 1." + std::to_string(minor));
    FollowedLines followed = follow_lines(*server_, minor, {"logs", "-f", "ticker", "--tail=1"}, 6, 20s);
    ASSERT_EQ(followed.lines.size(), 6u);
    EXPECT_TRUE(followed.still_running) << "kubectl logs -f ended instead of following";
    // Consecutive ticks: each line arrived as the container wrote it.
    int first = std::stoi(followed.lines[0].substr(5));
    for (size_t i = 0; i < followed.lines.size(); ++i)
      EXPECT_EQ(followed.lines[i], "tick " + std::to_string(first + static_cast<int>(i)));
  }
  k().ok({"delete", "pod", "ticker", "--wait=false"});
}

TEST_F(ContainersTest, LogsFollowEndsWhenTheContainerExits) {
  k().ok({"apply", "-f", "-"}, pod_yaml("brief", "Never", "echo start; sleep 3; echo done"));
  ASSERT_TRUE(wait_for(60s, [&] { return k()({"logs", "brief"}).out == "start\n"; })) << pod("brief").dump(2);
  CommandResult followed = k()({"logs", "-f", "brief"});
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_EQ(followed.out, "start\ndone\n");
  k().ok({"delete", "pod", "brief", "--wait=false"});
}

TEST_F(ContainersTest, LogsOfADeploymentReadOneOfItsPods) {
  std::string deployment = R"yaml(apiVersion: apps/v1
kind: Deployment
metadata: {name: talker}
spec:
  replicas: 1
  selector: {matchLabels: {app: talker}}
  template:
    metadata: {labels: {app: talker}}
    spec:
      containers:
      - name: main
        image: IMAGE
        command: ["sh", "-c", "echo deployed hello; exec sleep 1000"]
)yaml";
  deployment.replace(deployment.find("IMAGE"), 5, image());
  k().ok({"apply", "-f", "-"}, deployment);
  for (int minor : kubectl_minors()) {
    SCOPED_TRACE("kubectl 1." + std::to_string(minor));
    Kubectl kc(*server_, minor);
    CommandResult r;
    EXPECT_TRUE(wait_for(60s, [&] {
      r = kc({"logs", "deploy/talker"});
      return r.exit_code == 0 && r.out == "deployed hello\n";
    })) << r.out << r.err;
  }
  k().ok({"delete", "deployment", "talker"});
}

// ---- pods on a joined agent's node: the API server goes through that agent's kubelet API ----

// Applies `yaml` (a pod bound to `node`) once the agent registered the node, and waits until it runs.
Json run_on_joined_node(const Kubectl& k, const std::string& yaml, const std::string& name) {
  Json p;
  auto end = std::chrono::steady_clock::now() + 90s;
  bool applied = false;
  while (std::chrono::steady_clock::now() < end) {
    if (!applied) applied = k({"apply", "-f", "-"}, yaml).exit_code == 0;
    CommandResult got = k({"get", "pod", name, "-o", "json"});
    auto parsed = parse_json(got.out);
    if (parsed.ok() && find_path(*parsed, "status.phase") && (*parsed)["status"]["phase"] == "Running") return *parsed;
    if (parsed.ok()) p = *parsed;
    std::this_thread::sleep_for(250ms);
  }
  return p;
}

TEST_F(ContainersTest, KubectlLogsExecAndPortForwardReachPodsOnAJoinedAgentsNode) {
  JoinedAgent agent(*server_, env_, "remote-node");
  ASSERT_TRUE(agent.started());
  const std::string yaml =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: remote-web}\nspec:\n  nodeName: remote-node\n"
      "  terminationGracePeriodSeconds: 2\n  containers:\n  - name: web\n    image: " + image() + "\n"
      "    command: [\"sh\", \"-c\", \"mkdir -p /www && echo remote page > /www/index.html && httpd -p 8080 -h /www"
      " && echo hello from the remote node && i=0 && while true; do i=$((i+1)); echo tick $i; sleep 0.3; done\"]\n";
  Json p = run_on_joined_node(k(), yaml, "remote-web");
  ASSERT_EQ(p.value("status", Json::object()).value("phase", ""), "Running") << p.dump(2) << agent.log();

  for (int minor : kubectl_minors()) {
    SCOPED_TRACE("kubectl 1." + std::to_string(minor));
    Kubectl kubectl(*server_, minor);
    CommandResult logs = kubectl({"logs", "remote-web"});
    EXPECT_EQ(logs.exit_code, 0) << logs.err << agent.log();
    EXPECT_EQ(logs.out.rfind("hello from the remote node\ntick 1\n", 0), 0u) << logs.out;

    FollowedLines followed = follow_lines(*server_, minor, {"logs", "-f", "remote-web", "--tail=1"}, 3, 20s);
    ASSERT_EQ(followed.lines.size(), 3u) << agent.log();
    EXPECT_TRUE(followed.still_running) << "kubectl logs -f ended instead of following";
    int first = std::stoi(followed.lines[0].substr(5));
    EXPECT_EQ(followed.lines[2], "tick " + std::to_string(first + 2)) << "lines arrive as the container writes them";

    CommandResult hi = kubectl({"exec", "remote-web", "--", "echo", "hi"});
    EXPECT_EQ(hi.exit_code, 0) << hi.err << agent.log();
    EXPECT_EQ(hi.out, "hi\n");
    CommandResult input = kubectl({"exec", "-i", "remote-web", "--", "sh", "-c", "tr a-z A-Z; exit 4"}, "shout\n");
    EXPECT_EQ(input.exit_code, 4) << input.err;
    EXPECT_EQ(input.out, "SHOUT\n");

    EXPECT_EQ(page_through_port_forward(*server_, minor, "remote-web", 8080), "remote page\n");
  }
  k()({"delete", "pod", "remote-web", "--wait=true", "--timeout=60s"});
  agent.stop();
  k()({"delete", "node", "remote-node"});
}

TEST_F(ContainersTest, PodsOnAStoppedAgentsNodeAnswerWithTheDialError) {
  JoinedAgent agent(*server_, env_, "stopping-node");
  ASSERT_TRUE(agent.started());
  Json p = run_on_joined_node(k(),
                              pod_yaml("stranded", "Always", "echo still here; exec sleep 1000") +
                                  "  nodeName: stopping-node\n",
                              "stranded");
  ASSERT_EQ(p.value("status", Json::object()).value("phase", ""), "Running") << p.dump(2) << agent.log();
  agent.stop();  // containers keep running; nothing answers at the node's kubelet port now
  CommandResult logs = k()({"logs", "stranded"});
  CommandResult exec = k()({"exec", "stranded", "--", "true"});
  JoinedAgent again(*server_, env_, "stopping-node");  // adopts the pod, so that deleting it stops its container
  k()({"delete", "pod", "stranded", "--wait=true", "--timeout=60s"});
  again.stop();
  k()({"delete", "node", "stopping-node"});
  EXPECT_NE(logs.exit_code, 0);
  EXPECT_NE(logs.err.find("/containerLogs/default/stranded/main\": dial tcp 127.0.0.1:"), std::string::npos) << logs.err;
  EXPECT_NE(logs.err.find("connect: connection refused"), std::string::npos) << logs.err;
  EXPECT_NE(exec.exit_code, 0);
  EXPECT_NE(exec.err.find("error dialing backend: dial tcp 127.0.0.1:"), std::string::npos) << exec.err;
}

// The agent's kubelet API serves the API server's kubelet-client certificate alone: the admin's
// certificate (same CA, system:masters) is 403, none or another CA's is 401.
TEST_F(ContainersTest, JoinedAgentsKubeletApiRefusesEveryoneButTheApiServer) {
  JoinedAgent agent(*server_, env_, "guarded-node");
  ASSERT_TRUE(agent.started());
  int port = 0;
  ASSERT_TRUE(wait_for(60s, [&] {
    Json node = get_json({"get", "node", "guarded-node"});
    const Json* p = find_path(node, "status.daemonEndpoints.kubeletEndpoint.Port");
    port = p && p->is_number() ? p->get<int>() : 0;
    return port > 0 && port != 10250;
  })) << agent.log();
  const std::string dir = server_->data_dir();
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/containerLogs/default/absent/main";
  auto status_with = [&](const std::vector<std::string>& credentials) {
    std::vector<std::string> argv = {"curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}"};
    argv.insert(argv.end(), credentials.begin(), credentials.end());
    argv.push_back(url);
    return run_command(argv).out;
  };
  std::string other_ca = dir + "/other-ca";
  run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
               "1", "-subj", "/O=system:masters/CN=kube-apiserver-kubelet-client", "-keyout", other_ca + ".key",
               "-out", other_ca + ".crt"});

  EXPECT_EQ(status_with({"--cert", dir + "/admin.crt", "--key", dir + "/admin.key"}), "403");
  EXPECT_EQ(status_with({}), "401");
  EXPECT_EQ(status_with({"--cert", other_ca + ".crt", "--key", other_ca + ".key"}), "401");
  // The API server's own identity gets through, to a pod this node does not have.
  EXPECT_EQ(status_with({"--cert", dir + "/apiserver-kubelet-client.crt", "--key",
                         dir + "/apiserver-kubelet-client.key"}),
            "404");
  agent.stop();
  k()({"delete", "node", "guarded-node"});
}

TEST(ContainersWithoutContainerdTest, ServerSaysWhatToInstallAndKeepsServing) {
  ServerProcess server({"--runtime", "cri", "--containerd-socket", "/nonexistent/containerd.sock"});
  server.start();
  Kubectl k(server, 33);
  if (!k.available()) GTEST_SKIP() << "kubectl 1.33 is not installed";
  k.ok({"create", "namespace", "still-serving"});
  std::string log;
  for (int i = 0; i < 40 && log.find("apt-get install containerd") == std::string::npos; ++i) {
    std::this_thread::sleep_for(250ms);
    log = read_file(server.log_path());
  }
  EXPECT_NE(log.find("containerd does not answer on /nonexistent/containerd.sock"), std::string::npos) << log;
  EXPECT_NE(log.find("apt-get install containerd"), std::string::npos) << log;
  server.stop();
}

// Last: restarts the shared server.
TEST_F(ContainersTest, RestartingTheServerAdoptsRunningContainersWithoutRestartingThem) {
  k().ok({"apply", "-f", "-"}, pod_yaml("survivor", "Always", "sleep 100000"));
  Json before;
  ASSERT_TRUE(wait_for(60s, [&] {
    before = pod("survivor");
    return find_path(before, "status.phase") && before["status"]["phase"] == "Running";
  })) << before.dump(2);
  std::string container_id = before["status"]["containerStatuses"][0]["containerID"];
  size_t containerd_objects = containerd_containers(before["metadata"]["uid"]).size();  // the sandbox's too
  ASSERT_EQ(containerd_objects, 2u);

  server_->stop();
  server_->start();
  Json after;
  // Wait for the new agent to have synced the pod (its node heartbeats and the pod stays Running).
  std::this_thread::sleep_for(3s);
  ASSERT_TRUE(wait_for(60s, [&] {
    after = pod("survivor");
    return find_path(after, "status.phase") && after["status"]["phase"] == "Running";
  })) << after.dump(2);
  EXPECT_EQ(after["status"]["containerStatuses"][0]["containerID"], container_id);
  EXPECT_EQ(after["status"]["containerStatuses"][0]["restartCount"], 0);
  EXPECT_EQ(containerd_containers(after["metadata"]["uid"]).size(), containerd_objects);
}

}  // namespace
}  // namespace skiff::e2e

// Issue 4's acceptance: workloads scheduled, rolled out, healed and collected by the control
// plane on simulated nodes, driven with the real kubectl.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "harness.h"

namespace skiff::e2e {
namespace {

constexpr int kMinor = 33;

// Splits `kubectl -o json` watch output (concatenated pretty-printed objects) into objects.
std::vector<Json> split_json_stream(const std::string& text) {
  std::vector<Json> out;
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{') {
      if (depth++ == 0) start = i;
    } else if (c == '}' && --depth == 0) {
      auto j = parse_json(text.substr(start, i - start + 1));
      if (j.ok()) out.push_back(std::move(*j));
    }
  }
  return out;
}

class Workloads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--sim-nodes", "6", "--node-monitor-grace-period", "2s", "--node-monitor-period",
                                 "500ms", "--default-not-ready-toleration-seconds", "2",
                                 "--default-unreachable-toleration-seconds", "2", "--datastore", "memory"});
    server_->start();
  }
  static void TearDownTestSuite() {
    server_->stop();
    delete server_;
  }
  void SetUp() override {
    if (kubectl_path(kMinor).empty()) GTEST_SKIP() << "kubectl 1.33 is not on this machine";
    k_ = std::make_unique<Kubectl>(*server_, kMinor);
    ASSERT_TRUE(eventually_json({"get", "nodes"}, [](const Json& nodes) {
      int ready = 0;
      for (const auto& n : nodes["items"])
        for (const auto& c : n["status"].value("conditions", Json::array()))
          if (c["type"] == "Ready" && c["status"] == "True") ++ready;
      return ready >= 6;
    }));
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ns_ = "w-";
    for (char c : test) ns_ += static_cast<char>(std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '-');
    if (ns_.size() > 60) ns_.resize(60);
    k().ok({"create", "namespace", ns_});
  }

  const Kubectl& k() { return *k_; }
  Json get_json(std::vector<std::string> args) {
    args.insert(args.end(), {"-o", "json"});
    auto j = parse_json(k().ok(args));
    return j.ok() ? *j : Json();
  }
  bool eventually_json(std::vector<std::string> args, const std::function<bool(const Json&)>& cond,
                       std::chrono::seconds timeout = std::chrono::seconds(30)) {
    args.insert(args.end(), {"-o", "json"});
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      CommandResult r = (*k_)(args);
      if (r.exit_code == 0) {
        auto j = parse_json(r.out);
        if (j.ok() && cond(*j)) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }
  // Pods of the namespace that are Running and not being deleted, by name -> node.
  std::map<std::string, std::string> running_pods(const std::string& selector) {
    std::map<std::string, std::string> out;
    const Json listed_pods = get_json({"get", "pods", "-n", ns_, "-l", selector});  // outlives the loop
    for (const auto& p : listed_pods["items"])
      if (p["status"].value("phase", "") == "Running" && !p["metadata"].contains("deletionTimestamp"))
        out[p["metadata"]["name"]] = p["spec"].value("nodeName", "");
    return out;
  }
  std::map<std::string, std::string> node_zones() {
    std::map<std::string, std::string> out;
    const Json nodes = get_json({"get", "nodes"});
    for (const auto& n : nodes["items"])
      out[n["metadata"]["name"]] = n["metadata"]["labels"].value("topology.kubernetes.io/zone", "");
    return out;
  }
  std::string deployment_yaml(const std::string& name, int replicas, const std::string& extra_spec = "") {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: " + ns_ +
           "\nspec:\n  replicas: " + std::to_string(replicas) + "\n  selector:\n    matchLabels:\n      app: " + name +
           "\n  template:\n    metadata:\n      labels:\n        app: " + name +
           "\n    spec:\n" + extra_spec + "      containers:\n      - name: app\n        image: registry.local/app:1\n";
  }

  static ServerProcess* server_;
  std::unique_ptr<Kubectl> k_;
  std::string ns_;
};

ServerProcess* Workloads::server_ = nullptr;

TEST_F(Workloads, TopologySpreadPutsTwoReplicasInEachZone) {
  k().ok({"apply", "-f", "-"}, deployment_yaml("spread", 6,
                                               "      topologySpreadConstraints:\n"
                                               "      - maxSkew: 1\n"
                                               "        topologyKey: topology.kubernetes.io/zone\n"
                                               "        whenUnsatisfiable: DoNotSchedule\n"
                                               "        labelSelector:\n"
                                               "          matchLabels:\n"
                                               "            app: spread\n"));
  ASSERT_TRUE(eventually_json({"get", "deploy", "spread", "-n", ns_},
                              [](const Json& d) { return d["status"].value("availableReplicas", 0) == 6; }));
  auto zones = node_zones();
  std::map<std::string, int> per_zone;
  for (const auto& [pod, node] : running_pods("app=spread")) ++per_zone[zones[node]];
  ASSERT_EQ(per_zone.size(), 3u);
  for (const auto& [zone, n] : per_zone) EXPECT_EQ(n, 2) << zone;
}

TEST_F(Workloads, RequiredAntiAffinityPutsEachReplicaOnItsOwnNode) {
  k().ok({"apply", "-f", "-"}, deployment_yaml("lonely", 6,
                                               "      affinity:\n"
                                               "        podAntiAffinity:\n"
                                               "          requiredDuringSchedulingIgnoredDuringExecution:\n"
                                               "          - topologyKey: kubernetes.io/hostname\n"
                                               "            labelSelector:\n"
                                               "              matchLabels:\n"
                                               "                app: lonely\n"));
  ASSERT_TRUE(eventually_json({"get", "deploy", "lonely", "-n", ns_},
                              [](const Json& d) { return d["status"].value("availableReplicas", 0) == 6; }));
  std::set<std::string> nodes;
  for (const auto& [pod, node] : running_pods("app=lonely")) nodes.insert(node);
  EXPECT_EQ(nodes.size(), 6u);
}

TEST_F(Workloads, RollingUpdateKeepsWithinSurgeAndUnavailabilityAndRolloutCommandsWork) {
  k().ok({"apply", "-f", "-"}, deployment_yaml("roll", 6,
                                               "      terminationGracePeriodSeconds: 0\n") +
                                   "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n"
                                   "      maxUnavailable: 1\n");
  k().ok({"rollout", "status", "deployment/roll", "-n", ns_, "--timeout=60s"});

  // Watch every pod event during the rollout, in the background.
  CommandResult watched;
  std::thread watcher([&] {
    watched = (*k_)({"get", "pods", "-n", ns_, "-l", "app=roll", "-w", "--output-watch-events", "-o", "json",
                     "--request-timeout=20s"});
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  k().ok({"set", "image", "deployment/roll", "app=registry.local/app:2", "-n", ns_});
  std::string status = k().ok({"rollout", "status", "deployment/roll", "-n", ns_, "--timeout=60s"});
  EXPECT_NE(status.find("successfully rolled out"), std::string::npos) << status;
  watcher.join();

  // Replay the events: at every moment, live pods <= 6 + 1 and ready pods >= 6 - 1.
  std::map<std::string, Json> pods;
  size_t events = 0;
  bool started_rollout = false;
  for (const auto& e : split_json_stream(watched.out)) {
    const Json& pod = e["object"];
    std::string name = pod["metadata"].value("name", "");
    if (e["type"] == "DELETED" || pod["metadata"].contains("deletionTimestamp")) pods.erase(name);
    else pods[name] = pod;
    ++events;
    int live = static_cast<int>(pods.size()), ready = 0;
    for (const auto& [n, p] : pods)
      for (const auto& c : p["status"].value("conditions", Json::array()))
        if (c["type"] == "Ready" && c["status"] == "True") ++ready;
    if (live == 6 && ready == 6 && !started_rollout) started_rollout = true;
    if (!started_rollout) continue;
    EXPECT_LE(live, 7) << "after event " << events;
    EXPECT_GE(ready, 5) << "after event " << events;
  }
  EXPECT_GT(events, 12u) << "the watch saw the rollout";

  std::string history = k().ok({"rollout", "history", "deployment/roll", "-n", ns_});
  EXPECT_NE(history.find("1 "), std::string::npos) << history;
  EXPECT_NE(history.find("2 "), std::string::npos) << history;

  k().ok({"rollout", "undo", "deployment/roll", "-n", ns_});
  k().ok({"rollout", "status", "deployment/roll", "-n", ns_, "--timeout=60s"});
  Json d = get_json({"get", "deploy", "roll", "-n", ns_});
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["image"], "registry.local/app:1");
  EXPECT_EQ(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "3");

  auto before = running_pods("app=roll");
  k().ok({"rollout", "restart", "deployment/roll", "-n", ns_});
  k().ok({"rollout", "status", "deployment/roll", "-n", ns_, "--timeout=60s"});
  ASSERT_TRUE(eventually_json({"get", "pods", "-n", ns_, "-l", "app=roll"}, [&](const Json& list) {
    int fresh = 0;
    for (const auto& p : list["items"])
      if (!before.count(p["metadata"]["name"]) && p["status"].value("phase", "") == "Running") ++fresh;
    return fresh == 6 && list["items"].size() == 6;
  }));
}

TEST_F(Workloads, PodsOfAStoppedNodeAreEvictedAndReplaced) {
  k().ok({"apply", "-f", "-"}, deployment_yaml("heal", 6));
  ASSERT_TRUE(eventually_json({"get", "deploy", "heal", "-n", ns_},
                              [](const Json& d) { return d["status"].value("availableReplicas", 0) == 6; }));
  std::string victim = running_pods("app=heal").begin()->second;
  k().ok({"annotate", "node", victim, "sim.skiff.dev/down=true"});
  ASSERT_TRUE(eventually_json({"get", "node", victim}, [](const Json& n) {
    for (const auto& c : n["status"]["conditions"])
      if (c["type"] == "Ready") return c["status"] == "Unknown";
    return false;
  }));
  std::string nodes = k().ok({"get", "nodes"});
  EXPECT_NE(nodes.find("NotReady"), std::string::npos) << nodes;
  ASSERT_TRUE(eventually_json({"get", "pods", "-n", ns_, "-l", "app=heal"}, [&](const Json& list) {
    int healthy = 0;
    for (const auto& p : list["items"])
      if (p["status"].value("phase", "") == "Running" && !p["metadata"].contains("deletionTimestamp") &&
          p["spec"].value("nodeName", "") != victim)
        ++healthy;
    return healthy == 6;
  }));
  k().ok({"annotate", "node", victim, "sim.skiff.dev/down-"});
  EXPECT_TRUE(eventually_json({"get", "node", victim}, [](const Json& n) {
    for (const auto& c : n["status"]["conditions"])
      if (c["type"] == "Ready") return c["status"] == "True" && !n["spec"].contains("taints");
    return false;
  }));
}

// kubectl drain evicts (it deletes instead when discovery lists no pods/eviction), so a
// PodDisruptionBudget holds the pods it protects in place.
TEST_F(Workloads, DrainHonoursPodDisruptionBudgets) {
  k().ok({"apply", "-f", "-"}, deployment_yaml("guarded", 2));
  ASSERT_TRUE(eventually_json({"get", "deploy", "guarded", "-n", ns_},
                              [](const Json& d) { return d["status"].value("availableReplicas", 0) == 2; }));
  k().ok({"create", "pdb", "guarded", "-n", ns_, "--selector=app=guarded", "--min-available=2"});
  ASSERT_TRUE(eventually_json({"get", "pdb", "guarded", "-n", ns_}, [](const Json& p) {
    return p["status"].value("currentHealthy", 0) == 2 && p["status"].contains("disruptionsAllowed");
  }));
  const auto before = running_pods("app=guarded");
  const std::string node = before.begin()->second;
  CommandResult drained = k()({"drain", node, "--ignore-daemonsets", "--pod-selector=app=guarded", "--timeout=4s"});
  k().ok({"uncordon", node});
  EXPECT_NE(drained.exit_code, 0) << drained.out << drained.err;
  EXPECT_NE((drained.out + drained.err).find("disruption budget"), std::string::npos) << drained.out << drained.err;
  EXPECT_EQ(running_pods("app=guarded"), before);
}

TEST_F(Workloads, PodTooBigStaysPendingUntilABigNodeJoins) {
  k().ok({"apply", "-f", "-"},
         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: huge\n  namespace: " + ns_ +
             "\nspec:\n  containers:\n  - name: app\n    image: registry.local/app:1\n    resources:\n"
             "      requests:\n        cpu: \"64\"\n");
  ASSERT_TRUE(eventually_json({"get", "events", "-n", ns_, "--field-selector", "involvedObject.name=huge"},
                              [](const Json& list) {
                                for (const auto& e : list["items"])
                                  if (e["reason"] == "FailedScheduling" &&
                                      e["message"].get<std::string>().find("6 Insufficient cpu") != std::string::npos)
                                    return true;
                                return false;
                              }));
  EXPECT_EQ(get_json({"get", "pod", "huge", "-n", ns_})["status"]["phase"], "Pending");
  std::string described = k().ok({"describe", "pod", "huge", "-n", ns_});
  EXPECT_NE(described.find("FailedScheduling"), std::string::npos) << described;

  // A big node joins (a second process, as `skiff agent` would on another machine).
  CommandResult agent;
  std::thread joiner([&] {
    agent = run_command({SKIFF_BINARY, "agent", "--kubeconfig", server_->kubeconfig(), "--runtime", "sim",
                         "--sim-nodes", "1", "--node-name-prefix", "big-", "--node-cpu", "128",
                         "--node-lease-renew-interval", "500ms"},
                        "", {}, 15);
  });
  bool scheduled = eventually_json({"get", "pod", "huge", "-n", ns_}, [](const Json& p) {
    return p["spec"].value("nodeName", "") == "big-0" && p["status"].value("phase", "") == "Running";
  });
  joiner.join();
  EXPECT_TRUE(scheduled) << agent.err;
  k()({"delete", "node", "big-0", "--wait=false"});
}

TEST_F(Workloads, StatefulSetCreatesOrderedPodsWithClaims) {
  k().ok({"apply", "-f", "-"},
         "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n  namespace: " + ns_ +
             "\nspec:\n  serviceName: web\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n"
             "  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n"
             "      - name: app\n        image: registry.local/app:1\n  volumeClaimTemplates:\n"
             "  - metadata:\n      name: www\n    spec:\n      accessModes: [ReadWriteOnce]\n"
             "      resources:\n        requests:\n          storage: 1Gi\n");
  ASSERT_TRUE(eventually_json({"get", "sts", "web", "-n", ns_},
                              [](const Json& s) { return s["status"].value("readyReplicas", 0) == 3; }));
  Json pods = get_json({"get", "pods", "-n", ns_, "-l", "app=web"});
  std::map<std::string, Json> by_name;
  for (const auto& p : pods["items"]) by_name[p["metadata"]["name"]] = p;
  ASSERT_EQ(by_name.size(), 3u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(by_name.count("web-" + std::to_string(i)));
  // OrderedReady: each pod was created once the one before it was Ready.
  auto ready_since = [](const Json& p) {
    for (const auto& c : p["status"]["conditions"])
      if (c["type"] == "Ready") return c["lastTransitionTime"].get<std::string>();
    return std::string();
  };
  for (int i = 1; i < 3; ++i)
    EXPECT_LE(ready_since(by_name["web-" + std::to_string(i - 1)]),
              by_name["web-" + std::to_string(i)]["metadata"]["creationTimestamp"].get<std::string>());
  Json claims = get_json({"get", "pvc", "-n", ns_});
  std::set<std::string> names;
  for (const auto& c : claims["items"]) names.insert(c["metadata"]["name"]);
  EXPECT_EQ(names, (std::set<std::string>{"www-web-0", "www-web-1", "www-web-2"}));
}

TEST_F(Workloads, JobRunsFiveCompletionsTwoAtATime) {
  k().ok({"apply", "-f", "-"},
         "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: batch\n  namespace: " + ns_ +
             "\nspec:\n  completions: 5\n  parallelism: 2\n  template:\n    metadata:\n      annotations:\n"
             "        sim.skiff.dev/run-seconds: \"1\"\n    spec:\n      restartPolicy: Never\n      containers:\n"
             "      - name: work\n        image: registry.local/app:1\n");
  k().ok({"wait", "--for=condition=complete", "job/batch", "-n", ns_, "--timeout=60s"});
  Json job = get_json({"get", "job", "batch", "-n", ns_});
  EXPECT_EQ(job["status"]["succeeded"], 5);
  EXPECT_EQ(get_json({"get", "pods", "-n", ns_, "-l", "job-name=batch"})["items"].size(), 5u);
}

TEST_F(Workloads, DaemonSetRunsOnEveryNodeIncludingOneThatJoinsLater) {
  k().ok({"apply", "-f", "-"},
         "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  namespace: " + ns_ +
             "\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n"
             "        app: agent\n    spec:\n      containers:\n      - name: app\n        image: registry.local/app:1\n");
  auto ready_nodes = [&] {
    int n = 0;
    const Json listed = get_json({"get", "nodes"});
    for (const auto& node : listed["items"])
      for (const auto& c : node["status"]["conditions"])
        if (c["type"] == "Ready" && c["status"] == "True") ++n;
    return n;
  };
  int nodes = ready_nodes();
  ASSERT_TRUE(eventually_json({"get", "ds", "agent", "-n", ns_}, [&](const Json& d) {
    return d["status"].value("numberReady", 0) == nodes && d["status"].value("desiredNumberScheduled", 0) == nodes;
  }));
  CommandResult agent;
  std::thread joiner([&] {
    agent = run_command({SKIFF_BINARY, "agent", "--kubeconfig", server_->kubeconfig(), "--runtime", "sim",
                         "--sim-nodes", "1", "--node-name-prefix", "late-", "--node-lease-renew-interval", "500ms"},
                        "", {}, 15);
  });
  bool spread = eventually_json({"get", "pods", "-n", ns_, "-l", "app=agent"}, [](const Json& list) {
    for (const auto& p : list["items"])
      if (p["spec"].value("nodeName", "") == "late-0" && p["status"].value("phase", "") == "Running") return true;
    return false;
  });
  joiner.join();
  EXPECT_TRUE(spread) << agent.err;
  k()({"delete", "node", "late-0", "--wait=false"});
}

TEST_F(Workloads, CascadingDeletionInAllThreeModes) {
  for (const char* name : {"fg", "bg", "orphan"}) k().ok({"apply", "-f", "-"}, deployment_yaml(name, 2));
  for (const char* name : {"fg", "bg", "orphan"})
    ASSERT_TRUE(eventually_json({"get", "deploy", name, "-n", ns_},
                                [](const Json& d) { return d["status"].value("availableReplicas", 0) == 2; }));
  k().ok({"delete", "deploy", "fg", "-n", ns_, "--cascade=foreground"});
  EXPECT_TRUE(eventually_json({"get", "rs,pods", "-n", ns_, "-l", "app=fg"},
                              [](const Json& l) { return l["items"].empty(); }));
  k().ok({"delete", "deploy", "bg", "-n", ns_, "--cascade=background"});
  EXPECT_TRUE(eventually_json({"get", "rs,pods", "-n", ns_, "-l", "app=bg"},
                              [](const Json& l) { return l["items"].empty(); }));
  k().ok({"delete", "deploy", "orphan", "-n", ns_, "--cascade=orphan"});
  std::this_thread::sleep_for(std::chrono::seconds(1));
  Json left = get_json({"get", "rs", "-n", ns_, "-l", "app=orphan"});
  ASSERT_EQ(left["items"].size(), 1u);
  EXPECT_FALSE(left["items"][0]["metadata"].contains("ownerReferences"));
  const auto pods = running_pods("app=orphan");
  EXPECT_EQ(pods.size(), 2u);
  // Applied again, the Deployment adopts the ReplicaSet it left behind, and with it the pods.
  k().ok({"apply", "-f", "-"}, deployment_yaml("orphan", 2));
  EXPECT_TRUE(eventually_json({"get", "rs", "-n", ns_, "-l", "app=orphan"}, [](const Json& l) {
    return l["items"].size() == 1 && l["items"][0]["metadata"].contains("ownerReferences");
  }));
  k().ok({"rollout", "status", "deploy/orphan", "-n", ns_, "--timeout=30s"});
  EXPECT_EQ(running_pods("app=orphan"), pods);
}

TEST_F(Workloads, CronJobCreatesAJobEveryMinute) {
  k().ok({"create", "cronjob", "tick", "-n", ns_, "--image=registry.local/app:1", "--schedule=* * * * *"});
  ASSERT_TRUE(eventually_json(
      {"get", "jobs", "-n", ns_},
      [](const Json& l) {
        for (const auto& j : l["items"])
          if (j["metadata"]["name"].get<std::string>().rfind("tick-", 0) == 0) return true;
        return false;
      },
      std::chrono::seconds(75)));
  Json cj = get_json({"get", "cronjob", "tick", "-n", ns_});
  EXPECT_TRUE(cj["status"].contains("lastScheduleTime"));
}

}  // namespace
}  // namespace skiff::e2e

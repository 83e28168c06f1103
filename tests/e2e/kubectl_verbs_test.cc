// Issue 3's first acceptance bullet: the verbs of kubectl 1.27 and 1.33, with no extra flags,
// against `skiff server --sim-nodes 3` (so workloads run and conditions are reached).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <regex>
#include <sstream>
#include <thread>

#include "harness.h"
#include "util/json.h"

namespace skiff::e2e {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string deployment_yaml(const std::string& name, int replicas) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  labels:\n    app: " + name +
         "\nspec:\n  replicas: " + std::to_string(replicas) + "\n  selector:\n    matchLabels:\n      app: " + name +
         "\n  template:\n    metadata:\n      labels:\n        app: " + name +
         "\n    spec:\n      containers:\n      - name: app\n        image: registry.local/app:1\n";
}

std::string configmap_yaml(const std::string& name, const std::string& mode) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  mode: " + mode + "\n";
}

// One server with three simulated nodes for the whole suite; each test gets a namespace named
// after it and the kubectl version it runs with.
class KubectlVerbs : public ::testing::TestWithParam<int> {
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
    if (kubectl_path(GetParam()).empty()) GTEST_SKIP() << "kubectl 1." << GetParam() << " is not on this machine";
    k_ = std::make_unique<Kubectl>(*server_, GetParam());
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ns_ = "v" + std::to_string(GetParam()) + "-" + std::regex_replace(test, std::regex("[^a-zA-Z0-9]+"), "-");
    for (auto& c : ns_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ns_.size() > 50) ns_.resize(50);
    while (ns_.back() == '-') ns_.pop_back();
    k().ok({"create", "namespace", ns_});
    ASSERT_TRUE(eventually([&] { return ready_nodes() >= 3; })) << "the three simulated nodes never became Ready";
  }

  const Kubectl& k() const { return *k_; }

  Json get_json(std::vector<std::string> args) {
    args.insert(args.end(), {"-o", "json"});
    std::string out = k().ok(args);
    auto j = parse_json(out);
    EXPECT_TRUE(j.ok()) << out;
    return j.ok() ? *j : Json();
  }

  // kubectl with additional environment entries (EDITOR for `kubectl edit`).
  CommandResult kubectl_with_env(const std::vector<std::string>& args, std::vector<std::string> env) {
    std::vector<std::string> argv = {kubectl_path(GetParam())};
    argv.insert(argv.end(), args.begin(), args.end());
    env.push_back("KUBECONFIG=" + server_->kubeconfig());
    env.push_back("HOME=" + server_->home());
    return run_command(argv, "", env);
  }

  static bool eventually(const std::function<bool()>& cond, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (cond()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  int ready_nodes() {
    CommandResult r = k()({"get", "nodes", "-o", "json"});
    auto j = parse_json(r.out);
    if (r.exit_code != 0 || !j.ok()) return 0;
    int ready = 0;
    for (const auto& n : (*j)["items"])
      for (const auto& c : n["status"].value("conditions", Json::array()))
        if (c["type"] == "Ready" && c["status"] == "True") ++ready;
    return ready;
  }

  // Names of the objects `kubectl get KIND -l SELECTOR` lists in the test's namespace.
  std::vector<std::string> names(const std::string& kind, const std::string& selector) {
    CommandResult r = k()({"get", kind, "-n", ns_, "-l", selector, "-o", "jsonpath={.items[*].metadata.name}"});
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string n; in >> n;) out.push_back(n);
    return out;
  }

  std::string write_temp(const std::string& name, const std::string& text, bool executable = false) {
    fs::path p = fs::path(server_->home()) / (ns_ + "-" + name);
    std::ofstream(p) << text;
    if (executable) fs::permissions(p, fs::perms::owner_all);
    return p.string();
  }

  static ServerProcess* server_;
  std::unique_ptr<Kubectl> k_;
  std::string ns_;
};

ServerProcess* KubectlVerbs::server_ = nullptr;

TEST_P(KubectlVerbs, ServerSideApplyConflictsBetweenManagersUntilForced) {
  EXPECT_EQ(k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, configmap_yaml("shared", "fast")),
            "configmap/shared serverside-applied\n");
  // Re-applying the same configuration as the same manager is not a conflict.
  EXPECT_EQ(k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, configmap_yaml("shared", "fast")),
            "configmap/shared serverside-applied\n");

  CommandResult clash =
      k()({"apply", "--server-side", "--field-manager=other", "-n", ns_, "-f", "-"}, configmap_yaml("shared", "slow"));
  EXPECT_NE(clash.exit_code, 0);
  EXPECT_TRUE(contains(clash.err, "Apply failed with 1 conflict: conflict with \"kubectl\": .data.mode")) << clash.err;
  EXPECT_TRUE(contains(clash.err, "--force-conflicts")) << clash.err;
  EXPECT_EQ(k().ok({"get", "cm", "shared", "-n", ns_, "-o", "jsonpath={.data.mode}"}), "fast");

  EXPECT_EQ(k().ok({"apply", "--server-side", "--field-manager=other", "--force-conflicts", "-n", ns_, "-f", "-"},
                   configmap_yaml("shared", "slow")),
            "configmap/shared serverside-applied\n");
  Json cm = get_json({"get", "cm", "shared", "-n", ns_, "--show-managed-fields"});
  EXPECT_EQ(cm["data"]["mode"], "slow");
  std::vector<std::string> owners_of_mode;
  for (const auto& e : cm["metadata"]["managedFields"])
    if (e["fieldsV1"].contains("f:data") && e["fieldsV1"]["f:data"].contains("f:mode"))
      owners_of_mode.push_back(e["manager"]);
  EXPECT_EQ(owners_of_mode, std::vector<std::string>{"other"}) << cm.dump(2);
}

TEST_P(KubectlVerbs, DiffExitsOneWithTheChangeAndZeroWhenNothingChanges) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, configmap_yaml("settings", "fast"));
  CommandResult same = k()({"diff", "-n", ns_, "-f", "-"}, configmap_yaml("settings", "fast"));
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_EQ(same.out, "");

  CommandResult changed = k()({"diff", "-n", ns_, "-f", "-"}, configmap_yaml("settings", "slow"));
  EXPECT_EQ(changed.exit_code, 1) << changed.err;
  EXPECT_TRUE(contains(changed.out, "-  mode: fast\n")) << changed.out;
  EXPECT_TRUE(contains(changed.out, "+  mode: slow\n")) << changed.out;
  // diff is a dry run: nothing changed on the server.
  EXPECT_EQ(k().ok({"get", "cm", "settings", "-n", ns_, "-o", "jsonpath={.data.mode}"}), "fast");

  // An object created by server-side apply carries no last-applied annotation; diffing it
  // unchanged must not invent an empty `annotations: {}`.
  k().ok({"apply", "--server-side", "-n", ns_, "-f", "-"}, configmap_yaml("ssa", "fast"));
  CommandResult ssa_same = k()({"diff", "-n", ns_, "-f", "-"}, configmap_yaml("ssa", "fast"));
  EXPECT_EQ(ssa_same.exit_code, 0) << ssa_same.out << ssa_same.err;

  CommandResult absent = k()({"diff", "-n", ns_, "-f", "-"}, configmap_yaml("absent", "new"));
  EXPECT_EQ(absent.exit_code, 1) << absent.err;
  EXPECT_TRUE(contains(absent.out, "+  name: absent")) << absent.out;
  EXPECT_NE(k()({"get", "cm", "absent", "-n", ns_}).exit_code, 0);
}

TEST_P(KubectlVerbs, ExplainDeploymentStrategy) {
  std::string out = k().ok({"explain", "deployment.spec.strategy"});
  EXPECT_TRUE(contains(out, "KIND:       Deployment")) << out;
  EXPECT_TRUE(contains(out, "VERSION:    v1")) << out;
  EXPECT_TRUE(contains(out, "FIELD: strategy <DeploymentStrategy>")) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(\n  rollingUpdate\t<RollingUpdateDeployment>)"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(\n  type\t<string>)"))) << out;
  std::string nested = k().ok({"explain", "deployment.spec.strategy.rollingUpdate.maxSurge"});
  EXPECT_TRUE(contains(nested, "FIELD: maxSurge <IntOrString>")) << nested;
}

TEST_P(KubectlVerbs, CreateSubcommandsAreReadBack) {
  const std::string pc = "pc-" + ns_;  // PriorityClasses are cluster-scoped
  struct Case {
    std::vector<std::string> args;
    std::string printed;
  };
  std::vector<Case> cases = {
      {{"deployment", "web", "--image=nginx:1.25", "--replicas=2"}, "deployment.apps/web created\n"},
      {{"service", "clusterip", "web", "--tcp=80:8080"}, "service/web created\n"},
      {{"job", "once", "--image=busybox"}, "job.batch/once created\n"},
      {{"cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *"}, "cronjob.batch/tick created\n"},
      {{"role", "reader", "--verb=get,list", "--resource=pods"}, "role.rbac.authorization.k8s.io/reader created\n"},
      {{"rolebinding", "reader", "--role=reader", "--user=alice"},
       "rolebinding.rbac.authorization.k8s.io/reader created\n"},
      {{"serviceaccount", "robot"}, "serviceaccount/robot created\n"},
      {{"ingress", "front", "--rule=foo.example/bar=web:80"}, "ingress.networking.k8s.io/front created\n"},
      {{"poddisruptionbudget", "web", "--selector=app=web", "--min-available=1"},
       "poddisruptionbudget.policy/web created\n"},
      {{"priorityclass", pc, "--value=1000"}, "priorityclass.scheduling.k8s.io/" + pc + " created\n"},
      {{"quota", "limits", "--hard=pods=10,services=5"}, "resourcequota/limits created\n"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"create"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    if (c.args[0] != "priorityclass") args.insert(args.end(), {"-n", ns_});
    EXPECT_EQ(k().ok(args), c.printed);
  }

  Json d = get_json({"get", "deployment", "web", "-n", ns_});
  EXPECT_EQ(d["spec"]["replicas"], 2);
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.25");
  Json svc = get_json({"get", "service", "web", "-n", ns_});
  EXPECT_EQ(svc["spec"]["type"], "ClusterIP");
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 80);
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], 8080);
  EXPECT_TRUE(svc["spec"]["clusterIP"].is_string() && !svc["spec"]["clusterIP"].get<std::string>().empty());
  Json job = get_json({"get", "job", "once", "-n", ns_});
  EXPECT_EQ(job["spec"]["template"]["spec"]["containers"][0]["image"], "busybox");
  EXPECT_EQ(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
  Json cron = get_json({"get", "cronjob", "tick", "-n", ns_});
  EXPECT_EQ(cron["spec"]["schedule"], "*/5 * * * *");
  Json role = get_json({"get", "role", "reader", "-n", ns_});
  EXPECT_EQ(role["rules"][0]["verbs"], Json({"get", "list"}));
  EXPECT_EQ(role["rules"][0]["resources"], Json({"pods"}));
  Json binding = get_json({"get", "rolebinding", "reader", "-n", ns_});
  EXPECT_EQ(binding["roleRef"]["name"], "reader");
  EXPECT_EQ(binding["subjects"][0]["name"], "alice");
  EXPECT_EQ(get_json({"get", "serviceaccount", "robot", "-n", ns_})["metadata"]["name"], "robot");
  Json ing = get_json({"get", "ingress", "front", "-n", ns_});
  EXPECT_EQ(ing["spec"]["rules"][0]["host"], "foo.example");
  EXPECT_EQ(ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"], "web");
  Json pdb = get_json({"get", "pdb", "web", "-n", ns_});
  EXPECT_EQ(pdb["spec"]["minAvailable"], 1);
  EXPECT_EQ(get_json({"get", "priorityclass", pc})["value"], 1000);
  Json quota = get_json({"get", "quota", "limits", "-n", ns_});
  EXPECT_EQ(quota["spec"]["hard"]["pods"], "10");
  EXPECT_EQ(quota["spec"]["hard"]["services"], "5");

  // Each kind also reads back as a table.
  std::string tables = k().ok({"get", "deploy,svc,job,cronjob,role,rolebinding,sa,ingress,pdb,quota", "-n", ns_});
  for (const char* row : {"deployment.apps/web", "service/web", "job.batch/once", "cronjob.batch/tick",
                          "role.rbac.authorization.k8s.io/reader", "rolebinding.rbac.authorization.k8s.io/reader",
                          "serviceaccount/robot", "ingress.networking.k8s.io/front", "poddisruptionbudget.policy/web",
                          "resourcequota/limits"})
    EXPECT_TRUE(contains(tables, row)) << row << "\n" << tables;
  k().ok({"delete", "priorityclass", pc});
}

TEST_P(KubectlVerbs, GetWatchStreamsEventsForSeveralKinds) {
  auto watch = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"-n", ns_, "-w", "--request-timeout=8s"});
    return std::async(std::launch::async, [this, args] { return k()(args); });
  };
  auto deployments = watch({"get", "deployments"});
  auto pods = watch({"get", "pods"});
  auto services = watch({"get", "services"});
  auto replicasets = watch({"get", "replicasets", "-o", "name"});
  auto configmaps = watch({"get", "configmaps", "--output-watch-events"});
  auto slices = watch({"get", "endpointslices", "--output-watch-events"});
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  k().ok({"apply", "-n", ns_, "-f", "-"}, deployment_yaml("watched", 1));
  // An unnamed port: the API server defaults its EndpointSlice port name to "".
  k().ok({"apply", "-n", ns_, "-f", "-"},
         "apiVersion: v1\nkind: Service\nmetadata:\n  name: watched\nspec:\n  selector:\n    app: watched\n"
         "  ports:\n  - port: 80\n");
  k().ok({"create", "configmap", "watched", "-n", ns_, "--from-literal=a=b"});
  k().ok({"delete", "configmap", "watched", "-n", ns_});

  CommandResult d = deployments.get();
  EXPECT_TRUE(std::regex_search(d.out, std::regex(R"(\nwatched +1/1 +1 +1 )"))) << d.out << d.err;
  CommandResult p = pods.get();
  EXPECT_TRUE(std::regex_search(p.out, std::regex(R"(\nwatched-[a-z0-9]+-[a-z0-9]+ +0/1 +Pending)"))) << p.out << p.err;
  EXPECT_TRUE(std::regex_search(p.out, std::regex(R"(\nwatched-[a-z0-9]+-[a-z0-9]+ +1/1 +Running)"))) << p.out << p.err;
  CommandResult s = services.get();
  EXPECT_TRUE(std::regex_search(s.out, std::regex(R"(\nwatched +ClusterIP +10\.)"))) << s.out << s.err;
  CommandResult rs = replicasets.get();
  EXPECT_TRUE(std::regex_search(rs.out, std::regex(R"(replicaset\.apps/watched-[a-z0-9]+\n)"))) << rs.out << rs.err;
  CommandResult cm = configmaps.get();
  EXPECT_TRUE(std::regex_search(cm.out, std::regex(R"(\nADDED +watched )"))) << cm.out << cm.err;
  EXPECT_TRUE(std::regex_search(cm.out, std::regex(R"(\nDELETED +watched )"))) << cm.out << cm.err;
  // The Service's EndpointSlice appears and settles: a placeholder, the slice with the pod's
  // address, a few updates, not a create/delete loop.
  CommandResult es = slices.get();
  const std::regex slice_event(R"(\n(ADDED|MODIFIED|DELETED) +watched-[a-z0-9]+ )");
  auto events = std::distance(std::sregex_iterator(es.out.begin(), es.out.end(), slice_event), std::sregex_iterator());
  EXPECT_GE(events, 1) << es.out << es.err;
  EXPECT_LE(events, 8) << es.out.substr(0, 2000);
  EXPECT_TRUE(std::regex_search(es.out, std::regex(R"(\n(ADDED|MODIFIED) +watched-[a-z0-9]+ +IPv4 +80 +10\.)")))
      << es.out.substr(0, 2000);
}

TEST_P(KubectlVerbs, DeleteWithOrphanCascadeKeepsTheReplicaSet) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, deployment_yaml("orphaned", 2));
  ASSERT_TRUE(eventually([&] { return names("rs", "app=orphaned").size() == 1 && names("pods", "app=orphaned").size() == 2; }));
  std::string rs = names("rs", "app=orphaned")[0];
  EXPECT_EQ(k().ok({"delete", "deployment", "orphaned", "-n", ns_, "--cascade=orphan"}),
            "deployment.apps \"orphaned\" deleted\n");
  EXPECT_NE(k()({"get", "deployment", "orphaned", "-n", ns_}).exit_code, 0);
  // The ReplicaSet and its pods stay, without an owner.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  Json kept = get_json({"get", "rs", rs, "-n", ns_});
  EXPECT_FALSE(kept["metadata"].contains("ownerReferences")) << kept["metadata"].dump(2);
  EXPECT_EQ(names("pods", "app=orphaned").size(), 2u);
}

TEST_P(KubectlVerbs, DeleteWithForegroundCascadeRemovesDependentsFirst) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, deployment_yaml("fg", 2));
  ASSERT_TRUE(eventually([&] { return names("pods", "app=fg").size() == 2; }));
  // kubectl waits for the Deployment to disappear, which foreground deletion allows only once
  // its ReplicaSet (and that one's pods) are gone.
  EXPECT_EQ(k().ok({"delete", "deployment", "fg", "-n", ns_, "--cascade=foreground", "--timeout=60s"}),
            "deployment.apps \"fg\" deleted\n");
  EXPECT_NE(k()({"get", "deployment", "fg", "-n", ns_}).exit_code, 0);
  EXPECT_TRUE(names("rs", "app=fg").empty());
  EXPECT_TRUE(eventually([&] { return names("pods", "app=fg").empty(); }));
}

TEST_P(KubectlVerbs, WaitForConditionJsonpathAndDelete) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, deployment_yaml("ready", 2));
  EXPECT_EQ(k().ok({"wait", "--for=condition=Available", "deployment/ready", "-n", ns_, "--timeout=60s"}),
            "deployment.apps/ready condition met\n");
  EXPECT_EQ(k().ok({"run", "solo", "--image=nginx", "-n", ns_}), "pod/solo created\n");
  EXPECT_EQ(k().ok({"wait", "--for=jsonpath={.status.phase}=Running", "pod/solo", "-n", ns_, "--timeout=60s"}),
            "pod/solo condition met\n");
  EXPECT_EQ(k().ok({"get", "pod", "solo", "-n", ns_, "-o", "jsonpath={.status.phase}"}), "Running");
  EXPECT_EQ(k().ok({"delete", "pod", "solo", "-n", ns_, "--wait=false"}), "pod \"solo\" deleted\n");
  CommandResult gone = k()({"wait", "--for=delete", "pod/solo", "-n", ns_, "--timeout=60s"});
  EXPECT_EQ(gone.exit_code, 0) << gone.err;
  EXPECT_NE(k()({"get", "pod", "solo", "-n", ns_}).exit_code, 0);
  // A condition that never comes times out with an error instead of hanging.
  CommandResult never = k()({"wait", "--for=condition=Never", "deployment/ready", "-n", ns_, "--timeout=2s"});
  EXPECT_NE(never.exit_code, 0);
  EXPECT_TRUE(contains(never.err, "timed out")) << never.err;
}

TEST_P(KubectlVerbs, EditRunsTheEditorAndSavesItsChange) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, deployment_yaml("edited", 1));
  std::string editor = write_temp("editor.sh", "#!/bin/sh\nsed -i 's/replicas: 1$/replicas: 3/' \"$1\"\n", true);
  CommandResult r = kubectl_with_env({"edit", "deployment/edited", "-n", ns_}, {"EDITOR=" + editor});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "deployment.apps/edited edited\n");
  EXPECT_EQ(k().ok({"get", "deployment", "edited", "-n", ns_, "-o", "jsonpath={.spec.replicas}"}), "3");
  EXPECT_TRUE(eventually([&] { return names("pods", "app=edited").size() == 3; }));

  // An editor that changes nothing cancels the edit.
  std::string noop = write_temp("noop.sh", "#!/bin/sh\ntrue\n", true);
  CommandResult cancelled = kubectl_with_env({"edit", "deployment/edited", "-n", ns_}, {"EDITOR=" + noop});
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_TRUE(contains(cancelled.err, "Edit cancelled, no changes made.")) << cancelled.err;
}

TEST_P(KubectlVerbs, ReplaceFromFile) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, configmap_yaml("swapped", "fast"));
  std::string live = k().ok({"get", "cm", "swapped", "-n", ns_, "-o", "yaml"});
  std::string path = write_temp("swapped.yaml", std::regex_replace(live, std::regex("mode: fast"), "mode: replaced"));
  EXPECT_EQ(k().ok({"replace", "-f", path}), "configmap/swapped replaced\n");
  EXPECT_EQ(k().ok({"get", "cm", "swapped", "-n", ns_, "-o", "jsonpath={.data.mode}"}), "replaced");
  // The file still carries the old resourceVersion: a second replace is a conflict.
  CommandResult stale = k()({"replace", "-f", path});
  EXPECT_NE(stale.exit_code, 0);
  EXPECT_TRUE(contains(stale.err, "the object has been modified")) << stale.err;
  // --force deletes and recreates.
  EXPECT_EQ(k().ok({"replace", "--force", "-n", ns_, "-f", "-"}, configmap_yaml("swapped", "forced")),
            "configmap \"swapped\" deleted\nconfigmap/swapped replaced\n");
  EXPECT_EQ(k().ok({"get", "cm", "swapped", "-n", ns_, "-o", "jsonpath={.data.mode}"}), "forced");
}

TEST_P(KubectlVerbs, GetAllShowsTheWorkloadKinds) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, deployment_yaml("everything", 1));
  k().ok({"create", "service", "clusterip", "everything", "-n", ns_, "--tcp=80:80"});
  k().ok({"create", "cronjob", "nightly", "-n", ns_, "--image=busybox", "--schedule=0 3 * * *"});
  k().ok({"create", "configmap", "not-in-all", "-n", ns_, "--from-literal=a=b"});
  ASSERT_TRUE(eventually([&] { return names("pods", "app=everything").size() == 1; }));
  std::string all = k().ok({"get", "all", "-n", ns_});
  EXPECT_TRUE(std::regex_search(all, std::regex(R"(\npod/everything-[a-z0-9]+-[a-z0-9]+ )"))) << all;
  EXPECT_TRUE(contains(all, "service/everything")) << all;
  EXPECT_TRUE(contains(all, "deployment.apps/everything")) << all;
  EXPECT_TRUE(std::regex_search(all, std::regex(R"(\nreplicaset\.apps/everything-[a-z0-9]+ )"))) << all;
  EXPECT_TRUE(contains(all, "cronjob.batch/nightly")) << all;
  EXPECT_FALSE(contains(all, "not-in-all")) << all;
}

TEST_P(KubectlVerbs, DescribeShowsDeploymentAndPodEventsAndTheNode) {
  k().ok({"apply", "-n", ns_, "-f", "-"}, deployment_yaml("described", 1));
  k().ok({"wait", "--for=condition=Available", "deployment/described", "-n", ns_, "--timeout=60s"});
  std::string d = k().ok({"describe", "deployment", "described", "-n", ns_});
  EXPECT_TRUE(contains(d, "Name:                   described")) << d;
  EXPECT_TRUE(std::regex_search(d, std::regex(R"(NewReplicaSet: +described-[a-z0-9]+ \(1/1 replicas created\))"))) << d;
  EXPECT_TRUE(std::regex_search(d, std::regex(
                  R"(Events:\n.*\n.*\n +Normal +ScalingReplicaSet +\S+ +deployment-controller +Scaled up replica set described-)")))
      << d;

  ASSERT_EQ(names("pods", "app=described").size(), 1u);
  std::string pod = names("pods", "app=described")[0];
  std::string p = k().ok({"describe", "pod", pod, "-n", ns_});
  EXPECT_TRUE(std::regex_search(p, std::regex(R"(Status: +Running)"))) << p;
  EXPECT_TRUE(std::regex_search(p, std::regex(R"(Node: +sim-[0-2]/)"))) << p;
  EXPECT_TRUE(std::regex_search(p, std::regex(R"(Controlled By: +ReplicaSet/described-)"))) << p;
  EXPECT_TRUE(std::regex_search(
      p, std::regex(R"(Normal +Scheduled +\S+ +default-scheduler +Successfully assigned )" + ns_ + "/" + pod + " to sim-")))
      << p;

  Json pod_json = get_json({"get", "pod", pod, "-n", ns_});
  std::string node = pod_json["spec"]["nodeName"];
  std::string n = k().ok({"describe", "node", node});
  EXPECT_TRUE(std::regex_search(n, std::regex("Name: +" + node + "\n"))) << n;
  EXPECT_TRUE(std::regex_search(n, std::regex(R"(\n +Ready +True )"))) << n;
  EXPECT_TRUE(std::regex_search(n, std::regex(R"(Non-terminated Pods: +\(\d+ in total\))"))) << n;
  EXPECT_TRUE(contains(n, pod)) << n;
  EXPECT_TRUE(contains(n, "\nEvents:")) << n;
}

TEST_P(KubectlVerbs, LogsFailsWithAClearErrorInsteadOfHanging) {
  k().ok({"run", "quiet", "--image=nginx", "-n", ns_});
  auto start = std::chrono::steady_clock::now();
  CommandResult r = k()({"logs", "quiet", "-n", ns_, "--request-timeout=20s"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "pods/log is not available for pod \"quiet\"")) << r.err;
  CommandResult missing = k()({"logs", "no-such-pod", "-n", ns_});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(contains(missing.err, "pods \"no-such-pod\" not found")) << missing.err;
}

INSTANTIATE_TEST_SUITE_P(Versions, KubectlVerbs, ::testing::Values(33, 27),
                         [](const auto& info) { return "kubectl_1_" + std::to_string(info.param); });

}  // namespace
}  // namespace skiff::e2e

// The control plane end to end, in one process: API server registry over SQLite, scheduler,
// controllers and N simulated nodes. Measures how fast pods are bound and Deployments become
// Running, with the server's RSS. Prints a table (see README).
//
//   build/bench/skiff_bench_workloads [--quick] [--only free|constrained|deployment]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "apiserver/in_process_client.h"
#include "apiserver/registry.h"
#include "apiserver/watch_cache.h"
#include "cli/control_plane.h"
#include "client/informer.h"
#include "storage/store.h"
#include "util/log.h"

namespace skiff {
namespace {

using Clock = std::chrono::steady_clock;

double rss_mib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

struct Cluster {
  std::filesystem::path dir;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<apiserver::WatchCache> cache;
  std::unique_ptr<apiserver::Registry> registry;
  std::unique_ptr<client::Client> client;
  std::unique_ptr<cli::ControlPlane> plane;

  explicit Cluster(int nodes) {
    dir = std::filesystem::temp_directory_path() / ("skiff-bench-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = std::move(storage::open_sqlite_store((dir / "state.db").string()).value());
    cache = std::make_unique<apiserver::WatchCache>(*store, 200000);
    (void)cache->start();
    registry = std::make_unique<apiserver::Registry>(*store, *cache, api::SchemaRegistry::builtin(),
                                                     SystemClock::instance());
    client = apiserver::new_in_process_client(*registry, "bench");
    for (const char* ns : {"default", "kube-system", "kube-node-lease"})
      (void)client->create(client->resource("", "v1", "namespaces"), "",
                           {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    cli::ControlPlaneOptions opts;
    opts.sim_nodes = nodes;
    opts.sim.cpu = "32";
    opts.sim.memory = "256Gi";
    opts.sim.pods = "110";
    opts.controller_options.workers = 4;
    plane = std::move(cli::ControlPlane::start(*registry, opts).value());
    const auto& node_res = client->resource("", "v1", "nodes");
    while (true) {
      auto listed = client->list(node_res, "", {});
      size_t ready = 0;
      for (const auto& n : listed->items)
        for (const auto& c : (*n)["status"].value("conditions", Json::array()))
          if (c["type"] == "Ready" && c["status"] == "True") ++ready;
      if (ready >= static_cast<size_t>(nodes)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~Cluster() {
    plane->stop();
    plane.reset();
    client.reset();
    registry.reset();
    cache.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

Json pod(const std::string& name, const std::string& app, bool constrained) {
  Json spec = {{"containers",
                {{{"name", "c"},
                  {"image", "registry.local/app:1"},
                  {"resources", {{"requests", {{"cpu", "10m"}, {"memory", "16Mi"}}}}}}}}};
  if (constrained) {
    spec["affinity"] = {{"podAntiAffinity",
                         {{"requiredDuringSchedulingIgnoredDuringExecution",
                           {{{"topologyKey", "kubernetes.io/hostname"},
                             {"labelSelector", {{"matchLabels", {{"app", app}}}}}}}}}}};
    spec["topologySpreadConstraints"] = {{{"maxSkew", 1},
                                          {"topologyKey", "topology.kubernetes.io/zone"},
                                          {"whenUnsatisfiable", "DoNotSchedule"},
                                          {"labelSelector", {{"matchLabels", {{"app", app}}}}}}};
  }
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"app", app}}}}},
          {"spec", spec}};
}

// The process's CPU time so far (user + system, all threads), in seconds.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

struct Row {
  std::string scenario;
  double seconds = 0;
  double per_second = 0;
  double cpu_us_per_pod = 0;  // CPU of the whole control plane (all threads) per pod, while it worked
  double p50_ms = 0, p99_ms = 0;
  double rss = 0;
};

// Creates `count` pods from 4 threads and waits until every one is bound (the throughput and
// latency figures), then until every one is Running (the CPU figure: all the work a pod costs).
Row schedule_pods(const std::string& title, int nodes, int count, bool constrained) {
  Cluster cluster(nodes);
  client::InformerFactory watch(*cluster.client);
  client::Informer& pods = watch.informer("", "v1", "pods");
  std::mutex mu;
  std::unordered_map<std::string, Clock::time_point> created;
  std::vector<double> latencies;
  std::atomic<int> bound{0};
  std::atomic<int> running{0};
  std::unordered_set<std::string> seen_running;
  Clock::time_point last_bound;
  auto on_change = [&](const client::ObjectPtr& p) {
    if (const Json* phase = find_path(*p, "status.phase"); phase && *phase == "Running") {
      std::lock_guard lk(mu);
      if (seen_running.insert((*p)["metadata"]["name"].get<std::string>()).second) ++running;
    }
    const Json* node = find_path(*p, "spec.nodeName");
    if (!node || !node->is_string()) return;
    std::lock_guard lk(mu);
    auto it = created.find((*p)["metadata"]["name"].get<std::string>());
    if (it == created.end()) return;
    last_bound = Clock::now();
    latencies.push_back(std::chrono::duration<double, std::milli>(last_bound - it->second).count());
    created.erase(it);
    ++bound;
  };
  pods.add_handler({on_change, [&](const client::ObjectPtr&, const client::ObjectPtr& p) { on_change(p); }, nullptr});
  watch.start();
  watch.wait_for_sync(std::chrono::seconds(30));

  const auto& pod_res = cluster.client->resource("", "v1", "pods");
  auto start = Clock::now();
  double cpu_start = cpu_seconds();
  std::vector<std::thread> writers;
  const int threads = 4;
  for (int t = 0; t < threads; ++t)
    writers.emplace_back([&, t] {
      for (int i = t; i < count; i += threads) {
        std::string name = "p-" + std::to_string(i);
        std::string app = constrained ? "g" + std::to_string(i / 100) : "free";
        {
          std::lock_guard lk(mu);
          created[name] = Clock::now();
        }
        (void)cluster.client->create(pod_res, "default", pod(name, app, constrained));
      }
    });
  for (auto& w : writers) w.join();
  while (bound.load() < count && Clock::now() - start < std::chrono::minutes(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  while (running.load() < count && Clock::now() - start < std::chrono::minutes(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Row row;
  row.scenario = title;
  row.cpu_us_per_pod = (cpu_seconds() - cpu_start) * 1e6 / count;
  row.rss = rss_mib();
  {
    std::lock_guard lk(mu);
    row.seconds = std::chrono::duration<double>(last_bound - start).count();
    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
      row.p50_ms = latencies[latencies.size() / 2];
      row.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
    }
  }
  row.per_second = bound.load() / std::max(row.seconds, 1e-9);
  watch.stop();
  return row;
}

// A Deployment of `replicas` on `nodes` nodes: time until every replica is available.
Row deployment_rollout(int nodes, int replicas) {
  Cluster cluster(nodes);
  const auto& deps = cluster.client->resource("apps", "v1", "deployments");
  Json d = {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "big"}, {"namespace", "default"}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", {{"app", "big"}}}}},
              {"template",
               {{"metadata", {{"labels", {{"app", "big"}}}}},
                {"spec", {{"containers", {{{"name", "c"}, {"image", "registry.local/app:1"}}}}}}}}}}};
  auto start = Clock::now();
  double cpu_start = cpu_seconds();
  (void)cluster.client->create(deps, "default", d);
  while (Clock::now() - start < std::chrono::minutes(10)) {
    auto got = cluster.client->get(deps, "default", "big");
    if (got.ok() && find_path(*got, "status.availableReplicas") && (*got)["status"]["availableReplicas"] == replicas)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Row row;
  row.scenario = "Deployment of " + std::to_string(replicas) + " replicas, " + std::to_string(nodes) + " nodes";
  row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  row.per_second = replicas / row.seconds;
  row.cpu_us_per_pod = (cpu_seconds() - cpu_start) * 1e6 / replicas;
  row.rss = rss_mib();
  return row;
}

}  // namespace
}  // namespace skiff

int main(int argc, char** argv) {
  using namespace skiff;
  bool quick = false;
  std::string only;  // one scenario alone, e.g. to profile it
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--only free|constrained|deployment]\n", argv[0]);
      return 2;
    }
  }
  auto wanted = [&](const char* name) { return only.empty() || only == name; };
  log::set_level(log::Level::kWarning);
  int nodes = quick ? 500 : 5000;
  int free_pods = quick ? 3000 : 30000;
  int constrained = quick ? 1000 : 10000;
  std::vector<Row> rows;
  if (wanted("free"))
    rows.push_back(schedule_pods(
        std::to_string(free_pods) + " pods, no constraints, " + std::to_string(nodes) + " nodes", nodes, free_pods,
        false));
  if (wanted("constrained"))
    rows.push_back(schedule_pods(std::to_string(constrained) + " pods, anti-affinity + zone spread, " +
                                     std::to_string(nodes) + " nodes",
                                 nodes, constrained, true));
  if (wanted("deployment")) rows.push_back(deployment_rollout(quick ? 100 : 1000, quick ? 1000 : 10000));
  std::printf("| scenario | time (s) | pods/s | CPU per pod (µs) | p50 bind (ms) | p99 bind (ms) | RSS (MiB) |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const auto& r : rows)
    std::printf("| %s | %.2f | %.0f | %.0f | %.1f | %.1f | %.0f |\n", r.scenario.c_str(), r.seconds, r.per_second,
                r.cpu_us_per_pod, r.p50_ms, r.p99_ms, r.rss);
  return 0;
}

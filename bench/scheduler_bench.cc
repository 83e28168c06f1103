// Pure scheduling throughput (no API server): a cache of simulated nodes, pods scheduled
// and assumed one after another exactly as the scheduler's loop does. Prints pods/s and
// per-pod latency percentiles.
//   skiff_bench_scheduler [--nodes N] [--pods N] [--constrained-pods N] [--group-size N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "scheduler/algorithm.h"
#include "scheduler/cache.h"
#include "scheduler/pod_info.h"

using namespace skiff;
using namespace skiff::scheduler;
using Clock = std::chrono::steady_clock;

namespace {

Json node(int i, int zones) {
  std::string name = "sim-" + std::to_string(i);
  return {{"metadata",
           {{"name", name},
            {"labels",
             {{"kubernetes.io/hostname", name}, {"topology.kubernetes.io/zone", "zone-" + std::to_string(i % zones)}}}}},
          {"status", {{"allocatable", {{"cpu", "4"}, {"memory", "16Gi"}, {"pods", "110"}}}}}};
}

Json pod(int i, bool constrained, int group_size) {
  std::string app = "app-" + std::to_string(constrained ? i / group_size : 0);
  Json p = {{"metadata", {{"name", "pod-" + std::to_string(i)}, {"namespace", "bench"}, {"labels", {{"app", app}}}}},
            {"spec",
             {{"containers",
               Json::array({{{"name", "c"}, {"image", "pause"},
                             {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}}}})}}}};
  if (constrained) {
    Json selector = {{"matchLabels", {{"app", app}}}};
    p["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
        Json::array({{{"labelSelector", selector}, {"topologyKey", "kubernetes.io/hostname"}}});
    p["spec"]["topologySpreadConstraints"] = Json::array({{{"maxSkew", 1},
                                                           {"topologyKey", "topology.kubernetes.io/zone"},
                                                           {"whenUnsatisfiable", "DoNotSchedule"},
                                                           {"labelSelector", selector}}});
  }
  return p;
}

void run(const char* title, int nodes, int pods, bool constrained, int group_size) {
  Cache cache;
  for (int i = 0; i < nodes; ++i) (void)cache.upsert_node(node(i, 3));
  std::vector<PodInfoPtr> infos;
  infos.reserve(pods);
  for (int i = 0; i < pods; ++i) infos.push_back(*parse_pod(pod(i, constrained, group_size)));
  Algorithm algorithm(default_profile());
  std::vector<double> latencies;
  latencies.reserve(pods);
  int failed = 0;
  auto start = Clock::now();
  for (const auto& p : infos) {
    auto t0 = Clock::now();
    auto out = algorithm.schedule(cache, *p);
    if (out.node.empty()) ++failed;
    else cache.assume_pod(*p, out.node);
    latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) { return latencies[std::min(latencies.size() - 1, static_cast<size_t>(q * latencies.size()))]; };
  std::printf("%-44s nodes=%d pods=%d unschedulable=%d  %.0f pods/s  p50=%.1f us  p99=%.1f us\n", title, nodes, pods,
              failed, pods / seconds, pct(0.50), pct(0.99));
}

}  // namespace

int main(int argc, char** argv) {
  int nodes = 5000, pods = 30000, constrained_pods = 10000, group_size = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    int v = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--nodes")) nodes = v;
    else if (!std::strcmp(argv[i], "--pods")) pods = v;
    else if (!std::strcmp(argv[i], "--constrained-pods")) constrained_pods = v;
    else if (!std::strcmp(argv[i], "--group-size")) group_size = v;
  }
  run("unconstrained", nodes, pods, false, group_size);
  std::string title = "hostname anti-affinity + zone spread (groups of " + std::to_string(group_size) + ")";
  run(title.c_str(), nodes, constrained_pods, true, group_size);
  return 0;
}

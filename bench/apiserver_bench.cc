// skiff_bench_apiserver: the API server's figures, measured against the real binary over HTTPS
// with the admin client certificate, printed as one table. The API server runs alone
// (--disable-scheduler --disable-controllers) for the request figures, then once more with the
// full control plane for its RSS; the SQLite store is measured against etcd 3.4 beside them.
// Usage: skiff_bench_apiserver [path/to/skiff] [--pods N] [--watchers N] [--watch-objects N]
//                              [--etcd PATH] [--no-full-plane] [--no-etcd] [--stores-only]
//                              [--datastore sqlite|memory] [--skip-startup] [--skip-watch]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_http.h"
#include "bench_objects.h"
#include "store_vs_etcd.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace skiff::bench;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(v.size() * p))];
}
double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

[[noreturn]] void die(const std::string& message) {
  std::cerr << "skiff_bench_apiserver: " << message << "\n";
  exit(1);
}

struct Server {
  pid_t pid = -1;
  int port = 0;
  std::string data_dir;
  TlsFiles tls() const { return TlsFiles::from_data_dir(data_dir); }
};

std::optional<int> port_from_kubeconfig(const std::string& path) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  auto pos = s.find("https://127.0.0.1:");
  if (pos == std::string::npos) return std::nullopt;
  return std::stoi(s.substr(pos + 18));
}

// Starts the server and returns once /readyz answers 200; *ready_seconds is the time that took.
Server start_server(const std::string& binary, const std::string& data_dir, const std::vector<std::string>& flags,
                    double* ready_seconds) {
  fs::create_directories(data_dir);
  fs::remove(data_dir + "/admin.kubeconfig");
  Server s;
  s.data_dir = data_dir;
  auto t0 = Clock::now();
  s.pid = fork();
  if (s.pid == 0) {
    freopen((data_dir + "/server.log").c_str(), "w", stderr);
    std::vector<std::string> args = {binary, "server", "--data-dir", data_dir, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  while (true) {
    if (auto port = port_from_kubeconfig(data_dir + "/admin.kubeconfig")) {
      try {
        HttpClient c(*port, TlsFiles::from_data_dir(data_dir));
        if (c.request("GET", "/readyz", "") == 200) {
          s.port = *port;
          break;
        }
      } catch (...) {
      }
    }
    if (seconds_since(t0) > 60) die("server did not become ready (log: " + data_dir + "/server.log)");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (ready_seconds) *ready_seconds = seconds_since(t0);
  return s;
}

void stop_server(Server& s) {
  kill(s.pid, SIGTERM);
  waitpid(s.pid, nullptr, 0);
}

double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

std::string pods_path(const std::string& ns) { return "/api/v1/namespaces/" + ns + "/pods"; }

void create_namespace(const Server& s, const std::string& ns) {
  HttpClient c(s.port, s.tls());
  int code = c.request("POST", "/api/v1/namespaces", namespace_json(ns));
  if (code != 201 && code != 409) die("creating namespace " + ns + ": HTTP " + std::to_string(code));
  // Without the service-account controller nobody creates "default"; pods name it.
  code = c.request("POST", "/api/v1/namespaces/" + ns + "/serviceaccounts", serviceaccount_json("default", -1));
  if (code != 201 && code != 409) die("creating service account in " + ns + ": HTTP " + std::to_string(code));
}

// CPU seconds the process has used (user + system): a per-request cost that other load on the
// machine disturbs less than throughput.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i)
    if (i == 14 || i == 15) ticks += std::stod(f);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

struct CreateFigures {
  double per_second = 0;
  double p99_ms = 0;
  double server_cpu_us = 0;  // server CPU per create
};

// `clients` keep-alive connections create `total` pods in ns between them, names from `first`.
CreateFigures create_pods(const Server& s, const std::string& ns, int clients, long first, long total) {
  std::vector<std::vector<double>> lat(clients);
  std::atomic<long> next{first};
  std::atomic<bool> failed{false};
  std::string error;
  std::mutex error_mu;
  std::vector<std::unique_ptr<HttpClient>> conns;
  for (int c = 0; c < clients; ++c) conns.push_back(std::make_unique<HttpClient>(s.port, s.tls()));
  double cpu0 = cpu_seconds(s.pid);
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (long i; !failed && (i = next++) < first + total;) {
        auto t = Clock::now();
        std::string reply;
        int code = conns[c]->request("POST", pods_path(ns), pod_json("web-7d9f8b6c5d-" + std::to_string(i), i), &reply);
        lat[c].push_back(seconds_since(t) * 1000);
        if (code != 201) {
          std::lock_guard lk(error_mu);
          error = "pod create: HTTP " + std::to_string(code) + " " + reply.substr(0, 300);
          failed = true;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) die(error);
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  double elapsed = seconds_since(t0);
  return {total / elapsed, percentile(all, 0.99), (cpu_seconds(s.pid) - cpu0) * 1e6 / std::max(1L, total)};
}

struct ListFigures {
  double ms = 0;
  double server_cpu_ms = 0;  // per LIST
  double client_cpu_ms = 0;  // per LIST, this (reading) thread
  double mib = 0;
  double mib_per_s = 0;
  long items = 0;
};

ListFigures list_pods(const Server& s, const std::string& path, int repeats) {
  HttpClient c(s.port, s.tls());
  std::vector<double> ms;
  std::string body;
  double cpu0 = cpu_seconds(s.pid);
  double client0 = thread_cpu_seconds();
  for (int i = 0; i < repeats; ++i) {
    body.clear();
    auto t0 = Clock::now();
    int code = c.request("GET", path, "", &body);
    ms.push_back(seconds_since(t0) * 1000);
    if (code != 200) die("LIST " + path + ": HTTP " + std::to_string(code));
  }
  ListFigures f;
  f.server_cpu_ms = (cpu_seconds(s.pid) - cpu0) * 1000 / repeats;
  f.client_cpu_ms = (thread_cpu_seconds() - client0) * 1000 / repeats;
  f.ms = median(ms);
  f.mib = static_cast<double>(body.size()) / (1 << 20);
  f.mib_per_s = f.mib / (f.ms / 1000);
  size_t n = 0;
  for (size_t pos = 0; (pos = body.find(kSeqLabel, pos)) != std::string::npos; ++pos) ++n;
  f.items = static_cast<long>(n);
  return f;
}

// --- Watch fan-out -----------------------------------------------------------------------

struct WatchKind {
  const char* resource;
  std::string (*make)(const std::string& name, long seq);
};
const WatchKind kWatchKinds[] = {
    {"pods", pod_json}, {"configmaps", configmap_json}, {"secrets", secret_json}, {"serviceaccounts", serviceaccount_json}};
constexpr int kKinds = sizeof kWatchKinds / sizeof kWatchKinds[0];

struct WatchFigures {
  int watchers = 0;
  long objects = 0;
  long events_delivered = 0;
  long events_expected = 0;
  int watchers_complete = 0;  // saw every event of their kind, in order
  std::string first_problem;
  double writer_seconds = 0;
  double fanout_seconds = 0;  // first create until the last watcher has its last event
  double get_p50_ms = 0, get_p99_ms = 0;
  long gets = 0;
};

// `watchers` watchers spread over four kinds in one namespace; one writer creates `objects`
// objects round-robin over the kinds; one more client GETs a pod throughout.
WatchFigures watch_fanout(const Server& s, int watchers, long objects) {
  const std::string ns = "bench-watch";
  create_namespace(s, ns);
  HttpClient setup(s.port, s.tls());
  std::string list_body;
  setup.request("GET", pods_path(ns), "", &list_body);
  long start_rv = number_after(list_body, "\"resourceVersion\":\"");
  if (int code = setup.request("POST", pods_path(ns), pod_json("probe", -1)); code != 201)  // the GET target
    die("creating the probe pod: HTTP " + std::to_string(code));

  WatchFigures f;
  f.watchers = watchers;
  f.objects = objects;
  std::atomic<int> connected{0}, complete{0};
  std::atomic<long> delivered{0};
  std::atomic<bool> writer_started{false};
  std::mutex problem_mu;
  Clock::time_point t0;
  std::vector<double> done_at(watchers, 0);
  auto problem = [&](const std::string& p) {
    std::lock_guard lk(problem_mu);
    if (f.first_problem.empty()) f.first_problem = p;
  };

  std::vector<std::thread> threads;
  threads.reserve(watchers);
  for (int w = 0; w < watchers; ++w) {
    threads.emplace_back([&, w] {
      const WatchKind& kind = kWatchKinds[w % kKinds];
      long expected = objects / kKinds + (w % kKinds < objects % kKinds ? 1 : 0);
      long next_seq = 0, last_rv = 0;
      bool ok = true;
      try {
        HttpClient c(s.port, s.tls());
        std::string target = "/api/v1/namespaces/" + ns + "/" + kind.resource + "?watch=1&resourceVersion=" +
                             std::to_string(start_rv) + "&timeoutSeconds=900";
        c.stream_lines(
            target, [&](int status) { if (status != 200) problem("watch HTTP " + std::to_string(status)); ++connected; },
            [&](std::string_view line) {
              long seq = number_after(line, kSeqLabel);
              if (seq < 0) return true;  // the probe pod, or a default service account
              long rv = number_after(line, "\"resourceVersion\":\"");
              if (seq != next_seq || rv <= last_rv || line.find("\"type\":\"ADDED\"") == std::string_view::npos) {
                problem(std::string(kind.resource) + " watcher " + std::to_string(w) + ": expected seq " +
                        std::to_string(next_seq) + " after rv " + std::to_string(last_rv) + ", got seq " +
                        std::to_string(seq) + " rv " + std::to_string(rv));
                ok = false;
                return false;
              }
              last_rv = rv;
              ++delivered;
              return ++next_seq < expected;
            });
      } catch (const std::exception& e) {
        problem(std::string("watcher: ") + e.what());
        ok = false;
        ++connected;
      }
      if (ok && next_seq == expected) {
        ++complete;
        done_at[w] = writer_started ? seconds_since(t0) : 0;
      } else if (ok) {
        problem(std::string(kind.resource) + " watcher " + std::to_string(w) + ": stream ended after " +
                std::to_string(next_seq) + " of " + std::to_string(expected) + " events");
      }
    });
  }
  while (connected < watchers) std::this_thread::sleep_for(std::chrono::milliseconds(10));

  std::atomic<bool> writing_done{false};
  std::vector<double> get_ms;
  std::thread getter([&] {
    HttpClient c(s.port, s.tls());
    while (!writing_done) {
      auto t = Clock::now();
      c.request("GET", pods_path(ns) + "/probe", "");
      get_ms.push_back(seconds_since(t) * 1000);
    }
  });
  t0 = Clock::now();
  writer_started = true;
  {
    HttpClient writer(s.port, s.tls());
    for (long i = 0; i < objects; ++i) {
      const WatchKind& kind = kWatchKinds[i % kKinds];
      long seq = i / kKinds;
      std::string name = "obj-" + std::to_string(seq);
      std::string reply;
      int code = writer.request("POST", "/api/v1/namespaces/" + ns + "/" + kind.resource, kind.make(name, seq), &reply);
      if (code != 201) die(std::string("watch writer: creating ") + kind.resource + ": HTTP " + std::to_string(code) +
                           " " + reply.substr(0, 300));
    }
  }
  f.writer_seconds = seconds_since(t0);
  for (auto& t : threads) t.join();
  writing_done = true;
  getter.join();
  f.fanout_seconds = *std::max_element(done_at.begin(), done_at.end());
  f.events_delivered = delivered;
  f.events_expected = 0;
  for (int w = 0; w < watchers; ++w) f.events_expected += objects / kKinds + (w % kKinds < objects % kKinds ? 1 : 0);
  f.watchers_complete = complete;
  f.get_p50_ms = percentile(get_ms, 0.5);
  f.get_p99_ms = percentile(get_ms, 0.99);
  f.gets = static_cast<long>(get_ms.size());
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/skiff";
  std::string datastore = "sqlite";
  std::string etcd = "/usr/bin/etcd";
  long pods = 100000;
  int watchers = 1000;
  long watch_objects = 10000;
  bool full_plane = true, with_etcd = true, stores_only = false, with_startup = true, with_watch = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--pods") pods = std::stol(next());
    else if (a == "--watchers") watchers = std::stoi(next());
    else if (a == "--watch-objects") watch_objects = std::stol(next());
    else if (a == "--datastore") datastore = next();
    else if (a == "--etcd") etcd = next();
    else if (a == "--no-full-plane") full_plane = false;
    else if (a == "--no-etcd") with_etcd = false;
    else if (a == "--stores-only") stores_only = true;
    else if (a == "--skip-startup") with_startup = false;
    else if (a == "--skip-watch") with_watch = false;
    else binary = a;
  }
  signal(SIGPIPE, SIG_IGN);
  std::string root = (fs::temp_directory_path() / ("skiff-bench-" + std::to_string(getpid()))).string();
  const std::vector<std::string> api_only = {"--datastore", datastore, "--disable-agent", "--disable-scheduler",
                                             "--disable-controllers"};
  const long kSingleRound = 2000, kConcurrentRound = 10000;
  if (pods < 3 * kSingleRound + 3 * kConcurrentRound) die("--pods must be at least 36000");

  if (stores_only) {
    StoreWorkload w;
    w.value = pod_json("web-7d9f8b6c5d-x8k2p", 0);
    for (const auto& f : compare_stores(w, root + "/stores", etcd))
      std::printf("| %s | %.0f (%.2f ms) | %.0f (%.2f ms) | %.1f ms | %s |\n", f.name.c_str(), f.puts_per_s_1, f.p99_ms_1,
                  f.puts_per_s_16, f.p99_ms_16, f.range_10k_ms, f.error.c_str());
    std::error_code ignored;
    fs::remove_all(root, ignored);
    return 0;
  }
  // Startup: the first start creates the PKI; warm starts are the usual case.
  std::vector<double> startups;
  double first_start = 0;
  if (with_startup) {
    Server s = start_server(binary, root + "/startup", api_only, &first_start);
    stop_server(s);
  }
  for (int i = 0; with_startup && i < 5; ++i) {
    double t = 0;
    Server s = start_server(binary, root + "/startup", api_only, &t);
    startups.push_back(t);
    stop_server(s);
  }

  std::fprintf(stderr, "API server alone: creates ...\n");
  Server s = start_server(binary, root + "/api", api_only, nullptr);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  double idle_rss = rss_mib(s.pid);
  for (const char* ns : {"bench-single", "bench-c0", "bench-c1", "bench-c2", "bench-fill"}) create_namespace(s, ns);
  std::vector<double> single_rates, single_p99, conc_rates, conc_p99, conc_cpu;
  long created = 0;
  for (int round = 0; round < 3; ++round) {
    auto f = create_pods(s, "bench-single", 1, created, kSingleRound);
    created += kSingleRound;
    single_rates.push_back(f.per_second);
    single_p99.push_back(f.p99_ms);
  }
  for (int round = 0; round < 3; ++round) {
    auto f = create_pods(s, "bench-c" + std::to_string(round), 16, created, kConcurrentRound);
    created += kConcurrentRound;
    conc_rates.push_back(f.per_second);
    conc_p99.push_back(f.p99_ms);
    conc_cpu.push_back(f.server_cpu_us);
  }

  std::vector<double> get_ms;
  {
    HttpClient c(s.port, s.tls());
    const long c0_first = 3 * kSingleRound;  // bench-c0 holds pods c0_first .. c0_first + kConcurrentRound - 1
    for (long i = 0; i < 5000; ++i) {
      std::string name = "web-7d9f8b6c5d-" + std::to_string(c0_first + (i * 7919) % kConcurrentRound);
      auto t = Clock::now();
      int code = c.request("GET", pods_path("bench-c0") + "/" + name, "");
      get_ms.push_back(seconds_since(t) * 1000);
      if (code != 200) die("GET pod " + name + ": HTTP " + std::to_string(code));
    }
  }
  double get_total_s = 0;
  for (double m : get_ms) get_total_s += m / 1000;

  WatchFigures watch;
  if (with_watch) {
    std::fprintf(stderr, "API server alone: watch fan-out ...\n");
    watch = watch_fanout(s, watchers, watch_objects);
  }
  std::fprintf(stderr, "API server alone: LIST and fill to %ld pods ...\n", pods);
  ListFigures list10k = list_pods(s, pods_path("bench-c0"), 5);
  CreateFigures fill = create_pods(s, "bench-fill", 16, created, pods - created);
  created = pods;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  double rss_before_list = rss_mib(s.pid);
  ListFigures list_all = list_pods(s, "/api/v1/pods", 3);
  double rss_after_list = rss_mib(s.pid);
  stop_server(s);
  std::error_code ignored;
  fs::remove_all(s.data_dir, ignored);  // the disk may be small: keep one database at a time

  double plane_rss = 0, plane_idle_rss = 0;
  CreateFigures plane_fill;
  if (full_plane) {
    std::fprintf(stderr, "full control plane: fill to %ld pods ...\n", pods);
    Server p = start_server(binary, root + "/plane", {"--datastore", datastore, "--disable-agent"}, nullptr);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    plane_idle_rss = rss_mib(p.pid);
    create_namespace(p, "bench-fill");
    plane_fill = create_pods(p, "bench-fill", 16, 0, pods);
    std::this_thread::sleep_for(std::chrono::seconds(10));  // let the scheduler and controllers catch up
    plane_rss = rss_mib(p.pid);
    stop_server(p);
    fs::remove_all(p.data_dir, ignored);
  }

  std::vector<StoreFigures> stores;
  if (with_etcd) {
    std::fprintf(stderr, "SQLite store against etcd ...\n");
    StoreWorkload w;
    w.value = pod_json("web-7d9f8b6c5d-x8k2p", 0);
    stores = compare_stores(w, root + "/stores", etcd);
  }
  fs::remove_all(root, ignored);

  std::printf("| figure | skiff (%s) | aim | kube-apiserver 1.27 + etcd 3.4 (reference) |\n", datastore.c_str());
  std::printf("|---|---|---|---|\n");
  std::printf("| startup to /readyz (median of 5 warm starts) | %.3f s (first start with PKI: %.3f s) | | 3.15 s |\n",
              median(startups), first_start);
  std::printf("| idle RSS, API server alone | %.1f MiB | | 313 MiB |\n", idle_rss);
  std::printf("| pod creates/s, 1 keep-alive client (median of 3 x %ld) | %.0f (p99 %.2f ms) | | - |\n", kSingleRound,
              median(single_rates), median(single_p99));
  std::printf("| pod creates/s, 16 concurrent clients (median of 3 x %ld) | %.0f (p99 %.2f ms) | >= 10,000 | 2,156 (p99 27 ms) |\n",
              kConcurrentRound, median(conc_rates), median(conc_p99));
  std::printf("| server CPU per pod create, 16 clients (median of 3) | %.0f us | | - |\n", median(conc_cpu));
  std::printf("| pod GETs/s, 1 client (5000 GETs) | %.0f (p50 %.3f ms, p99 %.3f ms) | | - |\n",
              get_ms.size() / get_total_s, percentile(get_ms, 0.5), percentile(get_ms, 0.99));
  std::printf("| LIST of %ld pods in one namespace (median of 5) | %.1f ms, %.0f MiB/s (%.1f MiB, %.2f KiB/pod; CPU: server %.0f ms, client %.0f ms) | | 142 ms from cache (10k) |\n",
              list10k.items, list10k.ms, list10k.mib_per_s, list10k.mib, list10k.mib * 1024 / std::max(1L, list10k.items),
              list10k.server_cpu_ms, list10k.client_cpu_ms);
  std::printf("| LIST of all %ld pods (median of 3) | %.1f ms, %.0f MiB/s (%.1f MiB; CPU: server %.0f ms, client %.0f ms) | < 1 s | - |\n",
              list_all.items, list_all.ms, list_all.mib_per_s, list_all.mib, list_all.server_cpu_ms, list_all.client_cpu_ms);
  std::printf("| pod creates/s while filling to %ld pods, 16 clients | %.0f (p99 %.2f ms) | | - |\n", pods,
              fill.per_second, fill.p99_ms);
  std::printf("| RSS with %ld pods, API server alone (after LISTs) | %.0f MiB (%.0f MiB) | < 1024 MiB | 1.1 GiB (10k pods + 35k ConfigMaps) |\n",
              pods, rss_before_list, rss_after_list);
  std::printf("| watch: %d watchers over 4 kinds, 1 writer creating %ld objects | %d/%d watchers saw every event in order; "
              "%ld/%ld events%s%s | none dropped | - |\n",
              watch.watchers, watch.objects, watch.watchers_complete, watch.watchers, watch.events_delivered,
              watch.events_expected, watch.first_problem.empty() ? "" : "; first problem: ", watch.first_problem.c_str());
  std::printf("| watch fan-out events/s (all delivered / first create to last delivery) | %.0f (%.2f s; writer %.2f s) | | - |\n",
              watch.events_delivered / std::max(watch.fanout_seconds, 1e-9), watch.fanout_seconds, watch.writer_seconds);
  std::printf("| GET latency during the watch load (%ld GETs) | p50 %.2f ms, p99 %.2f ms | | - |\n", watch.gets,
              watch.get_p50_ms, watch.get_p99_ms);
  if (full_plane) {
    std::printf("| full control plane: idle RSS | %.1f MiB | | - |\n", plane_idle_rss);
    std::printf("| full control plane: pod creates/s, 16 clients, %ld pods | %.0f (p99 %.2f ms) | | - |\n", pods,
                plane_fill.per_second, plane_fill.p99_ms);
    std::printf("| full control plane: RSS with %ld (unschedulable) pods | %.0f MiB | < 1024 MiB | - |\n", pods, plane_rss);
  }
  if (!stores.empty()) {
    std::printf("\n| store (pod-sized %zu B values) | puts/s, 1 client (p99) | puts/s, 16 clients (p99) | range of 10k |\n",
                pod_json("web-7d9f8b6c5d-x8k2p", 0).size());
    std::printf("|---|---|---|---|\n");
    for (const auto& f : stores) {
      if (!f.error.empty()) {
        std::printf("| %s | error: %s | | |\n", f.name.c_str(), f.error.c_str());
        continue;
      }
      std::printf("| %s | %.0f (%.2f ms) | %.0f (%.2f ms) | %.1f ms |\n", f.name.c_str(), f.puts_per_s_1, f.p99_ms_1,
                  f.puts_per_s_16, f.p99_ms_16, f.range_10k_ms);
    }
  }
  return watch.watchers_complete == watch.watchers ? 0 : 1;
}

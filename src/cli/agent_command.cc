// `skiff agent`: a node agent talking to the API server through a kubeconfig, running either
// simulated nodes (--runtime sim) or this machine's pods on containerd (--runtime cri).
#include <CLI/CLI.hpp>

#include <signal.h>

#include <cctype>
#include <iostream>

#include "agent/sim/sim_node_runtime.h"
#ifdef SKIFF_HAVE_CRI
#include "agent/cri/cri_node_runtime.h"
#include "agent/cri/cri_stream_sources.h"
#include "agent/node_api/node_api_server.h"
#endif
#include "api/quantity.h"
#include "cli/commands.h"
#include "cli/duration_flag.h"
#include "client/rest_client.h"
#include "util/allocator.h"
#include "util/log.h"
#include "util/strings.h"

namespace skiff::cli {
namespace {

// "key=value:Effect" or "key:Effect", as kubelet --register-with-taints.
Result<Json> parse_taint(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return Error::bad_request("taint \"" + text + "\" needs :Effect");
  std::string effect = text.substr(colon + 1);
  if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute")
    return Error::bad_request("taint \"" + text + "\": effect must be NoSchedule, PreferNoSchedule or NoExecute");
  std::string kv = text.substr(0, colon);
  auto eq = kv.find('=');
  Json taint = {{"key", kv.substr(0, eq)}, {"effect", effect}};
  if (eq != std::string::npos) taint["value"] = kv.substr(eq + 1);
  return taint;
}

#ifdef SKIFF_HAVE_CRI
// The kubelet API through which the API server reaches this node's logs and containers; null
// (with a warning) when the kubeconfig has no CA to authenticate the API server with.
Result<std::unique_ptr<agent::NodeApiServer>> serve_node_api(const AgentFlags& f, const client::KubeConfig& config,
                                                             agent::cri::CriNodeRuntime& runtime) {
  if (config.ca_pem.empty()) {
    log::warn("agent", "not serving the kubelet API (kubectl logs, exec, attach and port-forward for this node's "
                       "pods): the kubeconfig has no certificate-authority-data to authenticate the API server with");
    return std::unique_ptr<agent::NodeApiServer>();
  }
  agent::NodeApiOptions options;
  options.address = f.address;
  options.port = static_cast<uint16_t>(f.node_port);
  options.node_name = runtime.node_name();
  options.serving_hosts = runtime.node_addresses();
  options.client_ca_pem = config.ca_pem;
  agent::NodeApiBackends backends;
  backends.find_pod = [&runtime](const std::string& ns, const std::string& name) { return runtime.find_pod(ns, name); };
  backends.logs = agent::cri::cri_pod_log_source(runtime.node_name(), runtime.pod_logs());
  backends.streams = agent::cri::cri_stream_source(runtime.node_name(), runtime.cri_client());
  return agent::NodeApiServer::start(options, std::move(backends));
}
#endif

// Runs this machine as a node until SIGINT/SIGTERM; sim_options carries the shared flags.
int run_cri_agent(const AgentFlags& f, const agent::sim::SimNodeOptions& sim_options, client::Client& client,
                  const sigset_t& signals, const client::KubeConfig& config) {
#ifdef SKIFF_HAVE_CRI
  agent::cri::CriClientOptions copts;
  copts.socket_path = f.containerd_socket;
  auto cri = agent::cri::connect_cri_client(copts);
  if (!cri.ok()) {
    std::cerr << "skiff agent: containerd does not answer on " << f.containerd_socket << ": "
              << cri.error().message
              << "\n  install containerd, runc and containernetworking-plugins (Debian: apt-get install containerd "
                 "runc containernetworking-plugins), start containerd, or pass --containerd-socket PATH\n";
    return 1;
  }
  // The agent idles between bursts of pod syncs; what a burst freed goes back to the system.
  allocator::return_freed_memory_within(std::chrono::seconds(1));
  agent::cri::CriNodeOptions o;
  o.node_name = f.node_name;
  o.node_ip = f.node_ip;
  o.pod_log_dir = f.pod_log_dir;
  o.pods_dir = f.pods_dir;
  o.extra_labels = sim_options.extra_labels;
  o.taints = sim_options.taints;
  o.lease_renew_interval = sim_options.lease_renew_interval;
  o.status_report_interval = sim_options.status_report_interval;
  o.crash_backoff_base = sim_options.crash_backoff_base;
  o.workers = std::max(o.workers, f.workers);
  agent::cri::CriNodeRuntime runtime(client, std::move(*cri), o);
  auto node_api = serve_node_api(f, config, runtime);
  if (!node_api.ok()) {
    std::cerr << "skiff agent: serving the kubelet API on " << f.address << ":" << f.node_port << ": "
              << node_api.error().message << "\n";
    return 1;
  }
  if (*node_api) runtime.set_kubelet_port((*node_api)->port());
  if (auto started = runtime.start(); !started.ok()) {
    std::cerr << "skiff agent: " << started.error().message << "\n";
    return 1;
  }
  std::cerr << "skiff agent: node " << runtime.node_name() << " runs its pods on containerd at "
            << f.containerd_socket << ", joined " << config.server;
  if (*node_api) std::cerr << ", kubelet API on " << f.address << ":" << (*node_api)->port();
  std::cerr << "\n";
  int sig = 0;
  sigwait(&signals, &sig);
  log::info("agent", std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                         ", stopping (containers keep running and are adopted by the next start)");
  if (*node_api) (*node_api)->stop();
  runtime.stop();
  return 0;
#else
  std::cerr << "skiff agent: this skiff was built without the CRI runtime (needs libgrpc++-dev, libprotobuf-dev, "
               "protobuf-compiler-grpc; reconfigure with -DSKIFF_CRI=ON)\n";
  return 2;
#endif
}

}  // namespace

CLI::App* add_agent_command(CLI::App& app, AgentFlags& f) {
  CLI::App* agent = app.add_subcommand("agent", "Run a node agent (--runtime cri: containers; sim: simulated nodes)");
  agent->add_option("--kubeconfig", f.kubeconfig, "kubeconfig of the API server to join")->required();
  agent->add_option("--context", f.context, "kubeconfig context (default: current-context)");
  agent->add_option("--runtime", f.runtime, "Node runtime: sim (simulated nodes) or cri (containerd)")
      ->check(CLI::IsMember({"sim", "cri"}))
      ->capture_default_str();
  agent->add_option("--sim-nodes", f.sim_nodes, "Number of simulated nodes")->capture_default_str();
  agent->add_option("--node-name-prefix", f.node_name_prefix, "Simulated node names are PREFIX0, PREFIX1, ...")
      ->capture_default_str();
  agent->add_option("--first-node-index", f.first_index, "Number of the first simulated node")->capture_default_str();
  agent->add_option("--node-cpu", f.node_cpu, "CPU capacity of each simulated node")->capture_default_str();
  agent->add_option("--node-memory", f.node_memory, "Memory capacity of each simulated node")->capture_default_str();
  agent->add_option("--node-pods", f.node_pods, "Pod capacity of each simulated node")->capture_default_str();
  agent->add_option("--node-ephemeral-storage", f.node_ephemeral_storage, "Ephemeral storage of each simulated node")
      ->capture_default_str();
  agent->add_option("--zones", f.zones, "Zones assigned round-robin (comma-separated)")->capture_default_str();
  agent->add_option("--region", f.region, "Region label of the simulated nodes")->capture_default_str();
  agent->add_option("--node-labels", f.labels, "Extra node labels KEY=VALUE (repeatable)");
  agent->add_option("--register-with-taints", f.taints, "Taints KEY[=VALUE]:EFFECT (repeatable)");
  agent->add_option("--node-lease-renew-interval", f.lease_renew, "Lease renewal period")->capture_default_str();
  agent->add_option("--node-status-report-frequency", f.status_report, "Node status report period")
      ->capture_default_str();
  agent->add_option("--pod-start-delay", f.pod_start_delay, "Delay before a bound pod runs")->capture_default_str();
  agent->add_option("--readiness-delay", f.readiness_delay, "Readiness delay of containers without a readinessProbe")
      ->capture_default_str();
  agent->add_option("--crash-backoff-base", f.crash_backoff, "First crash-loop back-off (doubles up to 5m)")
      ->capture_default_str();
  agent->add_option("--max-termination-grace", f.max_grace, "Cap on the grace period of deleted pods")
      ->capture_default_str();
  agent->add_flag("--record-events", f.record_events, "Record kubelet-style pod events (Pulled, Started, Killing...)");
  agent->add_option("--workers", f.workers, "Worker threads for node and pod updates")->capture_default_str();
  agent->add_option("--containerd-socket", f.containerd_socket, "containerd's CRI socket (--runtime cri)")
      ->capture_default_str();
  agent->add_option("--node-name", f.node_name, "Node name (--runtime cri; default: the host name)");
  agent->add_option("--pod-log-dir", f.pod_log_dir, "Where container logs go (--runtime cri)")->capture_default_str();
  agent->add_option("--pods-dir", f.pods_dir, "Where pod volumes live (--runtime cri)")->capture_default_str();
  agent->add_option("--node-port", f.node_port,
                    "Port of the kubelet API the API server reaches for logs, exec, attach and port-forward "
                    "(--runtime cri; 0 picks a free one)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  agent->add_option("--address", f.address, "Address the kubelet API listens on (--runtime cri)")
      ->capture_default_str();
  agent->add_option("--node-ip", f.node_ip,
                    "The Node's InternalIP, where the API server reaches the kubelet API (--runtime cri; default: "
                    "the first non-loopback IPv4 address)");
  agent->add_flag("-v", f.verbosity, "More verbose logs");
  return agent;
}

int run_agent(const AgentFlags& f) {
  if (f.verbosity > 0) log::set_level(log::Level::kDebug);
  agent::sim::SimNodeOptions o;
  o.nodes = f.sim_nodes;
  o.name_prefix = f.node_name_prefix;
  o.first_index = f.first_index;
  o.cpu = f.node_cpu;
  o.memory = f.node_memory;
  o.pods = f.node_pods;
  o.ephemeral_storage = f.node_ephemeral_storage;
  o.region = f.region;
  o.record_events = f.record_events;
  o.workers = f.workers;
  o.zones.clear();
  for (auto& z : split(f.zones, ','))
    if (!trim(z).empty()) o.zones.emplace_back(trim(z));
  auto fail = [](const std::string& message) {
    std::cerr << "skiff agent: " << message << "\n";
    return 2;
  };
  if (f.sim_nodes < 0) return fail("--sim-nodes must not be negative");
  for (const auto& q : {f.node_cpu, f.node_memory, f.node_pods, f.node_ephemeral_storage})
    if (auto parsed = api::Quantity::parse(q); !parsed.ok()) return fail("\"" + q + "\": " + parsed.error().message);
  for (const auto& label : f.labels) {
    auto eq = label.find('=');
    if (eq == std::string::npos) return fail("--node-labels wants KEY=VALUE, got \"" + label + "\"");
    o.extra_labels[label.substr(0, eq)] = label.substr(eq + 1);
  }
  for (const auto& t : f.taints) {
    auto taint = parse_taint(t);
    if (!taint.ok()) return fail(taint.error().message);
    o.taints.push_back(*taint);
  }
  struct DurationFlag {
    const char* name;
    const std::string& text;
    std::chrono::milliseconds& out;
  };
  for (const DurationFlag& d : {DurationFlag{"--node-lease-renew-interval", f.lease_renew, o.lease_renew_interval},
                                DurationFlag{"--node-status-report-frequency", f.status_report, o.status_report_interval},
                                DurationFlag{"--pod-start-delay", f.pod_start_delay, o.pod_start_delay},
                                DurationFlag{"--readiness-delay", f.readiness_delay, o.default_readiness_delay},
                                DurationFlag{"--crash-backoff-base", f.crash_backoff, o.crash_backoff_base},
                                DurationFlag{"--max-termination-grace", f.max_grace, o.max_termination_grace}}) {
    auto parsed = parse_duration_flag(d.name, d.text);
    if (!parsed.ok()) return fail(parsed.error().message);
    d.out = *parsed;
  }

  auto config = client::load_kubeconfig(f.kubeconfig, f.context);
  if (!config.ok()) return fail(config.error().message);
  client::RestClientOptions copts;
  copts.component = f.runtime == "cri" ? "kubelet" : "skiff-agent";
  auto rest = client::new_rest_client(*config, copts);
  if (!rest.ok()) return fail(rest.error().message);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (f.runtime == "cri") return run_cri_agent(f, o, **rest, signals, *config);

  agent::sim::SimNodeRuntime runtime(**rest, o);
  if (auto started = runtime.start(); !started.ok()) {
    std::cerr << "skiff agent: " << started.error().message << "\n";
    return 1;
  }
  std::cerr << "skiff agent: running " << o.nodes << " simulated nodes against " << config->server << "\n";
  int sig = 0;
  sigwait(&signals, &sig);
  log::info("agent", std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping simulated nodes");
  runtime.stop();
  return 0;
}

}  // namespace skiff::cli

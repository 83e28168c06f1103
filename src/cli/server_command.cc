#include <CLI/CLI.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "apiserver/api_server.h"
#include "apiserver/pki.h"
#include "cli/commands.h"
#include "cli/control_plane.h"
#include "cli/duration_flag.h"
#include "util/log.h"

namespace skiff::cli {

std::string default_data_dir() {
  if (const char* d = std::getenv("SKIFF_DATA_DIR"); d && *d) return d;
  if (geteuid() == 0) return "/var/lib/skiff";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/skiff";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/skiff";
  return "./skiff-data";
}

void add_server_flags(CLI::App& app, ServerFlags& f) {
  f.data_dir = default_data_dir();
  app.add_option("--data-dir", f.data_dir, "Directory for the datastore, TLS material and admin.kubeconfig")
      ->capture_default_str();
  app.add_option("--listen", f.listen, "Address to serve the API on (HOST:PORT; port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("--datastore", f.datastore, "Datastore backend: sqlite (durable, default) or memory")
      ->check(CLI::IsMember({"sqlite", "memory"}))
      ->capture_default_str();
  app.add_option("--write-kubeconfig", f.write_kubeconfig,
                 "Also write the admin kubeconfig to this path (repeatable); always written to DATA_DIR/admin.kubeconfig");
  app.add_option("--tls-san", f.tls_san, "Extra host name or IP for the serving certificate (repeatable)");
  app.add_flag("--insecure-plain-http", f.plain_http,
               "Serve plain HTTP without authentication (loopback addresses only; for debugging)");
  app.add_flag("-v", f.verbosity, "More verbose logs");

  app.add_flag("--disable-agent", f.disable_agent, "Do not run a node agent in the server");
  app.add_option("--runtime", f.runtime, "Node agent runtime for this machine: cri (containerd); default none")
      ->check(CLI::IsMember({"", "cri"}));
  app.add_option("--containerd-socket", f.containerd_socket, "containerd's CRI socket (with --runtime cri)")
      ->capture_default_str();
  app.add_option("--node-name", f.node_name, "Name of this machine's Node (default: the host name)");
  app.add_option("--pod-log-dir", f.pod_log_dir, "Where container logs go (default: DATA_DIR/pod-logs)");
  app.add_flag("--disable-scheduler", f.disable_scheduler, "Do not run the scheduler");
  app.add_option("--controllers", f.controllers,
                 "Controllers to run (repeatable; default: all). Names as kube-controller-manager's")
      ->delimiter(',');
  app.add_flag("--disable-controllers", f.disable_controllers,
               "Run no controllers (with --disable-scheduler: the API server alone, as benchmarks measure it)");
  app.add_option("--sim-nodes", f.sim_nodes, "Run N simulated nodes (sim-0 ... sim-N-1) in the server")
      ->check(CLI::Range(0, 100000));
  app.add_option("--sim-node-cpu", f.sim_node_cpu, "CPU capacity of each simulated node")->capture_default_str();
  app.add_option("--sim-node-memory", f.sim_node_memory, "Memory capacity of each simulated node")
      ->capture_default_str();
  app.add_option("--sim-node-pods", f.sim_node_pods, "Pod capacity of each simulated node")->capture_default_str();
  app.add_option("--node-monitor-grace-period", f.node_monitor_grace_period,
                 "How long a node may stay silent before it is marked Unknown")
      ->capture_default_str();
  app.add_option("--node-monitor-period", f.node_monitor_period, "How often node health is checked")
      ->capture_default_str();
  app.add_option("--default-not-ready-toleration-seconds", f.default_not_ready_toleration_seconds,
                 "tolerationSeconds of the not-ready:NoExecute toleration added to every pod")
      ->capture_default_str();
  app.add_option("--default-unreachable-toleration-seconds", f.default_unreachable_toleration_seconds,
                 "tolerationSeconds of the unreachable:NoExecute toleration added to every pod")
      ->capture_default_str();
}

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int run_server(const ServerFlags& f) {
  if (f.verbosity > 0) log::set_level(log::Level::kDebug);
  apiserver::ApiServerOptions opts;
  opts.data_dir = f.data_dir;
  opts.datastore = f.datastore;
  opts.write_kubeconfig = f.write_kubeconfig;
  opts.tls_sans = f.tls_san;
  opts.tls = !f.plain_http;
  opts.default_not_ready_toleration_seconds = f.default_not_ready_toleration_seconds;
  opts.default_unreachable_toleration_seconds = f.default_unreachable_toleration_seconds;
  auto colon = f.listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "skiff server: --listen must be HOST:PORT, got \"" << f.listen << "\"\n";
    return 2;
  }
  opts.listen_host = f.listen.substr(0, colon);
  if (opts.listen_host.size() > 2 && opts.listen_host.front() == '[') opts.listen_host = opts.listen_host.substr(1, opts.listen_host.size() - 2);
  try {
    int port = std::stoi(f.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    opts.port = static_cast<uint16_t>(port);
  } catch (...) {
    std::cerr << "skiff server: invalid port in --listen \"" << f.listen << "\"\n";
    return 2;
  }

  // Block termination signals before threads start so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto server = apiserver::ApiServer::start(opts);
  if (!server.ok()) {
    std::cerr << "skiff server: " << server.error().message << "\n";
    return 1;
  }
  ControlPlaneOptions plane;
  plane.scheduler = !f.disable_scheduler;
  plane.controllers = f.controllers;
  plane.run_controllers = !f.disable_controllers;
  plane.sim_nodes = f.sim_nodes;
  plane.sim.cpu = f.sim_node_cpu;
  plane.sim.memory = f.sim_node_memory;
  plane.sim.pods = f.sim_node_pods;
  if (!f.disable_agent) plane.node_runtime = f.runtime;
  plane.containerd_socket = f.containerd_socket;
  plane.node_name = f.node_name;
  plane.pod_log_dir = f.pod_log_dir.empty() ? f.data_dir + "/pod-logs" : f.pod_log_dir;
  plane.pods_dir = f.data_dir + "/pods";
  plane.storage_path = f.data_dir;
  if (opts.tls) {  // the API server made its kubelet-client certificate with the rest of its PKI
    apiserver::PkiFiles pki = apiserver::PkiFiles::in(f.data_dir);
    plane.kubelet_client_cert_pem = read_text(pki.kubelet_client_cert);
    plane.kubelet_client_key_pem = read_text(pki.kubelet_client_key);
  }
  auto grace = parse_duration_flag("--node-monitor-grace-period", f.node_monitor_grace_period);
  auto period = parse_duration_flag("--node-monitor-period", f.node_monitor_period);
  if (!grace.ok() || !period.ok()) {
    std::cerr << "skiff server: " << (grace.ok() ? period.error() : grace.error()).message << "\n";
    return 2;
  }
  plane.controller_options.node_monitor_grace_period = *grace;
  plane.controller_options.node_monitor_period = *period;
  plane.controller_options.default_not_ready_toleration_seconds = f.default_not_ready_toleration_seconds;
  plane.controller_options.default_unreachable_toleration_seconds = f.default_unreachable_toleration_seconds;
  auto control = ControlPlane::start((*server)->registry(), plane);
  if (!control.ok()) {
    std::cerr << "skiff server: " << control.error().message << "\n";
    (*server)->stop();
    return 1;
  }
  if (opts.tls) {
    std::cerr << "skiff server: ready. Use it with:\n  export KUBECONFIG=" << f.data_dir << "/admin.kubeconfig\n";
  }
  (*server)->set_pod_log_source((*control)->pod_log_source());
  (*server)->set_container_stream_source((*control)->container_stream_source());
  int sig = 0;
  sigwait(&signals, &sig);
  log::info("server", std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
  (*server)->set_pod_log_source(nullptr);
  (*server)->set_container_stream_source(nullptr);
  (*control)->stop();
  (*server)->stop();
  return 0;
}

}  // namespace skiff::cli

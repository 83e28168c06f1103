// Subcommands of the skiff binary.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace skiff::cli {

inline constexpr const char* kVersion = "0.1.0";

struct ServerFlags {
  std::string data_dir;
  std::string listen = "127.0.0.1:6443";
  std::string datastore = "sqlite";
  std::vector<std::string> write_kubeconfig;
  std::vector<std::string> tls_san;
  bool plain_http = false;
  int verbosity = 0;

  // Control plane and simulated nodes.
  bool disable_agent = false;
  bool disable_scheduler = false;
  std::vector<std::string> controllers;  // empty: all
  bool disable_controllers = false;
  int sim_nodes = 0;
  std::string sim_node_cpu = "4";
  std::string sim_node_memory = "16Gi";
  std::string sim_node_pods = "110";
  std::string node_monitor_grace_period = "40s";
  std::string node_monitor_period = "5s";
  int64_t default_not_ready_toleration_seconds = 300;
  int64_t default_unreachable_toleration_seconds = 300;

  // The embedded node agent: "cri" runs this machine's pods on containerd ("" none).
  std::string runtime;
  std::string containerd_socket = "/run/containerd/containerd.sock";
  std::string node_name;    // default: the host name
  std::string pod_log_dir;  // default: DATA_DIR/pod-logs
};

void add_server_flags(CLI::App& app, ServerFlags& flags);
int run_server(const ServerFlags& flags);

// Default data directory: $SKIFF_DATA_DIR, else /var/lib/skiff for root, else ~/.local/share/skiff.
std::string default_data_dir();

// `skiff chart ...` (helm-compatible chart commands).
struct ChartFlags {
  ChartFlags();
  ~ChartFlags();
  struct Impl;
  std::unique_ptr<Impl> impl;
};
// `invoked`: the word after `chart` on the command line (only that subcommand is declared).
CLI::App* add_chart_command(CLI::App& app, ChartFlags& flags, std::string_view invoked);
int run_chart(const ChartFlags& flags);

// `skiff agent` (node agent: --runtime sim or cri).
struct AgentFlags {
  std::string kubeconfig;
  std::string context;
  std::string runtime = "sim";
  int sim_nodes = 1;
  std::string node_name_prefix = "sim-";
  int first_index = 0;
  std::string node_cpu = "4";
  std::string node_memory = "16Gi";
  std::string node_pods = "110";
  std::string node_ephemeral_storage = "100Gi";
  std::string zones = "zone-a,zone-b,zone-c";
  std::string region = "sim-region";
  std::vector<std::string> labels;
  std::vector<std::string> taints;
  std::string lease_renew = "10s";
  std::string status_report = "1m";
  std::string pod_start_delay = "0s";
  std::string readiness_delay = "0s";
  std::string crash_backoff = "10s";
  std::string max_grace = "0s";
  bool record_events = false;
  int workers = 2;
  int verbosity = 0;
  // --runtime cri
  std::string containerd_socket = "/run/containerd/containerd.sock";
  std::string node_name;  // default: the host name
  std::string pod_log_dir = "/var/log/pods";
  std::string pods_dir = "/var/lib/skiff/pods";  // pod volumes
  int node_port = 10250;            // the kubelet API; 0 picks a free port
  std::string address = "0.0.0.0";  // where the kubelet API listens
  std::string node_ip;              // the Node's InternalIP; default: the first non-loopback IPv4
};
CLI::App* add_agent_command(CLI::App& app, AgentFlags& flags);
int run_agent(const AgentFlags& flags);

// `skiff image import ARCHIVE...` and `skiff image ls`: the images of this node's containerd.
struct ImageFlags {
  std::vector<std::string> archives;
  std::string containerd_socket = "/run/containerd/containerd.sock";
  std::string ns = "k8s.io";
  bool quiet = false;
};
struct ImageCommands {
  CLI::App* import = nullptr;
  CLI::App* ls = nullptr;
};
ImageCommands add_image_command(CLI::App& app, ImageFlags& flags);
int run_image(const ImageCommands& commands, const ImageFlags& flags);

}  // namespace skiff::cli

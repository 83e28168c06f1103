// Subcommands of the skiff binary.
#pragma once

#include <memory>
#include <string>
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
CLI::App* add_chart_command(CLI::App& app, ChartFlags& flags);
int run_chart(const ChartFlags& flags);

}  // namespace skiff::cli

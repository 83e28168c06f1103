// skiff: the single binary. Subcommands parse flags and call the libraries.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Skiff: a lightweight Kubernetes-compatible container orchestrator.\n"
               "Real kubectl and helm drive it unmodified."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("skiff ") + skiff::cli::kVersion);

  skiff::cli::ServerFlags server_flags;
  CLI::App* server = app.add_subcommand("server", "Run the control plane (API server and datastore)");
  skiff::cli::add_server_flags(*server, server_flags);

  skiff::cli::ChartFlags chart_flags;
  CLI::App* chart = skiff::cli::add_chart_command(app, chart_flags);

  skiff::cli::AgentFlags agent_flags;
  CLI::App* agent = skiff::cli::add_agent_command(app, agent_flags);

  skiff::cli::ImageFlags image_flags;
  skiff::cli::ImageCommands image = skiff::cli::add_image_command(app, image_flags);

  CLI::App* version = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);
  if (server->parsed()) return skiff::cli::run_server(server_flags);
  if (chart->parsed()) return skiff::cli::run_chart(chart_flags);
  if (agent->parsed()) return skiff::cli::run_agent(agent_flags);
  if (image.import->parsed() || image.ls->parsed()) return skiff::cli::run_image(image, image_flags);
  if (version->parsed()) {
    std::cout << "skiff " << skiff::cli::kVersion << " (Kubernetes API v1.33)\n";
    return 0;
  }
  return 0;
}

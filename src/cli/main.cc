// skiff: the single binary. Subcommands parse flags and call the libraries.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "cli/commands.h"

namespace {

// Only the invoked subcommand's flags are declared (each command's tree of options costs time
// and memory at every start); a help request or an unknown word declares them all, so CLI11
// lists every command or names the unknown one.
bool declares(const char* command, int argc, char** argv) {
  if (argc < 2) return true;
  std::string_view first = argv[1];
  static constexpr std::string_view kCommands[] = {"server", "chart", "agent", "image", "version"};
  bool known = false;
  for (auto c : kCommands) known |= first == c;
  return !known || first == command;
}

// A command-line mistake as helm and kubectl word it ("unknown flag: --x"), for "Error: ...".
std::string usage_error_text(const CLI::ParseError& e) {
  std::string text = e.what();
  for (std::string_view prefix : {"The following argument was not expected: ", "The following arguments were not expected: "}) {
    if (text.rfind(prefix, 0) != 0) continue;
    std::string first = text.substr(prefix.size());
    first = first.substr(0, first.find(' '));
    if (first.rfind("--", 0) == 0) return "unknown flag: " + first.substr(0, first.find('='));
    if (first.size() > 1 && first[0] == '-') return "unknown shorthand flag: '" + first.substr(1, 1) + "' in " + first;
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Skiff: a lightweight Kubernetes-compatible container orchestrator.\n"
               "Real kubectl and helm drive it unmodified."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("skiff ") + skiff::cli::kVersion);

  skiff::cli::ServerFlags server_flags;
  CLI::App* server = nullptr;
  if (declares("server", argc, argv)) {
    server = app.add_subcommand("server", "Run the control plane (API server and datastore)");
    skiff::cli::add_server_flags(*server, server_flags);
  }
  skiff::cli::ChartFlags chart_flags;
  CLI::App* chart = nullptr;
  if (declares("chart", argc, argv)) chart = skiff::cli::add_chart_command(app, chart_flags, argc > 2 ? argv[2] : "");
  skiff::cli::AgentFlags agent_flags;
  CLI::App* agent = declares("agent", argc, argv) ? skiff::cli::add_agent_command(app, agent_flags) : nullptr;
  skiff::cli::ImageFlags image_flags;
  skiff::cli::ImageCommands image;
  if (declares("image", argc, argv)) image = skiff::cli::add_image_command(app, image_flags);
  CLI::App* version = declares("version", argc, argv) ? app.add_subcommand("version", "Print the version") : nullptr;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    std::cerr << "Error: " << usage_error_text(e) << "\n";
    return 1;
  }
  auto parsed = [](const CLI::App* command) { return command && command->parsed(); };
  if (parsed(server)) return skiff::cli::run_server(server_flags);
  if (parsed(chart)) return skiff::cli::run_chart(chart_flags);
  if (parsed(agent)) return skiff::cli::run_agent(agent_flags);
  if (parsed(image.import) || parsed(image.ls)) return skiff::cli::run_image(image, image_flags);
  if (parsed(version)) {
    std::cout << "skiff " << skiff::cli::kVersion << " (Kubernetes API v1.33)\n";
    return 0;
  }
  return 0;
}

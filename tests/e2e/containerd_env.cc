#include "containerd_env.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <sstream>

#include "util/json.h"

namespace skiff::e2e {
namespace {

const std::string kScript = std::string(SKIFF_SOURCE_DIR) + "/scripts/containerd-test-env.sh";

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

}  // namespace

void ContainerdEnv::start(const std::string& dir_prefix) {
  std::vector<std::string> extra;
  CommandResult check = run_command({kScript, "check"});
  if (check.exit_code != 0) {
    skip_reason_ = "containerd-test-env.sh check: " + check.out + check.err;
    return;
  }
  std::string dir_template = "/tmp/" + dir_prefix + "-XXXXXX";
  if (mkdtemp(dir_template.data()) == nullptr) {
    failure_ = "mkdtemp failed";
    return;
  }
  dir_ = dir_template;
  extra.push_back("SKIFF_REGISTRY_PORT=" + std::to_string(free_loopback_port()));
  // A bridge and subnet per environment: suites, and test runs, side by side must not hand out
  // the same pod addresses on one bridge.
  size_t id = std::hash<std::string>{}(dir_) % 4096;
  extra.push_back("SKIFF_TEST_BRIDGE=skiffe2e" + std::to_string(id));
  extra.push_back("SKIFF_TEST_POD_SUBNET=10." + std::to_string(160 + id / 64) + "." + std::to_string(id % 64 * 4) + ".0/24");
  CommandResult started = run_command({kScript, "start", dir_}, "", extra, 300);
  if (started.exit_code != 0) {
    failure_ = "containerd-test-env.sh start failed: " + started.out + started.err;
    return;
  }
  std::istringstream in(read_file(dir_ + "/env"));
  for (std::string line; std::getline(in, line);)
    if (auto eq = line.find('='); eq != std::string::npos) vars_[line.substr(0, eq)] = line.substr(eq + 1);
}

void ContainerdEnv::stop() {
  if (dir_.empty()) return;
  run_command({kScript, "stop", dir_}, "", {}, 120);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
}

std::string ContainerdEnv::operator[](const std::string& name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? "" : it->second;
}

bool has_ready_node(const Kubectl& kubectl) {
  CommandResult r = kubectl({"get", "nodes", "-o", "json"});
  auto nodes = parse_json(r.out);
  if (r.exit_code != 0 || !nodes.ok()) return false;
  for (const auto& n : nodes->value("items", Json::array()))
    for (const auto& c : n["status"].value("conditions", Json::array()))
      if (c.value("type", "") == "Ready" && c.value("status", "") == "True") return true;
  return false;
}

}  // namespace skiff::e2e

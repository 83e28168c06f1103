// End-to-end harness: starts the real `skiff server` binary on a free loopback port with a
// temporary data dir, and runs real clients (kubectl) against it.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "util/json.h"

namespace skiff::e2e {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv with stdin_text on standard input; env entries "K=V" are added to the environment.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = "",
                          const std::vector<std::string>& env = {}, int timeout_seconds = 60);

// Path of a kubectl binary for a minor version (27..33), or "" when not on this machine.
std::string kubectl_path(int minor);
// The real helm VERSION ("4.1.4", "3.17.3") scripts/fetch-helm.sh cached, or "" when absent.
std::string helm_path(const std::string& version);

class ServerProcess {
 public:
  // extra_args go after `skiff server --data-dir D --listen 127.0.0.1:0`.
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  ~ServerProcess();

  // Starts the server (reusing the data dir across restarts) and waits for /readyz.
  void start();
  void kill9();   // SIGKILL, no cleanup
  void stop();    // SIGTERM and wait

  const std::string& data_dir() const { return data_dir_; }
  std::string kubeconfig() const { return data_dir_ + "/admin.kubeconfig"; }
  std::string home() const { return home_; }  // isolated HOME: kubectl's discovery cache lives there
  int port() const { return port_; }
  bool running() const { return pid_ > 0; }
  const std::string& log_path() const { return log_path_; }

 private:
  std::vector<std::string> extra_args_;
  std::string data_dir_;
  std::string home_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A kubectl of one version bound to a server's kubeconfig.
class Kubectl {
 public:
  Kubectl(const ServerProcess& server, int minor);
  bool available() const { return !path_.empty(); }
  CommandResult operator()(const std::vector<std::string>& args, const std::string& stdin_text = "") const;
  // Runs and asserts success (gtest ADD_FAILURE with output otherwise); returns stdout.
  std::string ok(const std::vector<std::string>& args, const std::string& stdin_text = "") const;

 private:
  const ServerProcess& server_;
  std::string path_;
};

// Tests parameterized by kubectl minor version that share one server per suite; each test
// gets its own namespace (named after the test) and skips when that kubectl is absent.
class KubectlSuite : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  const Kubectl& k() const { return *kubectl_; }
  // `kubectl <args> -o json` parsed (a test failure when it does not parse).
  Json get_json(std::vector<std::string> args);

  static ServerProcess* server_;
  std::unique_ptr<Kubectl> kubectl_;
  std::string ns_;
};

std::string read_file(const std::string& path);
std::string shared_dir();  // ../shared (test data)

}  // namespace skiff::e2e

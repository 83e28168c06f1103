// A private containerd and loopback registry for a test suite (scripts/containerd-test-env.sh),
// with the variables its start writes: CONTAINERD_SOCKET, REGISTRY, BUSYBOX_IMAGE, CNI_READY, ...
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness.h"

namespace skiff::e2e {

class ContainerdEnv {
 public:
  // Starts one in a fresh directory named after prefix, with a bridge and pod subnet of its own
  // (environments of suites and test runs side by side never share pod addresses). Afterwards
  // skip_reason() says why this machine can not run it, failure() why it did not start.
  void start(const std::string& dir_prefix);
  void stop();

  const std::string& skip_reason() const { return skip_reason_; }
  const std::string& failure() const { return failure_; }
  const std::string& dir() const { return dir_; }
  // A variable of the environment, "" when unset.
  std::string operator[](const std::string& name) const;
  std::string socket() const { return (*this)["CONTAINERD_SOCKET"]; }

 private:
  std::string skip_reason_, failure_, dir_;
  std::map<std::string, std::string> vars_;
};

// True when some node of the cluster kubectl talks to reports Ready.
bool has_ready_node(const Kubectl& kubectl);

}  // namespace skiff::e2e

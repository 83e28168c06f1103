// Everything `skiff server` runs beside the API server, over in-process clients: the scheduler,
// the controllers, (optionally) simulated nodes and the node agent for this machine, and the
// client of other nodes' kubelet API.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "agent/sim/sim_node_runtime.h"
#include "controllers/controller.h"
#include "util/result.h"

namespace skiff::apiserver {
class PodLogSource;
class ContainerStreamSource;
class Registry;
}

namespace skiff::cli {

struct ControlPlaneOptions {
  bool scheduler = true;
  std::vector<std::string> controllers;  // empty: all of them (unless run_controllers is false)
  bool run_controllers = true;
  controllers::ControllerOptions controller_options;
  int sim_nodes = 0;
  agent::sim::SimNodeOptions sim;
  // The embedded node agent for this machine: "cri" (containerd at containerd_socket) or "" (none).
  // When the runtime does not answer, the control plane says why and keeps serving without it.
  std::string node_runtime;
  std::string containerd_socket;
  std::string node_name;    // empty: the host name
  std::string pod_log_dir;
  std::string pods_dir;  // pod volumes
  std::string storage_path = "/";
  std::chrono::milliseconds crash_backoff_base{std::chrono::seconds(10)};
  // The API server's kubelet-client certificate, for the nodes whose agent runs elsewhere (empty:
  // their pods' logs and sessions are not served).
  std::string kubelet_client_cert_pem;
  std::string kubelet_client_key_pem;
};

class ControlPlane {
 public:
  static Result<std::unique_ptr<ControlPlane>> start(apiserver::Registry& registry, const ControlPlaneOptions& options);
  virtual ~ControlPlane() = default;
  virtual void stop() = 0;
  // pods/log: the embedded node agent for its pods, the kubelet API for other nodes' (null: neither).
  virtual std::shared_ptr<apiserver::PodLogSource> pod_log_source() = 0;
  // exec, attach and port-forward likewise.
  virtual std::shared_ptr<apiserver::ContainerStreamSource> container_stream_source() = 0;
};

}  // namespace skiff::cli

// Everything `skiff server` runs beside the API server, over in-process clients: the scheduler,
// the controllers and (optionally) simulated nodes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/sim/sim_node_runtime.h"
#include "controllers/controller.h"
#include "util/result.h"

namespace skiff::apiserver {
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
};

class ControlPlane {
 public:
  static Result<std::unique_ptr<ControlPlane>> start(apiserver::Registry& registry, const ControlPlaneOptions& options);
  virtual ~ControlPlane() = default;
  virtual void stop() = 0;
};

}  // namespace skiff::cli

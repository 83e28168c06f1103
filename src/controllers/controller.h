// What every controller gets and how the controller manager runs it. A controller registers its
// informers and handlers in its constructor (before the informers start), then run() starts its
// workers once the caches have synced.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/events.h"
#include "client/informer.h"
#include "util/clock.h"

namespace skiff::controllers {

// Timing knobs; names follow kube-controller-manager's flags.
struct ControllerOptions {
  std::chrono::milliseconds node_monitor_grace_period{std::chrono::seconds(40)};
  std::chrono::milliseconds node_monitor_period{std::chrono::seconds(5)};
  int64_t default_not_ready_toleration_seconds = 300;
  int64_t default_unreachable_toleration_seconds = 300;
  int workers = 2;  // per controller
  // Job controller: delay before recreating pods after failures, doubling per failure.
  std::chrono::milliseconds job_pod_failure_backoff{std::chrono::seconds(10)};
  std::chrono::milliseconds job_pod_failure_backoff_max{std::chrono::minutes(6)};
  // Pod garbage collector: terminated pods kept before the oldest are deleted (<= 0: no limit),
  // and how often it looks (a constant 20 s in Kubernetes; shortened by tests).
  int terminated_pod_gc_threshold = 12500;
  std::chrono::milliseconds pod_gc_check_period{std::chrono::seconds(20)};
};

struct ControllerContext {
  client::Client& client;
  client::InformerFactory& informers;
  const Clock& clock;
  ControllerOptions options;
};

class Controller {
 public:
  virtual ~Controller() = default;
  virtual void run() = 0;   // starts workers; the informers have synced
  virtual void stop() = 0;  // stops workers; safe to call twice
};

// The controllers kube-controller-manager would run, by name ("replicaset", "deployment", ...).
// Unknown names are an error.
Result<std::vector<std::unique_ptr<Controller>>> make_controllers(ControllerContext& ctx,
                                                                  const std::vector<std::string>& names);
// Every controller's name, in start order.
const std::vector<std::string>& all_controller_names();

}  // namespace skiff::controllers

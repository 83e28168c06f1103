// Simulated ("hollow") nodes: N Node objects in one process, heartbeating through Leases and
// running the pods bound to them virtually (no containers). Used by `skiff agent --runtime sim`
// and `skiff server --sim-nodes N`; behaviour is driven by sim.skiff.dev/* annotations
// (sim_annotations.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/client.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::client {
class InformerFactory;
}

namespace skiff::agent::sim {

struct SimNodeOptions {
  int nodes = 1;
  std::string name_prefix = "sim-";  // nodes are <prefix>0, <prefix>1, ...
  int first_index = 0;               // lets several processes share one cluster without clashing

  // Capacity (= allocatable) as Kubernetes quantities.
  std::string cpu = "4";
  std::string memory = "16Gi";
  std::string pods = "110";
  std::string ephemeral_storage = "100Gi";

  std::vector<std::string> zones = {"zone-a", "zone-b", "zone-c"};  // assigned round-robin
  std::string region = "sim-region";
  std::vector<std::string> roles;     // node-role.kubernetes.io/<role>: ""
  Json extra_labels = Json::object();
  Json taints = Json::array();        // core/v1 Taint objects

  std::chrono::milliseconds lease_renew_interval{std::chrono::seconds(10)};
  int lease_duration_seconds = 40;
  std::chrono::milliseconds status_report_interval{std::chrono::minutes(1)};

  std::chrono::milliseconds pod_start_delay{0};
  std::chrono::milliseconds default_readiness_delay{0};  // when a container has no readinessProbe
  std::chrono::milliseconds crash_backoff_base{std::chrono::seconds(10)};
  std::chrono::milliseconds crash_backoff_max{std::chrono::minutes(5)};
  // Deleted pods are removed after min(their grace period, this cap).
  std::chrono::milliseconds max_termination_grace{0};

  bool record_events = false;  // Pulled/Created/Started/Killing/BackOff, as the kubelet
  int workers = 2;             // threads writing pod status, and as many for node heartbeats
  const Clock* clock = &SystemClock::instance();
};

class SimNodeRuntime {
 public:
  // With a shared informer factory, construct before that factory is started (handlers are
  // added here); its pods and nodes informers are used. Without one, the runtime owns its own.
  SimNodeRuntime(client::Client& client, SimNodeOptions options, client::InformerFactory* shared = nullptr);
  ~SimNodeRuntime();
  SimNodeRuntime(const SimNodeRuntime&) = delete;
  SimNodeRuntime& operator=(const SimNodeRuntime&) = delete;

  // Starts the informers (if not yet running) and registers the nodes in the background.
  Status start();
  void stop();

  std::vector<std::string> node_names() const;
  // Whether every node has registered (its Node and Lease exist).
  bool all_registered() const;

 private:
  struct Impl;
  struct Gate;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<Gate> gate_;
};

}  // namespace skiff::agent::sim

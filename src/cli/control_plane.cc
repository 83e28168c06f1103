#include "cli/control_plane.h"

#include <algorithm>

#include "apiserver/in_process_client.h"
#include "client/informer.h"
#include "scheduler/scheduler.h"
#include "util/log.h"

namespace skiff::cli {
namespace {

class ControlPlaneImpl final : public ControlPlane {
 public:
  ControlPlaneImpl(apiserver::Registry& registry, const ControlPlaneOptions& options)
      : informer_client_(apiserver::new_in_process_client(registry, "kube-controller-manager")),
        controller_client_(apiserver::new_in_process_client(registry, "kube-controller-manager")),
        scheduler_client_(apiserver::new_in_process_client(registry, "kube-scheduler")),
        node_client_(apiserver::new_in_process_client(registry, "skiff-sim-node")),
        informers_(*informer_client_),
        context_{*controller_client_, informers_, SystemClock::instance(), options.controller_options},
        options_(options) {}

  ~ControlPlaneImpl() override { stop(); }

  Status start() {
    // Everything registers its informers and handlers before the informers start.
    const auto& names = options_.controllers.empty() ? controllers::all_controller_names() : options_.controllers;
    if (options_.run_controllers) {
      SKIFF_ASSIGN_OR_RETURN(controllers_, controllers::make_controllers(context_, names));
    }
    if (options_.scheduler) scheduler_ = std::make_unique<scheduler::Scheduler>(informers_, *scheduler_client_);
    if (options_.sim_nodes > 0) {
      agent::sim::SimNodeOptions sim = options_.sim;
      sim.nodes = options_.sim_nodes;
      // Kubelet-style pod events (Pulled, Created, Started, Killing) for `kubectl describe`;
      // left out at scale, where they would double the writes.
      sim.record_events = options_.sim_nodes <= 50;
      // Heartbeats well inside the grace period, however short the tests make it.
      sim.lease_renew_interval = std::min(sim.lease_renew_interval, options_.controller_options.node_monitor_grace_period / 4);
      sim_ = std::make_unique<agent::sim::SimNodeRuntime>(*node_client_, sim, &informers_);
    }
    informers_.start();
    if (!informers_.wait_for_sync(std::chrono::seconds(60)))
      return Error::internal("the control plane's caches did not sync within 60 s");
    for (auto& c : controllers_) c->run();
    if (scheduler_) scheduler_->start();
    if (sim_) SKIFF_TRY(sim_->start());
    log::info("control-plane", std::to_string(controllers_.size()) + " controllers" +
                                   (scheduler_ ? ", scheduler" : "") +
                                   (sim_ ? ", " + std::to_string(options_.sim_nodes) + " simulated nodes" : ""));
    return ok_status();
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    if (sim_) sim_->stop();
    if (scheduler_) scheduler_->stop();
    for (auto& c : controllers_) c->stop();
    informers_.stop();
  }

 private:
  std::unique_ptr<client::Client> informer_client_;
  std::unique_ptr<client::Client> controller_client_;
  std::unique_ptr<client::Client> scheduler_client_;
  std::unique_ptr<client::Client> node_client_;
  client::InformerFactory informers_;
  controllers::ControllerContext context_;
  ControlPlaneOptions options_;
  std::vector<std::unique_ptr<controllers::Controller>> controllers_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::unique_ptr<agent::sim::SimNodeRuntime> sim_;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<ControlPlane>> ControlPlane::start(apiserver::Registry& registry,
                                                          const ControlPlaneOptions& options) {
  auto plane = std::make_unique<ControlPlaneImpl>(registry, options);
  SKIFF_TRY(plane->start());
  return std::unique_ptr<ControlPlane>(std::move(plane));
}

}  // namespace skiff::cli

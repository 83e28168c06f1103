#include "cli/control_plane.h"

#include <algorithm>

#include "apiserver/backend_connection.h"
#include "apiserver/in_process_client.h"
#include "apiserver/kubelet_client.h"
#include "apiserver/node_routing.h"
#include "client/informer.h"
#include "scheduler/scheduler.h"
#include "util/log.h"
#ifdef SKIFF_HAVE_CRI
#include "agent/cri/cri_client.h"
#include "agent/cri/cri_node_runtime.h"
#include "agent/cri/cri_stream_sources.h"
#endif

namespace skiff::cli {
namespace {

class ControlPlaneImpl final : public ControlPlane {
 public:
  ControlPlaneImpl(apiserver::Registry& registry, const ControlPlaneOptions& options)
      : informer_client_(apiserver::new_in_process_client(registry, "kube-controller-manager")),
        controller_client_(apiserver::new_in_process_client(registry, "kube-controller-manager")),
        scheduler_client_(apiserver::new_in_process_client(registry, "kube-scheduler")),
        node_client_(apiserver::new_in_process_client(registry, "skiff-sim-node")),
        kubelet_client_(apiserver::new_in_process_client(registry, "kubelet")),
        apiserver_client_(apiserver::new_in_process_client(registry, "kube-apiserver")),
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
    start_node_agent();
    SKIFF_TRY(start_kubelet_client());
    informers_.start();
    if (!informers_.wait_for_sync(std::chrono::seconds(60)))
      return Error::internal("the control plane's caches did not sync within 60 s");
    for (auto& c : controllers_) c->run();
    if (scheduler_) scheduler_->start();
    if (sim_) SKIFF_TRY(sim_->start());
#ifdef SKIFF_HAVE_CRI
    if (cri_) SKIFF_TRY(cri_->start());
#endif
    log::info("control-plane", std::to_string(controllers_.size()) + " controllers" +
                                   (scheduler_ ? ", scheduler" : "") +
                                   (sim_ ? ", " + std::to_string(options_.sim_nodes) + " simulated nodes" : "") +
                                   (options_.node_runtime == "cri" ? ", node agent (cri)" : ""));
    return ok_status();
  }

  std::shared_ptr<apiserver::ContainerStreamSource> container_stream_source() override {
    std::shared_ptr<apiserver::ContainerStreamSource> own;
#ifdef SKIFF_HAVE_CRI
    if (cri_) own = agent::cri::cri_stream_source(cri_->node_name(), cri_->cri_client());
#endif
    return apiserver::route_container_streams(std::move(own), kubelets_);
  }

  std::shared_ptr<apiserver::PodLogSource> pod_log_source() override {
    std::shared_ptr<apiserver::PodLogSource> own;
#ifdef SKIFF_HAVE_CRI
    if (cri_) own = agent::cri::cri_pod_log_source(cri_->node_name(), cri_->pod_logs());
#endif
    return apiserver::route_pod_logs(std::move(own), kubelets_);
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    if (sim_) sim_->stop();
#ifdef SKIFF_HAVE_CRI
    if (cri_) cri_->stop();
#endif
    if (scheduler_) scheduler_->stop();
    for (auto& c : controllers_) c->stop();
    informers_.stop();
  }

 private:
  // The agent is optional for the control plane: when containerd does not answer, say what is
  // missing and keep serving.
  void start_node_agent() {
    if (options_.node_runtime != "cri") return;
#ifdef SKIFF_HAVE_CRI
    agent::cri::CriClientOptions copts;
    copts.socket_path = options_.containerd_socket;
    auto cri = agent::cri::connect_cri_client(copts);
    if (!cri.ok()) {
      log::error("control-plane", "not running the node agent: containerd does not answer on " +
                                      options_.containerd_socket + " (" + cri.error().message +
                                      "). Install containerd, runc and containernetworking-plugins "
                                      "(Debian: apt-get install containerd runc containernetworking-plugins), "
                                      "start it, or pass --containerd-socket");
      return;
    }
    agent::cri::CriNodeOptions node;
    node.node_name = options_.node_name;
    node.pod_log_dir = options_.pod_log_dir;
    node.pods_dir = options_.pods_dir;
    node.storage_path = options_.storage_path;
    node.crash_backoff_base = options_.crash_backoff_base;
    node.lease_renew_interval =
        std::min(node.lease_renew_interval, options_.controller_options.node_monitor_grace_period / 4);
    cri_ = std::make_unique<agent::cri::CriNodeRuntime>(*kubelet_client_, std::move(*cri), node, &informers_);
#else
    log::error("control-plane", "not running the node agent: this skiff was built without the CRI runtime "
                                "(needs libgrpc++-dev, libprotobuf-dev, protobuf-compiler-grpc; reconfigure with "
                                "-DSKIFF_CRI=ON)");
#endif
  }

  // Other nodes' kubelet API, when the API server has a kubelet-client certificate to call it with.
  Status start_kubelet_client() {
    if (options_.kubelet_client_cert_pem.empty()) return ok_status();
    SKIFF_ASSIGN_OR_RETURN(auto identity, apiserver::TlsClientIdentity::from_pem(options_.kubelet_client_cert_pem,
                                                                                  options_.kubelet_client_key_pem));
    client::Client& nodes = *apiserver_client_;
    const api::ResourceInfo& nodes_r = nodes.resource("", "v1", "nodes");
    kubelets_ = std::make_shared<apiserver::KubeletClient>(
        [&nodes, &nodes_r](const std::string& name) { return nodes.get(nodes_r, "", name); }, std::move(identity));
    return ok_status();
  }

  std::unique_ptr<client::Client> informer_client_;
  std::unique_ptr<client::Client> controller_client_;
  std::unique_ptr<client::Client> scheduler_client_;
  std::unique_ptr<client::Client> node_client_;
  std::unique_ptr<client::Client> kubelet_client_;
  std::unique_ptr<client::Client> apiserver_client_;
  client::InformerFactory informers_;
  controllers::ControllerContext context_;
  ControlPlaneOptions options_;
  std::vector<std::unique_ptr<controllers::Controller>> controllers_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::unique_ptr<agent::sim::SimNodeRuntime> sim_;
#ifdef SKIFF_HAVE_CRI
  std::unique_ptr<agent::cri::CriNodeRuntime> cri_;
#endif
  std::shared_ptr<apiserver::KubeletClient> kubelets_;
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

#include "apiserver/node_routing.h"

namespace skiff::apiserver {
namespace {

std::string node_of(const Json& pod) { return get_string(pod.value("spec", Json::object()), "nodeName"); }

// The first of the two that serves the node.
template <class Source>
class Routed {
 public:
  Routed(std::shared_ptr<Source> own_node, std::shared_ptr<Source> other_nodes)
      : own_node_(std::move(own_node)), other_nodes_(std::move(other_nodes)) {}

  Source* pick(const std::string& node) const {
    return own_node_->serves_node(node) ? own_node_.get() : other_nodes_.get();
  }
  bool serves(const std::string& node) const { return own_node_->serves_node(node) || other_nodes_->serves_node(node); }

 private:
  std::shared_ptr<Source> own_node_;
  std::shared_ptr<Source> other_nodes_;
};

class RoutedLogs final : public PodLogSource {
 public:
  RoutedLogs(std::shared_ptr<PodLogSource> own, std::shared_ptr<PodLogSource> other) : routed_(own, other) {}
  bool serves_node(const std::string& node) const override { return routed_.serves(node); }
  Result<Streamer> open_log(const Json& pod, const std::string& container, const PodLogOptions& options) override {
    return routed_.pick(node_of(pod))->open_log(pod, container, options);
  }

 private:
  Routed<PodLogSource> routed_;
};

class RoutedStreams final : public ContainerStreamSource {
 public:
  RoutedStreams(std::shared_ptr<ContainerStreamSource> own, std::shared_ptr<ContainerStreamSource> other)
      : routed_(own, other) {}
  bool serves_node(const std::string& node) const override { return routed_.serves(node); }
  Result<StreamBackend> stream_backend(const Json& pod, const ContainerStreamRequest& request) override {
    return routed_.pick(node_of(pod))->stream_backend(pod, request);
  }

 private:
  Routed<ContainerStreamSource> routed_;
};

}  // namespace

std::shared_ptr<PodLogSource> route_pod_logs(std::shared_ptr<PodLogSource> own_node,
                                             std::shared_ptr<PodLogSource> other_nodes) {
  if (!own_node || !other_nodes) return own_node ? own_node : other_nodes;
  return std::make_shared<RoutedLogs>(std::move(own_node), std::move(other_nodes));
}

std::shared_ptr<ContainerStreamSource> route_container_streams(std::shared_ptr<ContainerStreamSource> own_node,
                                                               std::shared_ptr<ContainerStreamSource> other_nodes) {
  if (!own_node || !other_nodes) return own_node ? own_node : other_nodes;
  return std::make_shared<RoutedStreams>(std::move(own_node), std::move(other_nodes));
}

}  // namespace skiff::apiserver

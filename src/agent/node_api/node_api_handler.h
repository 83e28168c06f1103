// The kubelet API of a node agent, as the API server calls it: GET /containerLogs/NS/POD/CONTAINER
// (pods/log's query), and /exec/NS/POD/CONTAINER, /attach/NS/POD/CONTAINER, /portForward/NS/POD
// (upgrade requests tunnelled on to the runtime's streaming server). Only the API server's
// kubelet-client identity is served: no verified client certificate is 401, another user 403.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "apiserver/http.h"
#include "apiserver/pod_logs.h"
#include "apiserver/pod_streams.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::agent {

struct NodeApiRoute;

struct NodeApiBackends {
  // The pod when it is bound to this node, else null.
  std::function<std::shared_ptr<const Json>(const std::string& ns, const std::string& name)> find_pod;
  std::shared_ptr<apiserver::PodLogSource> logs;
  std::shared_ptr<apiserver::ContainerStreamSource> streams;
  const Clock* clock = &SystemClock::instance();  // sinceSeconds counts back from its now
};

class NodeApiHandler final : public apiserver::HttpHandler {
 public:
  NodeApiHandler(NodeApiBackends backends, std::string authorized_user);
  void handle(apiserver::HttpRequest& req, apiserver::HttpExchange& ex) override;

 private:
  void serve_log(const apiserver::HttpRequest& req, const NodeApiRoute& route, apiserver::HttpExchange& ex);
  void serve_stream(const apiserver::HttpRequest& req, const NodeApiRoute& route, apiserver::HttpExchange& ex);
  // The pod the route names; null, with the 404 sent, when it is not on this node.
  std::shared_ptr<const Json> pod_for(const NodeApiRoute& route, apiserver::HttpExchange& ex);

  NodeApiBackends backends_;
  std::string authorized_user_;
};

}  // namespace skiff::agent

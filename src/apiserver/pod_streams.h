// pods/exec, pods/attach and pods/portforward. The node agent asks its container runtime for a
// streaming session (CRI Exec, Attach, PortForward return the URL of the runtime's streaming
// server) and the API server tunnels the client's upgrade request and then the raw connection
// to it, so SPDY and WebSocket clients alike talk to the runtime's own streaming server, as
// the kubelet's proxy does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apiserver/http.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::apiserver {

struct ContainerStreamRequest {
  std::string subresource;  // "exec", "attach" or "portforward"
  std::string container;    // resolved: named, or the pod's only/default container
  std::string container_id; // from the pod's status: "containerd://<id>"
  std::vector<std::string> command;
  bool stdin = false, stdout = true, stderr = true, tty = false;
  std::vector<int32_t> ports;  // portforward
};

// The query kubectl sends (command, container, stdin/stdout/stderr/tty, ports) checked against
// the pod as Kubernetes does; errors are 400 with its messages.
Result<ContainerStreamRequest> parse_container_stream(const HttpRequest& req, const Json& pod,
                                                      const std::string& subresource);

// A node agent whose runtime serves streaming sessions for the pods on its node.
class ContainerStreamSource {
 public:
  virtual ~ContainerStreamSource() = default;
  virtual bool serves_node(const std::string& node_name) const = 0;
  // The runtime's streaming URL for this session (http://HOST:PORT/PATH).
  virtual Result<std::string> stream_url(const Json& pod, const ContainerStreamRequest& request) = 0;
};

// Serves an upgrade request for an already fetched pod; `source` may be null (no agent here).
void serve_container_stream(const HttpRequest& req, const Json& pod, const std::string& subresource,
                            ContainerStreamSource* source, HttpExchange& ex, int& code);

}  // namespace skiff::apiserver

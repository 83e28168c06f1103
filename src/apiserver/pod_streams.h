// pods/exec, pods/attach and pods/portforward. The node agent asks its container runtime for a
// streaming session (CRI Exec, Attach, PortForward return the URL of the runtime's streaming
// server) and the API server tunnels the client's upgrade request and then the raw connection
// to it, so SPDY and WebSocket clients alike talk to the runtime's own streaming server, as
// the kubelet's proxy does. For a node whose agent runs elsewhere the tunnel goes to that
// agent's kubelet API, which tunnels on to its runtime.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "apiserver/http.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::apiserver {

class TlsClientIdentity;

struct ContainerStreamRequest {
  std::string subresource;  // "exec", "attach" or "portforward"
  std::string container;    // resolved: named, or the pod's only/default container
  std::string container_id; // from the pod's status: "containerd://<id>"
  std::vector<std::string> command;
  bool stdin = false, stdout = true, stderr = true, tty = false;
  std::vector<int32_t> ports;  // portforward
};

// The query kubectl sends to the API server (command, container, stdin/stdout/stderr/tty, ports)
// checked against the pod as Kubernetes does; errors are 400 with its messages.
Result<ContainerStreamRequest> parse_container_stream(const HttpRequest& req, const Json& pod,
                                                      const std::string& subresource);

// The same session as the kubelet API receives it: the container comes from the path, an absent
// stdout or stderr is false, and port-forward's ports are in `port`.
Result<ContainerStreamRequest> parse_kubelet_stream(const HttpRequest& req, const Json& pod,
                                                    const std::string& subresource, const std::string& container);

// The kubelet API's query for a session, as kube-apiserver writes it (flags as "1" when set).
std::string kubelet_stream_query(const ContainerStreamRequest& request);

// Where a session is served: the runtime's streaming server (http://HOST:PORT/PATH) or a node
// agent's kubelet API (https://..., reached with `identity`).
struct StreamBackend {
  std::string url;
  std::shared_ptr<const TlsClientIdentity> identity;
};

// Whatever serves streaming sessions for the pods on some nodes.
class ContainerStreamSource {
 public:
  virtual ~ContainerStreamSource() = default;
  virtual bool serves_node(const std::string& node_name) const = 0;
  virtual Result<StreamBackend> stream_backend(const Json& pod, const ContainerStreamRequest& request) = 0;
};

// Serves an upgrade request for an already fetched pod; `source` may be null (no agent here).
void serve_container_stream(const HttpRequest& req, const Json& pod, const std::string& subresource,
                            ContainerStreamSource* source, HttpExchange& ex, int& code);

}  // namespace skiff::apiserver

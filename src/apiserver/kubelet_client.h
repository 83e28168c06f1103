// The API server's client of node agents' kubelet API: pods/log, exec, attach and port-forward for
// pods on nodes whose agent runs in another process (`skiff agent --runtime cri` on another
// machine), reached as kube-apiserver reaches kubelets: HTTPS to an address from the Node's
// status, authenticated with the API server's kubelet-client certificate.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "apiserver/pod_logs.h"
#include "apiserver/pod_streams.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::apiserver {

struct KubeletEndpoint {
  std::string host;
  int port = 0;
  std::string url(const std::string& target) const;  // https://HOST:PORT/TARGET
};

// Where a node's kubelet API listens: its first address of the types InternalIP, Hostname,
// ExternalIP (in that order of preference), and status.daemonEndpoints.kubeletEndpoint.Port,
// 10250 when unset as in kube-apiserver. A node without an address is an error.
Result<KubeletEndpoint> kubelet_endpoint(const Json& node);

// A kubelet API answer other than 200 as the API server's error: a Status it sent is kept, plain
// text becomes the message (kube-apiserver's GenericHttpResponseChecker).
Error kubelet_response_error(int code, const std::string& body);

using NodeGetter = std::function<Result<Json>(const std::string& node_name)>;

class TlsClientIdentity;

class KubeletClient final : public PodLogSource, public ContainerStreamSource {
 public:
  KubeletClient(NodeGetter nodes, std::shared_ptr<const TlsClientIdentity> identity);

  bool serves_node(const std::string&) const override { return true; }
  Result<Streamer> open_log(const Json& pod, const std::string& container, const PodLogOptions& options) override;
  Result<StreamBackend> stream_backend(const Json& pod, const ContainerStreamRequest& request) override;

 private:
  Result<KubeletEndpoint> endpoint_for(const Json& pod, const std::string& subresource) const;

  NodeGetter nodes_;
  std::shared_ptr<const TlsClientIdentity> identity_;
};

}  // namespace skiff::apiserver

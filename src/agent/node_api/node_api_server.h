// The node agent's kubelet API over HTTPS (`skiff agent --node-port`, 10250 by default): a
// self-signed serving certificate made at start, as the kubelet's default, and client
// certificates checked against the cluster CA from the agent's kubeconfig.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/node_api/node_api_handler.h"
#include "util/result.h"

namespace skiff::agent {

struct NodeApiOptions {
  std::string address = "0.0.0.0";
  uint16_t port = 10250;  // 0 picks a free one
  std::string node_name;
  std::vector<std::string> serving_hosts;  // names and IPs the serving certificate carries
  std::string client_ca_pem;               // the cluster CA (the kubeconfig's certificate-authority-data)
};

class NodeApiServer {
 public:
  static Result<std::unique_ptr<NodeApiServer>> start(const NodeApiOptions& options, NodeApiBackends backends);
  virtual ~NodeApiServer() = default;
  virtual uint16_t port() const = 0;
  virtual void stop() = 0;
};

}  // namespace skiff::agent

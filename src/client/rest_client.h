// client::Client over HTTPS (or plain HTTP) to a Kubernetes-style API server, configured from
// a kubeconfig: kept-alive pooled connections, paginated lists, streamed watches.
#pragma once

#include <memory>
#include <string>

#include "client/client.h"
#include "client/kubeconfig.h"

namespace skiff::client {

struct RestClientOptions {
  std::string component = "skiff";  // the default fieldManager and User-Agent
  size_t max_idle_connections = 8;
  int64_t list_page_size = 500;
};

// Checks the configuration (URL, TLS material) without connecting.
Result<std::unique_ptr<Client>> new_rest_client(const KubeConfig& config, RestClientOptions options = {});

}  // namespace skiff::client

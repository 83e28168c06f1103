#include "agent/node_api/node_api_server.h"

#include "apiserver/http_server.h"
#include "apiserver/pki.h"

namespace skiff::agent {
namespace {

class NodeApiServerImpl final : public NodeApiServer {
 public:
  explicit NodeApiServerImpl(NodeApiBackends backends)
      : handler_(std::move(backends), apiserver::kKubeletClientUser) {}
  ~NodeApiServerImpl() override { stop(); }

  Status start(const NodeApiOptions& options) {
    if (options.client_ca_pem.empty())
      return Error::bad_request("the node API needs the cluster CA to authenticate the API server, and the "
                                "kubeconfig has no certificate-authority-data");
    std::vector<std::string> hosts = options.serving_hosts;
    hosts.push_back(options.node_name);
    SKIFF_ASSIGN_OR_RETURN(apiserver::IssuedCertificate serving,
                           apiserver::self_signed_serving_certificate(options.node_name, hosts));
    apiserver::HttpServerOptions http;
    http.host = options.address;
    http.port = options.port;
    http.tls = true;
    http.tls_files.cert_pem = serving.cert_pem;
    http.tls_files.key_pem = serving.key_pem;
    http.tls_files.client_ca_pem = options.client_ca_pem;
    SKIFF_ASSIGN_OR_RETURN(http_, apiserver::start_http_server(http, handler_));
    return ok_status();
  }

  uint16_t port() const override { return http_ ? http_->port() : 0; }
  void stop() override {
    if (http_) http_->stop();
  }

 private:
  NodeApiHandler handler_;
  std::unique_ptr<apiserver::HttpServer> http_;
};

}  // namespace

Result<std::unique_ptr<NodeApiServer>> NodeApiServer::start(const NodeApiOptions& options, NodeApiBackends backends) {
  auto server = std::make_unique<NodeApiServerImpl>(std::move(backends));
  SKIFF_TRY(server->start(options));
  return std::unique_ptr<NodeApiServer>(std::move(server));
}

}  // namespace skiff::agent

// HTTP/1.1 server (plain or TLS) with one thread per connection: keep-alive request loops
// are the fast path for a single client, and watches block their own thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "apiserver/http.h"
#include "util/result.h"

namespace skiff::apiserver {

struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // client certificates signed by this CA authenticate (CN=user, O=groups)
  // Or the PEM text itself (a node agent's self-signed certificate and the CA from its kubeconfig);
  // a non-empty text wins over its file.
  std::string cert_pem{};
  std::string key_pem{};
  std::string client_ca_pem{};
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 6443;           // 0 picks a free port
  bool tls = true;
  TlsFiles tls_files;
  size_t max_body_bytes = 3 * 1024 * 1024;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;  // the bound port
  virtual void stop() = 0;            // stops accepting and closes connections
};

// Binds and starts serving in background threads; handler must outlive the server.
Result<std::unique_ptr<HttpServer>> start_http_server(const HttpServerOptions& options, HttpHandler& handler);

}  // namespace skiff::apiserver

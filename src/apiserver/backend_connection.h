// Outgoing connections to the servers behind pods/log, exec, attach and port-forward: plain TCP
// to a container runtime's streaming server, TLS with a client certificate to a node agent's
// kubelet API. Both are RawConnections, so a tunnel relays between any two of them.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "apiserver/http.h"
#include "util/result.h"

namespace skiff::apiserver {

// http://HOST:PORT/PATH?QUERY or https://... split up; the port defaults by scheme.
struct BackendUrl {
  bool tls = false;
  std::string host;    // without IPv6 brackets
  std::string port;
  std::string target;  // path and query, "/" at least
  std::string authority() const;  // HOST:PORT for the Host header, IPv6 in brackets
  std::string text() const;       // the URL again
};
Result<BackendUrl> parse_backend_url(const std::string& url);

// The certificate and key this side presents on TLS connections. The server's own certificate is
// not checked: a node agent serves with a self-signed one, and kube-apiserver without
// --kubelet-certificate-authority does not check the kubelet's either.
class TlsClientIdentity {
 public:
  static Result<std::shared_ptr<const TlsClientIdentity>> from_pem(const std::string& cert_pem,
                                                                   const std::string& key_pem);
  virtual ~TlsClientIdentity() = default;

 protected:
  TlsClientIdentity() = default;
};

// Connects (TLS when url.tls, which needs `identity`) within `timeout`. TLS writes go through
// OpenSSL's socket BIO, which can raise SIGPIPE: the process ignores it (skiff server and agent do).
// Errors read as Go's
// net/http ones ("dial tcp 10.0.0.5:10250: connect: connection refused"), without a prefix:
// callers add theirs as kube-apiserver does.
Result<std::unique_ptr<RawConnection>> dial_backend(const BackendUrl& url, const TlsClientIdentity* identity,
                                                    std::chrono::milliseconds timeout);

}  // namespace skiff::apiserver

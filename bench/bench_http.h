// Blocking HTTP/1.1 clients for the benchmarks: keep-alive requests over TLS (the API server,
// with the admin client certificate) or plain TCP (etcd's gateway), and a watch stream reader.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace skiff::bench {

struct TlsFiles {
  std::string ca, cert, key;  // PEM paths; empty ca = plain HTTP
  static TlsFiles from_data_dir(const std::string& dir) {
    return {dir + "/ca.crt", dir + "/admin.crt", dir + "/admin.key"};
  }
};

class HttpClient {
 public:
  // Connects (and handshakes) at once; throws std::exception when the server is not there.
  HttpClient(int port, const TlsFiles& tls);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Returns the status code; the body goes to *out when given.
  int request(std::string_view method, const std::string& target, const std::string& body,
              std::string* out = nullptr);

  // Sends a GET, calls on_status once the response headers are in, then hands each line of the
  // (chunked) body to on_line until on_line returns false or the server ends the response.
  // Returns the status code.
  int stream_lines(const std::string& target, const std::function<void(int status)>& on_status,
                   const std::function<bool(std::string_view line)>& on_line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::bench

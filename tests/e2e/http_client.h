// A minimal blocking HTTP/1.1 client over loopback TCP (keep-alive, Content-Length and
// chunked bodies), for tests against a server started with --insecure-plain-http.
#pragma once

#include <map>
#include <string>

namespace skiff::e2e {

struct HttpReply {
  int status = 0;  // 0: connection failed
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  ~HttpClient();
  HttpReply request(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::string& content_type = "application/json");

 private:
  bool connect();
  int port_;
  int fd_ = -1;
};

}  // namespace skiff::e2e

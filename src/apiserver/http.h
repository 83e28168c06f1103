// The API server's view of HTTP, free of Beast: a parsed request, a response, and a
// stream for long-running responses (watch, log follow). http_server.cc adapts Beast to it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::apiserver {

struct UserInfo {
  std::string name;                 // "admin", "system:anonymous"
  std::vector<std::string> groups;  // "system:masters", "system:authenticated"
  bool authenticated = false;
};

struct HttpRequest {
  std::string method;
  std::string path;       // decoded path without query
  std::string raw_query;
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // lower-case names
  std::vector<std::pair<std::string, std::string>> header_list;  // as sent, in order, repeats kept
  std::string body;
  UserInfo user;

  const std::string* query_param(std::string_view name) const;
  std::string query_or(std::string_view name, std::string_view fallback = "") const;
  const std::string& header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A chunked response kept open by the handler.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Sends one chunk (flushed). False when the client went away.
  virtual bool write(std::string_view chunk) = 0;
  // True when the peer closed its side (checked without blocking).
  virtual bool client_gone() = 0;
};

// The connection after the handler took it over (an upgrade: exec, attach, port-forward): raw
// bytes both ways; the connection closes when the handler returns.
class RawConnection {
 public:
  virtual ~RawConnection() = default;
  virtual int fd() const = 0;
  // Up to n bytes: > 0 read, 0 at end of stream or on an error, -1 (only without `wait`) when
  // nothing has arrived. TLS may hold received records a poll on fd() no longer reports, so
  // callers read without waiting until -1 before polling.
  virtual long read_some(char* out, size_t n, bool wait) = 0;
  virtual bool write_all(std::string_view bytes) = 0;
};

class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual void respond(HttpResponse response) = 0;
  // Starts a chunked response; the stream lives until the handler returns.
  virtual ResponseStream& start_stream(int status, const std::string& content_type,
                                       const std::vector<std::pair<std::string, std::string>>& headers) = 0;
  // Starts a response of exactly content_length bytes that the handler writes in pieces, so a
  // large body (a LIST) never has to be assembled in memory; the connection stays reusable.
  virtual ResponseStream& start_sized(int status, const std::string& content_type, uint64_t content_length) = 0;
  // Hands the connection to the handler, which writes the response itself.
  virtual RawConnection& take_over() = 0;
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called on the connection's thread; may block (a watch does until it ends).
  virtual void handle(HttpRequest& request, HttpExchange& exchange) = 0;
};

// Parses "a=1&b=x%20y" into decoded pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view raw);

}  // namespace skiff::apiserver

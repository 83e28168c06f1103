// A minimal HTTP/1.1 client for chart repositories and OCI registries (http:// only; TLS is
// not built in): one request per connection.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace skiff::chart::repo {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string username, password;  // Basic auth when username is set
};

struct HttpResponse {
  int status = 0;
  std::string status_text;                     // "404 Not Found"
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& lower_name) const;
};

// Any response the server gives; errors are transport failures only.
Result<HttpResponse> http_send(const HttpRequest& request);

// The body of a 200 response; other statuses are errors naming the URL and status line.
Result<std::string> http_get(const std::string& url, const std::string& username = "",
                             const std::string& password = "");

// urlutil.URLJoin: the base URL with `path` joined onto its path.
std::string url_join(const std::string& base, const std::string& path);

// A relative reference resolved against the URL of the document holding it (RFC 3986
// subset: absolute URLs, "/path", and relative paths).
std::string url_resolve(const std::string& base, const std::string& ref);

}  // namespace skiff::chart::repo

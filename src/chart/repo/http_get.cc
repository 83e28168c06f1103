#include "chart/repo/http_get.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/encoding.h"
#include "util/strings.h"

namespace skiff::chart::repo {

namespace {

struct Url {
  std::string host;
  std::string port = "80";
  std::string target = "/";
};

Result<Url> parse_http_url(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return Error::invalid("could not get " + url + ": https is not supported by skiff");
  if (url.rfind("http://", 0) != 0) return Error::invalid("could not find protocol handler for: " + url);
  Url u;
  std::string rest = url.substr(7);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.target = rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
  }
  if (u.host.size() > 1 && u.host.front() == '[') u.host = u.host.substr(1, u.host.size() - 2);
  return u;
}

std::string dechunk(const std::string& body) {
  std::string out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find("\r\n", pos);
    if (eol == std::string::npos) break;
    size_t len = std::strtoul(body.substr(pos, eol - pos).c_str(), nullptr, 16);
    if (len == 0) break;
    out += body.substr(eol + 2, len);
    pos = eol + 2 + len + 2;
  }
  return out;
}

}  // namespace

Result<HttpResponse> http_send(const HttpRequest& request) {
  const std::string& url = request.url;
  SKIFF_ASSIGN_OR_RETURN(Url u, parse_http_url(url));
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &res); rc != 0) {
    return Error::service_unavailable("Get \"" + url + "\": dial tcp: lookup " + u.host + ": " + gai_strerror(rc));
  }
  int fd = -1;
  for (addrinfo* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    // helm's getter gives up after 120 seconds; a stalled server must not hang the command.
    timeval timeout{120, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) {
    return Error::service_unavailable("Get \"" + url + "\": dial tcp " + u.host + ":" + u.port + ": connect: " +
                                      std::strerror(errno));
  }
  std::string req = request.method + " " + u.target + " HTTP/1.1\r\nHost: " + u.host + ":" + u.port +
                    "\r\nUser-Agent: Helm/4.1.4\r\nAccept-Encoding: identity\r\nConnection: close\r\n";
  for (const auto& [name, value] : request.headers) req += name + ": " + value + "\r\n";
  if (!request.username.empty()) {
    req += "Authorization: Basic " + base64_encode(request.username + ":" + request.password) + "\r\n";
  }
  if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
    req += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  req += "\r\n" + request.body;
  for (size_t sent = 0; sent < req.size();) {
    ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      return Error::service_unavailable(request.method + " \"" + url + "\": write failed");
    }
    sent += static_cast<size_t>(n);
  }
  std::string resp;
  char buf[65536];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<size_t>(n));
  int recv_errno = errno;
  close(fd);
  if (n < 0) {
    return Error::timeout(request.method + " \"" + url + "\": reading the response: " + std::strerror(recv_errno));
  }
  size_t head_end = resp.find("\r\n\r\n");
  if (head_end == std::string::npos) return Error::service_unavailable("Get \"" + url + "\": malformed HTTP response");
  HttpResponse out;
  std::string head = resp.substr(0, head_end);
  out.body = resp.substr(head_end + 4);
  size_t eol = head.find("\r\n");
  std::string status_line = head.substr(0, eol);
  auto sp = status_line.find(' ');
  out.status_text = sp == std::string::npos ? "" : status_line.substr(sp + 1);
  out.status = std::atoi(out.status_text.c_str());
  while (eol != std::string::npos) {
    size_t next = head.find("\r\n", eol + 2);
    std::string line = head.substr(eol + 2, next == std::string::npos ? std::string::npos : next - eol - 2);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      out.headers[to_lower(line.substr(0, colon))] = std::string(trim(line.substr(colon + 1)));
    }
    eol = next;
  }
  if (to_lower(out.header("transfer-encoding")) == "chunked") out.body = dechunk(out.body);
  return out;
}

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

Result<std::string> http_get(const std::string& url, const std::string& username, const std::string& password) {
  HttpRequest req;
  req.url = url;
  req.username = username;
  req.password = password;
  SKIFF_ASSIGN_OR_RETURN(HttpResponse resp, http_send(req));
  // Follow redirects as Go's http.Client does (at most 10).
  for (int hops = 0; hops < 10 && resp.status / 100 == 3 && !resp.header("location").empty(); ++hops) {
    req.url = url_resolve(req.url, resp.header("location"));
    SKIFF_ASSIGN_OR_RETURN(resp, http_send(req));
  }
  if (resp.status != 200) return Error::not_found("failed to fetch " + url + " : " + resp.status_text);
  return std::move(resp.body);
}

std::string url_resolve(const std::string& base, const std::string& ref) {
  if (ref.find("://") != std::string::npos) return ref;
  size_t scheme_end = base.find("://");
  size_t path_start = scheme_end == std::string::npos ? 0 : base.find('/', scheme_end + 3);
  std::string origin = path_start == std::string::npos ? base : base.substr(0, path_start);
  if (!ref.empty() && ref.front() == '/') return origin + ref;
  std::string dir = path_start == std::string::npos ? "/" : base.substr(path_start);
  dir = dir.substr(0, dir.rfind('/') + 1);
  return origin + dir + ref;
}

std::string url_join(const std::string& base, const std::string& path) {
  if (path.empty()) return base;
  // Join onto the path part, cleaning a doubled slash as path.Join does.
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  std::string p = path;
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  return b + "/" + p;
}

}  // namespace skiff::chart::repo

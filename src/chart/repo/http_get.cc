#include "chart/repo/http_get.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

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

Result<std::string> http_get(const std::string& url) {
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
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) {
    return Error::service_unavailable("Get \"" + url + "\": dial tcp " + u.host + ":" + u.port + ": connect: " +
                                      std::strerror(errno));
  }
  std::string req = "GET " + u.target + " HTTP/1.1\r\nHost: " + u.host + ":" + u.port +
                    "\r\nUser-Agent: Helm/4.1.4\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n";
  for (size_t sent = 0; sent < req.size();) {
    ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      return Error::service_unavailable("Get \"" + url + "\": write failed");
    }
    sent += static_cast<size_t>(n);
  }
  std::string resp;
  char buf[65536];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t head_end = resp.find("\r\n\r\n");
  if (head_end == std::string::npos) return Error::service_unavailable("Get \"" + url + "\": malformed HTTP response");
  std::string head = resp.substr(0, head_end);
  std::string body = resp.substr(head_end + 4);
  std::string status_line = head.substr(0, head.find("\r\n"));
  auto sp = status_line.find(' ');
  std::string status = sp == std::string::npos ? "" : status_line.substr(sp + 1);
  if (status.rfind("200", 0) != 0) {
    return Error::not_found("failed to fetch " + url + " : " + status);
  }
  std::string lower = head;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("transfer-encoding: chunked") != std::string::npos) body = dechunk(body);
  return body;
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

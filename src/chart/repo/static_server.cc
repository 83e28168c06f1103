#include "chart/repo/static_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chart/repo/index.h"
#include "util/strings.h"

namespace skiff::chart::repo {

namespace fs = std::filesystem;

namespace {

struct Reply {
  int status = 200;
  std::string reason = "OK";
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

std::string content_type_of(const fs::path& p) {
  std::string ext = p.extension().string();
  if (ext == ".yaml" || ext == ".yml") return "application/x-yaml";
  if (ext == ".tgz" || ext == ".gz") return "application/gzip";
  if (ext == ".json") return "application/json";
  if (ext == ".prov") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Reply answer(const fs::path& root, const std::string& method, const std::string& target) {
  if (method != "GET" && method != "HEAD") return {405, "Method Not Allowed", "text/plain; charset=utf-8", "method not allowed\n"};
  std::string path = url_decode(target.substr(0, target.find('?')), false);
  fs::path rel = fs::path(path).relative_path().lexically_normal();
  if (rel.empty() || rel == ".") rel = "index.yaml";
  if (rel.string().rfind("..", 0) == 0) return {404, "Not Found", "text/plain; charset=utf-8", "404 page not found\n"};
  fs::path file = root / rel;
  std::error_code ec;
  if (rel == "index.yaml" && !fs::exists(file, ec)) {
    auto index = index_directory(root.string(), "");
    if (index.ok()) {
      sort_index(*index);
      auto text = marshal_index(*index);
      if (text.ok()) return {200, "OK", "application/x-yaml", *text};
    }
    return {500, "Internal Server Error", "text/plain; charset=utf-8", "cannot index " + root.string() + "\n"};
  }
  if (!fs::is_regular_file(file, ec)) return {404, "Not Found", "text/plain; charset=utf-8", "404 page not found\n"};
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return {200, "OK", content_type_of(file), ss.str()};
}

void handle(int fd, const fs::path& root) {
  std::string req;
  char buf[8192];
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    req.append(buf, static_cast<size_t>(n));
  }
  std::string line = req.substr(0, req.find("\r\n"));
  auto parts = split(line, ' ');
  if (parts.size() < 2) return;
  Reply r = answer(root, parts[0], parts[1]);
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + r.reason + "\r\nContent-Type: " + r.content_type +
                    "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\nConnection: close\r\n\r\n";
  if (parts[0] != "HEAD") out += r.body;
  for (size_t sent = 0; sent < out.size();) {
    ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

Status serve_directory(const ServeOptions& opts, const std::function<void(const std::string&)>& on_listening) {
  std::error_code ec;
  if (!fs::is_directory(opts.dir, ec)) return Error::not_found("stat " + opts.dir + ": no such directory");
  auto colon = opts.address.rfind(':');
  if (colon == std::string::npos) return Error::invalid("address \"" + opts.address + "\": missing port");
  std::string host = opts.address.substr(0, colon);
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(opts.address.substr(colon + 1).c_str())));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Error::invalid("address \"" + opts.address + "\": not an IPv4 address");
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 64) != 0) {
    std::string err = std::strerror(errno);
    close(listener);
    return Error::service_unavailable("listen tcp " + opts.address + ": " + err);
  }
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  on_listening(host + ":" + std::to_string(ntohs(addr.sin_port)));
  fs::path root = fs::absolute(opts.dir);
  for (;;) {
    int fd = accept(listener, nullptr, nullptr);
    if (fd < 0) {
      if (errno == EINTR) continue;
      break;
    }
    handle(fd, root);
    close(fd);
  }
  close(listener);
  return Error::internal("accept failed: " + std::string(std::strerror(errno)));
}

}  // namespace skiff::chart::repo

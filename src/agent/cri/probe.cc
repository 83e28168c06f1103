#include "agent/cri/probe.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skiff::agent::cri {
namespace {

int int_field(const Json& obj, const char* key, int fallback) {
  return obj.is_object() && obj.contains(key) && obj[key].is_number_integer() ? obj[key].get<int>() : fallback;
}

int resolve_port(const Json& port, const Json& container) {
  if (port.is_number_integer()) return port.get<int>();
  if (!port.is_string()) return 0;
  std::string name = port.get<std::string>();
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) return std::atoi(name.c_str());
  if (container.contains("ports") && container["ports"].is_array())
    for (const auto& p : container["ports"])
      if (get_string(p, "name") == name) return int_field(p, "containerPort", 0);
  return 0;
}

// A connected TCP socket to host:port within the timeout, or -1 (message says why).
int connect_with_timeout(const std::string& host, int port, std::chrono::seconds timeout, std::string& message) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    message = "probe host " + host + " is not an IPv4 address";
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    message = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = poll(&p, 1, static_cast<int>(timeout.count() * 1000));
    int err = 0;
    socklen_t len = sizeof err;
    if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) return fd;
    message = "dial tcp " + host + ":" + std::to_string(port) + ": " +
              (rc == 0 ? std::string("i/o timeout") : std::string(std::strerror(err ? err : errno)));
    close(fd);
    return -1;
  }
  if (rc == 0) return fd;
  message = "dial tcp " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
  close(fd);
  return -1;
}

ProbeResult http_get(const ProbeSpec& spec, const std::string& host) {
  ProbeResult result;
  if (spec.scheme == "HTTPS") {
    result.message = "httpGet probes with scheme HTTPS are not supported by this agent";
    return result;
  }
  int fd = connect_with_timeout(host, spec.port, spec.timeout, result.message);
  if (fd < 0) return result;
  std::string request = "GET " + (spec.path.empty() ? std::string("/") : spec.path) + " HTTP/1.0\r\n";
  bool has_host = false, has_agent = false;
  for (const auto& [name, value] : spec.headers) {
    request += name + ": " + value + "\r\n";
    has_host = has_host || strcasecmp(name.c_str(), "Host") == 0;
    has_agent = has_agent || strcasecmp(name.c_str(), "User-Agent") == 0;
  }
  if (!has_host) request += "Host: " + host + ":" + std::to_string(spec.port) + "\r\n";
  if (!has_agent) request += "User-Agent: kube-probe/1.33\r\n";
  request += "Accept: */*\r\nConnection: close\r\n\r\n";
  auto deadline = std::chrono::steady_clock::now() + spec.timeout;
  size_t sent = 0;
  std::string response;
  char buf[1024];
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, static_cast<short>(sent < request.size() ? POLLOUT : POLLIN), 0};
    if (poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 1))) <= 0) break;
    if (sent < request.size()) {
      ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
      continue;
    }
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
    if (response.find("\r\n") != std::string::npos) break;  // the status line is all a probe reads
  }
  close(fd);
  auto sp = response.find(' ');
  if (sp == std::string::npos || response.size() < sp + 4) {
    result.message = "Get \"http://" + host + ":" + std::to_string(spec.port) + spec.path + "\": no response within " +
                     std::to_string(spec.timeout.count()) + "s";
    return result;
  }
  int code = std::atoi(response.c_str() + sp + 1);
  result.http_status = code;
  result.success = code >= 200 && code < 400;
  if (!result.success) result.message = "HTTP probe failed with statuscode: " + std::to_string(code);
  return result;
}

}  // namespace

std::optional<ProbeSpec> parse_probe(const Json& probe, const Json& container) {
  if (!probe.is_object()) return std::nullopt;
  ProbeSpec spec;
  if (probe.contains("exec")) {
    spec.kind = ProbeSpec::Kind::kExec;
    for (const auto& c : probe["exec"].value("command", Json::array()))
      if (c.is_string()) spec.command.push_back(c.get<std::string>());
  } else if (probe.contains("httpGet")) {
    const Json& h = probe["httpGet"];
    spec.kind = ProbeSpec::Kind::kHttpGet;
    spec.host = get_string(h, "host");
    spec.port = resolve_port(h.value("port", Json()), container);
    spec.path = get_string(h, "path", "/");
    spec.scheme = get_string(h, "scheme", "HTTP");
    for (const auto& header : h.value("httpHeaders", Json::array()))
      spec.headers.emplace_back(get_string(header, "name"), get_string(header, "value"));
  } else if (probe.contains("tcpSocket")) {
    spec.kind = ProbeSpec::Kind::kTcpSocket;
    spec.host = get_string(probe["tcpSocket"], "host");
    spec.port = resolve_port(probe["tcpSocket"].value("port", Json()), container);
  } else {
    return std::nullopt;
  }
  spec.initial_delay = std::chrono::seconds(int_field(probe, "initialDelaySeconds", 0));
  spec.period = std::chrono::seconds(std::max(1, int_field(probe, "periodSeconds", 10)));
  spec.timeout = std::chrono::seconds(std::max(1, int_field(probe, "timeoutSeconds", 1)));
  spec.success_threshold = std::max(1, int_field(probe, "successThreshold", 1));
  spec.failure_threshold = std::max(1, int_field(probe, "failureThreshold", 3));
  return spec;
}

ProbeResult run_probe(CriClient& cri, const ProbeSpec& spec, const std::string& container_id,
                      const std::string& pod_ip) {
  ProbeResult result;
  std::string host = spec.host.empty() ? pod_ip : spec.host;
  switch (spec.kind) {
    case ProbeSpec::Kind::kExec: {
      auto r = cri.exec_sync(container_id, spec.command, spec.timeout);
      if (!r.ok()) {
        result.message = r.error().message;
        return result;
      }
      result.success = r->exit_code == 0;
      if (!result.success)
        result.message = "command exited with " + std::to_string(r->exit_code) + ": " + r->stdout_bytes + r->stderr_bytes;
      return result;
    }
    case ProbeSpec::Kind::kTcpSocket: {
      int fd = connect_with_timeout(host, spec.port, spec.timeout, result.message);
      if (fd >= 0) {
        close(fd);
        result.success = true;
      }
      return result;
    }
    case ProbeSpec::Kind::kHttpGet:
      return http_get(spec, host);
  }
  return result;
}

}  // namespace skiff::agent::cri

#include "apiserver/pod_streams.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>

#include "apiserver/api_handler.h"
#include "apiserver/pod_logs.h"
#include "util/strings.h"

namespace skiff::apiserver {
namespace {

bool query_flag(const HttpRequest& req, std::string_view name, bool fallback) {
  const std::string* v = req.query_param(name);
  if (!v) return fallback;
  return *v == "true" || *v == "1";
}

// The container's runtime ID from the pod's status, "" when it has not been created.
std::string running_container_id(const Json& pod, const std::string& container) {
  const Json* status = find_path(pod, "status");
  if (!status) return "";
  for (const char* list : {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"}) {
    const Json* statuses = find_path(*status, list);
    if (!statuses || !statuses->is_array()) continue;
    for (const auto& s : *statuses)
      if (get_string(s, "name") == container && find_path(s, "state.running")) return get_string(s, "containerID");
  }
  return "";
}

struct Url {
  std::string host, port, path;
};

Result<Url> parse_http_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return Error::internal("the runtime's streaming URL is not plain http: " + url);
  std::string rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Url out;
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = authority.rfind(':');
  if (colon == std::string::npos || authority.back() == ']') {
    out.host = authority;
    out.port = "80";
  } else {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  }
  if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty() || out.host == "0.0.0.0" || out.host == "::") out.host = "127.0.0.1";
  return out;
}

Result<int> connect_to(const Url& url) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found) != 0 || !found)
    return Error::service_unavailable("cannot resolve the runtime's streaming server " + url.host);
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return Error::service_unavailable("cannot connect to the runtime's streaming server " + url.host + ":" + url.port);
  return fd;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The client's request as the streaming server should see it: its upgrade headers kept, the path
// the runtime gave, no credentials of ours.
std::string forwarded_request(const HttpRequest& req, const Url& url) {
  std::string out = req.method + " " + url.path + " HTTP/1.1\r\nHost: " + url.host + ":" + url.port + "\r\n";
  for (const auto& [name, value] : req.header_list) {
    std::string lower = to_lower(name);
    if (lower == "host" || lower == "authorization" || lower == "content-length" || lower == "transfer-encoding")
      continue;
    out += name + ": " + value + "\r\n";
  }
  return out + "\r\n";
}

// Copies bytes both ways until either side closes.
void splice(RawConnection& client, int backend) {
  char buf[64 * 1024];
  while (true) {
    for (long n; (n = client.read_some(buf, sizeof buf, false)) != -1;) {
      if (n == 0 || !send_all(backend, std::string_view(buf, static_cast<size_t>(n)))) return;
    }
    pollfd fds[2] = {{client.fd(), POLLIN, 0}, {backend, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(backend, buf, sizeof buf, 0);
      if (n <= 0 || !client.write_all(std::string_view(buf, static_cast<size_t>(n)))) return;
    }
  }
}

}  // namespace

Result<ContainerStreamRequest> parse_container_stream(const HttpRequest& req, const Json& pod,
                                                      const std::string& subresource) {
  ContainerStreamRequest r;
  r.subresource = subresource;
  std::string pod_name = get_string(pod.value("metadata", Json::object()), "name");
  if (subresource == "portforward") {
    for (const auto& [k, v] : req.query) {
      if (k != "ports") continue;
      for (const auto& part : split(v, ',')) {
        std::string_view p = trim(part);
        int32_t port = 0;
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
        if (ec != std::errc() || end != p.data() + p.size() || port < 1 || port > 65535)
          return Error::bad_request("invalid port " + std::string(p));
        r.ports.push_back(port);
      }
    }
    return r;
  }
  SKIFF_ASSIGN_OR_RETURN(r.container, choose_log_container(pod, req.query_or("container")));
  for (const auto& [k, v] : req.query)
    if (k == "command") r.command.push_back(v);
  if (subresource == "exec" && r.command.empty())
    return Error::bad_request("you must specify at least 1 command");
  r.stdin = query_flag(req, "stdin", false);
  r.stdout = query_flag(req, "stdout", true);
  r.stderr = query_flag(req, "stderr", true);
  r.tty = query_flag(req, "tty", false);
  if (!r.stdin && !r.stdout && !r.stderr) return Error::bad_request("you must specify at least 1 of stdin, stdout, stderr");
  if (r.tty) r.stderr = false;  // a terminal merges them, as the kubelet does
  r.container_id = running_container_id(pod, r.container);
  if (r.container_id.empty())
    return Error::bad_request("container " + r.container + " is not running in pod " + pod_name);
  return r;
}

void serve_container_stream(const HttpRequest& req, const Json& pod, const std::string& subresource,
                            ContainerStreamSource* source, HttpExchange& ex, int& code) {
  auto fail = [&](const Error& e) {
    code = e.code;
    ex.respond(status_response(e));
  };
  std::string node = find_path(pod, "spec.nodeName") ? get_string(pod["spec"], "nodeName") : "";
  std::string pod_name = get_string(pod.value("metadata", Json::object()), "name");
  if (node.empty()) return fail(Error::bad_request("pod " + pod_name + " does not have a host assigned"));
  if (!source || !source->serves_node(node))
    return fail(Error::bad_request("pods/" + subresource + " is not available for pod \"" + pod_name + "\" on node \"" +
                                   node + "\": only the server's own node agent serves exec, attach and port-forward"));
  if (to_lower(req.header("upgrade")).empty())
    return fail(Error::bad_request("Upgrade request required"));
  auto request = parse_container_stream(req, pod, subresource);
  if (!request.ok()) return fail(request.error());
  auto url_text = source->stream_url(pod, *request);
  if (!url_text.ok()) return fail(url_text.error());
  auto url = parse_http_url(*url_text);
  if (!url.ok()) return fail(url.error());
  auto backend = connect_to(*url);
  if (!backend.ok()) return fail(backend.error());
  if (!send_all(*backend, forwarded_request(req, *url))) {
    ::close(*backend);
    return fail(Error::service_unavailable("the runtime's streaming server closed the connection"));
  }
  code = 101;
  RawConnection& client = ex.take_over();
  splice(client, *backend);
  ::close(*backend);
}

}  // namespace skiff::apiserver

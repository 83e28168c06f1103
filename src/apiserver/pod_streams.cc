#include "apiserver/pod_streams.h"

#include <charconv>

#include "apiserver/api_handler.h"
#include "apiserver/pod_logs.h"
#include "apiserver/upgrade_tunnel.h"
#include "util/strings.h"

namespace skiff::apiserver {
namespace {

// How a query names a session's settings: the API server's (PodExecOptions' defaults: stdout
// and stderr on) or the kubelet API's (only what is set is sent).
struct QueryDialect {
  bool outputs_default_on;
  const char* ports_param;
};
constexpr QueryDialect kApiServerQuery{true, "ports"};
constexpr QueryDialect kKubeletQuery{false, "port"};

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

Result<std::vector<int32_t>> parse_ports(const HttpRequest& req, const char* param) {
  std::vector<int32_t> ports;
  for (const auto& [k, v] : req.query) {
    if (k != param) continue;
    for (const auto& part : split(v, ',')) {
      std::string_view p = trim(part);
      int32_t port = 0;
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
      if (ec != std::errc() || end != p.data() + p.size() || port < 1 || port > 65535)
        return Error::bad_request("invalid port " + std::string(p));
      ports.push_back(port);
    }
  }
  return ports;
}

Result<ContainerStreamRequest> parse_session(const HttpRequest& req, const Json& pod, const std::string& subresource,
                                             const std::string& requested_container, const QueryDialect& dialect) {
  ContainerStreamRequest r;
  r.subresource = subresource;
  std::string pod_name = get_string(pod.value("metadata", Json::object()), "name");
  if (subresource == "portforward") {
    SKIFF_ASSIGN_OR_RETURN(r.ports, parse_ports(req, dialect.ports_param));
    return r;
  }
  SKIFF_ASSIGN_OR_RETURN(r.container, choose_log_container(pod, requested_container));
  for (const auto& [k, v] : req.query)
    if (k == "command") r.command.push_back(v);
  if (subresource == "exec" && r.command.empty())
    return Error::bad_request("you must specify at least 1 command");
  r.stdin = query_flag(req, "stdin", false);
  r.stdout = query_flag(req, "stdout", dialect.outputs_default_on);
  r.stderr = query_flag(req, "stderr", dialect.outputs_default_on);
  r.tty = query_flag(req, "tty", false);
  if (!r.stdin && !r.stdout && !r.stderr) return Error::bad_request("you must specify at least 1 of stdin, stdout, stderr");
  if (r.tty) r.stderr = false;  // a terminal merges them, as the kubelet does
  r.container_id = running_container_id(pod, r.container);
  if (r.container_id.empty())
    return Error::bad_request("container " + r.container + " is not running in pod " + pod_name);
  return r;
}

}  // namespace

Result<ContainerStreamRequest> parse_container_stream(const HttpRequest& req, const Json& pod,
                                                      const std::string& subresource) {
  return parse_session(req, pod, subresource, req.query_or("container"), kApiServerQuery);
}

Result<ContainerStreamRequest> parse_kubelet_stream(const HttpRequest& req, const Json& pod,
                                                    const std::string& subresource, const std::string& container) {
  return parse_session(req, pod, subresource, container, kKubeletQuery);
}

std::string kubelet_stream_query(const ContainerStreamRequest& r) {
  std::vector<std::string> params;
  auto add = [&](const char* name, const std::string& value) { params.push_back(name + ("=" + url_encode(value))); };
  if (r.subresource == "portforward") {
    std::vector<std::string> ports;
    for (int32_t p : r.ports) ports.push_back(std::to_string(p));
    if (!ports.empty()) add("port", join(ports, ","));
    return join(params, "&");
  }
  if (r.stdin) add("stdin", "1");
  if (r.stdout) add("stdout", "1");
  if (r.stderr) add("stderr", "1");
  if (r.tty) add("tty", "1");
  for (const auto& c : r.command) add("command", c);
  return join(params, "&");
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
                                   node + "\": this API server has no way to reach that node's agent"));
  if (to_lower(req.header("upgrade")).empty())
    return fail(Error::bad_request("Upgrade request required"));
  auto request = parse_container_stream(req, pod, subresource);
  if (!request.ok()) return fail(request.error());
  auto backend = source->stream_backend(pod, *request);
  if (!backend.ok()) return fail(backend.error());
  tunnel_upgrade(req, *backend, ex, code);
}

}  // namespace skiff::apiserver

#include "agent/node_api/node_api_handler.h"

#include <optional>
#include <vector>

#include "apiserver/api_handler.h"
#include "apiserver/upgrade_tunnel.h"
#include "util/strings.h"

namespace skiff::agent {

// A request path taken apart: /containerLogs/NS/POD/CONTAINER, /exec|attach/NS/POD[/UID]/CONTAINER,
// /portForward/NS/POD[/UID].
struct NodeApiRoute {
  std::string subresource;  // "log", "exec", "attach", "portforward"
  std::string ns, pod, container;
};

namespace {

using apiserver::HttpExchange;
using apiserver::HttpRequest;

std::optional<NodeApiRoute> parse_route(const std::string& path) {
  std::vector<std::string> parts;
  for (auto& p : split(path, '/'))
    if (!p.empty()) parts.push_back(p);
  if (parts.empty()) return std::nullopt;
  const std::string& head = parts[0];
  size_t n = parts.size();
  if (head == "containerLogs" && n == 4) return NodeApiRoute{"log", parts[1], parts[2], parts[3]};
  if ((head == "exec" || head == "attach") && (n == 4 || n == 5))
    return NodeApiRoute{head, parts[1], parts[2], parts[n - 1]};
  if (head == "portForward" && (n == 3 || n == 4)) return NodeApiRoute{"portforward", parts[1], parts[2], ""};
  return std::nullopt;
}

void fail(HttpExchange& ex, const Error& e) { ex.respond(apiserver::status_response(e)); }

// The verb the kubelet's authorizer would check, for the refusal's message.
std::string verb_of(const std::string& method) {
  if (method == "POST") return "create";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return "delete";
  return "get";
}

}  // namespace

NodeApiHandler::NodeApiHandler(NodeApiBackends backends, std::string authorized_user)
    : backends_(std::move(backends)), authorized_user_(std::move(authorized_user)) {}

void NodeApiHandler::handle(HttpRequest& req, HttpExchange& ex) {
  if (!req.user.authenticated) return fail(ex, Error::unauthorized("Unauthorized"));
  if (req.user.name != authorized_user_)
    return fail(ex, Error::forbidden("Forbidden (user=" + req.user.name + ", verb=" + verb_of(req.method) +
                                     ", resource=nodes, subresource=proxy)"));
  auto route = parse_route(req.path);
  if (!route) return fail(ex, Error::not_found("404 page not found"));
  if (route->subresource == "log") {
    if (req.method != "GET") return fail(ex, Error::method_not_allowed("405: Method Not Allowed"));
    return serve_log(req, *route, ex);
  }
  if (req.method != "GET" && req.method != "POST") return fail(ex, Error::method_not_allowed("405: Method Not Allowed"));
  serve_stream(req, *route, ex);
}

std::shared_ptr<const Json> NodeApiHandler::pod_for(const NodeApiRoute& route, HttpExchange& ex) {
  auto pod = backends_.find_pod ? backends_.find_pod(route.ns, route.pod) : nullptr;
  if (!pod) fail(ex, Error::not_found("pod \"" + route.pod + "\" does not exist"));
  return pod;
}

void NodeApiHandler::serve_log(const HttpRequest& req, const NodeApiRoute& route, HttpExchange& ex) {
  auto pod = pod_for(route, ex);
  if (!pod) return;
  auto options = apiserver::parse_pod_log_options(req, route.pod, backends_.clock->now());
  if (!options.ok()) return fail(ex, options.error());
  auto container = apiserver::choose_log_container(*pod, route.container);
  if (!container.ok())
    return fail(ex, Error::not_found("container \"" + route.container + "\" not found in pod \"" + route.pod + "\""));
  if (!backends_.logs) return fail(ex, Error::internal("this node serves no container logs"));
  auto streamer = backends_.logs->open_log(*pod, *container, *options);
  if (!streamer.ok()) return fail(ex, streamer.error());
  apiserver::write_log_stream(*streamer, ex);
}

void NodeApiHandler::serve_stream(const HttpRequest& req, const NodeApiRoute& route, HttpExchange& ex) {
  auto pod = pod_for(route, ex);
  if (!pod) return;
  if (req.header("upgrade").empty()) return fail(ex, Error::bad_request("Upgrade request required"));
  auto session = apiserver::parse_kubelet_stream(req, *pod, route.subresource, route.container);
  if (!session.ok()) return fail(ex, session.error());
  if (!backends_.streams) return fail(ex, Error::internal("this node serves no streaming sessions"));
  auto backend = backends_.streams->stream_backend(*pod, *session);
  if (!backend.ok()) return fail(ex, backend.error());
  int code = 0;
  apiserver::tunnel_upgrade(req, *backend, ex, code);
}

}  // namespace skiff::agent

#include "apiserver/kubelet_client.h"

#include "apiserver/backend_connection.h"
#include "apiserver/http_response_reader.h"
#include "util/strings.h"

namespace skiff::apiserver {
namespace {

constexpr int kDefaultKubeletPort = 10250;
constexpr std::chrono::seconds kDialTimeout{30};
constexpr std::chrono::seconds kHeadTimeout{30};
constexpr std::chrono::seconds kClientCheckInterval{1};
constexpr size_t kMaxErrorBody = 50000;  // as kube-apiserver reads of an error answer

std::string pod_path(const Json& pod) {
  const Json& meta = pod.value("metadata", Json::object());
  return get_string(meta, "namespace") + "/" + get_string(meta, "name");
}

// Simulated nodes say so in their runtime version; nothing answers at their addresses.
bool is_simulated(const Json& node) {
  const Json* runtime = find_path(node, "status.nodeInfo.containerRuntimeVersion");
  return runtime && runtime->is_string() && starts_with(runtime->get<std::string>(), "sim://");
}

// Go's %v of a []NodeAddress: [{InternalIP 10.0.0.1} {Hostname node-a}].
std::string go_addresses(const Json* addresses) {
  std::vector<std::string> parts;
  if (addresses && addresses->is_array())
    for (const auto& a : *addresses) parts.push_back("{" + get_string(a, "type") + " " + get_string(a, "address") + "}");
  return "[" + join(parts, " ") + "]";
}

// What a log stream needs to keep: the connection and the reader on it.
struct OpenedLog {
  std::unique_ptr<RawConnection> conn;
  std::unique_ptr<HttpResponseReader> reader;
};

// Copies the agent's log to the client; while the agent is quiet, checks now and then that the
// client is still there, so a followed log ends when kubectl does.
Status copy_log(OpenedLog& log, const LogWriter& write) {
  while (true) {
    std::string chunk;
    auto r = log.reader->read_body(chunk, kClientCheckInterval);
    if (!chunk.empty() && !write(chunk)) return ok_status();
    switch (r) {
      case HttpResponseReader::BodyRead::kEnd: return ok_status();
      case HttpResponseReader::BodyRead::kBroken: return Error::internal("the node agent's log stream broke off");
      case HttpResponseReader::BodyRead::kIdle:
        if (!write("")) return ok_status();
        break;
      case HttpResponseReader::BodyRead::kData: break;
    }
  }
}

}  // namespace

std::string KubeletEndpoint::url(const std::string& target) const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "https://" + h + ":" + std::to_string(port) + target;
}

Result<KubeletEndpoint> kubelet_endpoint(const Json& node) {
  const Json* addresses = find_path(node, "status.addresses");
  KubeletEndpoint endpoint;
  for (const char* type : {"InternalIP", "Hostname", "ExternalIP"}) {
    if (!addresses || !addresses->is_array()) break;
    for (const auto& a : *addresses)
      if (get_string(a, "type") == type && !get_string(a, "address").empty()) {
        endpoint.host = get_string(a, "address");
        break;
      }
    if (!endpoint.host.empty()) break;
  }
  if (endpoint.host.empty())
    return Error::internal("no preferred addresses found; known addresses: " + go_addresses(addresses));
  const Json* port = find_path(node, "status.daemonEndpoints.kubeletEndpoint.Port");
  endpoint.port = port && port->is_number_integer() && port->get<int64_t>() > 0 && port->get<int64_t>() < 65536
                      ? port->get<int>()
                      : kDefaultKubeletPort;
  return endpoint;
}

Error kubelet_response_error(int code, const std::string& body) {
  auto parsed = parse_json(body);
  if (parsed.ok() && parsed->is_object() && parsed->value("kind", "") == "Status") {
    return Error(parsed->value("code", code), parsed->value("reason", ""), parsed->value("message", ""));
  }
  std::string text(trim(body));
  if (text.empty()) text = "the server responded with the status code " + std::to_string(code) +
                           " but did not return more information";
  switch (code) {
    case 400: return Error::bad_request(text);
    case 401: return Error::unauthorized(text);
    case 403: return Error::forbidden(text);
    case 404: return Error::not_found(text);
    case 500: return Error::internal("Internal error occurred: " + text);
    default: return Error(code, "", text);
  }
}

KubeletClient::KubeletClient(NodeGetter nodes, std::shared_ptr<const TlsClientIdentity> identity)
    : nodes_(std::move(nodes)), identity_(std::move(identity)) {}

Result<KubeletEndpoint> KubeletClient::endpoint_for(const Json& pod, const std::string& subresource) const {
  std::string node_name = get_string(pod.value("spec", Json::object()), "nodeName");
  SKIFF_ASSIGN_OR_RETURN(Json node, nodes_(node_name));
  if (is_simulated(node))
    return Error::bad_request("pods/" + subresource + " is not available for pod \"" +
                              get_string(pod["metadata"], "name") + "\": its node \"" + node_name +
                              "\" is simulated, no containers run there");
  return kubelet_endpoint(node);
}

Result<PodLogSource::Streamer> KubeletClient::open_log(const Json& pod, const std::string& container,
                                                       const PodLogOptions& options) {
  SKIFF_ASSIGN_OR_RETURN(KubeletEndpoint endpoint, endpoint_for(pod, "log"));
  std::string query = kubelet_log_query(options);
  std::string target = "/containerLogs/" + pod_path(pod) + "/" + container + (query.empty() ? "" : "?" + query);
  std::string url_text = endpoint.url(target);
  auto go_error = [&](const Error& e) { return Error(500, "", "Get \"" + url_text + "\": " + e.message); };
  SKIFF_ASSIGN_OR_RETURN(BackendUrl url, parse_backend_url(url_text));
  auto conn = dial_backend(url, identity_.get(), kDialTimeout);
  if (!conn.ok()) return go_error(conn.error());
  auto log = std::make_shared<OpenedLog>();
  log->conn = std::move(*conn);
  log->reader = std::make_unique<HttpResponseReader>(*log->conn);
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + url.authority() +
                        "\r\nUser-Agent: skiff-apiserver\r\nConnection: close\r\n\r\n";
  if (!log->conn->write_all(request)) return go_error(Error::internal("the connection closed"));
  if (auto head = log->reader->read_head(kHeadTimeout); !head.ok()) return go_error(head.error());
  if (log->reader->status() != 200)
    return kubelet_response_error(log->reader->status(), log->reader->read_all(kMaxErrorBody, kHeadTimeout));
  return Streamer([log](const LogWriter& write) { return copy_log(*log, write); });
}

Result<StreamBackend> KubeletClient::stream_backend(const Json& pod, const ContainerStreamRequest& request) {
  SKIFF_ASSIGN_OR_RETURN(KubeletEndpoint endpoint, endpoint_for(pod, request.subresource));
  std::string target = request.subresource == "portforward" ? "/portForward/" + pod_path(pod)
                                                             : "/" + request.subresource + "/" + pod_path(pod) + "/" +
                                                                   request.container;
  std::string query = kubelet_stream_query(request);
  if (!query.empty()) target += "?" + query;
  return StreamBackend{endpoint.url(target), identity_};
}

}  // namespace skiff::apiserver

#include "apiserver/request_info.h"

#include "util/strings.h"

namespace skiff::apiserver {

RequestInfo parse_request_info(const HttpRequest& req) {
  RequestInfo info;
  std::string_view path = req.path;
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto parts = split(path, '/');
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis")) return info;
  info.api_prefix = parts[0];
  size_t i = 1;
  if (info.api_prefix == "apis") {
    if (parts.size() < 3) return info;  // /apis or /apis/group: discovery
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    if (parts.size() < 2) return info;
    info.version = parts[1];
    i = 2;
  }
  if (parts.size() <= i) return info;  // group-version discovery
  info.is_resource_request = true;

  bool watch_path = false;
  if (parts[i] == "watch") {  // deprecated /watch/ prefix
    watch_path = true;
    ++i;
  }
  std::vector<std::string> rest(parts.begin() + static_cast<long>(i), parts.end());
  // namespaces/NS/resource/... except for the namespaces resource itself
  // (but namespaces/NAME/status and /finalize are the namespace object's subresources).
  if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
    info.namespace_ = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.empty()) {
    info.is_resource_request = false;
    return info;
  }
  info.resource = rest[0];
  if (rest.size() >= 2) info.name = rest[1];
  if (rest.size() >= 3) info.subresource = rest[2];
  if (rest.size() > 3) info.subresource += "/" + join({rest.begin() + 3, rest.end()}, "/");

  bool watch_query = req.query_or("watch") == "true" || req.query_or("watch") == "1";
  const std::string& m = req.method;
  if (m == "GET" || m == "HEAD") {
    if (info.name.empty()) info.verb = (watch_path || watch_query) ? "watch" : "list";
    else info.verb = (watch_path || watch_query) ? "watch" : "get";
  } else if (m == "POST") {
    info.verb = "create";
  } else if (m == "PUT") {
    info.verb = "update";
  } else if (m == "PATCH") {
    info.verb = "patch";
  } else if (m == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  } else {
    info.verb = to_lower(m);
  }
  return info;
}

}  // namespace skiff::apiserver

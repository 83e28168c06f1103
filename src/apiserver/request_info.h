// What a request path means: Kubernetes' RequestInfo (verb, group/version, namespace,
// resource, name, subresource), derived from the method, path and query.
#pragma once

#include <string>
#include <string_view>

#include "apiserver/http.h"

namespace skiff::apiserver {

struct RequestInfo {
  bool is_resource_request = false;
  std::string verb;  // get list watch create update patch delete deletecollection
  std::string api_prefix;  // "api" or "apis"
  std::string group;
  std::string version;
  std::string namespace_;
  std::string resource;
  std::string subresource;
  std::string name;
};

// Non-resource paths (/version, /apis, /api/v1 discovery) come back with is_resource_request false.
RequestInfo parse_request_info(const HttpRequest& request);

}  // namespace skiff::apiserver

// Discovery documents, built once from the schema registry: /api, /apis, per group-version
// APIResourceLists, and aggregated discovery (apidiscovery.k8s.io v2 and v2beta1).
#pragma once

#include <map>
#include <string>

#include "api/schema.h"
#include "util/json.h"

namespace skiff::apiserver {

// What GET /version answers (version.Info): the Kubernetes release Skiff serves the API of.
Json server_version_info();

class Discovery {
 public:
  explicit Discovery(const api::SchemaRegistry& schemas);

  const std::string& core_versions() const { return core_versions_; }  // /api (APIVersions)
  const std::string& group_list() const { return group_list_; }        // /apis (APIGroupList)
  // /api/v1 or /apis/G/V; nullptr when unknown.
  const std::string* resource_list(const std::string& group, const std::string& version) const;
  // /apis/G (APIGroup); nullptr when unknown.
  const std::string* group(const std::string& group) const;
  // Aggregated documents for /api (core) or /apis; version is "v2" or "v2beta1".
  std::string aggregated(bool core, const std::string& version) const;

  // The aggregated discovery version the Accept header asks for first ("v2", "v2beta1"), or "".
  static std::string aggregated_version_requested(const std::string& accept);

 private:
  std::string core_versions_;
  std::string group_list_;
  std::map<std::string, std::string> resource_lists_;  // "group/version"
  std::map<std::string, std::string> groups_;
  std::string aggregated_core_;  // with apiVersion placeholder
  std::string aggregated_groups_;
};

}  // namespace skiff::apiserver

// A TestCluster whose registry runs the named admission plugins.
#pragma once

#include <gtest/gtest.h>

#include "apiserver/admission.h"
#include "apiserver/registry.h"
#include "support/test_cluster.h"

namespace skiff::apiserver::testing {

class AdmissionCluster : public skiff::testing::TestCluster {
 public:
  explicit AdmissionCluster(const std::vector<std::string>& plugins, const AdmissionOptions& options = {})
      : admission_(enable_admission(plugins, options)) {}
  const Admission& admission() const { return *admission_; }

  // Creates through the client; the error when refused.
  Result<Json> try_create(std::string_view g, std::string_view v, std::string_view p, const Json& obj,
                          const std::string& ns = "default") {
    return client().create(client().resource(g, v, p), ns, obj);
  }

 private:
  std::shared_ptr<const Admission> admission_;
};

inline Json pod(const std::string& name, const Json& containers) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", {{"containers", containers}}}};
}

inline Json container(const std::string& name, const Json& resources = Json::object()) {
  Json c = {{"name", name}, {"image", "nginx"}};
  if (!resources.empty()) c["resources"] = resources;
  return c;
}

}  // namespace skiff::apiserver::testing

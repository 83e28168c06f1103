// Admission: plugins on the write path, as kube-apiserver's. Mutating admission (admit) runs
// on create and update before validation; validating admission (validate) runs after the
// object is validated and defaulted, just before it is stored. Plugins register by their
// Kubernetes name (LimitRanger, ResourceQuota, DefaultStorageClass, DefaultTolerationSeconds,
// ServiceAccount) and read other objects through the watch cache.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/schema.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::apiserver {

class WatchCache;

enum class AdmissionOperation { kCreate, kUpdate };

struct AdmissionRequest {
  const api::ResourceInfo& resource;
  std::string ns;
  std::string name;
  AdmissionOperation operation = AdmissionOperation::kCreate;
  std::string subresource;    // "" or "status"
  Json& object;               // mutable in admit(), read-only by convention in validate()
  const Json* old = nullptr;  // the stored object, on update

  bool is(std::string_view group, std::string_view kind) const {
    return resource.gvk.group == group && resource.gvk.kind == kind;
  }
};

// Reads the current objects of a resource (what admission checks against): the watch cache.
class ObjectLookup {
 public:
  virtual ~ObjectLookup() = default;
  // Objects of group/version/plural in ns ("" for all namespaces or cluster-scoped ones).
  virtual std::vector<Json> list(std::string_view group, std::string_view version, std::string_view plural,
                                 const std::string& ns) const = 0;
};

class AdmissionPlugin {
 public:
  virtual ~AdmissionPlugin() = default;
  virtual std::string name() const = 0;
  virtual Status admit(AdmissionRequest&) { return ok_status(); }
  virtual Status validate(const AdmissionRequest&) { return ok_status(); }
};

// Plugin settings that come from server flags.
struct AdmissionOptions {
  int64_t default_not_ready_toleration_seconds = 300;    // --default-not-ready-toleration-seconds
  int64_t default_unreachable_toleration_seconds = 300;  // --default-unreachable-toleration-seconds
};

// Plugins in order; admit runs every plugin's admit, then validate every plugin's validate.
class Admission {
 public:
  explicit Admission(std::vector<std::unique_ptr<AdmissionPlugin>> plugins) : plugins_(std::move(plugins)) {}
  Status admit(AdmissionRequest& request) const;
  Status validate(const AdmissionRequest& request) const;
  // The named plugin, or nullptr (to adjust its settings).
  AdmissionPlugin* plugin(std::string_view name) const;
  // Keeps what the plugins read through alive as long as they are.
  void keep_alive(std::shared_ptr<const void> dependency) { dependencies_.push_back(std::move(dependency)); }

 private:
  std::vector<std::shared_ptr<const void>> dependencies_;  // destroyed after plugins_
  std::vector<std::unique_ptr<AdmissionPlugin>> plugins_;
};

// The plugins kube-apiserver enables by default, in its order.
const std::vector<std::string>& default_admission_plugins();
// Unknown names are a 400 error naming the plugin.
Result<std::unique_ptr<Admission>> make_admission(const std::vector<std::string>& names, const WatchCache& cache,
                                                  const api::SchemaRegistry& schemas, const AdmissionOptions& options = {});

// Each plugin's factory, defined in its own file (admission_<plugin>.cc) and listed by name in
// admission.cc.
using AdmissionPluginFactory = std::unique_ptr<AdmissionPlugin> (*)(const ObjectLookup& lookup,
                                                                    const AdmissionOptions& options);

// "pods \"web\" is forbidden: <message>": how admission refuses (403), as admission.NewForbidden.
Error admission_forbidden(const AdmissionRequest& request, const std::string& message);

}  // namespace skiff::apiserver

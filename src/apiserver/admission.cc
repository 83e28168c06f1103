#include "apiserver/admission.h"

#include "apiserver/registry.h"
#include "apiserver/watch_cache.h"

namespace skiff::apiserver {

std::unique_ptr<AdmissionPlugin> make_limit_ranger(const ObjectLookup&, const AdmissionOptions&);
std::unique_ptr<AdmissionPlugin> make_service_account(const ObjectLookup&, const AdmissionOptions&);
std::unique_ptr<AdmissionPlugin> make_default_toleration_seconds(const ObjectLookup&, const AdmissionOptions&);
std::unique_ptr<AdmissionPlugin> make_default_storage_class(const ObjectLookup&, const AdmissionOptions&);
std::unique_ptr<AdmissionPlugin> make_resource_quota(const ObjectLookup&, const AdmissionOptions&);
std::unique_ptr<AdmissionPlugin> make_priority(const ObjectLookup&, const AdmissionOptions&);
std::unique_ptr<AdmissionPlugin> make_storage_protection(const ObjectLookup&, const AdmissionOptions&);

namespace {

const std::vector<std::pair<std::string, AdmissionPluginFactory>>& factories() {
  static const std::vector<std::pair<std::string, AdmissionPluginFactory>> all = {
      {"LimitRanger", &make_limit_ranger},
      {"ServiceAccount", &make_service_account},
      {"DefaultTolerationSeconds", &make_default_toleration_seconds},
      {"Priority", &make_priority},
      {"StorageObjectInUseProtection", &make_storage_protection},
      {"DefaultStorageClass", &make_default_storage_class},
      {"ResourceQuota", &make_resource_quota},
  };
  return all;
}

class CacheLookup final : public ObjectLookup {
 public:
  CacheLookup(const WatchCache& cache, const api::SchemaRegistry& schemas) : cache_(cache), schemas_(schemas) {}
  std::vector<Json> list(std::string_view group, std::string_view version, std::string_view plural,
                         const std::string& ns) const override {
    std::vector<Json> out;
    const api::ResourceInfo* info = schemas_.find_resource(group, version, plural);
    if (!info) return out;
    int64_t revision = 0;
    for (const auto& ref : cache_.list(resource_prefix(*info, ns), &revision)) {
      auto parsed = parse_json(ref->bytes);
      if (parsed.ok()) out.push_back(std::move(*parsed));
    }
    return out;
  }

 private:
  const WatchCache& cache_;
  const api::SchemaRegistry& schemas_;
};

}  // namespace

Status Admission::admit(AdmissionRequest& request) const {
  for (const auto& p : plugins_) SKIFF_TRY(p->admit(request));
  return ok_status();
}

Status Admission::validate(const AdmissionRequest& request) const {
  for (const auto& p : plugins_) SKIFF_TRY(p->validate(request));
  return ok_status();
}

AdmissionPlugin* Admission::plugin(std::string_view name) const {
  for (const auto& p : plugins_)
    if (p->name() == name) return p.get();
  return nullptr;
}

const std::vector<std::string>& default_admission_plugins() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, f] : factories()) out.push_back(name);
    return out;
  }();
  return names;
}

Result<std::unique_ptr<Admission>> make_admission(const std::vector<std::string>& names, const WatchCache& cache,
                                                  const api::SchemaRegistry& schemas, const AdmissionOptions& options) {
  auto lookup = std::make_shared<CacheLookup>(cache, schemas);
  std::vector<std::unique_ptr<AdmissionPlugin>> plugins;
  for (const auto& name : names) {
    AdmissionPluginFactory factory = nullptr;
    for (const auto& [n, f] : factories())
      if (n == name) factory = f;
    if (!factory) return Error::bad_request("unknown admission plugin \"" + name + "\"");
    plugins.push_back(factory(*lookup, options));
  }
  auto admission = std::make_unique<Admission>(std::move(plugins));
  admission->keep_alive(std::move(lookup));
  return admission;
}

Error admission_forbidden(const AdmissionRequest& request, const std::string& message) {
  const auto& info = request.resource;
  std::string resource = info.gvk.group.empty() ? info.resource : info.resource + "." + info.gvk.group;
  return Error::forbidden(resource + " \"" + request.name + "\" is forbidden: " + message)
      .with_details(info.gvk.group, info.resource, request.name);
}

}  // namespace skiff::apiserver

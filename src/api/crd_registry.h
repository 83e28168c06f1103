// The schema registry the API server looks resources up in: the built-in kinds plus the
// custom resources of the established CRDs, which appear and disappear as CRDs change.
// Thread-safe. A ResourceInfo handed out stays valid for the registry's lifetime (requests in
// flight keep using it after its CRD is gone), so replaced CRD entries are retired, not freed.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/crd_definition.h"
#include "api/schema.h"

namespace skiff::api {

class DynamicSchemaRegistry final : public SchemaRegistry {
 public:
  explicit DynamicSchemaRegistry(const SchemaRegistry& builtin);

  // Serves the custom resources a CRD declares (replacing what it served before). A CRD that
  // fails validation, or whose names clash with another served resource, is an error and
  // changes nothing.
  Status set_crd(const Json& crd);
  // Stops serving the CRD's resources; unknown names are ignored.
  void remove_crd(const std::string& crd_name);
  bool serves_crd(const std::string& crd_name) const;

  const ResourceInfo* find_resource(std::string_view group, std::string_view version,
                                    std::string_view resource) const override;
  const ResourceInfo* find_kind(std::string_view group, std::string_view version,
                                std::string_view kind) const override;
  std::vector<const ResourceInfo*> resources() const override;
  uint64_t generation() const override { return generation_.load(); }
  const Schema* type(std::string_view type_name) const override;
  void apply_defaults(const ResourceInfo& info, Json& obj) const override;
  Status decode_and_prune(const ResourceInfo& info, Json& obj, FieldValidation mode,
                          std::vector<std::string>* warnings) const override;
  Status validate(const ResourceInfo& info, const Json& obj) const override;

 private:
  void reindex();  // with mu_ held exclusively

  const SchemaRegistry& builtin_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<CustomResourceSet>> crds_;
  std::vector<std::shared_ptr<CustomResourceSet>> retired_;
  std::unordered_map<std::string, const ResourceInfo*> by_resource_;
  std::unordered_map<std::string, const ResourceInfo*> by_kind_;
  std::vector<const ResourceInfo*> custom_;
  std::atomic<uint64_t> generation_{1};
};

}  // namespace skiff::api

// SchemaRegistry::builtin(): the generated type descriptions and resources joined with the
// hand-written kind facts, built once on first use and immutable afterwards.
#include <cstdlib>
#include <unordered_map>

#include "api/builtin_facts.h"
#include "api/decoding.h"
#include "api/defaults.h"
#include "api/field_errors.h"
#include "api/schema.h"
#include "api/schema_loader.h"
#include "api/validation.h"
#include "util/log.h"
#include "util/strings.h"

namespace skiff::api {
namespace {

std::string resource_key(std::string_view group, std::string_view version, std::string_view name) {
  std::string key(group);
  key += '/';
  key += version;
  key += '/';
  key += name;
  return key;
}

class BuiltinSchemaRegistry final : public SchemaRegistry {
 public:
  explicit BuiltinSchemaRegistry(std::unique_ptr<internal::LoadedSchemas> loaded) : loaded_(std::move(loaded)) {
    for (auto& info : loaded_->resources) {
      info.singular = to_lower(info.gvk.kind);
      for (const auto& facts : internal::kind_facts()) {
        if (facts.group != info.gvk.group || facts.kind != info.gvk.kind) continue;
        info.short_names.assign(facts.short_names.begin(), facts.short_names.end());
        info.categories.assign(facts.categories.begin(), facts.categories.end());
      }
      by_resource_.emplace(resource_key(info.gvk.group, info.gvk.version, info.resource), &info);
      by_kind_.emplace(resource_key(info.gvk.group, info.gvk.version, info.gvk.kind), &info);
      ordered_.push_back(&info);
    }
  }

  const ResourceInfo* find_resource(std::string_view group, std::string_view version,
                                    std::string_view resource) const override {
    auto it = by_resource_.find(resource_key(group, version, resource));
    return it == by_resource_.end() ? nullptr : it->second;
  }

  const ResourceInfo* find_kind(std::string_view group, std::string_view version,
                                std::string_view kind) const override {
    auto it = by_kind_.find(resource_key(group, version, kind));
    return it == by_kind_.end() ? nullptr : it->second;
  }

  std::vector<const ResourceInfo*> resources() const override { return ordered_; }

  const Schema* type(std::string_view type_name) const override {
    auto it = loaded_->named.find(type_name);
    return it == loaded_->named.end() ? nullptr : it->second;
  }

  void apply_defaults(const ResourceInfo& info, Json& obj) const override {
    if (info.schema != nullptr) internal::apply_defaults(*info.schema, obj);
  }

  Status decode_and_prune(const ResourceInfo& info, Json& obj, FieldValidation mode,
                          std::vector<std::string>* warnings) const override {
    return internal::decode_check(info, obj, mode, warnings);
  }

  Status validate(const ResourceInfo& info, const Json& obj) const override {
    FieldErrors errs;
    internal::validate_object(info, obj, errs);
    if (errs.empty()) return ok_status();
    const Json* name = find_path(obj, "metadata.name");
    return errs.to_error(info.gvk.group, info.gvk.kind, name && name->is_string() ? name->get<std::string>() : "");
  }

 private:
  std::unique_ptr<internal::LoadedSchemas> loaded_;
  std::unordered_map<std::string, const ResourceInfo*> by_resource_;
  std::unordered_map<std::string, const ResourceInfo*> by_kind_;
  std::vector<const ResourceInfo*> ordered_;
};

}  // namespace

Status SchemaRegistry::validate_and_prune(const ResourceInfo& info, Json& obj, FieldValidation mode,
                                          std::vector<std::string>* warnings) const {
  SKIFF_TRY(decode_and_prune(info, obj, mode, warnings));
  Json defaulted = obj;
  apply_defaults(info, defaulted);
  return validate(info, defaulted);
}

const SchemaRegistry& SchemaRegistry::builtin() {
  static const BuiltinSchemaRegistry* registry = [] {
    auto loaded = internal::load_generated_schemas(internal::enum_facts());
    if (!loaded.ok()) {
      // The data is compiled in: failing here is a build defect, not a runtime condition.
      log::error("schema", loaded.error().message);
      std::abort();
    }
    return new BuiltinSchemaRegistry(std::move(loaded).value());
  }();
  return *registry;
}

}  // namespace skiff::api

#include "api/crd_registry.h"

#include <algorithm>
#include <mutex>

#include "api/crd_validation_rules.h"
#include "util/log.h"

namespace skiff::api {
namespace {

constexpr std::string_view kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

std::string key_of(std::string_view group, std::string_view version, std::string_view name) {
  std::string key(group);
  key += '/';
  key += version;
  key += '/';
  key += name;
  return key;
}

std::string name_of(const Json& obj) {
  const Json* name = find_path(obj, "metadata.name");
  return name && name->is_string() ? name->get<std::string>() : "";
}

// Kubernetes' hasBlockingErr: after these schema errors the CEL rules are not evaluated.
bool blocks_rules(const StatusCause& c) {
  return c.type == "FieldValueNotSupported" || c.type == "FieldValueRequired" || c.type == "FieldValueTooLong" ||
         c.type == "FieldValueTooMany" || c.type == "FieldValueTypeInvalid" ||
         c.message.find(" in body must be of type ") != std::string::npos;
}

// A body with schema errors still has its CEL rules evaluated (as on create) when none of the
// errors blocks them, so the 422 lists both; else one cause says they were not checked.
void add_rule_errors(const StructuralSchema& schema, const Json& obj, FieldErrors& errs) {
  const auto& causes = errs.causes();
  if (std::any_of(causes.begin(), causes.end(), blocks_rules)) {
    errs.add(field_invalid_rendered("<nil>", "\"null\"",
                                    "some validation rules were not checked because the object was invalid; correct "
                                    "the existing errors to complete validation"));
    return;
  }
  validate_custom_resource_rules(schema, obj, nullptr, errs, nullptr);
}

}  // namespace

DynamicSchemaRegistry::DynamicSchemaRegistry(const SchemaRegistry& builtin) : builtin_(builtin) {}

Status DynamicSchemaRegistry::set_crd(const Json& crd) {
  SKIFF_ASSIGN_OR_RETURN(auto built, build_custom_resources(crd, builtin_.type(std::string(kMeta) + "ObjectMeta"),
                                                            builtin_.type(std::string(kMeta) + "ListMeta")));
  std::shared_ptr<CustomResourceSet> set(std::move(built));
  std::unique_lock lock(mu_);
  for (const auto& info : set->resources) {
    auto clash = [&](const ResourceInfo* other) {
      return other != nullptr && (other->custom == nullptr || other->custom->crd_name != set->crd_name);
    };
    const ResourceInfo* same_resource = builtin_.find_resource(info.gvk.group, info.gvk.version, info.resource);
    if (!same_resource) {
      auto it = by_resource_.find(key_of(info.gvk.group, info.gvk.version, info.resource));
      if (it != by_resource_.end()) same_resource = it->second;
    }
    if (clash(same_resource))
      return Error::conflict("\"" + info.resource + "\" is already in use");
    const ResourceInfo* same_kind = builtin_.find_kind(info.gvk.group, info.gvk.version, info.gvk.kind);
    if (!same_kind) {
      auto it = by_kind_.find(key_of(info.gvk.group, info.gvk.version, info.gvk.kind));
      if (it != by_kind_.end()) same_kind = it->second;
    }
    if (clash(same_kind)) return Error::conflict("\"" + info.gvk.kind + "\" is already in use");
  }
  auto& slot = crds_[set->crd_name];
  if (slot) retired_.push_back(std::move(slot));
  slot = std::move(set);
  reindex();
  return ok_status();
}

void DynamicSchemaRegistry::remove_crd(const std::string& crd_name) {
  std::unique_lock lock(mu_);
  auto it = crds_.find(crd_name);
  if (it == crds_.end()) return;
  retired_.push_back(std::move(it->second));
  crds_.erase(it);
  reindex();
}

bool DynamicSchemaRegistry::serves_crd(const std::string& crd_name) const {
  std::shared_lock lock(mu_);
  return crds_.count(crd_name) > 0;
}

void DynamicSchemaRegistry::reindex() {
  by_resource_.clear();
  by_kind_.clear();
  custom_.clear();
  for (const auto& [_, set] : crds_) {
    for (const auto& info : set->resources) {
      by_resource_.emplace(key_of(info.gvk.group, info.gvk.version, info.resource), &info);
      by_kind_.emplace(key_of(info.gvk.group, info.gvk.version, info.gvk.kind), &info);
      custom_.push_back(&info);
    }
  }
  generation_.fetch_add(1);
}

const ResourceInfo* DynamicSchemaRegistry::find_resource(std::string_view group, std::string_view version,
                                                         std::string_view resource) const {
  if (const ResourceInfo* r = builtin_.find_resource(group, version, resource)) return r;
  std::shared_lock lock(mu_);
  auto it = by_resource_.find(key_of(group, version, resource));
  return it == by_resource_.end() ? nullptr : it->second;
}

const ResourceInfo* DynamicSchemaRegistry::find_kind(std::string_view group, std::string_view version,
                                                     std::string_view kind) const {
  if (const ResourceInfo* r = builtin_.find_kind(group, version, kind)) return r;
  std::shared_lock lock(mu_);
  auto it = by_kind_.find(key_of(group, version, kind));
  return it == by_kind_.end() ? nullptr : it->second;
}

std::vector<const ResourceInfo*> DynamicSchemaRegistry::resources() const {
  std::vector<const ResourceInfo*> out = builtin_.resources();
  std::shared_lock lock(mu_);
  out.insert(out.end(), custom_.begin(), custom_.end());
  return out;
}

const Schema* DynamicSchemaRegistry::type(std::string_view type_name) const {
  if (const Schema* s = builtin_.type(type_name)) return s;
  std::shared_lock lock(mu_);
  for (const auto& [_, set] : crds_) {
    auto it = set->named.find(type_name);
    if (it != set->named.end()) return it->second;
  }
  return nullptr;
}

void DynamicSchemaRegistry::apply_defaults(const ResourceInfo& info, Json& obj) const {
  if (!info.custom) return builtin_.apply_defaults(info, obj);
  if (info.custom->schema) default_custom_resource(*info.custom->schema, obj);
}

Status DynamicSchemaRegistry::decode_and_prune(const ResourceInfo& info, Json& obj, FieldValidation mode,
                                               std::vector<std::string>* warnings) const {
  if (!info.custom) {
    Status status = builtin_.decode_and_prune(info, obj, mode, warnings);
    if (status.ok() && warnings && info.gvk.group == kCrdGroup && info.gvk.kind == kCrdKind) {
      for (auto& w : crd_rule_warnings(obj)) warnings->push_back(std::move(w));
    }
    return status;
  }
  if (!obj.is_object()) return Error::bad_request("Object '" + info.gvk.kind + "' is not a JSON object");
  std::vector<std::string> pruned;
  if (info.custom->schema) prune_custom_resource(*info.custom->schema, obj, &pruned);
  if (!pruned.empty() && mode == FieldValidation::kStrict) {
    std::string msg = "strict decoding error: ";
    for (size_t i = 0; i < pruned.size(); ++i) msg += (i ? ", " : "") + std::string("unknown field \"") + pruned[i] + "\"";
    return Error::bad_request(std::move(msg));
  }
  if (!pruned.empty() && mode == FieldValidation::kWarn && warnings)
    for (const auto& f : pruned) warnings->push_back("unknown field \"" + f + "\"");
  return ok_status();
}

Status DynamicSchemaRegistry::validate(const ResourceInfo& info, const Json& obj) const {
  if (!info.custom) return builtin_.validate(info, obj);
  if (!info.custom->schema) return ok_status();
  FieldErrors errs;
  validate_custom_resource(*info.custom->schema, obj, errs);
  if (errs.empty()) return ok_status();
  if (info.custom->schema->compiled_rules) add_rule_errors(*info.custom->schema, obj, errs);
  return errs.to_error(info.gvk.group, info.gvk.kind, name_of(obj));
}

}  // namespace skiff::api

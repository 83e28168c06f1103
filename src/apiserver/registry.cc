#include "apiserver/registry.h"

#include <algorithm>

#include "api/field_errors.h"
#include "api/labels.h"
#include "api/meta.h"
#include "api/patch.h"
#include "api/server_side_apply.h"
#include "api/update_validation.h"
#include "api/crd_definition.h"
#include "api/crd_json_path.h"
#include "api/crd_validation_rules.h"
#include "apiserver/crd_versions.h"
#include "apiserver/object_rules.h"
#include "util/encoding.h"
#include "util/random.h"
#include "util/yaml.h"

namespace skiff::apiserver {
namespace {

constexpr int kMaxConflictRetries = 8;

bool is_service(const api::ResourceInfo& info) { return info.gvk.group.empty() && info.gvk.kind == "Service"; }

std::string group_key(const api::ResourceInfo& info) {
  return info.gvk.group.empty() ? "core" : info.gvk.group;
}

// "deployments.apps" / "configmaps": how Kubernetes names a resource in messages.
std::string qualified_resource(const api::ResourceInfo& info) {
  return info.gvk.group.empty() ? info.resource : info.resource + "." + info.gvk.group;
}

Error not_found(const api::ResourceInfo& info, const std::string& name) {
  return Error::not_found(qualified_resource(info) + " \"" + name + "\" not found")
      .with_details(info.gvk.group, info.resource, name);
}

Error conflict(const api::ResourceInfo& info, const std::string& name) {
  return Error::conflict("Operation cannot be fulfilled on " + qualified_resource(info) + " \"" + name +
                         "\": the object has been modified; please apply your changes to the latest version and "
                         "try again")
      .with_details(info.gvk.group, info.resource, name);
}

Error invalid(const api::ResourceInfo& info, const std::string& name, std::vector<StatusCause> causes) {
  return api::invalid_object_error(info.gvk.group, info.gvk.kind, name, std::move(causes));
}

api::NameRule name_rule(const api::ResourceInfo& info) {
  const auto& g = info.gvk.group;
  const auto& k = info.gvk.kind;
  if (g.empty() && k == "Namespace") return api::NameRule::kDns1123Label;
  if (g.empty() && k == "Service") return api::NameRule::kDns1035Label;
  if (g == "rbac.authorization.k8s.io") return api::NameRule::kPathSegment;
  return api::NameRule::kDns1123Subdomain;
}

// Checks apiVersion/kind of a request body against the resource it was sent to.
Status check_type(const api::ResourceInfo& info, Json& obj) {
  if (!obj.is_object()) return Error::bad_request("the request body must be a JSON or YAML object");
  std::string av = get_string(obj, "apiVersion");
  std::string kind = get_string(obj, "kind");
  if (kind.empty()) return Error::bad_request("Object 'Kind' is missing in the request body");
  if (av.empty()) return Error::bad_request("Object 'apiVersion' is missing in the request body");
  if (av != info.gvk.api_version() || kind != info.gvk.kind) {
    return Error::bad_request("the API version in the data (" + av + ") and kind (" + kind +
                              ") do not match the expected " + info.gvk.api_version() + ", Kind=" + info.gvk.kind);
  }
  if (!obj.contains("metadata") || obj["metadata"].is_null()) obj["metadata"] = Json::object();
  if (!obj["metadata"].is_object()) return Error::bad_request("metadata must be an object");
  return ok_status();
}

Status check_namespace_field(const api::ResourceInfo& info, Json& meta, const std::string& ns) {
  if (info.namespaced) {
    std::string body_ns = get_string(meta, "namespace");
    if (!body_ns.empty() && body_ns != ns)
      return Error::bad_request("the namespace of the provided object does not match the namespace sent on the request");
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }
  return ok_status();
}

void strip_system_fields(Json& meta) {
  for (const char* f : {"uid", "creationTimestamp", "resourceVersion", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "generation", "selfLink"})
    meta.erase(f);
}

// Fields a client can not change on update: copied from the stored object.
void keep_system_fields(Json& meta, const Json& old_meta) {
  for (const char* f : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}) {
    if (auto it = old_meta.find(f); it != old_meta.end()) meta[f] = *it;
    else meta.erase(f);
  }
  meta.erase("selfLink");
}

int64_t parse_rv(const std::string& rv) {
  if (rv.empty()) return 0;
  try {
    size_t pos = 0;
    long long v = std::stoll(rv, &pos);
    return pos == rv.size() ? v : -1;
  } catch (...) {
    return -1;
  }
}

Result<Json> parse_patch_body(const std::string& patch, bool yaml) {
  if (yaml) return parse_yaml(patch);
  return parse_json(patch);
}

api::OwnershipScope ownership_scope(const api::ResourceInfo& info, const std::string& subresource) {
  return {info.schema, info.gvk.api_version(), subresource, has_subresource(info, "status")};
}

std::string manager_of(const WriteOptions& opts) {
  return opts.field_manager.empty() ? api::manager_from_user_agent(opts.user_agent) : opts.field_manager;
}

// An applied configuration is YAML, of which JSON is a subset; JSON goes to the exact parser.
Result<Json> parse_apply_body(const std::string& body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  bool json = first != std::string::npos && body[first] == '{';
  auto parsed = parse_patch_body(body, !json);
  if (!parsed.ok()) return Error::bad_request("error decoding YAML: " + parsed.error().message);
  if (!parsed->is_object()) return Error::bad_request("error decoding YAML: the applied configuration must be an object");
  return parsed;
}

}  // namespace

std::string resource_prefix(const api::ResourceInfo& info, const std::string& ns) {
  std::string p = "/registry/" + group_key(info) + "/" + info.resource + "/";
  if (info.namespaced && !ns.empty()) p += ns + "/";
  return p;
}

std::string object_key(const api::ResourceInfo& info, const std::string& ns, const std::string& name) {
  return resource_prefix(info, info.namespaced ? ns : "") + name;
}

Result<DeleteOptions> DeleteOptions::from_json(const Json& body) {
  DeleteOptions o;
  if (body.is_null()) return o;
  if (!body.is_object()) return Error::bad_request("DeleteOptions must be an object");
  if (auto it = body.find("gracePeriodSeconds"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer()) return Error::bad_request("gracePeriodSeconds must be an integer");
    o.grace_period_seconds = it->get<int64_t>();
  }
  o.propagation_policy = get_string(body, "propagationPolicy");
  if (body.value("orphanDependents", false) == true && o.propagation_policy.empty()) o.propagation_policy = "Orphan";
  if (const Json* p = find_path(body, "preconditions"); p && p->is_object()) {
    o.precondition_uid = get_string(*p, "uid");
    o.precondition_resource_version = get_string(*p, "resourceVersion");
  }
  if (auto it = body.find("dryRun"); it != body.end() && it->is_array())
    for (const auto& v : *it)
      if (v == "All") o.dry_run = true;
  if (!o.propagation_policy.empty() && o.propagation_policy != "Orphan" && o.propagation_policy != "Background" &&
      o.propagation_policy != "Foreground")
    return Error::bad_request("Unsupported propagationPolicy \"" + o.propagation_policy +
                              "\": supported values: \"Orphan\", \"Background\", \"Foreground\"");
  return o;
}

Registry::Registry(storage::Store& store, WatchCache& cache, const api::SchemaRegistry& schemas, const Clock& clock)
    : store_(store), cache_(cache), schemas_(schemas), clock_(clock) {}

Status Registry::check_namespace(const api::ResourceInfo& info, const std::string& ns) const {
  if (!info.namespaced) return ok_status();
  if (ns.empty()) return Error::bad_request("a namespace is required for namespaced resource " + info.resource);
  const api::ResourceInfo* ns_info = schemas_.find_resource("", "v1", "namespaces");
  ObjectRef ref = cache_.get(object_key(*ns_info, "", ns));
  if (!ref) return not_found(*ns_info, ns);
  if (ref->bytes.find("\"deletionTimestamp\"") != std::string::npos) {
    Json nsobj = Json::parse(ref->bytes, nullptr, false);
    if (find_path(nsobj, "metadata.deletionTimestamp"))
      return Error::forbidden(info.resource + " \"\" is forbidden: unable to create new content in namespace " + ns +
                              " because it is being terminated");
  }
  return ok_status();
}

Result<Json> Registry::finish_write(const api::ResourceInfo& info, const std::string& key, Json obj,
                                   int64_t revision, const WriteOptions& opts) {
  obj["metadata"]["resourceVersion"] = std::to_string(revision);
  cache_.wait_for_revision(revision);
  if (opts.served_bytes && !info.custom) {
    // The cache holds the object as served; a later write may already have replaced it.
    if (ObjectRef cached = cache_.get(key); cached && cached->resource_version == revision)
      *opts.served_bytes = cached->bytes;
  }
  return obj;
}

Result<Json> Registry::create(const api::ResourceInfo& info, const std::string& ns, Json obj,
                              const WriteOptions& opts) {
  return create_object(info, ns, std::move(obj), opts, false);
}

Result<Json> Registry::create_object(const api::ResourceInfo& info, const std::string& ns, Json obj,
                                     const WriteOptions& opts, bool ownership_decided) {
  SKIFF_TRY(check_type(info, obj));
  Json& meta = obj["metadata"];
  SKIFF_TRY(check_namespace_field(info, meta, ns));
  std::string name = get_string(meta, "name");
  if (name.empty()) {
    std::string prefix = get_string(meta, "generateName");
    if (!prefix.empty()) meta["name"] = name = api::generate_name(prefix);
  }
  AdmissionRequest admission{info, ns, name, AdmissionOperation::kCreate, "", obj};
  if (admission_) SKIFF_TRY(admission_->admit(admission));
  SKIFF_TRY(schemas_.decode_and_prune(info, obj, opts.field_validation, opts.warnings));
  if (name.empty()) {
    return invalid(info, name, {{"FieldValueRequired", "name or generateName is required", "metadata.name"}});
  }
  if (auto causes = api::validate_object_meta(obj["metadata"], info.namespaced, name_rule(info)); !causes.empty())
    return invalid(info, name, std::move(causes));
  SKIFF_TRY(check_namespace(info, ns));

  Json& m = obj["metadata"];
  strip_system_fields(m);
  m["uid"] = new_uuid();
  m["creationTimestamp"] = format_rfc3339(clock_.now());
  if (tracks_generation(info)) m["generation"] = 1;
  prepare_for_create(info, obj);
  schemas_.apply_defaults(info, obj);
  // Validated once defaulted, as the object to be stored: one defaulting serves both.
  SKIFF_TRY(schemas_.validate(info, obj));
  SKIFF_TRY(api::check_custom_resource_rules(info, obj, nullptr, opts.warnings));
  if (info.gvk.group == "batch" && info.gvk.kind == "Job") generate_job_selector(obj);
  if (!ownership_decided)
    SKIFF_TRY(api::track_update(nullptr, obj, ownership_scope(info, ""), manager_of(opts), format_rfc3339(clock_.now())));

  if (admission_) SKIFF_TRY(admission_->validate(admission));
  std::unique_lock<std::mutex> alloc_lock;
  if (info.gvk.group.empty() && info.gvk.kind == "Service") {
    alloc_lock = std::unique_lock(allocation_mu_);
    SKIFF_TRY(allocate_service_addresses(obj, nullptr, cache_));
  }
  if (opts.dry_run) return obj;

  std::string key = object_key(info, ns, name);
  auto kv = store_.create(key, dump_json(obj));
  if (!kv.ok()) {
    if (kv.error().reason == "AlreadyExists")
      return Error::already_exists(qualified_resource(info) + " \"" + name + "\" already exists")
          .with_details(info.gvk.group, info.resource, name);
    return std::move(kv).error();
  }
  return finish_write(info, key, std::move(obj), kv->mod_revision, opts);
}

Result<ObjectRef> Registry::get_cached(const api::ResourceInfo& info, const std::string& ns,
                                       const std::string& name) const {
  ObjectRef ref = cache_.get(object_key(info, ns, name));
  if (!ref) return not_found(info, name);
  return as_served_version(info, ref);
}

Result<Json> Registry::get(const api::ResourceInfo& info, const std::string& ns, const std::string& name) const {
  SKIFF_ASSIGN_OR_RETURN(ObjectRef ref, get_cached(info, ns, name));
  return parse_json(ref->bytes);
}

Result<ListResult> Registry::list(const api::ResourceInfo& info, const std::string& ns, const ListOptions& opts) const {
  SKIFF_ASSIGN_OR_RETURN(auto labels, api::LabelSelector::parse(opts.label_selector));
  SKIFF_ASSIGN_OR_RETURN(auto fields, api::FieldSelector::parse(opts.field_selector));
  std::string start_after;
  if (!opts.continue_token.empty()) {
    auto decoded = base64_decode(opts.continue_token);
    Json token = decoded ? Json::parse(*decoded, nullptr, false) : Json();
    if (!token.is_object() || !token.contains("start") || !token["start"].is_string())
      return Error::bad_request("continue key is not valid: malformed continue token");
    start_after = token["start"].get<std::string>();
  }
  ListResult out;
  auto all = cache_.list(resource_prefix(info, ns), &out.revision);
  for (size_t i = 0; i < all.size(); ++i) {
    const ObjectRef& ref = all[i];
    if (!start_after.empty() && ref->key <= start_after) continue;
    if (!labels.empty() && !labels.matches(ref->labels)) continue;
    if (!fields.empty() && !fields.matches([&](std::string_view f) -> std::optional<std::string> {
          if (const std::string* v = ref->field(f)) return *v;
          return std::string();
        }))
      continue;
    if (opts.limit > 0 && static_cast<int64_t>(out.items.size()) == opts.limit) {
      // Count what is left so clients can show progress, as remainingItemCount does.
      int64_t remaining = 0;
      for (size_t j = i; j < all.size(); ++j)
        if (labels.empty() || labels.matches(all[j]->labels)) ++remaining;
      out.remaining = remaining;
      Json token = {{"v", "meta.k8s.io/v1"}, {"rv", out.revision}, {"start", out.items.back()->key}};
      out.continue_token = base64_encode(token.dump());
      break;
    }
    out.items.push_back(as_served_version(info, ref));
  }
  return out;
}

Result<Json> Registry::update(const api::ResourceInfo& info, const std::string& ns, const std::string& name, Json obj,
                              const std::string& subresource, const WriteOptions& opts) {
  SKIFF_TRY(check_type(info, obj));
  Json& meta = obj["metadata"];
  SKIFF_TRY(check_namespace_field(info, meta, ns));
  std::string body_name = get_string(meta, "name");
  if (body_name.empty()) meta["name"] = body_name = name;
  if (body_name != name)
    return Error::bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" +
                              name + ")");
  std::string body_rv = get_string(meta, "resourceVersion");
  int64_t expected = parse_rv(body_rv);
  if (expected < 0) return Error::bad_request("invalid resourceVersion \"" + body_rv + "\"");
  SKIFF_TRY(schemas_.validate_and_prune(info, obj, opts.field_validation, opts.warnings));
  return update_with(info, ns, name, subresource, opts, [&](const Json& current) -> Result<Json> {
    if (expected != 0 && std::to_string(expected) != get_string(current["metadata"], "resourceVersion"))
      return conflict(info, name);
    return obj;
  });
}

Result<Json> Registry::patch(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                             PatchType type, const std::string& patch, const std::string& subresource,
                             const WriteOptions& opts) {
  if (type == PatchType::kApply) return apply(info, ns, name, patch, subresource, opts);
  SKIFF_ASSIGN_OR_RETURN(Json patch_doc, parse_patch_body(patch, false));
  return update_with(info, ns, name, subresource, opts, [&](const Json& current) -> Result<Json> {
    Result<Json> patched = Error::internal("unreachable");
    switch (type) {
      case PatchType::kJson: patched = api::apply_json_patch(current, patch_doc); break;
      case PatchType::kMerge:
        if (!patch_doc.is_object()) return Error::bad_request("a merge patch must be a JSON object");
        patched = api::apply_merge_patch(current, patch_doc);
        break;
      case PatchType::kStrategic:
        if (!patch_doc.is_object()) return Error::bad_request("a strategic merge patch must be a JSON object");
        patched = api::apply_strategic_merge_patch(current, patch_doc, info.schema);
        break;
      case PatchType::kApply: break;
    }
    if (!patched.ok()) return std::move(patched).error();
    Json obj = std::move(patched).value();
    SKIFF_TRY(check_type(info, obj));
    if (get_string(obj["metadata"], "name") != name)
      return Error::bad_request("the name of the object cannot be changed by a patch");
    std::string rv = get_string(obj["metadata"], "resourceVersion");
    if (!rv.empty() && rv != get_string(current["metadata"], "resourceVersion")) return conflict(info, name);
    if (is_service(info)) drop_service_type_dependent_fields(obj, current);
    SKIFF_TRY(schemas_.validate_and_prune(info, obj, opts.field_validation, opts.warnings));
    return obj;
  });
}

Result<Json> Registry::apply(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                             const std::string& patch, const std::string& subresource, const WriteOptions& opts) {
  if (opts.field_manager.empty())
    return Error::bad_request("PATCH, application/apply-patch+yaml requires fieldManager to be set");
  SKIFF_ASSIGN_OR_RETURN(Json config, parse_apply_body(patch));
  SKIFF_TRY(check_type(info, config));
  Json& meta = config["metadata"];
  std::string body_name = get_string(meta, "name");
  if (body_name.empty()) meta["name"] = body_name = name;
  if (body_name != name)
    return Error::bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" +
                              name + ")");
  SKIFF_TRY(check_namespace_field(info, meta, ns));
  const api::OwnershipScope scope = ownership_scope(info, subresource);
  const std::string key = object_key(info, ns, name);
  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    SKIFF_ASSIGN_OR_RETURN(auto stored, store_.get(key));
    if (!stored) {
      if (!subresource.empty()) return not_found(info, name);
      SKIFF_ASSIGN_OR_RETURN(Json obj, api::server_side_apply(nullptr, config, scope, opts.field_manager, opts.force,
                                                              format_rfc3339(clock_.now())));
      auto created = create_object(info, ns, std::move(obj), opts, true);
      if (!created.ok() && created.error().reason == "AlreadyExists") continue;  // created meanwhile: merge
      return created;
    }
    auto updated = update_with(
        info, ns, name, subresource, opts,
        [&](const Json& current) -> Result<Json> {
          SKIFF_ASSIGN_OR_RETURN(Json obj, api::server_side_apply(&current, config, scope, opts.field_manager,
                                                                  opts.force, format_rfc3339(clock_.now())));
          SKIFF_TRY(check_type(info, obj));
          std::string rv = get_string(obj["metadata"], "resourceVersion");
          if (!rv.empty() && rv != get_string(current["metadata"], "resourceVersion")) return conflict(info, name);
          if (is_service(info)) drop_service_type_dependent_fields(obj, current);
          SKIFF_TRY(schemas_.validate_and_prune(info, obj, opts.field_validation, opts.warnings));
          return obj;
        },
        true);
    if (!updated.ok() && updated.error().reason == "NotFound") continue;  // deleted meanwhile: create
    return updated;
  }
  return conflict(info, name);
}

Result<Json> Registry::update_with(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                                   const std::string& subresource, const WriteOptions& opts,
                                   const std::function<Result<Json>(const Json& current)>& transform,
                                   bool ownership_decided) {
  std::string key = object_key(info, ns, name);
  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    // The first attempt reads the watch cache, which holds every acknowledged write (and spares
    // the store's lock); should a write still be in flight, the compare-and-swap below fails
    // and the next attempt reads the store.
    Json current;
    int64_t mod_revision = 0;
    if (ObjectRef cached = attempt == 0 ? cache_.get(key) : nullptr) {
      SKIFF_ASSIGN_OR_RETURN(current, parse_json(cached->bytes));
      mod_revision = cached->resource_version;
    } else {
      SKIFF_ASSIGN_OR_RETURN(auto stored, store_.get(key));
      if (!stored) return not_found(info, name);
      SKIFF_ASSIGN_OR_RETURN(current, parse_json(stored->value));
      mod_revision = stored->mod_revision;
    }
    current["metadata"]["resourceVersion"] = std::to_string(mod_revision);
    set_served_version(info, current);
    SKIFF_ASSIGN_OR_RETURN(Json updated, transform(current));
    SKIFF_ASSIGN_OR_RETURN(auto written, store_update(info, key, std::move(updated), std::move(current), mod_revision,
                                                      subresource, opts, ownership_decided));
    if (written) return std::move(*written);  // else the object changed underneath: read it again
  }
  return conflict(info, name);
}

Result<std::optional<Json>> Registry::store_update(const api::ResourceInfo& info, const std::string& key, Json obj,
                                                   Json current, int64_t mod_revision,
                                                   const std::string& subresource, const WriteOptions& opts,
                                                   bool ownership_decided) {
  const std::string name = get_string(current["metadata"], "name");
  // A status write keeps everything but status from the stored object; apply's ownership stays.
  std::optional<Json> decided_fields;
  if (const Json* mf = find_path(obj, "metadata.managedFields"); ownership_decided && mf) decided_fields = *mf;
  prepare_for_update(info, obj, current, subresource);
  Json& meta = obj["metadata"];
  if (decided_fields) meta["managedFields"] = std::move(*decided_fields);
  else if (ownership_decided) meta.erase("managedFields");
  keep_system_fields(meta, current["metadata"]);
  meta.erase("resourceVersion");
  if (auto causes = api::validate_object_meta(meta, info.namespaced, name_rule(info)); !causes.empty())
    return invalid(info, name, std::move(causes));
  schemas_.apply_defaults(info, obj);
  if (subresource.empty()) {
    api::FieldErrors errs;
    api::validate_update(info, obj, current, errs);
    if (!errs.empty()) return errs.to_error(info.gvk.group, info.gvk.kind, name);
  }
  SKIFF_TRY(api::check_custom_resource_rules(info, obj, &current, opts.warnings));
  if (admission_) {
    AdmissionRequest admission{info, get_string(current["metadata"], "namespace"), name, AdmissionOperation::kUpdate,
                               subresource, obj, &current};
    SKIFF_TRY(admission_->admit(admission));
    SKIFF_TRY(admission_->validate(admission));
  }

  // From here on the stored object is compared without its resourceVersion (obj has none). It
  // is not copied: track_update borrows it, and a no-op write returns it as it came.
  Json& old = current;
  Json resource_version = std::move(old["metadata"]["resourceVersion"]);
  old["metadata"].erase("resourceVersion");
  if (!ownership_decided)
    SKIFF_TRY(api::track_update(&old, obj, ownership_scope(info, subresource), manager_of(opts),
                                format_rfc3339(clock_.now())));
  if (tracks_generation(info) && spec_changed(obj, old)) {
    meta["generation"] = old["metadata"].value("generation", 0) + 1;
  }
  if (info.gvk.group.empty() && info.gvk.kind == "Service") {
    std::lock_guard lk(allocation_mu_);
    SKIFF_TRY(allocate_service_addresses(obj, &old, cache_));
  }
  if (obj == old) {  // no-op writes keep the resourceVersion, as Kubernetes does
    old["metadata"]["resourceVersion"] = std::move(resource_version);
    return std::optional<Json>(std::move(old));
  }

  // Gone once nothing holds it: no finalizers left and no grace period still running (a
  // terminating pod keeps its status updates until the node deletes it with grace 0).
  bool finalized = meta.contains("deletionTimestamp") &&
                   (!meta.contains("finalizers") || !meta["finalizers"].is_array() || meta["finalizers"].empty()) &&
                   meta.value("deletionGracePeriodSeconds", int64_t{0}) == 0;
  if (finalized && !(info.gvk.group.empty() && info.gvk.kind == "Namespace" && find_path(obj, "spec.finalizers") &&
                     !(*find_path(obj, "spec.finalizers")).empty())) {
    if (opts.dry_run) return std::optional<Json>(std::move(obj));
    auto removed = store_.remove(key, mod_revision);
    if (!removed.ok() && removed.error().reason == "Conflict") return std::optional<Json>();
    if (!removed.ok()) return std::move(removed).error();
    int64_t rev = store_.current_revision();
    obj["metadata"]["resourceVersion"] = std::to_string(rev);
    cache_.wait_for_revision(rev);
    return std::optional<Json>(std::move(obj));
  }
  if (opts.dry_run) {
    obj["metadata"]["resourceVersion"] = std::to_string(mod_revision);
    return std::optional<Json>(std::move(obj));
  }
  auto kv = store_.update(key, dump_json(obj), mod_revision);
  if (!kv.ok()) {
    if (kv.error().reason == "Conflict") return std::optional<Json>();
    if (kv.error().reason == "NotFound") return not_found(info, name);
    return std::move(kv).error();
  }
  SKIFF_ASSIGN_OR_RETURN(Json written, finish_write(info, key, std::move(obj), kv->mod_revision, opts));
  return std::optional<Json>(std::move(written));
}

Result<DeleteResult> Registry::remove(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                                      const DeleteOptions& opts) {
  // The NamespaceLifecycle admission plugin's immortal namespaces.
  if (info.gvk.group.empty() && info.resource == "namespaces" &&
      (name == "default" || name == "kube-system" || name == "kube-public")) {
    return Error::forbidden("namespaces \"" + name + "\" is forbidden: this namespace may not be deleted")
        .with_details("", "namespaces", name);
  }
  std::string key = object_key(info, ns, name);
  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    SKIFF_ASSIGN_OR_RETURN(auto stored, store_.get(key));
    if (!stored) return not_found(info, name);
    SKIFF_ASSIGN_OR_RETURN(Json obj, parse_json(stored->value));
    Json& meta = obj["metadata"];
    meta["resourceVersion"] = std::to_string(stored->mod_revision);
    if (!opts.precondition_uid.empty() && opts.precondition_uid != get_string(meta, "uid"))
      return Error::conflict("Precondition failed: UID in precondition: " + opts.precondition_uid +
                             ", UID in object meta: " + get_string(meta, "uid"))
          .with_details(info.gvk.group, info.resource, name);
    if (!opts.precondition_resource_version.empty() &&
        opts.precondition_resource_version != get_string(meta, "resourceVersion"))
      return Error::conflict("Precondition failed: ResourceVersion in precondition: " +
                             opts.precondition_resource_version +
                             ", ResourceVersion in object meta: " + get_string(meta, "resourceVersion"))
          .with_details(info.gvk.group, info.resource, name);

    Json before = obj;
    bool pending = false;
    Json& finalizers = meta["finalizers"];
    if (!finalizers.is_array()) finalizers = Json::array();
    auto add_finalizer = [&](const char* f) {
      if (std::find(finalizers.begin(), finalizers.end(), f) == finalizers.end()) finalizers.push_back(f);
    };
    if (opts.propagation_policy == "Orphan") add_finalizer("orphan");
    if (opts.propagation_policy == "Foreground") add_finalizer("foregroundDeletion");
    if (info.gvk.group == api::kCrdGroup && info.gvk.kind == api::kCrdKind && !meta.contains("deletionTimestamp")) {
      // Kubernetes' CRD storage: the custom resources go first (CrdController), then the CRD.
      add_finalizer(api::kCrdCleanupFinalizer.data());
      api::set_crd_condition(obj, "Terminating", "True", "InstanceDeletionPending",
                             "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
                             format_rfc3339(clock_.now()));
    }

    bool is_namespace = info.gvk.group.empty() && info.gvk.kind == "Namespace";
    bool is_pod = info.gvk.group.empty() && info.gvk.kind == "Pod";
    const Json* ns_finalizers = is_namespace ? find_path(obj, "spec.finalizers") : nullptr;
    int64_t grace = 0;
    if (is_pod && !get_string(obj["spec"], "nodeName").empty()) {
      grace = opts.grace_period_seconds.value_or(obj["spec"].value("terminationGracePeriodSeconds", 30));
      if (grace < 0) grace = 0;
    }
    if (!finalizers.empty() || grace > 0 || (ns_finalizers && ns_finalizers->is_array() && !ns_finalizers->empty())) {
      pending = true;
      if (!meta.contains("deletionTimestamp")) {
        meta["deletionTimestamp"] = format_rfc3339(clock_.now() + std::chrono::seconds(grace));
        meta["deletionGracePeriodSeconds"] = grace;
        if (meta.contains("generation")) meta["generation"] = meta.value("generation", 0) + 1;
        if (is_namespace) obj["status"]["phase"] = "Terminating";
      } else if (grace > 0 && opts.grace_period_seconds && *opts.grace_period_seconds <
                                                               meta.value("deletionGracePeriodSeconds", int64_t{0})) {
        meta["deletionTimestamp"] = format_rfc3339(clock_.now() + std::chrono::seconds(grace));
        meta["deletionGracePeriodSeconds"] = grace;
      }
    }
    if (finalizers.empty()) meta.erase("finalizers");

    if (pending) {
      if (obj == before || opts.dry_run) return DeleteResult{obj, false};
      meta.erase("resourceVersion");
      auto kv = store_.update(key, dump_json(obj), stored->mod_revision);
      if (!kv.ok() && kv.error().reason == "Conflict") continue;
      if (!kv.ok()) return std::move(kv).error();
      SKIFF_ASSIGN_OR_RETURN(Json written, finish_write(info, key, std::move(obj), kv->mod_revision, {}));
      return DeleteResult{std::move(written), false};
    }
    if (opts.dry_run) return DeleteResult{obj, true};
    auto removed = store_.remove(key, stored->mod_revision);
    if (!removed.ok() && removed.error().reason == "Conflict") continue;
    if (!removed.ok()) {
      if (removed.error().reason == "NotFound") return not_found(info, name);
      return std::move(removed).error();
    }
    int64_t rev = store_.current_revision();
    cache_.wait_for_revision(rev);
    return DeleteResult{std::move(obj), true};
  }
  return conflict(info, name);
}

Result<Json> Registry::get_scale(const api::ResourceInfo& info, const std::string& ns, const std::string& name) const {
  SKIFF_ASSIGN_OR_RETURN(Json obj, get(info, ns, name));
  const Json& meta = obj["metadata"];
  Json scale = {{"kind", "Scale"},
                {"apiVersion", "autoscaling/v1"},
                {"metadata",
                 {{"name", name},
                  {"namespace", ns},
                  {"uid", meta.value("uid", "")},
                  {"resourceVersion", meta.value("resourceVersion", "")},
                  {"creationTimestamp", meta.value("creationTimestamp", "")}}},
                {"spec", {{"replicas", obj["spec"].value("replicas", 0)}}},
                {"status", {{"replicas", obj.value("status", Json::object()).value("replicas", 0)}}}};
  if (info.custom) {
    // specReplicasPath / statusReplicasPath / labelSelectorPath from the CRD.
    auto first = [&](const std::string& path) -> const Json* {
      auto found = api::json_path_find(obj, path);
      return found.ok() && !found->empty() ? found->front() : nullptr;
    };
    const Json* spec = first(info.custom->spec_replicas_path);
    const Json* status = first(info.custom->status_replicas_path);
    scale["spec"]["replicas"] = spec && spec->is_number_integer() ? *spec : Json(0);
    scale["status"]["replicas"] = status && status->is_number_integer() ? *status : Json(0);
    if (!info.custom->label_selector_path.empty())
      if (const Json* sel = first(info.custom->label_selector_path); sel && sel->is_string())
        scale["status"]["selector"] = *sel;
    return scale;
  }
  if (const Json* sel = find_path(obj, "spec.selector")) {
    auto selector = api::LabelSelector::from_json(*sel);
    if (selector.ok()) scale["status"]["selector"] = selector->to_string();
  }
  return scale;
}

Result<Json> Registry::update_scale(const api::ResourceInfo& info, const std::string& ns, const std::string& name,
                                    const Json& scale, const WriteOptions& opts) {
  const Json* replicas = find_path(scale, "spec.replicas");
  if (!replicas || !replicas->is_number_integer())
    return Error::bad_request("Scale spec.replicas must be an integer");
  if (replicas->get<int64_t>() < 0) {
    Error e = Error::invalid("Scale.autoscaling \"" + name +
                             "\" is invalid: spec.replicas: Invalid value: " + replicas->dump() +
                             ": must be greater than or equal to 0");
    e.causes.push_back({"FieldValueInvalid", "Invalid value: " + replicas->dump() +
                                                 ": must be greater than or equal to 0", "spec.replicas"});
    return e;
  }
  std::string rv = scale.contains("metadata") ? get_string(scale["metadata"], "resourceVersion") : "";
  SKIFF_ASSIGN_OR_RETURN(Json updated, update_with(info, ns, name, "", opts, [&](const Json& current) -> Result<Json> {
    if (!rv.empty() && rv != get_string(current["metadata"], "resourceVersion")) return conflict(info, name);
    Json obj = current;
    if (info.custom) {
      SKIFF_TRY(api::json_path_set(obj, info.custom->spec_replicas_path, *replicas));
      SKIFF_TRY(schemas_.validate(info, obj));
      return obj;
    }
    obj["spec"]["replicas"] = *replicas;
    return obj;
  }));
  (void)updated;
  return get_scale(info, ns, name);
}

}  // namespace skiff::apiserver

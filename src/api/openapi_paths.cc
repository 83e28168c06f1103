// The `paths` of the OpenAPI documents: one path per collection, item and subresource, with
// Kubernetes' operations, query parameters (always inline: kubectl and helm look for
// fieldValidation among a PATCH operation's own parameters to decide on server-side
// validation), request and response bodies, x-kubernetes-action and -group-version-kind.
#include <cctype>

#include "api/openapi_internal.h"

namespace skiff::api::openapi_internal {
namespace {

constexpr std::string_view kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

struct QueryParam {
  std::string_view name;
  std::string_view type;
  std::string_view description;
};

constexpr QueryParam kQueryParams[] = {
    {"allowWatchBookmarks", "boolean", "Ask for BOOKMARK events in a watch."},
    {"container", "string", "The container whose log to return; required when the pod has several."},
    {"follow", "boolean", "Keep streaming the log as it grows."},
    {"insecureSkipTLSVerifyBackend", "boolean", "Do not verify the node's serving certificate."},
    {"limitBytes", "integer", "Stop after this many bytes."},
    {"previous", "boolean", "The log of the previous, terminated container instance."},
    {"sinceSeconds", "integer", "Only lines newer than this many seconds."},
    {"stream", "string", "All, Stdout or Stderr."},
    {"tailLines", "integer", "Only this many lines from the end."},
    {"timestamps", "boolean", "Prefix each line with its RFC3339 timestamp."},
    {"continue", "string", "The continue token of the previous page of a list."},
    {"dryRun", "string", "All: validate and admit the request but persist nothing."},
    {"fieldManager", "string", "The name of the actor making the change, recorded in managedFields."},
    {"fieldSelector", "string", "Select objects by field values (metadata.name=x)."},
    {"fieldValidation", "string",
     "How to treat unknown and duplicate fields in the body: Ignore, Warn or Strict (reject)."},
    {"force", "boolean", "Server-side apply: take ownership of fields other managers own."},
    {"gracePeriodSeconds", "integer", "Seconds to wait before deleting; 0 deletes immediately."},
    {"ignoreStoreReadErrorWithClusterBreakingPotential", "boolean",
     "Delete even when the stored object cannot be read."},
    {"labelSelector", "string", "Select objects by label (app=web,tier!=db)."},
    {"limit", "integer", "The most objects to return; the rest follow with continue."},
    {"orphanDependents", "boolean", "Deprecated: use propagationPolicy."},
    {"pretty", "string", "Indent the output."},
    {"propagationPolicy", "string", "How dependents are deleted: Orphan, Background or Foreground."},
    {"resourceVersion", "string", "Serve data at least as new as this resource version."},
    {"resourceVersionMatch", "string", "How resourceVersion applies to a list: Exact or NotOlderThan."},
    {"sendInitialEvents", "boolean", "Begin a watch with ADDED events for the current state."},
    {"timeoutSeconds", "integer", "Close the list or watch after this many seconds."},
    {"watch", "boolean", "Watch for changes instead of listing."},
};

using Names = std::vector<std::string_view>;
const Names kListParams = {"allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "pretty",
                           "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"};
const Names kCreateParams = {"dryRun", "fieldManager", "fieldValidation", "pretty"};
const Names kPatchParams = {"dryRun", "fieldManager", "fieldValidation", "force", "pretty"};
const Names kDeleteParams = {"dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
                             "orphanDependents", "pretty", "propagationPolicy"};
const Names kDeleteCollectionParams = {
    "continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
    "labelSelector", "limit", "orphanDependents", "pretty", "propagationPolicy", "resourceVersion",
    "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds"};
const Names kGetParams = {"pretty"};
const Names kLogParams = {"container", "follow", "insecureSkipTLSVerifyBackend", "limitBytes", "pretty", "previous",
                          "sinceSeconds", "stream", "tailLines", "timestamps"};
// A response or body type that is plain text rather than a named schema (pods/log).
constexpr std::string_view kPlainText = "";

const Names kPatchContentTypes = {"application/json-patch+json", "application/merge-patch+json",
                                  "application/strategic-merge-patch+json", "application/apply-patch+yaml"};
const Names kResponseContentTypes = {"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"};
const Names kWatchContentTypes = {"application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"};

const QueryParam& query_param(std::string_view name) {
  for (const auto& p : kQueryParams) {
    if (p.name == name) return p;
  }
  return kQueryParams[0];  // unreachable: every name above is in the table
}

struct Operation {
  std::string method;  // get, put, post, delete, patch
  std::string action;  // x-kubernetes-action
  std::string id;
  std::string description;
  GroupVersionKind gvk;
  std::string body_type;  // request body type name, "" for none
  const Names* query;
  std::vector<std::pair<std::string, std::string>> responses;  // code -> type name
  bool watchable = false;
};

struct PathSpec {
  std::string path;
  bool has_namespace = false;
  bool has_name = false;
  std::vector<Operation> operations;
};

std::string camel(std::string_view s) {
  std::string out;
  bool upper = true;
  for (char c : s) {
    if (c == '.' || c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// "AppsV1", "CoreV1", "RbacAuthorizationV1" (Kubernetes' operationId stems).
std::string group_version_id(const GroupVersionKind& gvk) {
  std::string group = gvk.group.empty() ? "core" : gvk.group;
  if (group.ends_with(".k8s.io")) group.resize(group.size() - 7);
  return camel(group) + camel(gvk.version);
}

bool has_verb(const std::vector<std::string>& verbs, std::string_view verb) {
  for (const auto& v : verbs) {
    if (v == verb) return true;
  }
  return false;
}

std::vector<PathSpec> resource_paths(const SchemaRegistry& registry, const ResourceInfo& r) {
  const GroupVersionKind& gvk = r.gvk;
  std::string base = gvk.group.empty() ? "/api/" + gvk.version : "/apis/" + gvk.group + "/" + gvk.version;
  std::string scope = r.namespaced ? "Namespaced" : "";
  std::string stem = group_version_id(gvk) + scope + gvk.kind;
  std::string delete_options = std::string(kMeta) + "DeleteOptions";
  std::string status = std::string(kMeta) + "Status";
  std::string patch = std::string(kMeta) + "Patch";
  const std::string& kind_type = r.type_name;
  const std::string& kind = gvk.kind;

  std::vector<PathSpec> paths;
  const std::string collection_path = base + (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.resource;
  PathSpec collection{collection_path, r.namespaced, false, {}};
  if (has_verb(r.verbs, "list")) {
    collection.operations.push_back({"get", "list", "list" + stem, "List or watch " + kind + " objects.", gvk, "",
                                     &kListParams, {{"200", r.list_type_name}}, true});
  }
  if (has_verb(r.verbs, "create")) {
    collection.operations.push_back({"post", "post", "create" + stem, "Create a " + kind + ".", gvk, kind_type,
                                     &kCreateParams, {{"200", kind_type}, {"201", kind_type}, {"202", kind_type}}});
  }
  if (has_verb(r.verbs, "deletecollection")) {
    collection.operations.push_back({"delete", "deletecollection",
                                     "delete" + group_version_id(gvk) + "Collection" + scope + kind,
                                     "Delete a collection of " + kind + " objects.", gvk, delete_options,
                                     &kDeleteCollectionParams, {{"200", status}}});
  }
  PathSpec item{collection_path + "/{name}", r.namespaced, true, {}};
  if (has_verb(r.verbs, "get")) {
    item.operations.push_back({"get", "get", "read" + stem, "Read the named " + kind + ".", gvk, "", &kGetParams,
                               {{"200", kind_type}}});
  }
  if (has_verb(r.verbs, "update")) {
    item.operations.push_back({"put", "put", "replace" + stem, "Replace the named " + kind + ".", gvk, kind_type,
                               &kCreateParams, {{"200", kind_type}, {"201", kind_type}}});
  }
  if (has_verb(r.verbs, "patch")) {
    item.operations.push_back({"patch", "patch", "patch" + stem, "Partially update the named " + kind + ".", gvk,
                               patch, &kPatchParams, {{"200", kind_type}, {"201", kind_type}}});
  }
  if (has_verb(r.verbs, "delete")) {
    item.operations.push_back({"delete", "delete", "delete" + stem, "Delete the named " + kind + ".", gvk,
                               delete_options, &kDeleteParams, {{"200", status}, {"202", status}}});
  }
  if (!collection.operations.empty()) paths.push_back(std::move(collection));
  if (!item.operations.empty()) paths.push_back(std::move(item));

  for (const auto& sub : r.subresource_infos) {
    if (sub.name == "log" && has_verb(sub.verbs, "get")) {
      PathSpec log{collection_path + "/{name}/log", r.namespaced, true, {}};
      log.operations.push_back({"get", "get", "read" + stem + "Log", "Read the log of the named " + kind + ".", sub.gvk,
                                "", &kLogParams, {{"200", std::string(kPlainText)}}});
      paths.push_back(std::move(log));
      continue;
    }
    std::string sub_type = sub.gvk.kind.empty() ? "" : type_name_for(registry, sub.gvk);
    if (sub_type.empty()) continue;  // streams (log, exec, ...) have no schema to describe
    PathSpec path{collection_path + "/{name}/" + sub.name, r.namespaced, true, {}};
    std::string sub_stem = stem + camel(sub.name);
    std::string what = sub.name + " of the named " + kind + ".";
    if (has_verb(sub.verbs, "get")) {
      path.operations.push_back({"get", "get", "read" + sub_stem, "Read the " + what, sub.gvk, "", &kGetParams,
                                 {{"200", sub_type}}});
    }
    if (has_verb(sub.verbs, "create")) {
      path.operations.push_back({"post", "post", "create" + sub_stem, "Create the " + what, sub.gvk, sub_type,
                                 &kCreateParams, {{"200", sub_type}, {"201", sub_type}, {"202", sub_type}}});
    }
    if (has_verb(sub.verbs, "update")) {
      path.operations.push_back({"put", "put", "replace" + sub_stem, "Replace the " + what, sub.gvk, sub_type,
                                 &kCreateParams, {{"200", sub_type}, {"201", sub_type}}});
    }
    if (has_verb(sub.verbs, "patch")) {
      path.operations.push_back({"patch", "patch", "patch" + sub_stem, "Partially update the " + what, sub.gvk,
                                 patch, &kPatchParams, {{"200", sub_type}, {"201", sub_type}}});
    }
    if (!path.operations.empty()) paths.push_back(std::move(path));
  }

  if (r.namespaced && has_verb(r.verbs, "list")) {
    PathSpec all{base + "/" + r.resource, false, false, {}};
    all.operations.push_back({"get", "list", "list" + group_version_id(gvk) + kind + "ForAllNamespaces",
                              "List or watch " + kind + " objects in all namespaces.", gvk, "", &kListParams,
                              {{"200", r.list_type_name}}, true});
    paths.push_back(std::move(all));
  }
  return paths;
}

Json gvk_json(const GroupVersionKind& gvk) {
  return {{"group", gvk.group}, {"kind", gvk.kind}, {"version", gvk.version}};
}

Json ref(const std::string& type_name, Flavor flavor) {
  if (type_name == kPlainText) return {{"type", "string"}};
  return {{"$ref", ref_prefix(flavor) + type_name}};
}

Json path_param(std::string_view name, std::string_view what, Flavor flavor) {
  Json p = {{"name", name}, {"in", "path"}, {"required", true}, {"description", std::string(what)}};
  if (flavor == Flavor::kV3) p["schema"] = {{"type", "string"}, {"uniqueItems", true}};
  else p["type"] = "string", p["uniqueItems"] = true;
  return p;
}

Json operation_json(const Operation& op, Flavor flavor) {
  std::string tag = (op.gvk.group.empty() ? "core" : op.gvk.group) + "_" + op.gvk.version;
  Json j = {{"operationId", op.id},
            {"description", op.description},
            {"tags", Json::array({tag})},
            {"x-kubernetes-action", op.action},
            {"x-kubernetes-group-version-kind", gvk_json(op.gvk)}};
  Json params = Json::array();
  const bool is_patch = op.method == "patch";
  Names produces = kResponseContentTypes;
  if (op.watchable) produces.insert(produces.end(), kWatchContentTypes.begin(), kWatchContentTypes.end());
  Names consumes = is_patch ? kPatchContentTypes : Names{"*/*"};

  if (flavor == Flavor::kV2) {
    j["consumes"] = op.body_type.empty() ? Json::array() : Json(consumes);
    j["produces"] = produces;
    j["schemes"] = Json::array({"https"});
    if (!op.body_type.empty()) {
      params.push_back({{"name", "body"}, {"in", "body"}, {"required", !op.body_type.ends_with("DeleteOptions")},
                        {"schema", ref(op.body_type, flavor)}});
    }
  } else if (!op.body_type.empty()) {
    Json content = Json::object();
    for (auto ct : consumes) content[std::string(ct)] = {{"schema", ref(op.body_type, flavor)}};
    j["requestBody"] = {{"content", std::move(content)}, {"required", !op.body_type.ends_with("DeleteOptions")}};
  }
  for (std::string_view name : *op.query) {
    const QueryParam& q = query_param(name);
    Json p = {{"name", q.name}, {"in", "query"}, {"description", q.description}};
    if (flavor == Flavor::kV3) p["schema"] = {{"type", q.type}, {"uniqueItems", true}};
    else p["type"] = q.type, p["uniqueItems"] = true;
    params.push_back(std::move(p));
  }
  j["parameters"] = std::move(params);

  Json responses = Json::object();
  for (const auto& [code, type] : op.responses) {
    std::string text = code == "200" ? "OK" : code == "201" ? "Created" : "Accepted";
    if (flavor == Flavor::kV2) {
      responses[code] = {{"description", text}, {"schema", ref(type, flavor)}};
    } else {
      Json content = Json::object();
      for (auto ct : produces) content[std::string(ct)] = {{"schema", ref(type, flavor)}};
      responses[code] = {{"description", text}, {"content", std::move(content)}};
    }
  }
  responses["401"] = {{"description", "Unauthorized"}};
  j["responses"] = std::move(responses);
  return j;
}

}  // namespace

Json paths_json(const SchemaRegistry& registry, const std::vector<const ResourceInfo*>& resources, Flavor flavor) {
  Json paths = Json::object();
  for (const ResourceInfo* r : resources) {
    for (const PathSpec& spec : resource_paths(registry, *r)) {
      Json& item = paths[spec.path];
      Json params = Json::array();
      if (spec.has_name) params.push_back(path_param("name", "The name of the " + r->gvk.kind + ".", flavor));
      if (spec.has_namespace) params.push_back(path_param("namespace", "The object's namespace.", flavor));
      item["parameters"] = std::move(params);
      for (const Operation& op : spec.operations) item[op.method] = operation_json(op, flavor);
    }
  }
  return paths;
}

}  // namespace skiff::api::openapi_internal

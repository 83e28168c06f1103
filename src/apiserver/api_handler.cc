#include "apiserver/api_handler.h"

#include <algorithm>

#include "api/labels.h"
#include "api/openapi.h"
#include "api/patch.h"
#include "api/protobuf.h"
#include "api/raw_json.h"
#include "apiserver/crd_versions.h"
#include "apiserver/object_rules.h"
#include "apiserver/pod_logs.h"
#include "apiserver/pod_streams.h"
#include "apiserver/tables.h"
#include "util/json_duplicates.h"
#include "util/strings.h"
#include "util/yaml.h"

namespace skiff::apiserver {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kTableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

enum class Rendering { kJson, kTable, kPartialMetadata, kProtobuf, kYaml };

Rendering rendering_for(const std::string& accept) {
  if (accept.empty()) return Rendering::kJson;
  for (const auto& raw : split(accept, ',')) {
    auto media = std::string(trim(raw));
    auto params = split(media, ';');
    std::string type(trim(params[0]));
    std::string as;
    for (size_t i = 1; i < params.size(); ++i) {
      std::string p(trim(params[i]));
      if (starts_with(p, "as=")) as = p.substr(3);
    }
    if (type == "application/json" || type == "*/*" || type == "application/*") {
      if (as == "Table") return Rendering::kTable;
      if (as == "PartialObjectMetadata" || as == "PartialObjectMetadataList") return Rendering::kPartialMetadata;
      if (as.empty()) return Rendering::kJson;
    }
    if (type == "application/yaml" && as.empty()) return Rendering::kYaml;
    if (type == "application/vnd.kubernetes.protobuf" && as.empty()) return Rendering::kProtobuf;
  }
  return Rendering::kJson;
}

// Pod subresources that stream from a container runtime through the node agent.
bool is_container_stream(const std::string& sub) {
  return sub == "log" || sub == "exec" || sub == "attach" || sub == "portforward";
}

std::string content_type_base(const std::string& ct) {
  auto semi = ct.find(';');
  return to_lower(trim(semi == std::string::npos ? ct : ct.substr(0, semi)));
}

// *repeated_keys (if given): whether a JSON body may name a key twice in an object.
Result<Json> decode_body(const HttpRequest& req, bool* repeated_keys = nullptr) {
  std::string ct = content_type_base(req.header("content-type"));
  if (trim(req.body).empty()) return Error::bad_request("the request body must not be empty");
  if (ct.empty() || ct == "application/json") return parse_json(req.body, repeated_keys);
  if (ct == "application/yaml" || ct == "application/x-yaml" || ct == "text/yaml") {
    // JSON is YAML: take the exact JSON parser when the body is a JSON object.
    auto first = req.body.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && req.body[first] == '{') return parse_json(req.body);
    return parse_yaml(req.body);
  }
  if (ct == "application/vnd.kubernetes.protobuf") return api::decode_k8s_protobuf(req.body);
  return Error::unsupported_media_type("the body of the request was in an unknown format - accepted media types "
                                       "include: application/json, application/yaml, "
                                       "application/vnd.kubernetes.protobuf");
}

// encoding/json keeps the last of duplicated fields; Strict rejects them, Warn reports them.
// The body is decoded with it: the exact search runs only when decoding saw a key repeated.
Result<Json> decode_body_checking_duplicates(const HttpRequest& req, api::FieldValidation mode,
                                             std::vector<std::string>& warnings) {
  bool repeated_keys = true;
  auto body = decode_body(req, &repeated_keys);
  std::string ct = content_type_base(req.header("content-type"));
  if (mode == api::FieldValidation::kIgnore || !(ct.empty() || ct == "application/json") || !repeated_keys)
    return body;
  std::vector<std::string> problems;
  for (const auto& field : find_duplicate_json_fields(req.body)) problems.push_back("duplicate field \"" + field + "\"");
  if (problems.empty()) return body;
  if (mode == api::FieldValidation::kStrict)
    return Error::bad_request("strict decoding error: " + join(problems, ", "));
  warnings.insert(warnings.end(), problems.begin(), problems.end());
  return body;
}

Result<api::FieldValidation> field_validation(const HttpRequest& req) {
  std::string v = req.query_or("fieldValidation");
  if (v.empty() || v == "Warn") return api::FieldValidation::kWarn;
  if (v == "Strict") return api::FieldValidation::kStrict;
  if (v == "Ignore") return api::FieldValidation::kIgnore;
  return Error::bad_request("fieldValidation must be one of Ignore, Warn, Strict; got \"" + v + "\"");
}

Result<bool> dry_run(const HttpRequest& req) {
  for (const auto& [k, v] : req.query) {
    if (k != "dryRun") continue;
    if (v == "All") return true;
    if (!v.empty()) return Error::bad_request("dryRun must be \"All\"; got \"" + v + "\"");
  }
  return false;
}

// DeleteOptions from the body (JSON, YAML or protobuf) with query parameters taking precedence.
Result<DeleteOptions> delete_options(const HttpRequest& req) {
  Json body;
  if (!trim(req.body).empty()) {
    SKIFF_ASSIGN_OR_RETURN(body, decode_body(req));
  }
  SKIFF_ASSIGN_OR_RETURN(DeleteOptions opts, DeleteOptions::from_json(body));
  if (const std::string* g = req.query_param("gracePeriodSeconds")) {
    try {
      opts.grace_period_seconds = std::stoll(*g);
    } catch (...) {
      return Error::bad_request("gracePeriodSeconds must be an integer");
    }
  }
  if (const std::string* p = req.query_param("propagationPolicy")) {
    if (*p != "Orphan" && *p != "Background" && *p != "Foreground")
      return Error::bad_request("Unsupported propagationPolicy \"" + *p +
                                "\": supported values: \"Orphan\", \"Background\", \"Foreground\"");
    opts.propagation_policy = *p;
  }
  SKIFF_ASSIGN_OR_RETURN(bool dry, dry_run(req));
  if (dry) opts.dry_run = true;
  return opts;
}

std::string quote_warning(const std::string& w) {
  std::string out = "299 - \"";
  for (char c : w) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<std::pair<std::string, std::string>> warning_headers(const std::vector<std::string>& warnings) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& w : warnings) h.emplace_back("Warning", quote_warning(w));
  return h;
}

Json partial_metadata(const Json& obj) {
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", obj.contains("metadata") ? obj["metadata"] : Json::object()}};
}

// The fields each kind can be selected on beyond metadata.name/namespace.
bool field_supported(const api::ResourceInfo& r, const std::string& field) {
  if (field == "metadata.name" || field == "metadata.namespace") return true;
  const auto& g = r.gvk.group;
  const auto& k = r.gvk.kind;
  static const std::map<std::string, std::vector<std::string>> kCore = {
      {"Pod",
       {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
        "status.phase", "status.podIP", "status.nominatedNodeName"}},
      {"Event",
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type"}},
      {"Secret", {"type"}},
      {"Node", {"spec.unschedulable"}},
      {"Namespace", {"status.phase"}},
      {"Service", {"spec.clusterIP", "spec.type"}},
      {"ReplicationController", {"status.replicas"}},
  };
  static const std::map<std::string, std::vector<std::string>> kGroups = {
      {"apps/ReplicaSet", {"status.replicas"}},
      {"batch/Job", {"status.successful"}},
      {"events.k8s.io/Event", {"regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason",
                               "reportingController", "type"}},
  };
  const auto& table = g.empty() ? kCore : kGroups;
  auto it = table.find(g.empty() ? k : g + "/" + k);
  return it != table.end() && std::find(it->second.begin(), it->second.end(), field) != it->second.end();
}

Status check_field_selector(const api::ResourceInfo& r, const std::string& selector) {
  if (selector.empty()) return ok_status();
  SKIFF_ASSIGN_OR_RETURN(auto parsed, api::FieldSelector::parse(selector));
  for (const auto& req : parsed.requirements())
    if (!field_supported(r, req.field)) return Error::bad_request("field label not supported: " + req.field);
  return ok_status();
}

// A JSON list is the items' stored bytes between this head and tail.
struct ListEnvelope {
  std::string head, tail;
  uint64_t size = 0;  // of the whole document
};

ListEnvelope list_envelope(const api::ResourceInfo& r, const ListResult& list) {
  Json meta = {{"resourceVersion", std::to_string(list.revision)}};
  if (!list.continue_token.empty()) {
    meta["continue"] = list.continue_token;
    meta["remainingItemCount"] = list.remaining;
  }
  ListEnvelope e;
  e.head = "{\"apiVersion\":" + Json(r.gvk.api_version()).dump() + ",\"items\":[";
  e.tail = "],\"kind\":" + Json(r.list_kind).dump() + ",\"metadata\":" + meta.dump() + "}";
  e.size = e.head.size() + e.tail.size() + (list.items.empty() ? 0 : list.items.size() - 1);
  for (const auto& item : list.items) e.size += item->bytes.size();
  return e;
}

std::string list_json(const api::ResourceInfo& r, const ListResult& list) {
  ListEnvelope e = list_envelope(r, list);
  std::string out;
  out.reserve(e.size);
  out += e.head;
  for (size_t i = 0; i < list.items.size(); ++i) {
    if (i) out += ',';
    out += list.items[i]->bytes;
  }
  out += e.tail;
  return out;
}

// Large lists go out in pieces of about this size as they are assembled, so the client
// decodes while the server still encrypts and no copy of the whole list is ever held.
constexpr size_t kListPiece = 256 * 1024;

void stream_list_json(const api::ResourceInfo& r, const ListResult& list, HttpExchange& ex) {
  ListEnvelope e = list_envelope(r, list);
  ResponseStream& stream = ex.start_sized(200, kJson, e.size);
  std::string piece = std::move(e.head);
  piece.reserve(kListPiece + 64 * 1024);
  for (size_t i = 0; i < list.items.size(); ++i) {
    if (i) piece += ',';
    piece += list.items[i]->bytes;
    if (piece.size() >= kListPiece) {
      if (!stream.write(piece)) return;
      piece.clear();
    }
  }
  piece += e.tail;
  stream.write(piece);
}

}  // namespace

HttpResponse status_response(const Error& e) {
  Json status = {{"kind", "Status"},     {"apiVersion", "v1"},    {"metadata", Json::object()},
                 {"status", "Failure"},  {"message", e.message}, {"reason", e.reason},
                 {"code", e.code}};
  Json details = Json::object();
  if (!e.detail_name.empty()) details["name"] = e.detail_name;
  if (!e.detail_group.empty()) details["group"] = e.detail_group;
  if (!e.detail_kind.empty()) details["kind"] = e.detail_kind;
  if (!e.causes.empty()) {
    Json causes = Json::array();
    for (const auto& c : e.causes) {
      Json cj = {{"message", c.message}};
      if (!c.type.empty()) cj["reason"] = c.type;
      if (!c.field.empty()) cj["field"] = c.field;
      causes.push_back(cj);
    }
    details["causes"] = causes;
  }
  if (e.retry_after_seconds) details["retryAfterSeconds"] = e.retry_after_seconds;
  if (!details.empty()) status["details"] = details;
  HttpResponse r;
  r.status = e.code;
  r.body = status.dump();
  return r;
}

ApiHandler::ApiHandler(Registry& registry, const Clock& clock)
    : registry_(registry), clock_(clock) {}

struct ApiHandler::OpenApiDocs {
  std::string v2_json;
  std::string v2_proto;
  std::string v3_index;
  std::map<std::string, std::string> v3_docs;  // "apis/apps/v1" -> document
};

std::shared_ptr<const Discovery> ApiHandler::discovery() {
  std::lock_guard lock(generated_mu_);
  uint64_t generation = registry_.schemas().generation();
  if (!discovery_ || discovery_generation_ != generation) {
    discovery_ = std::make_shared<const Discovery>(registry_.schemas());
    discovery_generation_ = generation;
  }
  return discovery_;
}

std::shared_ptr<const ApiHandler::OpenApiDocs> ApiHandler::openapi() {
  std::lock_guard lock(generated_mu_);
  uint64_t generation = registry_.schemas().generation();
  if (openapi_ && openapi_generation_ == generation) return openapi_;
  const auto& schemas = registry_.schemas();
  auto docs = std::make_shared<OpenApiDocs>();
  Json v2 = api::openapi_v2_document(schemas);
  docs->v2_json = v2.dump();
  docs->v2_proto = api::openapi_v2_protobuf(v2);
  Json index = api::openapi_v3_index(schemas);
  docs->v3_index = index.dump();
  for (auto& [path, _] : index["paths"].items()) {
    auto parts = split(path, '/');
    std::optional<Json> doc;
    if (parts.size() == 2 && parts[0] == "api") doc = api::openapi_v3_document(schemas, "", parts[1]);
    else if (parts.size() == 3) doc = api::openapi_v3_document(schemas, parts[1], parts[2]);
    if (doc) docs->v3_docs[path] = doc->dump();
  }
  openapi_ = std::move(docs);
  openapi_generation_ = generation;
  return openapi_;
}

void ApiHandler::handle(HttpRequest& req, HttpExchange& ex) {
  auto started = std::chrono::steady_clock::now();
  RequestInfo info = parse_request_info(req);
  int code = 200;
  bool public_path = req.path == "/healthz" || req.path == "/livez" || req.path == "/readyz" ||
                     req.path == "/version" || starts_with(req.path, "/healthz/") ||
                     starts_with(req.path, "/livez/") || starts_with(req.path, "/readyz/");
  if (!req.user.authenticated && !public_path) {
    code = 401;
    ex.respond(status_response(Error::unauthorized("Unauthorized")));
  } else if (info.is_resource_request) {
    handle_resource(req, info, ex, code);
  } else {
    handle_non_resource(req, ex, code);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (info.verb != "watch")
    metrics_.observe(info.is_resource_request ? info.verb : to_lower(req.method), info.group, info.resource, code,
                     secs);
}

void ApiHandler::handle_non_resource(HttpRequest& req, HttpExchange& ex, int& code) {
  auto text = [&](int status, std::string body) {
    code = status;
    HttpResponse r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(body);
    ex.respond(std::move(r));
  };
  auto json = [&](std::string body, std::string content_type = kJson) {
    HttpResponse r;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    r.headers.emplace_back("Vary", "Accept");
    ex.respond(std::move(r));
  };
  const std::string& p = req.path;
  if (p == "/healthz" || p == "/livez" || starts_with(p, "/healthz/") || starts_with(p, "/livez/")) return text(200, "ok");
  if (p == "/readyz" || starts_with(p, "/readyz/")) return ready() ? text(200, "ok") : text(500, "not ready");
  if (p == "/version") return json(server_version_info().dump());
  if (p == "/metrics") {
    std::string out;
    metrics_.render(out);
    append_gauge(out, "apiserver_storage_objects_total", "Number of stored objects.",
                 static_cast<double>(registry_.cache().object_count()));
    append_gauge(out, "apiserver_registered_watchers", "Number of currently registered watchers.",
                 static_cast<double>(registry_.cache().watcher_count()));
    append_gauge(out, "etcd_current_revision", "Current datastore revision.",
                 static_cast<double>(registry_.cache().revision()));
    append_process_metrics(out);
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = std::move(out);
    return ex.respond(std::move(r));
  }
  if (starts_with(p, "/openapi/")) return handle_openapi(req, ex, code);

  std::string path(p);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  std::string accept = req.header("accept");
  auto discovery = this->discovery();
  if (path == "/api" || path == "/apis") {
    std::string v = Discovery::aggregated_version_requested(accept);
    if (!v.empty())
      return json(discovery->aggregated(path == "/api", v),
                  "application/json;g=apidiscovery.k8s.io;v=" + v + ";as=APIGroupDiscoveryList");
    if (path == "/api") {
      Json versions = Json::parse(discovery->core_versions());
      versions["serverAddressByClientCIDRs"][0]["serverAddress"] = server_address;
      return json(versions.dump());
    }
    return json(discovery->group_list());
  }
  auto parts = split(std::string_view(path).substr(1), '/');
  if (parts.size() == 2 && parts[0] == "api") {
    if (const std::string* doc = discovery->resource_list("", parts[1])) return json(*doc);
  } else if (parts.size() == 2 && parts[0] == "apis") {
    if (const std::string* doc = discovery->group(parts[1])) return json(*doc);
  } else if (parts.size() == 3 && parts[0] == "apis") {
    if (const std::string* doc = discovery->resource_list(parts[1], parts[2])) return json(*doc);
  }
  code = 404;
  ex.respond(status_response(Error::not_found("the server could not find the requested resource")));
}

void ApiHandler::handle_openapi(HttpRequest& req, HttpExchange& ex, int& code) {
  auto docs = openapi();
  HttpResponse r;
  const std::string& p = req.path;
  if (p == "/openapi/v2") {
    std::string accept = req.header("accept");
    if (accept.find("application/com.github.proto-openapi.spec.v2") != std::string::npos &&
        accept.find("protobuf") != std::string::npos) {
      r.content_type = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
      r.body = docs->v2_proto;
    } else {
      r.body = docs->v2_json;
    }
    return ex.respond(std::move(r));
  }
  if (p == "/openapi/v3" || p == "/openapi/v3/") {
    r.body = docs->v3_index;
    return ex.respond(std::move(r));
  }
  if (starts_with(p, "/openapi/v3/")) {
    auto it = docs->v3_docs.find(p.substr(strlen("/openapi/v3/")));
    if (it != docs->v3_docs.end()) {
      r.body = it->second;
      r.headers.emplace_back("Cache-Control", "public, immutable");
      return ex.respond(std::move(r));
    }
  }
  code = 404;
  ex.respond(status_response(Error::not_found("the server could not find the requested resource")));
}

void ApiHandler::send_object(HttpRequest& req, const api::ResourceInfo& r, const Json& obj, int status,
                             HttpExchange& ex, const std::vector<std::string>& warnings, std::string served) {
  HttpResponse resp;
  resp.status = status;
  resp.headers = warning_headers(warnings);
  std::string accept = req.header("accept");
  switch (rendering_for(accept)) {
    case Rendering::kTable: {
      auto include = parse_include_object(req.query_or("includeObject"));
      if (!include.ok()) return ex.respond(status_response(include.error()));
      Json table = make_table(r, {&obj}, *include, clock_.now());
      table["metadata"]["resourceVersion"] = get_string(obj.value("metadata", Json::object()), "resourceVersion");
      resp.content_type = kTableContentType;
      resp.body = table.dump();
      break;
    }
    case Rendering::kPartialMetadata:
      resp.content_type = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io";
      resp.body = partial_metadata(obj).dump();
      break;
    case Rendering::kYaml:
      resp.content_type = "application/yaml";
      resp.body = to_yaml(obj);
      break;
    case Rendering::kProtobuf:
      if (accept.find("json") == std::string::npos && accept.find("*/*") == std::string::npos) {
        auto pb = api::encode_k8s_protobuf(obj);
        if (pb.ok()) {
          resp.content_type = "application/vnd.kubernetes.protobuf";
          resp.body = std::move(*pb);
          break;
        }
      }
      [[fallthrough]];
    case Rendering::kJson:
      resp.body = served.empty() ? dump_json(obj) : std::move(served);
      break;
  }
  ex.respond(std::move(resp));
}

void ApiHandler::handle_resource(HttpRequest& req, const RequestInfo& info, HttpExchange& ex, int& code) {
  auto fail = [&](const Error& e) {
    code = e.code;
    ex.respond(status_response(e));
  };
  const api::ResourceInfo* r = registry_.schemas().find_resource(info.group, info.version, info.resource);
  if (!r) return fail(Error::not_found("the server could not find the requested resource"));
  if (!r->namespaced && !info.namespace_.empty())
    return fail(Error::not_found("the server could not find the requested resource"));
  const std::string& sub = info.subresource;
  const bool pod_action = r->gvk.group.empty() && r->resource == "pods" && (sub == "binding" || sub == "eviction");
  if (r->gvk.group.empty() && r->resource == "pods" && is_container_stream(sub)) {
    // Answer at once with the reason: kubectl logs/exec would otherwise report a bare 404.
    auto pod = registry_.get_cached(*r, info.namespace_, info.name);
    if (!pod.ok()) return fail(pod.error());
    if (sub == "log" && info.verb != "get")
      return fail(Error::method_not_allowed("the server does not allow this method on the requested resource"));
    if (sub == "log")
      return serve_pod_log(req, Json::parse((*pod)->bytes), pod_log_source().get(), clock_.now(), ex, code);
    return serve_container_stream(req, Json::parse((*pod)->bytes), sub, container_stream_source().get(), ex, code);
  }
  if (!sub.empty() && !(sub == "status" && has_subresource(*r, "status")) &&
      !(sub == "scale" && has_subresource(*r, "scale")) && !pod_action)
    return fail(Error::not_found("the server could not find the requested resource"));
  if (std::find(r->verbs.begin(), r->verbs.end(), info.verb) == r->verbs.end() && sub.empty())
    return fail(Error::method_not_allowed("the server does not allow this method on the requested resource"));

  auto validation = field_validation(req);
  if (!validation.ok()) return fail(validation.error());
  auto dry = dry_run(req);
  if (!dry.ok()) return fail(dry.error());
  std::vector<std::string> warnings;
  WriteOptions wopts;
  wopts.dry_run = *dry;
  wopts.field_validation = *validation;
  wopts.field_manager = req.query_or("fieldManager");
  wopts.user_agent = req.header("user-agent");
  if (auto force = req.query_or("force"); force == "true" || force == "1") wopts.force = true;
  else if (!force.empty() && force != "false" && force != "0")
    return fail(Error::bad_request("force must be true or false; got \"" + force + "\""));
  if (wopts.field_manager.size() > 128)
    return fail(Error::invalid("fieldManager: Too long: may not be more than 128 bytes"));
  wopts.warnings = &warnings;
  std::string served;  // the written object's bytes, when the registry has them
  wopts.served_bytes = &served;
  const std::string& ns = info.namespace_;

  if (info.verb == "list") return do_list(req, *r, info, ex, code);
  if (info.verb == "watch") return do_watch(req, *r, info, ex, code);
  if (info.verb == "deletecollection") return do_delete_collection(req, *r, info, ex, code);

  if (info.verb == "get") {
    if (sub == "scale") {
      auto scale = registry_.get_scale(*r, ns, info.name);
      if (!scale.ok()) return fail(scale.error());
      HttpResponse resp;
      resp.body = scale->dump();
      return ex.respond(std::move(resp));
    }
    auto ref = registry_.get_cached(*r, ns, info.name);
    if (!ref.ok()) return fail(ref.error());
    if (rendering_for(req.header("accept")) == Rendering::kJson) {
      HttpResponse resp;
      resp.body = (*ref)->bytes;
      return ex.respond(std::move(resp));
    }
    return send_object(req, *r, Json::parse((*ref)->bytes), 200, ex, warnings);
  }

  if (pod_action) {
    if (info.verb != "create")
      return fail(Error::method_not_allowed("the server does not allow this method on the requested resource"));
    auto body = decode_body(req);
    if (!body.ok()) return fail(body.error());
    auto done = sub == "binding" ? registry_.bind_pod(ns, info.name, *body, wopts)
                                 : registry_.evict_pod(ns, info.name, *body, wopts);
    if (!done.ok()) return fail(done.error());
    code = 201;
    HttpResponse resp;
    resp.status = 201;
    resp.body = done->dump();
    return ex.respond(std::move(resp));
  }

  if (info.verb == "create") {
    if (!info.name.empty() || !sub.empty())
      return fail(Error::method_not_allowed("the server does not allow this method on the requested resource"));
    auto body = decode_body_checking_duplicates(req, *validation, warnings);
    if (!body.ok()) return fail(body.error());
    auto created = registry_.create(*r, ns, std::move(*body), wopts);
    if (!created.ok()) return fail(created.error());
    code = 201;
    return send_object(req, *r, *created, 201, ex, warnings, std::move(served));
  }

  if (info.verb == "update") {
    auto body = decode_body_checking_duplicates(req, *validation, warnings);
    if (!body.ok()) return fail(body.error());
    Result<Json> updated = Error::internal("unreachable");
    if (sub == "scale") {
      updated = registry_.update_scale(*r, ns, info.name, *body, wopts);
      if (!updated.ok()) return fail(updated.error());
      HttpResponse resp;
      resp.body = updated->dump();
      return ex.respond(std::move(resp));
    }
    updated = registry_.update(*r, ns, info.name, std::move(*body), sub, wopts);
    if (!updated.ok()) return fail(updated.error());
    return send_object(req, *r, *updated, 200, ex, warnings, std::move(served));
  }

  if (info.verb == "patch") {
    std::string ct = content_type_base(req.header("content-type"));
    PatchType type;
    if (ct == "application/json-patch+json") type = PatchType::kJson;
    else if (ct == "application/merge-patch+json") type = PatchType::kMerge;
    else if (ct == "application/strategic-merge-patch+json") type = PatchType::kStrategic;
    else if (ct == "application/apply-patch+yaml") type = PatchType::kApply;
    else
      return fail(Error::unsupported_media_type(
          "the body of the request was in an unknown format - accepted media types include: "
          "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
          "application/strategic-merge-patch+json"));
    if (type == PatchType::kStrategic && r->custom)  // custom resources have no patch strategies
      return fail(Error::unsupported_media_type(
          "the body of the request was in an unknown format - accepted media types include: "
          "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"));
    if (type != PatchType::kApply && wopts.force)
      return fail(Error::invalid("force: Forbidden: may not be specified for non-apply patch"));
    if (sub == "scale") {
      auto current = registry_.get_scale(*r, ns, info.name);
      if (!current.ok()) return fail(current.error());
      auto patch_doc = parse_json(req.body);
      if (!patch_doc.ok()) return fail(patch_doc.error());
      Result<Json> patched = type == PatchType::kJson ? api::apply_json_patch(*current, *patch_doc)
                                                      : Result<Json>(api::apply_merge_patch(*current, *patch_doc));
      if (!patched.ok()) return fail(patched.error());
      auto updated = registry_.update_scale(*r, ns, info.name, *patched, wopts);
      if (!updated.ok()) return fail(updated.error());
      HttpResponse resp;
      resp.body = updated->dump();
      return ex.respond(std::move(resp));
    }
    auto patched = registry_.patch(*r, ns, info.name, type, req.body, sub, wopts);
    if (!patched.ok()) return fail(patched.error());
    return send_object(req, *r, *patched, 200, ex, warnings, std::move(served));
  }

  if (info.verb == "delete") {
    auto opts = delete_options(req);
    if (!opts.ok()) return fail(opts.error());
    auto result = registry_.remove(*r, ns, info.name, *opts);
    if (!result.ok()) return fail(result.error());
    if (!result->deleted || (r->gvk.group.empty() && r->gvk.kind == "Pod"))
      return send_object(req, *r, result->object, 200, ex, warnings);
    Json status = {{"kind", "Status"},
                   {"apiVersion", "v1"},
                   {"metadata", Json::object()},
                   {"status", "Success"},
                   {"details",
                    {{"name", info.name},
                     {"group", r->gvk.group},
                     {"kind", r->resource},
                     {"uid", get_string(result->object["metadata"], "uid")}}}};
    HttpResponse resp;
    resp.body = status.dump();
    return ex.respond(std::move(resp));
  }
  fail(Error::method_not_allowed("the server does not allow this method on the requested resource"));
}

void ApiHandler::do_list(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info, HttpExchange& ex,
                         int& code) {
  auto fail = [&](const Error& e) {
    code = e.code;
    ex.respond(status_response(e));
  };
  ListOptions opts;
  opts.label_selector = req.query_or("labelSelector");
  opts.field_selector = req.query_or("fieldSelector");
  opts.continue_token = req.query_or("continue");
  if (auto s = check_field_selector(r, opts.field_selector); !s.ok()) return fail(s.error());
  if (const std::string* l = req.query_param("limit"); l && !l->empty()) {
    try {
      opts.limit = std::stoll(*l);
    } catch (...) {
      return fail(Error::bad_request("limit must be an integer"));
    }
  }
  auto list = registry_.list(r, info.namespace_, opts);
  if (!list.ok()) return fail(list.error());
  HttpResponse resp;
  switch (rendering_for(req.header("accept"))) {
    case Rendering::kTable: {
      auto include = parse_include_object(req.query_or("includeObject"));
      if (!include.ok()) return fail(include.error());
      std::vector<Json> objs;
      objs.reserve(list->items.size());
      for (const auto& ref : list->items) objs.push_back(Json::parse(ref->bytes));
      std::vector<const Json*> ptrs;
      for (const auto& o : objs) ptrs.push_back(&o);
      Json table = make_table(r, ptrs, *include, clock_.now());
      table["metadata"]["resourceVersion"] = std::to_string(list->revision);
      if (!list->continue_token.empty()) {
        table["metadata"]["continue"] = list->continue_token;
        table["metadata"]["remainingItemCount"] = list->remaining;
      }
      resp.content_type = kTableContentType;
      resp.body = table.dump();
      break;
    }
    case Rendering::kPartialMetadata: {
      Json items = Json::array();
      for (const auto& ref : list->items) items.push_back(partial_metadata(Json::parse(ref->bytes)));
      Json meta = {{"resourceVersion", std::to_string(list->revision)}};
      if (!list->continue_token.empty()) meta["continue"] = list->continue_token;
      resp.content_type = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io";
      resp.body = Json{{"kind", "PartialObjectMetadataList"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", meta},
                       {"items", items}}
                      .dump();
      break;
    }
    case Rendering::kYaml:
      resp.content_type = "application/yaml";
      resp.body = to_yaml(Json::parse(list_json(r, *list)));
      break;
    default: {
      size_t bytes = 0;
      for (const auto& item : list->items) bytes += item->bytes.size();
      if (bytes > 4 * kListPiece) return stream_list_json(r, *list, ex);
      resp.body = list_json(r, *list);
    }
  }
  ex.respond(std::move(resp));
}

void ApiHandler::do_delete_collection(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info,
                                      HttpExchange& ex, int& code) {
  auto fail = [&](const Error& e) {
    code = e.code;
    ex.respond(status_response(e));
  };
  ListOptions lopts;
  lopts.label_selector = req.query_or("labelSelector");
  lopts.field_selector = req.query_or("fieldSelector");
  if (auto s = check_field_selector(r, lopts.field_selector); !s.ok()) return fail(s.error());
  auto opts = delete_options(req);
  if (!opts.ok()) return fail(opts.error());
  auto list = registry_.list(r, info.namespace_, lopts);
  if (!list.ok()) return fail(list.error());
  std::string items;
  for (const auto& ref : list->items) {
    auto res = registry_.remove(r, ref->namespace_, ref->name, *opts);
    if (!res.ok() && res.error().code != 404) return fail(res.error());
    if (res.ok()) {
      if (!items.empty()) items += ',';
      items += dump_json(res->object);
    }
  }
  HttpResponse resp;
  resp.body = "{\"apiVersion\":" + Json(r.gvk.api_version()).dump() + ",\"items\":[" + items +
              "],\"kind\":" + Json(r.list_kind).dump() + ",\"metadata\":{}}";
  ex.respond(std::move(resp));
}

void ApiHandler::do_watch(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info, HttpExchange& ex,
                          int& code) {
  auto fail = [&](const Error& e) {
    code = e.code;
    ex.respond(status_response(e));
  };
  std::string label_text = req.query_or("labelSelector");
  std::string field_text = req.query_or("fieldSelector");
  if (!info.name.empty()) field_text = field_text.empty() ? "metadata.name=" + info.name
                                                          : field_text + ",metadata.name=" + info.name;
  if (auto s = check_field_selector(r, field_text); !s.ok()) return fail(s.error());
  auto filter = ObjectFilter::parse(label_text, field_text);
  if (!filter.ok()) return fail(filter.error());

  std::string rv = req.query_or("resourceVersion");
  bool send_initial = req.query_or("sendInitialEvents") == "true";
  bool bookmarks = req.query_or("allowWatchBookmarks") == "true";
  if (send_initial && !bookmarks)
    return fail(Error::invalid("sendInitialEvents is only supported with allowWatchBookmarks=true"));
  int64_t from = 0;
  if (!rv.empty()) {
    try {
      from = std::stoll(rv);
    } catch (...) {
      return fail(Error::bad_request("invalid resource version \"" + rv + "\""));
    }
  }
  bool initial_state = send_initial || rv.empty() || rv == "0";
  int64_t timeout_seconds = 1800;
  if (const std::string* t = req.query_param("timeoutSeconds"); t && !t->empty()) {
    try {
      timeout_seconds = std::stoll(*t);
    } catch (...) {
      return fail(Error::bad_request("timeoutSeconds must be an integer"));
    }
  }
  Rendering rendering = rendering_for(req.header("accept"));
  auto include = parse_include_object(req.query_or("includeObject"));
  if (!include.ok()) return fail(include.error());

  int64_t start_revision = 0;
  auto watcher = registry_.cache().watch(resource_prefix(r, info.namespace_), from, initial_state, &start_revision);
  if (!watcher.ok()) {
    // Kubernetes answers an expired watch with 200 and an ERROR event carrying the 410 Status.
    auto& stream = ex.start_stream(200, kJson, {});
    HttpResponse st = status_response(watcher.error());
    stream.write("{\"type\":\"ERROR\",\"object\":" + st.body + "}\n");
    return;
  }
  std::shared_ptr<Watcher> w = *watcher;
  auto& stream = ex.start_stream(200, rendering == Rendering::kTable ? kTableContentType : kJson, {});

  auto render = [&](const char* type, const ObjectRef& cached) -> std::string {
    ObjectRef obj = as_served_version(r, cached);
    std::string body;
    if (rendering == Rendering::kTable) {
      Json o = Json::parse(obj->bytes);
      Json table = make_table(r, {&o}, *include, clock_.now());
      table["metadata"]["resourceVersion"] = std::to_string(obj->resource_version);
      body = table.dump();
    } else if (rendering == Rendering::kPartialMetadata) {
      body = partial_metadata(Json::parse(obj->bytes)).dump();
    } else {
      body = obj->bytes;
    }
    return std::string("{\"type\":\"") + type + "\",\"object\":" + body + "}\n";
  };
  auto bookmark = [&](int64_t revision, bool initial_end) {
    Json meta = {{"resourceVersion", std::to_string(revision)}};
    if (initial_end) meta["annotations"] = {{"k8s.io/initial-events-end", "true"}};
    Json obj = {{"kind", r.gvk.kind}, {"apiVersion", r.gvk.api_version()}, {"metadata", meta}};
    return "{\"type\":\"BOOKMARK\",\"object\":" + obj.dump() + "}\n";
  };

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  auto next_bookmark = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool initial_pending = send_initial;
  int64_t last_revision = start_revision;
  size_t initial_remaining = 0;
  std::vector<CacheEvent> events;
  bool first_batch = true;
  while (std::chrono::steady_clock::now() < deadline) {
    events.clear();
    bool open = w->wait(events, std::chrono::milliseconds(first_batch ? 0 : 1000));
    if (first_batch && initial_state) {
      // The initial ADDED events were queued at registration; everything up to start_revision is initial state.
      initial_remaining = events.size();
    }
    std::string out;
    for (size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      if (auto type = visible_event_type(e, *filter)) {
        const char* name = *type == CacheEvent::Type::kAdded      ? "ADDED"
                           : *type == CacheEvent::Type::kModified ? "MODIFIED"
                                                                  : "DELETED";
        out += render(name, e.object);
      }
      last_revision = std::max(last_revision, e.revision);
      if (initial_remaining > 0) --initial_remaining;
    }
    if (initial_pending && initial_remaining == 0) {
      out += bookmark(start_revision, true);
      initial_pending = false;
    }
    first_batch = false;
    if (!out.empty() && !stream.write(out)) break;
    if (!open) break;
    if (bookmarks && std::chrono::steady_clock::now() >= next_bookmark) {
      if (!stream.write(bookmark(std::max(last_revision, registry_.cache().revision()), false))) break;
      next_bookmark = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    }
    if (stream.client_gone()) break;
  }
  registry_.cache().stop_watching(w);
}

}  // namespace skiff::apiserver

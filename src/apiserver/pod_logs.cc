#include "apiserver/pod_logs.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "apiserver/api_handler.h"
#include "util/strings.h"

namespace skiff::apiserver {
namespace {

// Query values convert as in apimachinery's Convert_Slice_string_To_bool: only "0" and "false"
// are false once the parameter is present.
bool query_bool(const HttpRequest& req, std::string_view name) {
  const std::string* v = req.query_param(name);
  return v && *v != "0" && to_lower(*v) != "false";
}

Result<std::optional<int64_t>> query_int(const HttpRequest& req, std::string_view name) {
  const std::string* v = req.query_param(name);
  if (!v) return std::optional<int64_t>();
  const std::string& s = *v;
  bool digits = !s.empty();
  for (size_t i = 0; i < s.size(); ++i)
    if (!(std::isdigit(static_cast<unsigned char>(s[i])) || (i == 0 && s.size() > 1 && (s[i] == '-' || s[i] == '+'))))
      digits = false;
  if (!digits) return Error::bad_request("strconv.ParseInt: parsing \"" + s + "\": invalid syntax");
  errno = 0;
  long long n = std::strtoll(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return Error::bad_request("strconv.ParseInt: parsing \"" + s + "\": value out of range");
  return std::optional<int64_t>(n);
}

// Names as fmt prints a []string: [a b c].
std::string go_list(const std::vector<std::string>& names) { return "[" + join(names, " ") + "]"; }

std::vector<std::string> container_names(const Json& pod, std::initializer_list<const char*> kinds) {
  std::vector<std::string> names;
  const Json* spec = find_path(pod, "spec");
  if (!spec || !spec->is_object()) return names;
  for (const char* kind : kinds) {
    auto it = spec->find(kind);
    if (it == spec->end() || !it->is_array()) continue;
    for (const auto& c : *it) names.push_back(get_string(c, "name"));
  }
  return names;
}

const Json* container_status(const Json& pod, const std::string& name) {
  for (const char* kind : {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"}) {
    const Json* statuses = find_path(pod, std::string("status.") + kind);
    if (!statuses || !statuses->is_array()) continue;
    for (const auto& s : *statuses)
      if (get_string(s, "name") == name) return &s;
  }
  return nullptr;
}

const Json* state_part(const Json& status, const char* field, const char* state) {
  const Json* f = status.contains(field) ? &status[field] : nullptr;
  if (!f || !f->is_object() || !f->contains(state) || !(*f)[state].is_object()) return nullptr;
  return &(*f)[state];
}

}  // namespace

Result<PodLogOptions> parse_pod_log_options(const HttpRequest& req, const std::string& pod_name, WallTime now) {
  PodLogOptions o;
  o.container = req.query_or("container");
  o.follow = query_bool(req, "follow");
  o.previous = query_bool(req, "previous");
  o.timestamps = query_bool(req, "timestamps");
  SKIFF_ASSIGN_OR_RETURN(o.tail_lines, query_int(req, "tailLines"));
  SKIFF_ASSIGN_OR_RETURN(o.limit_bytes, query_int(req, "limitBytes"));
  SKIFF_ASSIGN_OR_RETURN(std::optional<int64_t> since_seconds, query_int(req, "sinceSeconds"));
  std::optional<WallTime> since_time;
  if (const std::string* t = req.query_param("sinceTime"); t && !t->empty() && *t != "null") {
    since_time = parse_rfc3339(*t);
    if (!since_time)
      return Error::bad_request("parsing time \"" + *t + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"" + *t +
                                "\" as \"2006\"");
  }

  // ValidatePodLogOptions.
  std::vector<std::string> problems;
  if (o.tail_lines && *o.tail_lines < 0)
    problems.push_back("tailLines: Invalid value: " + std::to_string(*o.tail_lines) +
                       ": must be greater than or equal to 0");
  if (o.limit_bytes && *o.limit_bytes < 1)
    problems.push_back("limitBytes: Invalid value: " + std::to_string(*o.limit_bytes) + ": must be greater than 0");
  if (since_seconds && since_time)
    problems.push_back(": Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
  else if (since_seconds && *since_seconds < 1)
    problems.push_back("sinceSeconds: Invalid value: " + std::to_string(*since_seconds) + ": must be greater than 0");
  if (!problems.empty()) {
    std::string detail = problems.size() == 1 ? problems[0] : "[" + join(problems, ", ") + "]";
    return Error::invalid("PodLogOptions \"" + pod_name + "\" is invalid: " + detail);
  }
  if (since_seconds) o.since = now - std::chrono::seconds(*since_seconds);
  else o.since = since_time;
  return o;
}

Result<std::string> choose_log_container(const Json& pod, const std::string& requested) {
  std::string pod_name = get_string(pod.value("metadata", Json::object()), "name");
  // The API server lists init containers first, then regular, then ephemeral ones.
  std::vector<std::string> all = container_names(pod, {"initContainers", "containers", "ephemeralContainers"});
  if (requested.empty()) {
    std::vector<std::string> regular = container_names(pod, {"containers"});
    if (regular.size() == 1) return regular[0];
    if (regular.empty()) return Error::bad_request("a container name must be specified for pod " + pod_name);
    return Error::bad_request("a container name must be specified for pod " + pod_name + ", choose one of: " +
                              go_list(all));
  }
  for (const auto& name : all)
    if (name == requested) return requested;
  return Error::bad_request("container " + requested + " is not valid for pod " + pod_name);
}

Result<ContainerLogTarget> choose_log_target(const Json& pod, const std::string& container, bool previous) {
  std::string pod_name = get_string(pod.value("metadata", Json::object()), "name");
  std::string which = "container \"" + container + "\" in pod \"" + pod_name + "\"";
  const Json* status = container_status(pod, container);
  if (!status) {
    // Known to the spec but not reported yet: the kubelet treats it as not started.
    return Error::bad_request(which + " is waiting to start: ContainerCreating");
  }
  const Json* last = state_part(*status, "lastState", "terminated");
  const Json* running = state_part(*status, "state", "running");
  const Json* terminated = state_part(*status, "state", "terminated");
  const Json* waiting = state_part(*status, "state", "waiting");
  auto id_of = [](const Json* part) { return part ? get_string(*part, "containerID") : std::string(); };
  ContainerLogTarget target;
  target.container = container;

  if (previous) {
    if (id_of(last).empty()) return Error::bad_request("previous terminated " + which + " not found");
    target.container_id = id_of(last);
  } else if (running) {
    target.container_id = get_string(*status, "containerID");
    target.running = true;
  } else if (terminated) {
    // When the next run did not start, the terminated state may carry no ID: the last run has the log.
    target.container_id = !id_of(terminated).empty() ? id_of(terminated) : id_of(last);
    if (target.container_id.empty()) return Error::bad_request(which + " is terminated");
  } else if (last) {
    if (id_of(last).empty()) return Error::bad_request(which + " is terminated");
    target.container_id = id_of(last);
  } else if (waiting) {
    std::string reason = get_string(*waiting, "reason");
    if (reason == "ErrImagePull") return Error::bad_request(which + " is waiting to start: image can't be pulled");
    if (reason == "ImagePullBackOff")
      return Error::bad_request(which + " is waiting to start: trying and failing to pull image");
    return Error::bad_request(which + " is waiting to start: " + reason);
  } else {
    return Error::bad_request(which + " is waiting to start - no logs yet");
  }
  if (target.container_id.empty()) return Error::bad_request(which + " is waiting to start - no logs yet");
  return target;
}

std::string kubelet_log_query(const PodLogOptions& o) {
  std::vector<std::string> params;
  if (o.follow) params.push_back("follow=true");
  if (o.previous) params.push_back("previous=true");
  if (o.timestamps) params.push_back("timestamps=true");
  if (o.tail_lines) params.push_back("tailLines=" + std::to_string(*o.tail_lines));
  if (o.limit_bytes) params.push_back("limitBytes=" + std::to_string(*o.limit_bytes));
  if (o.since) params.push_back("sinceTime=" + url_encode(format_rfc3339_micro(*o.since)));
  return join(params, "&");
}

void serve_pod_log(const HttpRequest& req, const Json& pod, PodLogSource* source, WallTime now, HttpExchange& ex,
                   int& code) {
  auto fail = [&](const Error& e) {
    code = e.code;
    ex.respond(status_response(e));
  };
  std::string pod_name = get_string(pod.value("metadata", Json::object()), "name");
  auto options = parse_pod_log_options(req, pod_name, now);
  if (!options.ok()) return fail(options.error());
  auto container = choose_log_container(pod, options->container);
  if (!container.ok()) return fail(container.error());

  std::string node = get_string(pod.value("spec", Json::object()), "nodeName");
  if (node.empty()) {  // not scheduled yet: Kubernetes answers with an empty log
    HttpResponse resp;
    resp.content_type = "text/plain";
    return ex.respond(std::move(resp));
  }
  if (!source || !source->serves_node(node))
    return fail(Error::bad_request("pods/log is not available for pod \"" + pod_name + "\": its node \"" + node +
                                   "\" has no agent this API server can reach"));
  auto streamer = source->open_log(pod, *container, *options);
  if (!streamer.ok()) return fail(streamer.error());
  write_log_stream(*streamer, ex);
}

void write_log_stream(const PodLogSource::Streamer& streamer, HttpExchange& ex) {
  ResponseStream& stream = ex.start_stream(200, "text/plain", {});
  (void)streamer([&stream](std::string_view chunk) {
    if (chunk.empty()) return !stream.client_gone();
    return stream.write(chunk);
  });  // once the response has started, an error can only end it
}

}  // namespace skiff::apiserver

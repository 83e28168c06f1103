#include "agent/cri/lifecycle_hooks.h"

#include <strings.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "agent/cri/probe.h"

namespace skiff::agent::cri {
namespace {

constexpr const char* kUserAgent = "kube-lifecycle/1.33";

std::string for_container(const HookTarget& target) {
  return " for Container \"" + get_string(target.container, "name") + "\" in Pod \"" + pod_reference(target.pod) +
         "\" failed - error: ";
}

HookOutcome failed(std::string message) { return {false, std::move(message)}; }

std::string command_text(const std::vector<std::string>& command) {
  std::string text;
  for (const auto& arg : command) text += (text.empty() ? "" : " ") + arg;
  return "[" + text + "]";
}

HookOutcome run_exec(CriClient& cri, ProbeSpec spec, const HookTarget& target, std::chrono::seconds deadline) {
  spec.timeout = deadline;
  ProbeResult result = run_probe(cri, spec, target.container_id, target.pod_ip);
  if (result.success) return {};
  return failed("Exec lifecycle hook (" + command_text(spec.command) + ")" + for_container(target) + result.message);
}

bool has_header(const ProbeSpec& spec, const char* name) {
  return std::any_of(spec.headers.begin(), spec.headers.end(),
                     [&](const auto& header) { return strcasecmp(header.first.c_str(), name) == 0; });
}

HookOutcome run_http_get(CriClient& cri, ProbeSpec spec, const HookTarget& target, std::chrono::seconds deadline) {
  spec.timeout = deadline;
  if (!has_header(spec, "User-Agent")) spec.headers.emplace_back("User-Agent", kUserAgent);
  std::string prefix = "HTTP lifecycle hook (" + spec.path + ")" + for_container(target);
  if (spec.port <= 0) return failed(prefix + "couldn't find the port in the container's ports");
  ProbeResult result = run_probe(cri, spec, target.container_id, target.pod_ip);
  if (result.http_status > 0) return {};
  return failed(prefix + result.message);
}

// A sleep cut short by the deadline is no failure: preStop's deadline is the grace period, and
// the container is stopped at its end either way.
HookOutcome run_sleep(const Json& sleep_action, std::chrono::seconds deadline, const SleepFor& sleep) {
  Json seconds = sleep_action.is_object() ? sleep_action.value("seconds", Json(0)) : Json(0);
  std::chrono::seconds wanted{seconds.is_number_integer() ? std::max<int64_t>(seconds.get<int64_t>(), 0) : 0};
  sleep(std::chrono::duration_cast<std::chrono::milliseconds>(std::min(wanted, deadline)));
  return {};
}

}  // namespace

std::string pod_reference(const Json& pod) {
  const Json* meta = find_path(pod, "metadata");
  if (!meta) return "";
  return get_string(*meta, "name") + "_" + get_string(*meta, "namespace") + "(" + get_string(*meta, "uid") + ")";
}

HookOutcome run_lifecycle_hook(CriClient& cri, const Json& handler, const HookTarget& target,
                               std::chrono::seconds deadline, const SleepFor& sleep) {
  if (handler.is_object() && handler.contains("sleep")) return run_sleep(handler["sleep"], deadline, sleep);
  // tcpSocket has the shape of a probe's handler but is no lifecycle handler.
  bool runnable = handler.is_object() && (handler.contains("exec") || handler.contains("httpGet"));
  std::optional<ProbeSpec> spec = runnable ? parse_probe(handler, target.container) : std::nullopt;
  if (!spec)
    return failed("Cannot run handler: invalid handler: " +
                  std::string(handler.is_object() && handler.contains("tcpSocket")
                                  ? "tcpSocket is not supported as a lifecycle handler (use exec, httpGet or sleep)"
                                  : "no exec, httpGet or sleep action"));
  if (spec->kind == ProbeSpec::Kind::kExec) return run_exec(cri, *spec, target, deadline);
  return run_http_get(cri, *spec, target, deadline);
}

}  // namespace skiff::agent::cri

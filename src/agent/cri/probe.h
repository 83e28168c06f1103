// Container probes (liveness, readiness, startup): parsing a core/v1 Probe and running one check
// — exec in the container through the CRI, a TCP connect or an HTTP GET to the pod IP.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/cri/cri_client.h"
#include "util/json.h"

namespace skiff::agent::cri {

struct ProbeSpec {
  enum class Kind { kExec, kHttpGet, kTcpSocket };
  Kind kind = Kind::kExec;
  std::vector<std::string> command;  // exec
  std::string host;                  // httpGet/tcpSocket; empty: the pod IP
  int port = 0;
  std::string path = "/";
  std::string scheme = "HTTP";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::seconds initial_delay{0};
  std::chrono::seconds period{10};
  std::chrono::seconds timeout{1};
  int success_threshold = 1;
  int failure_threshold = 3;
};

// probe: the container's livenessProbe/readinessProbe/startupProbe; named ports resolve against
// the container's ports. nullopt when the probe has no handler this agent knows (grpc).
std::optional<ProbeSpec> parse_probe(const Json& probe, const Json& container);

struct ProbeResult {
  bool success = false;
  std::string message;  // why it failed
  int http_status = 0;  // httpGet: the response's status code, 0 when none came
};

ProbeResult run_probe(CriClient& cri, const ProbeSpec& spec, const std::string& container_id,
                      const std::string& pod_ip);

}  // namespace skiff::agent::cri

// Container lifecycle hooks (postStart, preStop): one core/v1 LifecycleHandler run against a
// running container, as the kubelet's handler runner does — exec in the container or an HTTP GET
// to the pod (both through the probes' machinery), or a sleep. A tcpSocket handler fails, as in
// Kubernetes, which keeps that field only so that old objects still decode.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "agent/cri/cri_client.h"
#include "util/json.h"

namespace skiff::agent::cri {

struct HookTarget {
  const Json& pod;
  const Json& container;  // its spec: named ports, and the name for messages
  std::string container_id;
  std::string pod_ip;  // where an httpGet without a host goes
};

struct HookOutcome {
  bool success = true;
  std::string message;  // why it failed, worded as the kubelet's FailedPostStartHook/FailedPreStopHook events
};

using SleepFor = std::function<void(std::chrono::milliseconds)>;

// deadline bounds the handler: an exec or HTTP GET still running then fails, a sleep ends there.
// An HTTP GET succeeds on any response, whatever its status, as the kubelet's does.
HookOutcome run_lifecycle_hook(CriClient& cri, const Json& handler, const HookTarget& target,
                               std::chrono::seconds deadline, const SleepFor& sleep);

// "name_namespace(uid)", how the kubelet names a pod in messages.
std::string pod_reference(const Json& pod);

}  // namespace skiff::agent::cri

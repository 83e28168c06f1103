#include "agent/cri/cri_types.h"

namespace skiff::agent::cri {

const RuntimeCondition* RuntimeStatus::condition(std::string_view type) const {
  for (const RuntimeCondition& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

std::string_view to_string(ContainerState state) {
  switch (state) {
    case ContainerState::kCreated: return "CONTAINER_CREATED";
    case ContainerState::kRunning: return "CONTAINER_RUNNING";
    case ContainerState::kExited: return "CONTAINER_EXITED";
    case ContainerState::kUnknown: break;
  }
  return "CONTAINER_UNKNOWN";
}

std::string_view to_string(SandboxState state) {
  return state == SandboxState::kReady ? "SANDBOX_READY" : "SANDBOX_NOTREADY";
}

}  // namespace skiff::agent::cri

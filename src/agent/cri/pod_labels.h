// The labels the agent puts on its sandboxes and containers (the kubelet's names), by which it finds
// them again after a restart.
#pragma once

namespace skiff::agent::cri {

inline constexpr const char* kPodUidLabel = "io.kubernetes.pod.uid";
inline constexpr const char* kPodNameLabel = "io.kubernetes.pod.name";
inline constexpr const char* kPodNamespaceLabel = "io.kubernetes.pod.namespace";
inline constexpr const char* kContainerNameLabel = "io.kubernetes.container.name";
// Marks what this agent created, so foreign sandboxes in the same containerd namespace are left alone.
inline constexpr const char* kManagedByLabel = "skiff.dev/managed-by";
inline constexpr const char* kManagedByValue = "skiff-agent";

}  // namespace skiff::agent::cri

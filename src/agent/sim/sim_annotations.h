// The annotations that steer simulated nodes and the pods they run.
#pragma once

namespace skiff::agent::sim {

// On a Node: "true" stops its heartbeats, status reports and pod handling (a simulated failure).
inline constexpr const char* kDownAnnotation = "sim.skiff.dev/down";
// On every simulated Node: "true".
inline constexpr const char* kSimulatedAnnotation = "sim.skiff.dev/simulated";
// On a Pod: containers exit after this many seconds (decimals allowed)...
inline constexpr const char* kRunSecondsAnnotation = "sim.skiff.dev/run-seconds";
// ...with this exit code (default 0).
inline constexpr const char* kExitCodeAnnotation = "sim.skiff.dev/exit-code";

}  // namespace skiff::agent::sim

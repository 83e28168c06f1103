// `kubectl logs` on a CRI node: finds the file containerd writes for a run of a container and
// streams it, following it while the container runs (the kubelet's kuberuntime logs).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "agent/cri/cri_client.h"
#include "agent/logs/cri_log_reader.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::agent::cri {

struct ContainerLogRequest {
  std::string container;     // its name in the pod
  std::string container_id;  // the run to read, as the pod status has it ("containerd://<id>")
  bool previous = false;     // the run is the one before the current
  bool follow = false;
  LogReadOptions read;
};

// Receives log bytes; false when the reader went away. An empty chunk only asks whether it is still there.
using LogChunkWriter = std::function<bool(std::string_view chunk)>;
using LogStreamer = std::function<Status(const LogChunkWriter& write)>;

class CriPodLogs : public std::enable_shared_from_this<CriPodLogs> {
 public:
  CriPodLogs(std::shared_ptr<CriClient> cri, std::string log_root,
             std::chrono::milliseconds poll_interval = std::chrono::milliseconds(100));

  // Finds the log file (an error when there is none); the streamer then writes it out.
  Result<LogStreamer> open(const Json& pod, const ContainerLogRequest& request);
  // Ends every stream that follows a container (the agent is stopping).
  void stop() { stopping_ = true; }

 private:
  std::string log_path(const Json& pod, const ContainerLogRequest& request, const std::string& runtime_id);
  Status stream(const std::string& path, const std::string& runtime_id, const ContainerLogRequest& request,
                const LogChunkWriter& write);

  std::shared_ptr<CriClient> cri_;
  std::string log_root_;
  std::chrono::milliseconds poll_interval_;
  std::atomic<bool> stopping_{false};
};

}  // namespace skiff::agent::cri

// A client of a container runtime's CRI (runtime.v1 RuntimeService and ImageService), e.g. containerd
// on its unix socket. The interface is what the pod workers use, so tests can put a fake behind it;
// connect_cri_client() returns the gRPC implementation. All calls are blocking and thread-safe.
// Errors: a gRPC NOT_FOUND becomes a 404 NotFound, UNAVAILABLE a 503, DEADLINE_EXCEEDED a 504 Timeout,
// INVALID_ARGUMENT a 400, ALREADY_EXISTS a 409; anything else a 500 — the message names the call.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/cri/cri_types.h"
#include "util/result.h"

namespace skiff::agent::cri {

class CriClient {
 public:
  virtual ~CriClient() = default;

  // ---- RuntimeService ----
  virtual Result<RuntimeVersion> version() = 0;
  virtual Result<RuntimeStatus> status(bool verbose = false) = 0;

  // Returns the sandbox ID. runtime_handler "" selects the runtime's default.
  virtual Result<std::string> run_pod_sandbox(const PodSandboxConfig& config,
                                              const std::string& runtime_handler = "") = 0;
  virtual Status stop_pod_sandbox(const std::string& sandbox_id) = 0;
  virtual Status remove_pod_sandbox(const std::string& sandbox_id) = 0;
  virtual Result<PodSandboxStatus> pod_sandbox_status(const std::string& sandbox_id, bool verbose = false) = 0;
  virtual Result<std::vector<PodSandbox>> list_pod_sandboxes(const PodSandboxFilter& filter = {}) = 0;

  // Returns the container ID; sandbox_config is the one the sandbox was started with.
  virtual Result<std::string> create_container(const std::string& sandbox_id, const ContainerConfig& config,
                                               const PodSandboxConfig& sandbox_config) = 0;
  virtual Status start_container(const std::string& container_id) = 0;
  // Sends the stop signal, then SIGKILL after timeout (0: at once).
  virtual Status stop_container(const std::string& container_id, std::chrono::seconds timeout) = 0;
  virtual Status remove_container(const std::string& container_id) = 0;
  virtual Result<std::vector<Container>> list_containers(const ContainerFilter& filter = {}) = 0;
  virtual Result<ContainerStatus> container_status(const std::string& container_id, bool verbose = false) = 0;
  virtual Result<ContainerStats> container_stats(const std::string& container_id) = 0;
  virtual Status reopen_container_log(const std::string& container_id) = 0;

  // Runs cmd in the container and waits (timeout 0: no limit); a non-zero exit is a result, not an error.
  virtual Result<ExecSyncResult> exec_sync(const std::string& container_id, const std::vector<std::string>& cmd,
                                           std::chrono::seconds timeout) = 0;
  // The streaming calls return the URL of the runtime's streaming server for that session.
  virtual Result<std::string> exec(const ExecRequest& request) = 0;
  virtual Result<std::string> attach(const AttachRequest& request) = 0;
  virtual Result<std::string> port_forward(const std::string& sandbox_id, const std::vector<int32_t>& ports) = 0;

  // ---- ImageService ----
  virtual Result<std::vector<Image>> list_images(const std::string& image_filter = "") = 0;
  // nullopt when the image is not present (not an error, as in the CRI).
  virtual Result<std::optional<Image>> image_status(const std::string& image) = 0;
  // Returns the image reference (ID) to create containers from.
  virtual Result<std::string> pull_image(const std::string& image, const std::optional<AuthConfig>& auth = {},
                                         const PodSandboxConfig* sandbox_config = nullptr) = 0;
  virtual Status remove_image(const std::string& image) = 0;
  virtual Result<ImageFsInfo> image_fs_info() = 0;
};

struct CriClientOptions {
  std::string socket_path;  // e.g. /run/containerd/containerd.sock
  // How long connect_cri_client() waits for the socket to accept a connection.
  std::chrono::milliseconds connect_timeout{5000};
  // Deadline of every call but pull_image and exec_sync (the kubelet's --runtime-request-timeout).
  std::chrono::milliseconds call_timeout{120000};
  // pull_image's deadline; zero means none.
  std::chrono::milliseconds pull_timeout{0};
};

// Connects over the unix socket; fails with 503 ServiceUnavailable when nothing answers there in time.
Result<std::unique_ptr<CriClient>> connect_cri_client(const CriClientOptions& options);

}  // namespace skiff::agent::cri

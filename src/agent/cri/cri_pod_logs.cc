#include "agent/cri/cri_pod_logs.h"

#include <algorithm>
#include <filesystem>
#include <thread>

namespace skiff::agent::cri {
namespace {

std::string runtime_id_of(const std::string& container_id) {
  auto p = container_id.find("://");
  return p == std::string::npos ? container_id : container_id.substr(p + 3);
}

const Json* status_of(const Json& pod, const std::string& container) {
  for (const char* kind : {"status.containerStatuses", "status.initContainerStatuses"}) {
    const Json* statuses = find_path(pod, kind);
    if (!statuses || !statuses->is_array()) continue;
    for (const auto& s : *statuses)
      if (get_string(s, "name") == container) return &s;
  }
  return nullptr;
}

}  // namespace

CriPodLogs::CriPodLogs(std::shared_ptr<CriClient> cri, std::string log_root, std::chrono::milliseconds poll_interval)
    : cri_(std::move(cri)), log_root_(std::move(log_root)), poll_interval_(poll_interval) {}

std::string CriPodLogs::log_path(const Json& pod, const ContainerLogRequest& request, const std::string& runtime_id) {
  if (auto status = cri_->container_status(runtime_id); status.ok() && !status->log_path.empty())
    return status->log_path;
  // The runtime forgot the container: the file is where the pod's sandbox config put it, named by
  // the attempt, which is restartCount for the run the status shows and one less for the one before.
  int64_t attempt = 0;
  if (const Json* s = status_of(pod, request.container)) {
    attempt = s->value("restartCount", int64_t{0});
    if (get_string(*s, "containerID") != request.container_id) attempt -= 1;
  }
  const Json* found = find_path(pod, "metadata");
  const Json meta = found && found->is_object() ? *found : Json::object();
  return log_root_ + "/" + get_string(meta, "namespace") + "_" + get_string(meta, "name") + "_" +
         get_string(meta, "uid") + "/" + request.container + "/" + std::to_string(std::max<int64_t>(attempt, 0)) +
         ".log";
}

Result<LogStreamer> CriPodLogs::open(const Json& pod, const ContainerLogRequest& request) {
  std::string runtime_id = runtime_id_of(request.container_id);
  std::string path = log_path(pod, request, runtime_id);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Error::bad_request("failed to open log file \"" + path + "\": no such file or directory");
  auto self = shared_from_this();
  return LogStreamer([self, path, runtime_id, request](const LogChunkWriter& write) {
    return self->stream(path, runtime_id, request, write);
  });
}

Status CriPodLogs::stream(const std::string& path, const std::string& runtime_id, const ContainerLogRequest& request,
                          const LogChunkWriter& write) {
  CriLogReader reader(path, request.read);
  auto flush = [&]() -> Result<bool> {  // false: stop (client gone or limit reached)
    do {
      SKIFF_ASSIGN_OR_RETURN(std::string text, reader.read_new());
      if (!text.empty() && !write(text)) return false;
      if (reader.limit_reached()) return false;
    } while (reader.has_more());
    return true;
  };
  SKIFF_ASSIGN_OR_RETURN(bool more, flush());
  if (!request.follow || request.previous) return ok_status();
  while (more && !stopping_) {
    std::this_thread::sleep_for(poll_interval_);
    // Check the state before reading, so lines written just before the container stopped are sent.
    auto status = cri_->container_status(runtime_id);
    bool running = status.ok() && status->state == ContainerState::kRunning;
    SKIFF_ASSIGN_OR_RETURN(more, flush());
    if (!running) break;
    if (more && !write({})) break;  // the client went away while nothing was written
  }
  return ok_status();
}

}  // namespace skiff::agent::cri

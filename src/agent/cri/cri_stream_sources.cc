#include "agent/cri/cri_stream_sources.h"

#include "agent/cri/cri_client.h"
#include "agent/cri/cri_pod_logs.h"
#include "agent/cri/pod_labels.h"

namespace skiff::agent::cri {
namespace {

class CriPodLogSource final : public apiserver::PodLogSource {
 public:
  CriPodLogSource(std::string node_name, std::shared_ptr<CriPodLogs> logs)
      : node_name_(std::move(node_name)), logs_(std::move(logs)) {}

  bool serves_node(const std::string& node_name) const override { return node_name == node_name_; }

  Result<Streamer> open_log(const Json& pod, const std::string& container,
                            const apiserver::PodLogOptions& options) override {
    SKIFF_ASSIGN_OR_RETURN(apiserver::ContainerLogTarget target,
                           apiserver::choose_log_target(pod, container, options.previous));
    ContainerLogRequest request;
    request.container = target.container;
    request.container_id = target.container_id;
    request.previous = options.previous;
    request.follow = options.follow;
    request.read = {options.tail_lines, options.since, options.timestamps, options.limit_bytes};
    SKIFF_ASSIGN_OR_RETURN(LogStreamer streamer, logs_->open(pod, request));
    return Streamer(std::move(streamer));
  }

 private:
  std::string node_name_;
  std::shared_ptr<CriPodLogs> logs_;
};

class CriStreamSource final : public apiserver::ContainerStreamSource {
 public:
  CriStreamSource(std::string node_name, std::shared_ptr<CriClient> cri)
      : node_name_(std::move(node_name)), cri_(std::move(cri)) {}

  bool serves_node(const std::string& node_name) const override { return node_name == node_name_; }

  Result<apiserver::StreamBackend> stream_backend(const Json& pod, const apiserver::ContainerStreamRequest& r) override {
    SKIFF_ASSIGN_OR_RETURN(std::string url, stream_url(pod, r));
    return apiserver::StreamBackend{std::move(url), nullptr};
  }

 private:
  // The CRI's Exec and Attach requests share these fields; the status's ID is "containerd://<id>".
  template <class Request>
  static Request session(const apiserver::ContainerStreamRequest& r) {
    Request q;
    size_t scheme = r.container_id.find("://");
    q.container_id = scheme == std::string::npos ? r.container_id : r.container_id.substr(scheme + 3);
    q.tty = r.tty;
    q.stdin = r.stdin;
    q.stdout = r.stdout;
    q.stderr = r.stderr;
    return q;
  }

  Result<std::string> stream_url(const Json& pod, const apiserver::ContainerStreamRequest& r) {
    if (r.subresource == "exec") {
      auto exec = session<ExecRequest>(r);
      exec.cmd = r.command;
      return cri_->exec(exec);
    }
    if (r.subresource == "attach") return cri_->attach(session<AttachRequest>(r));
    PodSandboxFilter filter;
    filter.state = SandboxState::kReady;
    filter.label_selector[kPodUidLabel] = get_string(pod["metadata"], "uid");
    SKIFF_ASSIGN_OR_RETURN(auto sandboxes, cri_->list_pod_sandboxes(filter));
    if (sandboxes.empty())
      return Error::bad_request("pod " + get_string(pod["metadata"], "name") + " has no running sandbox");
    return cri_->port_forward(sandboxes.front().id, r.ports);
  }

  std::string node_name_;
  std::shared_ptr<CriClient> cri_;
};

}  // namespace

std::shared_ptr<apiserver::PodLogSource> cri_pod_log_source(std::string node_name, std::shared_ptr<CriPodLogs> logs) {
  return std::make_shared<CriPodLogSource>(std::move(node_name), std::move(logs));
}

std::shared_ptr<apiserver::ContainerStreamSource> cri_stream_source(std::string node_name,
                                                                    std::shared_ptr<CriClient> cri) {
  return std::make_shared<CriStreamSource>(std::move(node_name), std::move(cri));
}

}  // namespace skiff::agent::cri

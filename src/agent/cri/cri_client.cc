// The gRPC implementation of CriClient: one channel on the runtime's unix socket, one stub per service.
#include "agent/cri/cri_client.h"

#include <grpcpp/grpcpp.h>

#include "agent/cri/cri_convert.h"
#include "cri/api.grpc.pb.h"

namespace skiff::agent::cri {

namespace pb = runtime::v1;

namespace {

// The kubelet's limit: ListContainers on a busy node exceeds gRPC's default 4 MiB.
constexpr int kMaxReceiveMessageBytes = 16 * 1024 * 1024;
// exec_sync's deadline is its own timeout plus this, so the runtime reports the timeout itself.
constexpr std::chrono::seconds kExecSyncGrace{5};

Error error_from(std::string_view call, const grpc::Status& status) {
  std::string message = "CRI " + std::string(call) + ": " + status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND: return Error::not_found(std::move(message));
    case grpc::StatusCode::ALREADY_EXISTS: return Error::already_exists(std::move(message));
    case grpc::StatusCode::INVALID_ARGUMENT: return Error::bad_request(std::move(message));
    case grpc::StatusCode::DEADLINE_EXCEEDED: return Error::timeout(std::move(message));
    case grpc::StatusCode::UNAVAILABLE: return Error::service_unavailable(std::move(message));
    case grpc::StatusCode::UNIMPLEMENTED: return Error(501, "NotImplemented", std::move(message));
    default: return Error::internal(std::move(message));
  }
}

class GrpcCriClient final : public CriClient {
 public:
  GrpcCriClient(std::shared_ptr<grpc::Channel> channel, const CriClientOptions& options)
      : channel_(std::move(channel)),
        runtime_(pb::RuntimeService::NewStub(channel_)),
        images_(pb::ImageService::NewStub(channel_)),
        options_(options) {}

  Result<RuntimeVersion> version() override {
    pb::VersionRequest request;
    request.set_version("v1");
    SKIFF_ASSIGN_OR_RETURN(auto response, call(runtime_.get(), &pb::RuntimeService::Stub::Version, "Version", request));
    return from_proto(response);
  }

  Result<RuntimeStatus> status(bool verbose) override {
    pb::StatusRequest request;
    request.set_verbose(verbose);
    SKIFF_ASSIGN_OR_RETURN(auto response, call(runtime_.get(), &pb::RuntimeService::Stub::Status, "Status", request));
    return from_proto(response);
  }

  Result<std::string> run_pod_sandbox(const PodSandboxConfig& config, const std::string& runtime_handler) override {
    pb::RunPodSandboxRequest request;
    to_proto(config, request.mutable_config());
    request.set_runtime_handler(runtime_handler);
    SKIFF_ASSIGN_OR_RETURN(auto response,
                           call(runtime_.get(), &pb::RuntimeService::Stub::RunPodSandbox, "RunPodSandbox", request));
    return response.pod_sandbox_id();
  }

  Status stop_pod_sandbox(const std::string& sandbox_id) override {
    pb::StopPodSandboxRequest request;
    request.set_pod_sandbox_id(sandbox_id);
    return done(call(runtime_.get(), &pb::RuntimeService::Stub::StopPodSandbox, "StopPodSandbox", request));
  }

  Status remove_pod_sandbox(const std::string& sandbox_id) override {
    pb::RemovePodSandboxRequest request;
    request.set_pod_sandbox_id(sandbox_id);
    return done(call(runtime_.get(), &pb::RuntimeService::Stub::RemovePodSandbox, "RemovePodSandbox", request));
  }

  Result<PodSandboxStatus> pod_sandbox_status(const std::string& sandbox_id, bool verbose) override {
    pb::PodSandboxStatusRequest request;
    request.set_pod_sandbox_id(sandbox_id);
    request.set_verbose(verbose);
    SKIFF_ASSIGN_OR_RETURN(
        auto response, call(runtime_.get(), &pb::RuntimeService::Stub::PodSandboxStatus, "PodSandboxStatus", request));
    return from_proto(response);
  }

  Result<std::vector<PodSandbox>> list_pod_sandboxes(const PodSandboxFilter& filter) override {
    pb::ListPodSandboxRequest request;
    to_proto(filter, request.mutable_filter());
    SKIFF_ASSIGN_OR_RETURN(auto response,
                           call(runtime_.get(), &pb::RuntimeService::Stub::ListPodSandbox, "ListPodSandbox", request));
    std::vector<PodSandbox> out;
    for (const pb::PodSandbox& item : response.items()) out.push_back(from_proto(item));
    return out;
  }

  Result<std::string> create_container(const std::string& sandbox_id, const ContainerConfig& config,
                                       const PodSandboxConfig& sandbox_config) override {
    pb::CreateContainerRequest request;
    request.set_pod_sandbox_id(sandbox_id);
    to_proto(config, request.mutable_config());
    to_proto(sandbox_config, request.mutable_sandbox_config());
    SKIFF_ASSIGN_OR_RETURN(
        auto response, call(runtime_.get(), &pb::RuntimeService::Stub::CreateContainer, "CreateContainer", request));
    return response.container_id();
  }

  Status start_container(const std::string& container_id) override {
    pb::StartContainerRequest request;
    request.set_container_id(container_id);
    return done(call(runtime_.get(), &pb::RuntimeService::Stub::StartContainer, "StartContainer", request));
  }

  Status stop_container(const std::string& container_id, std::chrono::seconds timeout) override {
    pb::StopContainerRequest request;
    request.set_container_id(container_id);
    request.set_timeout(timeout.count());
    // The call lasts up to the grace period; the deadline must outlast it.
    auto deadline = options_.call_timeout + std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    return done(
        call(runtime_.get(), &pb::RuntimeService::Stub::StopContainer, "StopContainer", request, deadline));
  }

  Status remove_container(const std::string& container_id) override {
    pb::RemoveContainerRequest request;
    request.set_container_id(container_id);
    return done(call(runtime_.get(), &pb::RuntimeService::Stub::RemoveContainer, "RemoveContainer", request));
  }

  Result<std::vector<Container>> list_containers(const ContainerFilter& filter) override {
    pb::ListContainersRequest request;
    to_proto(filter, request.mutable_filter());
    SKIFF_ASSIGN_OR_RETURN(auto response,
                           call(runtime_.get(), &pb::RuntimeService::Stub::ListContainers, "ListContainers", request));
    std::vector<Container> out;
    for (const pb::Container& item : response.containers()) out.push_back(from_proto(item));
    return out;
  }

  Result<ContainerStatus> container_status(const std::string& container_id, bool verbose) override {
    pb::ContainerStatusRequest request;
    request.set_container_id(container_id);
    request.set_verbose(verbose);
    SKIFF_ASSIGN_OR_RETURN(
        auto response, call(runtime_.get(), &pb::RuntimeService::Stub::ContainerStatus, "ContainerStatus", request));
    return from_proto(response);
  }

  Result<ContainerStats> container_stats(const std::string& container_id) override {
    pb::ContainerStatsRequest request;
    request.set_container_id(container_id);
    SKIFF_ASSIGN_OR_RETURN(
        auto response, call(runtime_.get(), &pb::RuntimeService::Stub::ContainerStats, "ContainerStats", request));
    return from_proto(response.stats());
  }

  Status reopen_container_log(const std::string& container_id) override {
    pb::ReopenContainerLogRequest request;
    request.set_container_id(container_id);
    return done(call(runtime_.get(), &pb::RuntimeService::Stub::ReopenContainerLog, "ReopenContainerLog", request));
  }

  Result<ExecSyncResult> exec_sync(const std::string& container_id, const std::vector<std::string>& cmd,
                                   std::chrono::seconds timeout) override {
    pb::ExecSyncRequest request;
    request.set_container_id(container_id);
    for (const std::string& arg : cmd) request.add_cmd(arg);
    request.set_timeout(timeout.count());
    std::chrono::milliseconds deadline{0};
    if (timeout.count() > 0) deadline = timeout + kExecSyncGrace;
    SKIFF_ASSIGN_OR_RETURN(auto response,
                           call(runtime_.get(), &pb::RuntimeService::Stub::ExecSync, "ExecSync", request, deadline));
    return ExecSyncResult{response.stdout(), response.stderr(), response.exit_code()};
  }

  Result<std::string> exec(const ExecRequest& in) override {
    pb::ExecRequest request;
    request.set_container_id(in.container_id);
    for (const std::string& arg : in.cmd) request.add_cmd(arg);
    request.set_tty(in.tty);
    request.set_stdin(in.stdin);
    request.set_stdout(in.stdout);
    request.set_stderr(in.stderr);
    SKIFF_ASSIGN_OR_RETURN(auto response, call(runtime_.get(), &pb::RuntimeService::Stub::Exec, "Exec", request));
    return response.url();
  }

  Result<std::string> attach(const AttachRequest& in) override {
    pb::AttachRequest request;
    request.set_container_id(in.container_id);
    request.set_stdin(in.stdin);
    request.set_tty(in.tty);
    request.set_stdout(in.stdout);
    request.set_stderr(in.stderr);
    SKIFF_ASSIGN_OR_RETURN(auto response, call(runtime_.get(), &pb::RuntimeService::Stub::Attach, "Attach", request));
    return response.url();
  }

  Result<std::string> port_forward(const std::string& sandbox_id, const std::vector<int32_t>& ports) override {
    pb::PortForwardRequest request;
    request.set_pod_sandbox_id(sandbox_id);
    for (int32_t port : ports) request.add_port(port);
    SKIFF_ASSIGN_OR_RETURN(auto response,
                           call(runtime_.get(), &pb::RuntimeService::Stub::PortForward, "PortForward", request));
    return response.url();
  }

  Result<std::vector<Image>> list_images(const std::string& image_filter) override {
    pb::ListImagesRequest request;
    if (!image_filter.empty()) request.mutable_filter()->mutable_image()->set_image(image_filter);
    SKIFF_ASSIGN_OR_RETURN(auto response,
                           call(images_.get(), &pb::ImageService::Stub::ListImages, "ListImages", request));
    std::vector<Image> out;
    for (const pb::Image& image : response.images()) out.push_back(from_proto(image));
    return out;
  }

  Result<std::optional<Image>> image_status(const std::string& image) override {
    pb::ImageStatusRequest request;
    request.mutable_image()->set_image(image);
    SKIFF_ASSIGN_OR_RETURN(auto response,
                           call(images_.get(), &pb::ImageService::Stub::ImageStatus, "ImageStatus", request));
    if (!response.has_image()) return std::optional<Image>();
    return std::optional<Image>(from_proto(response.image()));
  }

  Result<std::string> pull_image(const std::string& image, const std::optional<AuthConfig>& auth,
                                 const PodSandboxConfig* sandbox_config) override {
    pb::PullImageRequest request;
    request.mutable_image()->set_image(image);
    if (auth) to_proto(*auth, request.mutable_auth());
    if (sandbox_config) to_proto(*sandbox_config, request.mutable_sandbox_config());
    SKIFF_ASSIGN_OR_RETURN(auto response, call(images_.get(), &pb::ImageService::Stub::PullImage, "PullImage",
                                               request, options_.pull_timeout));
    return response.image_ref();
  }

  Status remove_image(const std::string& image) override {
    pb::RemoveImageRequest request;
    request.mutable_image()->set_image(image);
    return done(call(images_.get(), &pb::ImageService::Stub::RemoveImage, "RemoveImage", request));
  }

  Result<ImageFsInfo> image_fs_info() override {
    pb::ImageFsInfoRequest request;
    SKIFF_ASSIGN_OR_RETURN(auto response,
                           call(images_.get(), &pb::ImageService::Stub::ImageFsInfo, "ImageFsInfo", request));
    ImageFsInfo out;
    for (const auto& fs : response.image_filesystems()) out.image_filesystems.push_back(from_proto(fs));
    for (const auto& fs : response.container_filesystems()) out.container_filesystems.push_back(from_proto(fs));
    return out;
  }

 private:
  template <class Stub, class Request, class Response>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  template <class Stub, class Request, class Response>
  Result<Response> call(Stub* stub, Method<Stub, Request, Response> method, std::string_view name,
                        const Request& request) {
    return call(stub, method, name, request, options_.call_timeout);
  }

  // deadline zero: none.
  template <class Stub, class Request, class Response>
  Result<Response> call(Stub* stub, Method<Stub, Request, Response> method, std::string_view name,
                        const Request& request, std::chrono::milliseconds deadline) {
    grpc::ClientContext context;
    if (deadline.count() > 0) context.set_deadline(std::chrono::system_clock::now() + deadline);
    Response response;
    grpc::Status status = (stub->*method)(&context, request, &response);
    if (!status.ok()) return error_from(name, status);
    return response;
  }

  template <class Response>
  static Status done(Result<Response>&& result) {
    if (!result.ok()) return std::move(result).error();
    return ok_status();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::RuntimeService::Stub> runtime_;
  std::unique_ptr<pb::ImageService::Stub> images_;
  CriClientOptions options_;
};

}  // namespace

Result<std::unique_ptr<CriClient>> connect_cri_client(const CriClientOptions& options) {
  if (options.socket_path.empty()) return Error::bad_request("CRI: no runtime socket path given");
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  args.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  auto channel = grpc::CreateCustomChannel("unix:" + options.socket_path, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + options.connect_timeout)) {
    return Error::service_unavailable("CRI: no container runtime answers on unix socket " + options.socket_path +
                                      " (is containerd running with that address?)");
  }
  return std::unique_ptr<CriClient>(std::make_unique<GrpcCriClient>(std::move(channel), options));
}

}  // namespace skiff::agent::cri

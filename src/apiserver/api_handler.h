// Routes HTTP requests: health, version, metrics, discovery, OpenAPI, and resource requests
// (decoded here, executed by the Registry, encoded back as JSON, Table or Status).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "api/schema.h"
#include "apiserver/discovery.h"
#include "apiserver/http.h"
#include "apiserver/metrics.h"
#include "apiserver/registry.h"
#include "apiserver/request_info.h"
#include "util/clock.h"

namespace skiff::apiserver {

class PodLogSource;
class ContainerStreamSource;

class ApiHandler final : public HttpHandler {
 public:
  ApiHandler(Registry& registry, const Clock& clock);
  void handle(HttpRequest& request, HttpExchange& exchange) override;

  std::function<bool()> ready = [] { return true; };
  std::string server_address;  // host:port clients reach us at (for /api serverAddressByClientCIDRs)
  // The node agent in this process that serves pods/log (null: none); set once it runs.
  void set_pod_log_source(std::shared_ptr<PodLogSource> source) {
    std::lock_guard lk(pod_logs_mu_);
    pod_log_source_ = std::move(source);
  }
  // ... and pods/exec, attach and portforward.
  void set_container_stream_source(std::shared_ptr<ContainerStreamSource> source) {
    std::lock_guard lk(pod_logs_mu_);
    container_stream_source_ = std::move(source);
  }

 private:
  void handle_resource(HttpRequest& req, const RequestInfo& info, HttpExchange& ex, int& code);
  void handle_non_resource(HttpRequest& req, HttpExchange& ex, int& code);
  void handle_openapi(HttpRequest& req, HttpExchange& ex, int& code);

  void do_list(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info, HttpExchange& ex, int& code);
  void do_watch(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info, HttpExchange& ex, int& code);
  void do_delete_collection(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info, HttpExchange& ex,
                            int& code);
  // Encodes one object for the Accept header (JSON or a one-row Table); `served`, when not
  // empty, is obj already serialized as JSON.
  void send_object(HttpRequest& req, const api::ResourceInfo& r, const Json& obj, int status, HttpExchange& ex,
                   const std::vector<std::string>& warnings, std::string served = {});

  struct OpenApiDocs;
  // Built from the schema registry, and again whenever its generation moves (CRDs come and go).
  std::shared_ptr<const Discovery> discovery();
  std::shared_ptr<const OpenApiDocs> openapi();

  Registry& registry_;
  const Clock& clock_;
  RequestMetrics metrics_;

  std::mutex generated_mu_;
  std::shared_ptr<const Discovery> discovery_;
  uint64_t discovery_generation_ = 0;
  std::shared_ptr<const OpenApiDocs> openapi_;
  uint64_t openapi_generation_ = 0;

  std::shared_ptr<PodLogSource> pod_log_source() {
    std::lock_guard lk(pod_logs_mu_);
    return pod_log_source_;
  }
  std::shared_ptr<ContainerStreamSource> container_stream_source() {
    std::lock_guard lk(pod_logs_mu_);
    return container_stream_source_;
  }
  std::mutex pod_logs_mu_;
  std::shared_ptr<PodLogSource> pod_log_source_;
  std::shared_ptr<ContainerStreamSource> container_stream_source_;
};

// Error -> HTTP response carrying a meta.k8s.io/v1 Status.
HttpResponse status_response(const Error& error);

}  // namespace skiff::apiserver

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

class ApiHandler final : public HttpHandler {
 public:
  ApiHandler(Registry& registry, const Clock& clock);
  void handle(HttpRequest& request, HttpExchange& exchange) override;

  std::function<bool()> ready = [] { return true; };
  std::string server_address;  // host:port clients reach us at (for /api serverAddressByClientCIDRs)

 private:
  void handle_resource(HttpRequest& req, const RequestInfo& info, HttpExchange& ex, int& code);
  void handle_non_resource(HttpRequest& req, HttpExchange& ex, int& code);
  void handle_openapi(HttpRequest& req, HttpExchange& ex, int& code);

  void do_list(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info, HttpExchange& ex, int& code);
  void do_watch(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info, HttpExchange& ex, int& code);
  void do_delete_collection(HttpRequest& req, const api::ResourceInfo& r, const RequestInfo& info, HttpExchange& ex,
                            int& code);
  // Encodes one object for the Accept header (JSON or a one-row Table).
  void send_object(HttpRequest& req, const api::ResourceInfo& r, const Json& obj, int status, HttpExchange& ex,
                   const std::vector<std::string>& warnings);

  Registry& registry_;
  const Clock& clock_;
  Discovery discovery_;
  RequestMetrics metrics_;

  std::once_flag openapi_once_;
  std::string openapi_v2_json_;
  std::string openapi_v2_proto_;
  std::string openapi_v3_index_;
  std::map<std::string, std::string> openapi_v3_docs_;  // "apis/apps/v1" -> document
};

// Error -> HTTP response carrying a meta.k8s.io/v1 Status.
HttpResponse status_response(const Error& error);

}  // namespace skiff::apiserver

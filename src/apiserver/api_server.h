// The API server as a whole: datastore, watch cache, registry, HTTP(S) front end and the
// bootstrap state (default namespaces, the kubernetes Service, TLS material, kubeconfig).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

namespace skiff::apiserver {

class PodLogSource;
class ContainerStreamSource;
class Registry;

struct ApiServerOptions {
  std::string data_dir;                  // TLS material, datastore, admin.kubeconfig
  std::string listen_host = "127.0.0.1";
  uint16_t port = 6443;                  // 0 picks a free port
  bool tls = true;                       // plain HTTP only on loopback
  std::string datastore = "sqlite";      // sqlite | memory
  std::vector<std::string> write_kubeconfig;  // extra kubeconfig paths
  std::vector<std::string> tls_sans;     // extra host names / IPs for the serving certificate
  std::vector<std::string> admission_plugins;  // empty: the defaults
  int64_t default_not_ready_toleration_seconds = 300;
  int64_t default_unreachable_toleration_seconds = 300;
};

class ApiServer {
 public:
  static Result<std::unique_ptr<ApiServer>> start(const ApiServerOptions& options);
  virtual ~ApiServer() = default;

  virtual uint16_t port() const = 0;
  virtual std::string url() const = 0;
  virtual Registry& registry() = 0;
  // The node agent in this process serves pods/log for its node through this (null: none).
  virtual void set_pod_log_source(std::shared_ptr<PodLogSource> source) = 0;
  // ... and exec, attach and port-forward.
  virtual void set_container_stream_source(std::shared_ptr<ContainerStreamSource> source) = 0;
  virtual void stop() = 0;
};

}  // namespace skiff::apiserver

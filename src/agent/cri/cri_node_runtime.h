// A real node: registers this machine as a Node, keeps its Lease fresh, and runs the pods bound to
// it as containers through a CRI runtime (containerd). One worker pass per pod at a time reconciles
// the pod against the CRI; a relist of the CRI every second (the kubelet's PLEG) notices containers
// that exit. Restarting the agent adopts what is running, found by the pod UID label.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "agent/cri/cri_client.h"
#include "client/client.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::client {
class InformerFactory;
}

namespace skiff::agent::cri {

class CriPodLogs;

struct CriNodeOptions {
  std::string node_name;  // empty: the host name, lower-cased
  std::string node_ip;    // the Node's InternalIP and the pods' hostIP; empty: the first non-loopback IPv4
  std::string pod_log_dir = "/var/log/pods";
  std::string pods_dir = "/var/lib/skiff/pods";  // pod volumes: <pods_dir>/<uid>/volumes
  // Image archives (*.tar) imported at start; empty: images/ beside pods_dir (DATA_DIR/images under skiff server).
  std::string images_dir;
  std::string storage_path = "/";  // whose filesystem is the node's ephemeral storage
  int max_pods = 110;
  Json extra_labels = Json::object();
  Json taints = Json::array();

  std::chrono::milliseconds lease_renew_interval{std::chrono::seconds(10)};
  int lease_duration_seconds = 40;
  std::chrono::milliseconds status_report_interval{std::chrono::minutes(1)};
  std::chrono::milliseconds relist_interval{std::chrono::seconds(1)};
  // How often running pods' projected files (configMap, secret, downwardAPI and projected volumes)
  // are brought up to date.
  std::chrono::milliseconds projected_volume_refresh{std::chrono::seconds(10)};
  std::chrono::milliseconds crash_backoff_base{std::chrono::seconds(10)};
  std::chrono::milliseconds crash_backoff_max{std::chrono::minutes(5)};
  // Pods synced at once: a pass blocks on image pulls, sandbox creation and container stops, and
  // the kubelet runs every pod worker concurrently (16 halved the 50-pod p99 against 4).
  int workers = 16;
  bool record_events = true;
};

class CriNodeRuntime {
 public:
  // With a shared informer factory, construct before that factory starts (handlers are added here).
  CriNodeRuntime(client::Client& client, std::unique_ptr<CriClient> cri, CriNodeOptions options,
                 client::InformerFactory* shared = nullptr);
  ~CriNodeRuntime();
  CriNodeRuntime(const CriNodeRuntime&) = delete;
  CriNodeRuntime& operator=(const CriNodeRuntime&) = delete;

  Status start();
  void stop();

  const std::string& node_name() const;
  // The addresses the Node reports (InternalIP, Hostname).
  std::vector<std::string> node_addresses() const;
  // Where the agent's kubelet API listens (status.daemonEndpoints; 10250 unless set): set once it
  // listens, since a port it chose is known only then, and before start().
  void set_kubelet_port(int port);
  bool registered() const;
  // The pod from the informer's cache when it is bound to this node, else null.
  std::shared_ptr<const Json> find_pod(const std::string& ns, const std::string& name) const;
  // Serves `kubectl logs` for the pods of this node.
  std::shared_ptr<CriPodLogs> pod_logs() const;
  // The runtime connection, for exec, attach and port-forward sessions.
  std::shared_ptr<CriClient> cri_client() const;

 private:
  struct Impl;
  struct Gate;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<Gate> gate_;
};

}  // namespace skiff::agent::cri

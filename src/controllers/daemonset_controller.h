// The DaemonSet controller (kube-controller-manager's "daemonset"): one pod per eligible node,
// pinned to it by node affinity for the scheduler to bind; RollingUpdate (maxUnavailable,
// maxSurge) or OnDelete, with history in ControllerRevisions.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/events.h"
#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "controllers/reconciler.h"

namespace skiff::controllers::daemon_set {

class DaemonSetController final : public Controller {
 public:
  explicit DaemonSetController(ControllerContext& ctx);
  ~DaemonSetController() override;
  void run() override;
  void stop() override;

 private:
  // One sync of one DaemonSet.
  struct Round {
    std::string key;
    Json ds;
    std::string hash;  // the current revision's controller-revision-hash
    std::vector<client::ObjectPtr> nodes;
    std::map<std::string, std::vector<Json>> pods_by_node;  // by target node, oldest first
    std::vector<Json> orphaned;  // pods whose node no longer exists
    std::chrono::milliseconds retry_after{0};
  };

  client::ReconcileResult reconcile(const std::string& key);
  void collect_pods(Round& round, const std::vector<client::ObjectPtr>& held) const;
  Status manage(Round& round);
  Status rolling_update(Round& round);
  Status sync_nodes(Round& round, const std::vector<std::string>& pods_to_delete,
                    const std::vector<std::string>& nodes_needing_pods);
  Json status_for(const Round& round) const;
  Status write_status(const Json& ds, Json status);
  bool pod_updated(const Round& round, const Json& pod) const;
  // Exponential backoff before deleting another failed pod of ds on node.
  bool failed_pod_backoff(const std::string& key, const std::string& node, std::chrono::milliseconds& wait);

  void enqueue_all();

  ControllerContext& ctx_;
  client::Informer& daemonsets_;
  client::Informer& pods_;
  client::Informer& nodes_;
  client::Informer& revisions_;
  client::EventRecorder recorder_;
  client::WorkQueue queue_;
  Expectations expectations_;
  std::mutex backoff_mu_;
  std::map<std::string, std::pair<WallTime, std::chrono::milliseconds>> backoff_;  // key/node -> (last, delay)
  ReconcileWorkers workers_{queue_};  // last: joined before the rest is destroyed
};

}  // namespace skiff::controllers::daemon_set

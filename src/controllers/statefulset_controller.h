// The StatefulSet controller (kube-controller-manager's "statefulset"): pods <set>-<ordinal>
// with stable identities and claims, created in order (OrderedReady) or all at once (Parallel),
// updated highest ordinal first down to the partition, history in ControllerRevisions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/labels.h"
#include "client/events.h"
#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"
#include "controllers/reconciler.h"

namespace skiff::controllers::stateful_set {

class StatefulSetController final : public Controller {
 public:
  explicit StatefulSetController(ControllerContext& ctx);
  ~StatefulSetController() override;
  void run() override;
  void stop() override;

 private:
  // One sync of one set: the revisions it runs and the pods it sees, by ordinal.
  struct Round {
    std::string key;
    Json set;
    api::LabelSelector selector;
    Json current_set;  // set with the current revision's template
    Json update_set;   // set with the update revision's template
    std::string current_revision;
    std::string update_revision;
    bool monotonic = true;
    std::vector<Json> replicas;   // index ordinal - start; uncreated pods have no metadata.uid
    std::vector<Json> condemned;  // ordinals out of range, highest first
    std::string first_unhealthy;  // the pod OrderedReady may delete although it is not healthy
    int64_t deleted_for_update = 0;  // current-revision pods this round deleted to update them
  };

  client::ReconcileResult reconcile(const std::string& key);
  Status sync(Round& round);
  // Each returns whether the round must stop here (OrderedReady waits).
  Result<bool> process_replica(Round& round, size_t i);
  Result<bool> process_condemned(Round& round, size_t i);
  Status rolling_update(Round& round);

  Status create_pod(Round& round, const Json& pod);
  Status delete_pod(Round& round, const Json& pod);
  Status create_missing_claims(Round& round, const Json& pod);
  Status fix_claim_owners(Round& round, const Json& pod, bool scaled_down);
  bool claims_stale(const Round& round, const Json& pod) const;

  Json compute_status(const Round& round, int64_t collision_count) const;
  Status write_status(const Json& set, Json status);

  ControllerContext& ctx_;
  client::Informer& sets_;
  client::Informer& pods_;
  client::Informer& claims_;
  client::Informer& revisions_;
  client::EventRecorder recorder_;
  client::WorkQueue queue_;
  Expectations expectations_;
  ReconcileWorkers workers_{queue_};  // last: joined before the rest is destroyed
};

}  // namespace skiff::controllers::stateful_set

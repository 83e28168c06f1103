// ControllerRevision history for workloads that snapshot their pod template (StatefulSet,
// DaemonSet; independent of Deployments, which keep history in ReplicaSets): template hashes
// and revision names, the patch a revision stores (what `kubectl rollout undo` re-applies),
// finding or creating the revision of the current template, and history truncation.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"
#include "client/informer.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::api {
class LabelSelector;
}

namespace skiff::controllers::revisions {

// Label carrying a revision's hash on StatefulSet revisions (history.ControllerRevisionHashLabel).
inline constexpr const char* kHashLabel = "controller.kubernetes.io/hash";
// Label carrying the revision on pods (and on DaemonSet revisions).
inline constexpr const char* kPodRevisionLabel = "controller-revision-hash";

// FNV-32a of value's compact JSON text (plus the collision count), rendered as Kubernetes
// renders hashes: the decimal digits mapped onto "bcdfghjklmnpqrstvwxz2456789" ("6c5b8d4f9").
std::string hash_json(const Json& value, int64_t collision_count);
// "<parent>-<hash>", the parent cut to 223 characters so the name stays a valid one.
std::string revision_name(std::string_view parent, std::string_view hash);

// {"spec":{"template":{...,"$patch":"replace"}}}: a strategic merge patch restoring workload's
// pod template. This is a revision's data.
Json template_patch(const Json& workload);
// workload with spec.template as recorded in revision (its data's spec.template).
Json apply_revision(const Json& workload, const Json& revision);
int64_t revision_number(const Json& revision);

// The ControllerRevisions in informer controlled by owner, oldest first (by revision number,
// then creation time, then name). The informer carries kControllerIndex (ownership.h).
std::vector<client::ObjectPtr> owned_revisions(const client::Informer& informer, const Json& owner);
// The same after claiming (claim.h) the revisions owner's selector matches: orphans are adopted,
// so a workload recreated after --cascade=orphan keeps its history and its pods their revision
// (an owner being deleted adopts none but still counts them). The informer also carries
// kOrphanIndex.
std::vector<client::ObjectPtr> claim_revisions(client::Client& client, const client::Informer& informer,
                                               const Json& owner, const api::ResourceInfo& owner_resource,
                                               const api::LabelSelector& selector);

// What a new revision of owner looks like for a given collision count.
struct Snapshot {
  Json data;         // stored as the revision's data and compared to find an equal revision
  std::string hash;  // names the revision: <owner>-<hash>
  Json labels = Json::object();
  std::string hash_label = kHashLabel;  // the label set to hash on the revision
  Json annotations = Json::object();
};
using SnapshotFn = std::function<Snapshot(int64_t collision_count)>;

// The revision of owner's current template: an equal revision in history (renumbered to come
// last when it is not: a rollback), else a new one numbered after the last. A name taken by a
// different revision bumps collision_count and retries, as Kubernetes does.
Result<Json> current_revision(client::Client& client, const Json& owner, const std::vector<client::ObjectPtr>& history,
                              const SnapshotFn& snapshot, int64_t& collision_count);

// Deletes the oldest revisions whose names are not in live until at most limit non-live remain.
Status truncate_history(client::Client& client, const std::vector<client::ObjectPtr>& history,
                        const std::set<std::string>& live, int64_t limit);

}  // namespace skiff::controllers::revisions

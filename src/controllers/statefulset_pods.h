// A StatefulSet's pod identities and storage: ordinal names, identity labels, hostname and
// subdomain, the PersistentVolumeClaims from volumeClaimTemplates and the owner references
// that carry persistentVolumeClaimRetentionPolicy.
#pragma once

#include <string>
#include <vector>

#include "util/clock.h"
#include "util/json.h"

namespace skiff::controllers::stateful_set {

inline constexpr const char* kPodNameLabel = "statefulset.kubernetes.io/pod-name";
inline constexpr const char* kPodIndexLabel = "apps.kubernetes.io/pod-index";

int64_t replicas_of(const Json& set);  // spec.replicas, default 1
int64_t start_ordinal(const Json& set);  // spec.ordinals.start, default 0
bool in_ordinal_range(int64_t ordinal, const Json& set);
// The ordinal in "<set>-<ordinal>", or -1 when name is not a pod name of set.
int64_t ordinal_of(const std::string& pod_name, const std::string& set_name);
std::string pod_name(const std::string& set_name, int64_t ordinal);
std::string claim_name(const std::string& template_name, const std::string& set_name, int64_t ordinal);

// The pod for ordinal from set's template (set as restored from a revision), labelled with
// revision (the ControllerRevision name).
Json new_pod(const Json& set, int64_t ordinal, const std::string& revision);
// The claims the pod at ordinal needs, one per volumeClaimTemplate (labels: the template's plus
// the set's matchLabels).
std::vector<Json> claims_for(const Json& set, int64_t ordinal);

// Rewrites claim's ownerReferences for the set's retention policy: whenDeleted=Delete owns the
// claim by the set, whenScaled=Delete by the pod once the pod is scaled away. pod may be null
// (not created yet). Returns whether anything changed.
bool apply_retention_policy(Json& claim, const Json& set, const Json* pod, bool pod_scaled_down);
// A claim still owned by an earlier pod of the same name (which whenScaled=Delete will delete):
// the pod must not be recreated until that claim is gone.
bool claim_is_stale(const Json& claim, const Json& set, const std::string& pod_name);

// Pod state as the StatefulSet controller judges it.
bool running_and_ready(const Json& pod);
bool running_and_available(const Json& pod, int64_t min_ready_seconds, WallTime now);
bool terminated(const Json& pod);  // phase Failed or Succeeded
bool healthy(const Json& pod);     // running, ready and not being deleted

}  // namespace skiff::controllers::stateful_set

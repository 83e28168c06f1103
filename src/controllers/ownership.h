// Helpers shared by controllers: owner references, pod state, pods from templates, and
// expectations (the writes a controller made that its informer has not seen yet).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "util/clock.h"
#include "util/json.h"

namespace skiff::controllers {

// An ownerReference to owner (which has apiVersion, kind, metadata.name/uid).
Json controller_ref(const Json& owner);
// metadata.ownerReferences, or an empty array.
Json owner_references(const Json& obj);
// The ownerReference with controller: true, if any.
const Json* controller_of(const Json& obj);
bool owned_by(const Json& obj, const std::string& owner_uid);

std::string name_of(const Json& obj);
std::string namespace_of(const Json& obj);
std::string uid_of(const Json& obj);
std::string resource_version_of(const Json& obj);
bool being_deleted(const Json& obj);

// Informer indexes shared by controllers: objects by their controller's uid, and objects with
// no controller by namespace (candidates for adoption).
inline constexpr const char* kControllerIndex = "controller-uid";
inline constexpr const char* kOrphanIndex = "orphans-by-namespace";
std::vector<std::string> controller_uid_index(const Json& obj);
std::vector<std::string> orphan_namespace_index(const Json& obj);

// Pod state as controllers judge it.
bool pod_active(const Json& pod);  // not terminal and not being deleted
bool pod_ready(const Json& pod);
// Ready for at least min_ready_seconds (kube's IsPodAvailable).
bool pod_available(const Json& pod, int64_t min_ready_seconds, WallTime now);
// The PersistentVolumeClaims the pod's volumes name, as "namespace/claim" keys.
std::vector<std::string> pod_claim_keys(const Json& pod);
// The status condition of the given type, or nullptr.
const Json* find_condition(const Json& obj, std::string_view type);
// Sets (or replaces) a status condition; lastTransitionTime moves only when status changes.
// Returns whether anything changed.
bool set_condition(Json& status, Json condition, WallTime now);

// An IntOrString such as maxSurge: an integer, or "25%" of total rounded up or down.
int64_t int_or_percent(const Json& value, int64_t total, bool round_up, int64_t fallback = 0);

// A new Pod from template (spec.template of a workload), owned by owner, named generate_name*.
Json pod_from_template(const Json& pod_template, const Json& owner, const std::string& generate_name);

// Creations and deletions a controller issued and is waiting to see in its informer, per
// controller key. While unsatisfied the controller must not act on stale counts; entries
// expire after a timeout as client-go's do (5 min) in case an event was missed.
class Expectations {
 public:
  void expect(const std::string& key, int adds, int deletes);
  void observed_add(const std::string& key);
  void observed_delete(const std::string& key);
  bool satisfied(const std::string& key) const;
  void forget(const std::string& key);

 private:
  struct Entry {
    int adds = 0;
    int deletes = 0;
    std::chrono::steady_clock::time_point since;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace skiff::controllers

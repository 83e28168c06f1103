// One StatefulSet sync, as Kubernetes' updateStatefulSet: fill every ordinal in range (claims
// first), delete pods out of range highest first, then replace old-revision pods highest
// first down to the partition. OrderedReady stops at the first pod that is not yet Running and
// Ready (or Available); Parallel does everything it can at once.
#include <algorithm>
#include <functional>
#include <optional>

#include "controllers/claim.h"
#include "controllers/controller_revision.h"
#include "controllers/statefulset_controller.h"
#include "controllers/statefulset_pods.h"

namespace skiff::controllers::stateful_set {
namespace {

bool created(const Json& pod) { return find_path(pod, "metadata.uid") != nullptr; }

std::string revision_of(const Json& pod) {
  const Json* labels = find_path(pod, "metadata.labels");
  return labels && labels->is_object() ? labels->value(revisions::kPodRevisionLabel, "") : "";
}

std::string phase_of(const Json& pod) {
  const Json* phase = find_path(pod, "status.phase");
  return phase && phase->is_string() ? phase->get<std::string>() : "";
}

int64_t min_ready_seconds(const Json& set) {
  const Json* v = find_path(set, "spec.minReadySeconds");
  return v && v->is_number_integer() ? v->get<int64_t>() : 0;
}

bool rolling_update_strategy(const Json& set) {
  const Json* type = find_path(set, "spec.updateStrategy.type");
  return !type || !type->is_string() || *type == "RollingUpdate";
}

// Kubernetes' newVersionedStatefulSetPod: ordinals below the partition (or, without a
// rollingUpdate block, below the current replica count) stay at the current revision.
Json versioned_pod(const Json& current_set, const Json& update_set,
                   const std::string& current_revision, const std::string& update_revision, int64_t ordinal) {
  const Json* ru = find_path(current_set, "spec.updateStrategy.rollingUpdate");
  const int64_t start = start_ordinal(current_set);
  bool at_current = false;
  if (ru && ru->is_object()) {
    at_current = ordinal < start + ru->value("partition", int64_t{0});
  } else if (rolling_update_strategy(current_set)) {
    const Json* current = find_path(current_set, "status.currentReplicas");
    at_current = ordinal < start + (current && current->is_number_integer() ? current->get<int64_t>() : 0);
  }
  return at_current ? new_pod(current_set, ordinal, current_revision) : new_pod(update_set, ordinal, update_revision);
}

}  // namespace

Status StatefulSetController::sync(Round& round) {
  const Json& set = round.set;
  const std::string set_name = name_of(set);
  const int64_t start = start_ordinal(set);
  const int64_t count = std::max<int64_t>(replicas_of(set), 0);

  round.replicas.assign(static_cast<size_t>(count), Json());
  std::vector<std::pair<int64_t, Json>> condemned;
  auto named_after_set = [&set_name](const Json& pod) { return ordinal_of(name_of(pod), set_name) >= 0; };
  const std::vector<client::ObjectPtr> held =
      claim(ctx_.client, {set, sets_.resource(), pods_.resource(), round.selector, named_after_set},
            pods_.by_index(kControllerIndex, uid_of(set)), pods_.by_index(kOrphanIndex, namespace_of(set)));
  for (const auto& pod : held) {
    int64_t ordinal = ordinal_of(name_of(*pod), set_name);
    if (ordinal < 0) continue;
    if (in_ordinal_range(ordinal, set))
      round.replicas[static_cast<size_t>(ordinal - start)] = *pod;
    else
      condemned.emplace_back(ordinal, *pod);
  }
  std::sort(condemned.begin(), condemned.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& [ordinal, pod] : condemned) round.condemned.push_back(std::move(pod));
  for (int64_t i = 0; i < count; ++i)
    if (round.replicas[static_cast<size_t>(i)].is_null())
      round.replicas[static_cast<size_t>(i)] = versioned_pod(round.current_set, round.update_set,
                                                             round.current_revision, round.update_revision, start + i);

  for (const auto& pod : round.replicas)
    if (!healthy(pod) && round.first_unhealthy.empty()) round.first_unhealthy = name_of(pod);
  for (auto it = round.condemned.rbegin(); it != round.condemned.rend(); ++it)
    if (!healthy(*it) && round.first_unhealthy.empty()) round.first_unhealthy = name_of(*it);

  if (being_deleted(set)) return ok_status();

  // Every step runs for each pod; OrderedReady stops at the first that must wait, Parallel
  // carries on and reports the first error at the end.
  auto run_for_all = [&round](size_t n, const std::function<Result<bool>(size_t)>& step) -> Result<bool> {
    std::optional<Error> first_error;
    for (size_t i = 0; i < n; ++i) {
      auto stop = step(i);
      if (!stop.ok()) {
        if (round.monotonic) return std::move(stop).error();
        if (!first_error) first_error = stop.error();
        continue;
      }
      if (*stop && round.monotonic) return true;
    }
    if (first_error) return *first_error;
    return false;
  };

  SKIFF_ASSIGN_OR_RETURN(bool stop, run_for_all(round.replicas.size(), [&](size_t i) { return process_replica(round, i); }));
  if (stop) return ok_status();
  SKIFF_ASSIGN_OR_RETURN(stop, run_for_all(round.condemned.size(), [&](size_t i) -> Result<bool> {
                           SKIFF_TRY(fix_claim_owners(round, round.condemned[i], true));
                           return false;
                         }));
  if (stop) return ok_status();
  SKIFF_ASSIGN_OR_RETURN(stop, run_for_all(round.condemned.size(), [&](size_t i) { return process_condemned(round, i); }));
  if (stop) return ok_status();

  if (!rolling_update_strategy(set)) return ok_status();  // OnDelete: pods change when users delete them
  return rolling_update(round);
}

Result<bool> StatefulSetController::process_replica(Round& round, size_t i) {
  const Json& pod = round.replicas[i];
  const WallTime now = ctx_.clock.now();
  if (created(pod) && terminated(pod)) {
    // Failed or Succeeded: the next sync recreates it once it is gone.
    if (!being_deleted(pod)) SKIFF_TRY(delete_pod(round, pod));
    return true;
  }
  if (!created(pod)) {
    if (claims_stale(round, pod)) return true;
    SKIFF_TRY(create_pod(round, pod));
    return round.monotonic;
  }
  if (phase_of(pod) == "Pending") SKIFF_TRY(create_missing_claims(round, pod));
  if (round.monotonic) {
    if (being_deleted(pod)) return true;
    if (!running_and_ready(pod)) return true;
    if (!running_and_available(pod, min_ready_seconds(round.set), now)) return true;
  }
  SKIFF_TRY(fix_claim_owners(round, pod, false));
  return false;
}

Result<bool> StatefulSetController::process_condemned(Round& round, size_t i) {
  const Json& pod = round.condemned[i];
  if (being_deleted(pod)) return round.monotonic;
  if (round.monotonic && name_of(pod) != round.first_unhealthy) {
    if (!running_and_ready(pod)) return true;
    if (!running_and_available(pod, min_ready_seconds(round.set), ctx_.clock.now())) return true;
  }
  SKIFF_TRY(delete_pod(round, pod));
  return true;
}

Status StatefulSetController::rolling_update(Round& round) {
  const Json* ru = find_path(round.set, "spec.updateStrategy.rollingUpdate");
  const int64_t partition = ru && ru->is_object() ? std::max<int64_t>(0, ru->value("partition", int64_t{0})) : 0;
  const auto n = static_cast<int64_t>(round.replicas.size());
  auto outdated = [&round](const Json& pod) {
    return revision_of(pod) != round.update_revision && !being_deleted(pod);
  };

  if (ru && ru->is_object() && ru->contains("maxUnavailable")) {
    // maxUnavailable: replace up to that many pods at once, counting the ones already down.
    int64_t max_unavailable = std::max<int64_t>(1, int_or_percent((*ru)["maxUnavailable"], n, false, 1));
    int64_t unavailable = 0;
    for (const auto& pod : round.replicas)
      if (!healthy(pod)) ++unavailable;
    int64_t budget = max_unavailable - unavailable;
    for (int64_t target = n - 1; target >= partition && budget > 0; --target) {
      const Json& pod = round.replicas[static_cast<size_t>(target)];
      if (!created(pod) || !outdated(pod)) continue;
      SKIFF_TRY(delete_pod(round, pod));
      ++round.deleted_for_update;
      --budget;
    }
    return ok_status();
  }

  for (int64_t target = n - 1; target >= partition; --target) {
    const Json& pod = round.replicas[static_cast<size_t>(target)];
    if (outdated(pod)) {
      if (created(pod)) {
        SKIFF_TRY(delete_pod(round, pod));
        ++round.deleted_for_update;
      }
      return ok_status();
    }
    if (!healthy(pod)) return ok_status();  // wait for the updated pod
  }
  return ok_status();
}

Status StatefulSetController::create_pod(Round& round, const Json& pod) {
  const std::string name = name_of(pod), set_name = name_of(round.set), ns = namespace_of(round.set);
  if (auto claims = create_missing_claims(round, pod); !claims.ok()) {
    recorder_.record(round.set, "Warning", "FailedCreate",
                     "create Pod " + name + " in StatefulSet " + set_name + " failed error: " + claims.error().message);
    return claims;
  }
  expectations_.expect(round.key, 1, 0);
  auto made = ctx_.client.create(pods_.resource(), ns, pod);
  if (!made.ok()) {
    expectations_.observed_add(round.key);
    if (made.error().reason != "AlreadyExists")
      recorder_.record(round.set, "Warning", "FailedCreate",
                       "create Pod " + name + " in StatefulSet " + set_name + " failed error: " + made.error().message);
    return std::move(made).error();
  }
  if (auto owners = fix_claim_owners(round, *made, false); !owners.ok()) {
    recorder_.record(round.set, "Warning", "FailedUpdate",
                     "update Pod " + name + " in StatefulSet " + set_name + " failed error: " + owners.error().message);
    return owners;
  }
  recorder_.record(round.set, "Normal", "SuccessfulCreate",
                   "create Pod " + name + " in StatefulSet " + set_name + " successful");
  return ok_status();
}

Status StatefulSetController::delete_pod(Round& round, const Json& pod) {
  const std::string name = name_of(pod), set_name = name_of(round.set);
  expectations_.expect(round.key, 0, 1);
  auto removed = ctx_.client.remove(pods_.resource(), namespace_of(pod), name);
  if (!removed.ok()) {
    expectations_.observed_delete(round.key);
    if (removed.error().code == 404) return ok_status();
    recorder_.record(round.set, "Warning", "FailedDelete",
                     "delete Pod " + name + " in StatefulSet " + set_name + " failed error: " + removed.error().message);
    return std::move(removed).error();
  }
  recorder_.record(round.set, "Normal", "SuccessfulDelete",
                   "delete Pod " + name + " in StatefulSet " + set_name + " successful");
  return ok_status();
}

Status StatefulSetController::create_missing_claims(Round& round, const Json& pod) {
  const std::string pod_name = name_of(pod), set_name = name_of(round.set);
  const int64_t ordinal = ordinal_of(pod_name, set_name);
  std::optional<Error> first_error;
  for (Json& claim : claims_for(round.set, ordinal)) {
    const std::string cname = name_of(claim);
    if (client::ObjectPtr existing = claims_.get(namespace_of(claim), cname)) {
      if (being_deleted(*existing) && !first_error) first_error = Error::conflict("pvc " + cname + " is being deleted");
      continue;
    }
    auto made = ctx_.client.create(claims_.resource(), namespace_of(claim), claim);
    if (made.ok()) {
      recorder_.record(round.set, "Normal", "SuccessfulCreate",
                       "create Claim " + cname + " Pod " + pod_name + " in StatefulSet " + set_name + " success");
    } else if (made.error().reason != "AlreadyExists") {
      recorder_.record(round.set, "Warning", "FailedCreate",
                       "create Claim " + cname + " for Pod " + pod_name + " in StatefulSet " + set_name +
                           " failed error: " + made.error().message);
      if (!first_error) first_error = Error(made.error().code, made.error().reason,
                                            "failed to create PVC " + cname + ": " + made.error().message);
    }
  }
  if (first_error) return *first_error;
  return ok_status();
}

Status StatefulSetController::fix_claim_owners(Round& round, const Json& pod, bool scaled_down) {
  const int64_t ordinal = ordinal_of(name_of(pod), name_of(round.set));
  for (const Json& wanted : claims_for(round.set, ordinal)) {
    client::ObjectPtr existing = claims_.get(namespace_of(wanted), name_of(wanted));
    if (!existing || being_deleted(*existing)) continue;
    Json claim = *existing;
    if (!apply_retention_policy(claim, round.set, created(pod) ? &pod : nullptr, scaled_down)) continue;
    const std::string ns = namespace_of(claim);
    auto updated = ctx_.client.update(claims_.resource(), ns, std::move(claim));
    if (!updated.ok())
      return Error(updated.error().code, updated.error().reason,
                   "Could not update claim " + name_of(wanted) + " for delete policy ownerRefs: " +
                       updated.error().message);
  }
  return ok_status();
}

bool StatefulSetController::claims_stale(const Round& round, const Json& pod) const {
  const std::string pod_name = name_of(pod);
  for (const Json& wanted : claims_for(round.set, ordinal_of(pod_name, name_of(round.set)))) {
    client::ObjectPtr existing = claims_.get(namespace_of(wanted), name_of(wanted));
    if (existing && claim_is_stale(*existing, round.set, pod_name)) return true;
  }
  return false;
}

}  // namespace skiff::controllers::stateful_set

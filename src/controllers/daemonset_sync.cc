// Placing and replacing a DaemonSet's pods, as Kubernetes' manage() and rollingUpdate(): a pod
// on every node that should run one, none elsewhere; failed pods deleted (with backoff per node)
// so the next sync recreates them; old-revision pods replaced within maxUnavailable, or, with
// maxSurge, new pods started beside old ones that go once the new ones are available.
#include <algorithm>
#include <optional>
#include <set>

#include "controllers/controller_revision.h"
#include "controllers/daemonset_controller.h"
#include "controllers/daemonset_placement.h"

namespace skiff::controllers::daemon_set {
namespace {

constexpr std::chrono::milliseconds kFailedPodBackoffBase = std::chrono::seconds(1);
constexpr std::chrono::milliseconds kFailedPodBackoffMax = std::chrono::minutes(15);

const Json& template_spec(const Json& ds) {
  static const Json kEmpty = Json::object();
  const Json* spec = find_path(ds, "spec.template.spec");
  return spec && spec->is_object() ? *spec : kEmpty;
}

std::string phase_of(const Json& pod) {
  const Json* phase = find_path(pod, "status.phase");
  return phase && phase->is_string() ? phase->get<std::string>() : "";
}

int64_t min_ready_seconds(const Json& ds) {
  const Json* v = find_path(ds, "spec.minReadySeconds");
  return v && v->is_number_integer() ? v->get<int64_t>() : 0;
}

const Json* rolling_update_of(const Json& ds) {
  const Json* type = find_path(ds, "spec.updateStrategy.type");
  if (type && type->is_string() && *type != "RollingUpdate") return nullptr;
  const Json* ru = find_path(ds, "spec.updateStrategy.rollingUpdate");
  return ru && ru->is_object() ? ru : nullptr;
}

// Kubernetes' allowSurge: a rolling update whose maxSurge is not zero.
bool allows_surge(const Json& ds) {
  const Json* ru = rolling_update_of(ds);
  if (!ru || !ru->contains("maxSurge")) return false;
  const Json& surge = (*ru)["maxSurge"];
  return int_or_percent(surge, 100, true, 0) != 0;
}

}  // namespace

bool DaemonSetController::failed_pod_backoff(const std::string& key, const std::string& node,
                                             std::chrono::milliseconds& wait) {
  std::lock_guard lk(backoff_mu_);
  const WallTime now = ctx_.clock.now();
  auto [it, fresh] = backoff_.try_emplace(key + "/" + node, now, kFailedPodBackoffBase);
  if (!fresh) {
    auto& [last, delay] = it->second;
    auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - last);
    if (since < delay) {
      wait = delay - since;
      return true;
    }
    last = now;
    delay = std::min(delay * 2, kFailedPodBackoffMax);
  }
  return false;
}

Status DaemonSetController::manage(Round& round) {
  const Json& spec = template_spec(round.ds);
  const bool surge = allows_surge(round.ds);
  const WallTime now = ctx_.clock.now();
  std::vector<std::string> needing, to_delete;
  auto delete_later = [&to_delete](const Json& pod) {
    if (!being_deleted(pod)) to_delete.push_back(name_of(pod));
  };

  for (const auto& node_ptr : round.nodes) {
    const Json& node = *node_ptr;
    const std::string node_name = name_of(node);
    const Placement placement = placement_on(node, spec);
    auto found = round.pods_by_node.find(node_name);
    const bool exists = found != round.pods_by_node.end() && !found->second.empty();

    if (placement.should_run && !exists) {
      needing.push_back(node_name);
      continue;
    }
    if (!placement.should_continue_running) {
      if (exists)
        for (const auto& pod : found->second) delete_later(pod);
      continue;
    }

    std::vector<const Json*> running;  // oldest first, as pods_by_node is sorted
    for (const auto& pod : found->second) {
      if (being_deleted(pod)) continue;
      if (phase_of(pod) != "Failed") {
        running.push_back(&pod);
        continue;
      }
      std::chrono::milliseconds wait{0};
      if (failed_pod_backoff(round.key, node_name, wait)) {
        if (round.retry_after.count() == 0 || wait < round.retry_after) round.retry_after = wait;
        continue;
      }
      recorder_.record(round.ds, "Warning", "FailedDaemonPod",
                       "Found failed daemon pod " + namespace_of(pod) + "/" + name_of(pod) + " on node " + node_name +
                           ", will try to kill it");
      to_delete.push_back(name_of(pod));
    }

    if (!surge) {
      for (size_t i = 1; i < running.size(); ++i) to_delete.push_back(name_of(*running[i]));
      continue;
    }
    if (running.size() <= 1) {
      if (running.empty() && placement.should_run) needing.push_back(node_name);
      continue;
    }
    // Surging: keep the oldest new pod, and the oldest old pod only while it is ready and the
    // new one is not yet available.
    const Json* oldest_new = nullptr;
    const Json* oldest_old = nullptr;
    for (const Json* pod : running) {
      bool is_new = pod_updated(round, *pod);
      const Json*& slot = is_new ? oldest_new : oldest_old;
      if (!slot) {
        slot = pod;
        continue;
      }
      to_delete.push_back(name_of(*pod));
    }
    if (oldest_new && oldest_old &&
        (!pod_ready(*oldest_old) || pod_available(*oldest_new, min_ready_seconds(round.ds), now)))
      to_delete.push_back(name_of(*oldest_old));
  }
  // Pods left on nodes that are gone.
  for (const auto& pod : round.orphaned) delete_later(pod);
  return sync_nodes(round, to_delete, needing);
}

Status DaemonSetController::rolling_update(Round& round) {
  const Json* ru = rolling_update_of(round.ds);
  const Json& spec = template_spec(round.ds);
  const WallTime now = ctx_.clock.now();
  const int64_t min_ready = min_ready_seconds(round.ds);

  std::map<std::string, std::vector<Json>> by_node = round.pods_by_node;
  std::map<std::string, bool> should_run;
  int64_t desired = 0;
  for (const auto& node : round.nodes) {
    bool run = placement_on(*node, spec).should_run;
    should_run[name_of(*node)] = run;
    if (!run) continue;
    ++desired;
    by_node.try_emplace(name_of(*node));
  }
  int64_t max_unavailable = ru && ru->contains("maxUnavailable") ? int_or_percent((*ru)["maxUnavailable"], desired, true, 1) : 1;
  int64_t max_surge = ru && ru->contains("maxSurge") ? int_or_percent((*ru)["maxSurge"], desired, true, 0) : 0;
  if (desired > 0 && max_unavailable == 0 && max_surge == 0) max_unavailable = 1;

  // At most one new and one old live pod per node, else manage() has cleaning up to do.
  auto split = [&](const std::vector<Json>& pods, const Json*& fresh, const Json*& old) {
    fresh = old = nullptr;
    for (const auto& pod : pods) {
      if (being_deleted(pod)) continue;
      const Json*& slot = pod_updated(round, pod) ? fresh : old;
      if (slot) return false;
      slot = &pod;
    }
    return true;
  };

  if (max_surge == 0) {
    int64_t unavailable = 0;
    std::vector<std::string> replace_now, candidates;
    for (const auto& [node, pods] : by_node) {
      const Json *fresh, *old;
      if (!split(pods, fresh, old) || (!fresh && !old) || (fresh && old)) {
        ++unavailable;
        continue;
      }
      if (fresh) {
        if (!pod_available(*fresh, min_ready, now)) ++unavailable;
        continue;
      }
      if (!pod_available(*old, min_ready, now)) {
        replace_now.push_back(name_of(*old));
        ++unavailable;
      } else if (unavailable < max_unavailable) {
        candidates.push_back(name_of(*old));
      }
    }
    int64_t budget = std::clamp<int64_t>(max_unavailable - unavailable, 0, static_cast<int64_t>(candidates.size()));
    replace_now.insert(replace_now.end(), candidates.begin(), candidates.begin() + budget);
    return sync_nodes(round, replace_now, {});
  }

  int64_t surged = 0;
  std::vector<std::string> old_to_delete, surge_now, surge_candidates;
  for (const auto& [node, pods] : by_node) {
    const Json *fresh, *old;
    if (!split(pods, fresh, old) || !old) continue;
    if (!fresh) {
      if (!pod_available(*old, min_ready, now)) {
        if (!should_run[node]) {
          old_to_delete.push_back(name_of(*old));
          continue;
        }
        surge_now.push_back(node);
      } else if (surged < max_surge) {
        surge_candidates.push_back(node);
      }
      continue;
    }
    if (!pod_available(*fresh, min_ready, now)) {
      ++surged;
      continue;
    }
    old_to_delete.push_back(name_of(*old));
  }
  int64_t budget = std::clamp<int64_t>(max_surge - surged, 0, static_cast<int64_t>(surge_candidates.size()));
  surge_now.insert(surge_now.end(), surge_candidates.begin(), surge_candidates.begin() + budget);
  return sync_nodes(round, old_to_delete, surge_now);
}

Status DaemonSetController::sync_nodes(Round& round, const std::vector<std::string>& pods_to_delete,
                                       const std::vector<std::string>& nodes_needing_pods) {
  if (pods_to_delete.empty() && nodes_needing_pods.empty()) return ok_status();
  const std::string ns = namespace_of(round.ds);
  expectations_.expect(round.key, static_cast<int>(nodes_needing_pods.size()), static_cast<int>(pods_to_delete.size()));

  Json tmpl = find_path(round.ds, "spec.template") ? round.ds["spec"]["template"] : Json::object();
  if (!tmpl["spec"].is_object()) tmpl["spec"] = Json::object();
  add_daemon_tolerations(tmpl["spec"]);
  if (!tmpl["metadata"].is_object()) tmpl["metadata"] = Json::object();
  if (!tmpl["metadata"]["labels"].is_object()) tmpl["metadata"]["labels"] = Json::object();
  tmpl["metadata"]["labels"][revisions::kPodRevisionLabel] = round.hash;
  if (const Json* a = find_path(round.ds, "metadata.annotations"); a && a->is_object()) {
    std::string generation = a->value("deprecated.daemonset.template.generation", "");
    if (!generation.empty()) tmpl["metadata"]["labels"]["pod-template-generation"] = generation;
  }

  std::optional<Error> first_error;
  for (const auto& node : nodes_needing_pods) {
    Json pod = pod_from_template(tmpl, round.ds, name_of(round.ds) + "-");
    pin_to_node(pod["spec"], node);
    auto made = ctx_.client.create(pods_.resource(), ns, std::move(pod));
    if (made.ok()) {
      recorder_.record(round.ds, "Normal", "SuccessfulCreate", "Created pod: " + name_of(*made));
      continue;
    }
    expectations_.observed_add(round.key);
    recorder_.record(round.ds, "Warning", "FailedCreate", "Error creating: " + made.error().message);
    if (!first_error) first_error = made.error();
  }
  for (const auto& name : pods_to_delete) {
    auto removed = ctx_.client.remove(pods_.resource(), ns, name);
    if (removed.ok()) {
      recorder_.record(round.ds, "Normal", "SuccessfulDelete", "Deleted pod: " + name);
      continue;
    }
    expectations_.observed_delete(round.key);
    if (removed.error().code == 404) continue;
    recorder_.record(round.ds, "Warning", "FailedDelete", "Error deleting: " + removed.error().message);
    if (!first_error) first_error = removed.error();
  }
  if (first_error) return *first_error;
  return ok_status();
}

}  // namespace skiff::controllers::daemon_set

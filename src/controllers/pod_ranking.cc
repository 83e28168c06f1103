#include "controllers/pod_ranking.h"

#include <algorithm>

#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

struct Rank {
  int assigned;      // 0 unassigned
  int phase;         // 0 Pending, 1 Unknown, 2 Running
  int ready;         // 0 not ready
  int64_t ready_for; // seconds ready (less first)
  int64_t restarts;  // more first -> stored negated
  std::string created;  // newer first -> compared reversed
};

Rank rank_of(const Json& pod, WallTime now) {
  Rank r{};
  r.assigned = find_path(pod, "spec.nodeName") && !get_string(pod["spec"], "nodeName").empty() ? 1 : 0;
  std::string phase = find_path(pod, "status.phase") ? get_string(pod["status"], "phase") : "";
  r.phase = phase == "Pending" ? 0 : phase == "Running" ? 2 : 1;
  r.ready = pod_ready(pod) ? 1 : 0;
  if (const Json* ready = find_condition(pod, "Ready"); ready && r.ready) {
    if (auto since = parse_rfc3339(ready->value("lastTransitionTime", "")))
      r.ready_for = std::chrono::duration_cast<std::chrono::seconds>(now - *since).count();
  }
  int64_t restarts = 0;
  if (const Json* statuses = find_path(pod, "status.containerStatuses"); statuses && statuses->is_array())
    for (const auto& s : *statuses) restarts = std::max(restarts, s.value("restartCount", int64_t{0}));
  r.restarts = -restarts;
  r.created = find_path(pod, "metadata.creationTimestamp") ? get_string(pod["metadata"], "creationTimestamp") : "";
  return r;
}

}  // namespace

void rank_pods_for_deletion(std::vector<client::ObjectPtr>& pods, WallTime now) {
  std::vector<std::pair<Rank, client::ObjectPtr>> ranked;
  ranked.reserve(pods.size());
  for (auto& p : pods) ranked.emplace_back(rank_of(*p, now), p);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    const Rank& x = a.first;
    const Rank& y = b.first;
    if (x.assigned != y.assigned) return x.assigned < y.assigned;
    if (x.phase != y.phase) return x.phase < y.phase;
    if (x.ready != y.ready) return x.ready < y.ready;
    if (x.ready && x.ready_for != y.ready_for) return x.ready_for < y.ready_for;
    if (x.restarts != y.restarts) return x.restarts < y.restarts;
    return x.created > y.created;
  });
  for (size_t i = 0; i < pods.size(); ++i) pods[i] = ranked[i].second;
}

}  // namespace skiff::controllers

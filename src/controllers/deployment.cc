// The Deployment controller: owns one ReplicaSet per pod template and moves replicas from the
// old ones to the new one — all at once (Recreate) or within maxSurge/maxUnavailable
// (RollingUpdate) — keeping the revision history and the conditions `kubectl rollout` reads.
#include <algorithm>
#include <cstdint>

#include "api/labels.h"
#include "api/semantic_equal.h"
#include "client/work_queue.h"
#include "controllers/claim.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

constexpr const char* kComponent = "deployment-controller";
constexpr const char* kHashLabel = "pod-template-hash";
constexpr const char* kRevision = "deployment.kubernetes.io/revision";
constexpr const char* kRevisionHistory = "deployment.kubernetes.io/revision-history";
constexpr const char* kDesiredReplicas = "deployment.kubernetes.io/desired-replicas";
constexpr const char* kMaxReplicas = "deployment.kubernetes.io/max-replicas";

// Annotations of the Deployment that are not copied to its ReplicaSets.
bool skip_annotation(const std::string& k) {
  return k == "kubectl.kubernetes.io/last-applied-configuration" || k == kRevision || k == kRevisionHistory ||
         k == kDesiredReplicas || k == kMaxReplicas || k == "deprecated.deployment.rollback.to";
}

// fnv-1a of the template and collision count, spelled with Kubernetes' vowel-free alphabet.
std::string template_hash(const Json& pod_template, int64_t collision_count) {
  uint32_t h = 2166136261u;
  auto mix = [&](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 16777619u;
    }
  };
  mix(pod_template.dump());
  if (collision_count > 0) mix(std::to_string(collision_count));
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string digits = std::to_string(h), out;
  for (char c : digits) out += kAlphabet[static_cast<unsigned char>(c) % 27];
  return out;
}

int64_t replicas_of(const Json& obj) { return find_path(obj, "spec.replicas") ? obj["spec"].value("replicas", int64_t{0}) : 0; }
int64_t status_count(const Json& obj, const char* field) {
  return obj.contains("status") ? obj["status"].value(field, int64_t{0}) : 0;
}
int64_t revision_of(const Json& rs) {
  const Json* r = find_path(rs, "metadata.annotations");
  if (!r || !r->contains(kRevision)) return 0;
  try {
    return std::stoll((*r)[kRevision].get<std::string>());
  } catch (...) {
    return 0;
  }
}

bool same_template(const Json& rs, const Json& d) {
  Json a = find_path(rs, "spec.template") ? rs["spec"]["template"] : Json::object();
  if (a.contains("metadata") && a["metadata"].contains("labels")) {
    a["metadata"]["labels"].erase(kHashLabel);
    if (a["metadata"]["labels"].empty()) a["metadata"].erase("labels");
  }
  Json b = find_path(d, "spec.template") ? d["spec"]["template"] : Json::object();
  return api::semantically_equal(a, b);
}

struct Plan {
  Json deployment;
  client::ObjectPtr new_rs;                  // may be null
  std::vector<client::ObjectPtr> old_sets;   // oldest first
  std::vector<client::ObjectPtr> all() const {
    auto out = old_sets;
    if (new_rs) out.push_back(new_rs);
    return out;
  }
};

class DeploymentController final : public Controller {
 public:
  explicit DeploymentController(ControllerContext& ctx)
      : ctx_(ctx),
        deployments_(ctx.informers.informer("apps", "v1", "deployments")),
        sets_(ctx.informers.informer("apps", "v1", "replicasets")),
        pods_(ctx.informers.informer("", "v1", "pods")),
        queue_("deployment"),
        events_(ctx.client, kComponent) {
    sets_.add_index(kControllerIndex, controller_uid_index);
    sets_.add_index(kOrphanIndex, orphan_namespace_index);
    pods_.add_index(kControllerIndex, controller_uid_index);
    auto enqueue = [this](const client::ObjectPtr& d) { queue_.add(client::object_key(*d)); };
    deployments_.add_handler({enqueue, [enqueue](const client::ObjectPtr&, const client::ObjectPtr& d) { enqueue(d); },
                              enqueue});
    auto owner = [this](const client::ObjectPtr& rs) { enqueue_owner(*rs); };
    sets_.add_handler({owner, [owner](const client::ObjectPtr&, const client::ObjectPtr& rs) { owner(rs); }, owner});
    sets_.add_handler(enqueue_adopters_handler(queue_, deployments_));
    // Recreate waits for old pods to be gone, and a rolling update's surge counts them until they go.
    auto pod_gone = [this](const client::ObjectPtr& pod) {
      const Json* ref = controller_of(*pod);
      if (!ref || ref->value("kind", "") != "ReplicaSet") return;
      if (auto rs = sets_.get(namespace_of(*pod), ref->value("name", ""))) enqueue_owner(*rs);
    };
    pods_.add_handler({nullptr,
                       [pod_gone](const client::ObjectPtr& before, const client::ObjectPtr& after) {
                         if (pod_active(*before) && !pod_active(*after)) pod_gone(after);
                       },
                       pod_gone});
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& key) { return reconcile(key); });
  }
  void stop() override {
    if (pool_) pool_->stop();
  }

 private:
  void enqueue_owner(const Json& rs) {
    const Json* ref = controller_of(rs);
    if (ref && ref->value("kind", "") == "Deployment")
      queue_.add(client::object_key(namespace_of(rs), ref->value("name", "")));
  }

  const api::ResourceInfo& rs_resource() { return ctx_.client.resource("apps", "v1", "replicasets"); }
  const api::ResourceInfo& d_resource() { return ctx_.client.resource("apps", "v1", "deployments"); }

  int64_t max_surge(const Json& d) {
    if (strategy(d) != "RollingUpdate") return 0;
    const Json* ru = find_path(d, "spec.strategy.rollingUpdate");
    Json v = ru && ru->contains("maxSurge") ? (*ru)["maxSurge"] : Json("25%");
    return int_or_percent(v, replicas_of(d), true, 1);
  }
  int64_t max_unavailable(const Json& d) {
    if (strategy(d) != "RollingUpdate") return 0;
    const Json* ru = find_path(d, "spec.strategy.rollingUpdate");
    Json v = ru && ru->contains("maxUnavailable") ? (*ru)["maxUnavailable"] : Json("25%");
    int64_t u = int_or_percent(v, replicas_of(d), false, 0);
    // Both zero would deadlock a rollout; Kubernetes then allows one unavailable pod.
    if (u == 0 && max_surge(d) == 0) u = 1;
    return std::min(u, replicas_of(d));
  }
  static std::string strategy(const Json& d) {
    const Json* t = find_path(d, "spec.strategy.type");
    return t && t->is_string() ? t->get<std::string>() : "RollingUpdate";
  }

  client::ReconcileResult reconcile(const std::string& key) {
    client::ObjectPtr current = deployments_.get(key);
    if (!current) return {};
    Plan plan;
    plan.deployment = *current;
    const Json& d = plan.deployment;
    auto selector = api::LabelSelector::from_json(d["spec"].value("selector", Json()));
    if (!selector.ok() || selector->empty()) return {};

    std::vector<client::ObjectPtr> owned =
        claim(ctx_.client, {d, d_resource(), rs_resource(), *selector, {}}, sets_.by_index(kControllerIndex, uid_of(d)),
              sets_.by_index(kOrphanIndex, namespace_of(d)));
    std::sort(owned.begin(), owned.end(), [](const auto& a, const auto& b) {
      auto ca = get_string((*a)["metadata"], "creationTimestamp"), cb = get_string((*b)["metadata"], "creationTimestamp");
      return ca != cb ? ca < cb : name_of(*a) < name_of(*b);
    });
    for (const auto& rs : owned) {
      if (!plan.new_rs && same_template(*rs, d)) plan.new_rs = rs;
      else plan.old_sets.push_back(rs);
    }
    if (being_deleted(d)) return sync_status(plan, false);

    const bool paused = d["spec"].value("paused", false);
    if (paused || scaling_event(plan)) {
      if (!scale(plan)) return {true, {}};
      if (paused) return sync_status(plan, false);
    }
    if (!plan.new_rs || revision_of(*plan.new_rs) <= max_old_revision(plan)) {
      auto made = ensure_new_rs(plan);
      if (!made.ok()) return {true, {}};
      if (*made) return {};  // the informer brings the new set back here
    }
    if (!paused) {
      auto copied = copy_annotations_to_new_rs(plan);
      if (!copied.ok()) return {true, {}};
      if (*copied) return {};
    }
    bool acted = strategy(d) == "Recreate" ? rollout_recreate(plan) : rollout_rolling(plan);
    if (!acted && complete(plan)) cleanup_history(plan);
    return sync_status(plan, acted);
  }

  int64_t max_old_revision(const Plan& plan) {
    int64_t m = 0;
    for (const auto& rs : plan.old_sets) m = std::max(m, revision_of(*rs));
    return m;
  }

  // A replicas change (not a template change): an active set's desired-replicas annotation disagrees.
  bool scaling_event(const Plan& plan) {
    const std::string want = std::to_string(replicas_of(plan.deployment));
    for (const auto& rs : plan.all()) {
      if (replicas_of(*rs) == 0) continue;
      const Json* ann = find_path(*rs, "metadata.annotations");
      if (ann && ann->contains(kDesiredReplicas) && (*ann)[kDesiredReplicas] != want) return true;
    }
    return false;
  }

  // Creates the new ReplicaSet, or brings an old one with the same template back as the newest
  // revision (a rollback). Returns true when something was written.
  Result<bool> ensure_new_rs(Plan& plan) {
    Json& d = plan.deployment;
    const int64_t revision = max_old_revision(plan) + 1;
    if (plan.new_rs) {
      Json rs = *plan.new_rs;
      Json& ann = rs["metadata"]["annotations"];
      std::string old_rev = ann.value(kRevision, "");
      if (!old_rev.empty()) {
        std::string history = ann.value(kRevisionHistory, "");
        ann[kRevisionHistory] = history.empty() ? old_rev : history + "," + old_rev;
      }
      ann[kRevision] = std::to_string(revision);
      SKIFF_TRY(write_rs(rs));
      set_deployment_revision(d, revision);
      return true;
    }
    int64_t collisions = find_path(d, "status.collisionCount") ? d["status"].value("collisionCount", int64_t{0}) : 0;
    const std::string hash = template_hash(d["spec"]["template"], collisions);
    Json tmpl = d["spec"]["template"];
    tmpl["metadata"]["labels"][kHashLabel] = hash;
    Json selector = d["spec"]["selector"];
    selector["matchLabels"][kHashLabel] = hash;
    Json annotations = Json::object();
    if (const Json* a = find_path(d, "metadata.annotations"); a && a->is_object())
      for (const auto& [k, v] : a->items())
        if (!skip_annotation(k)) annotations[k] = v;
    annotations[kRevision] = std::to_string(revision);
    annotations[kDesiredReplicas] = std::to_string(replicas_of(d));
    annotations[kMaxReplicas] = std::to_string(replicas_of(d) + max_surge(d));
    int64_t initial = 0;
    if (strategy(d) == "RollingUpdate") {
      int64_t total = 0;
      for (const auto& rs : plan.old_sets) total += replicas_of(*rs);
      initial = std::max<int64_t>(0, std::min(replicas_of(d) + max_surge(d) - total, replicas_of(d)));
    }
    Json rs = {{"apiVersion", "apps/v1"},
               {"kind", "ReplicaSet"},
               {"metadata",
                {{"name", name_of(d) + "-" + hash},
                 {"namespace", namespace_of(d)},
                 {"labels", tmpl["metadata"]["labels"]},
                 {"annotations", annotations},
                 {"ownerReferences", Json::array({controller_ref(d)})}}},
               {"spec",
                {{"replicas", initial},
                 {"minReadySeconds", d["spec"].value("minReadySeconds", 0)},
                 {"selector", selector},
                 {"template", tmpl}}}};
    auto created = ctx_.client.create(rs_resource(), namespace_of(d), rs);
    if (!created.ok()) {
      if (created.error().code == 409) {
        // A set with this name but another template: count the collision and hash again.
        auto existing = ctx_.client.get(rs_resource(), namespace_of(d), name_of(rs));
        if (existing.ok() && owned_by(*existing, uid_of(d)) && same_template(*existing, d)) return false;
        Json status = d.value("status", Json::object());
        status["collisionCount"] = collisions + 1;
        Json updated = d;
        updated["status"] = status;
        (void)ctx_.client.update(d_resource(), namespace_of(d), std::move(updated), "status");
      }
      return std::move(created).error();
    }
    events_.record(d, "Normal", "ScalingReplicaSet",
                   "Scaled up replica set " + name_of(rs) + " from 0 to " + std::to_string(initial));
    set_deployment_revision(d, revision);
    return true;
  }

  // Kubernetes' SetNewReplicaSetAnnotations: the Deployment's annotations (the change-cause a
  // user sets after a rollout, say) follow onto its newest ReplicaSet. Returns whether it wrote.
  Result<bool> copy_annotations_to_new_rs(const Plan& plan) {
    const Json* from = find_path(plan.deployment, "metadata.annotations");
    if (!plan.new_rs || !from || !from->is_object()) return false;
    Json rs = *plan.new_rs;
    Json& to = rs["metadata"]["annotations"];
    if (!to.is_object()) to = Json::object();
    bool changed = false;
    for (const auto& [k, v] : from->items()) {
      if (skip_annotation(k) || (to.contains(k) && to[k] == v)) continue;
      to[k] = v;
      changed = true;
    }
    if (!changed) return false;
    SKIFF_TRY(write_rs(rs));
    return true;
  }

  void set_deployment_revision(const Json& d, int64_t revision) {
    Json patch = {{"metadata", {{"annotations", {{kRevision, std::to_string(revision)}}}}}};
    (void)ctx_.client.patch(d_resource(), namespace_of(d), name_of(d), client::PatchType::kMerge, patch.dump());
  }

  Status write_rs(const Json& rs) {
    auto r = ctx_.client.update(rs_resource(), namespace_of(rs), rs);
    if (!r.ok()) return std::move(r).error();
    return ok_status();
  }

  // Sets a ReplicaSet's size and annotations; false when the write failed (stale cache: retry).
  bool scale_rs(const Json& d, const Json& rs, int64_t size) {
    Json updated = rs;
    int64_t from = replicas_of(rs);
    Json& ann = updated["metadata"]["annotations"];
    const std::string desired = std::to_string(replicas_of(d));
    const std::string max = std::to_string(replicas_of(d) + max_surge(d));
    if (from == size && ann.value(kDesiredReplicas, "") == desired && ann.value(kMaxReplicas, "") == max) return true;
    updated["spec"]["replicas"] = size;
    ann[kDesiredReplicas] = desired;
    ann[kMaxReplicas] = max;
    if (!write_rs(updated).ok()) return false;
    if (from != size)
      events_.record(d, "Normal", "ScalingReplicaSet",
                     std::string("Scaled ") + (size > from ? "up" : "down") + " replica set " + name_of(rs) +
                         " from " + std::to_string(from) + " to " + std::to_string(size));
    return true;
  }

  // Replica count changes outside a rollout: the active set takes them all, or they are spread
  // proportionally over the sets a rolling update is moving between.
  bool scale(Plan& plan) {
    const Json& d = plan.deployment;
    std::vector<client::ObjectPtr> active;
    for (const auto& rs : plan.all())
      if (replicas_of(*rs) > 0) active.push_back(rs);
    if (active.size() <= 1) {
      client::ObjectPtr target = !active.empty() ? active[0] : plan.new_rs;
      if (!target && !plan.old_sets.empty()) target = plan.old_sets.back();
      return !target || scale_rs(d, *target, replicas_of(d));
    }
    if (plan.new_rs && replicas_of(*plan.new_rs) == replicas_of(d) &&
        status_count(*plan.new_rs, "availableReplicas") == replicas_of(d)) {
      for (const auto& rs : plan.old_sets)
        if (!scale_rs(d, *rs, 0)) return false;
      return true;
    }
    int64_t allowed = replicas_of(d) + max_surge(d);
    int64_t current = 0;
    for (const auto& rs : active) current += replicas_of(*rs);
    int64_t to_add = allowed - current;
    // Largest first; the newest wins ties.
    std::sort(active.begin(), active.end(), [](const auto& a, const auto& b) {
      if (replicas_of(*a) != replicas_of(*b)) return replicas_of(*a) > replicas_of(*b);
      return get_string((*a)["metadata"], "creationTimestamp") > get_string((*b)["metadata"], "creationTimestamp");
    });
    std::vector<int64_t> sizes;
    int64_t added = 0;
    for (const auto& rs : active) {
      int64_t share = current > 0 ? to_add * replicas_of(*rs) / current : 0;
      sizes.push_back(replicas_of(*rs) + share);
      added += share;
    }
    sizes[0] += to_add - added;
    for (size_t i = 0; i < active.size(); ++i)
      if (!scale_rs(d, *active[i], std::max<int64_t>(0, sizes[i]))) return false;
    return true;
  }

  bool rollout_recreate(Plan& plan) {
    const Json& d = plan.deployment;
    bool acted = false;
    for (const auto& rs : plan.old_sets)
      if (replicas_of(*rs) > 0) {
        scale_rs(d, *rs, 0);
        acted = true;
      }
    if (acted) return true;
    for (const auto& rs : plan.old_sets)
      for (const auto& pod : pods_.by_index(kControllerIndex, uid_of(*rs)))
        if (pod_active(*pod) || being_deleted(*pod)) return false;  // wait for old pods to go
    if (plan.new_rs && replicas_of(*plan.new_rs) != replicas_of(d)) return scale_rs(d, *plan.new_rs, replicas_of(d));
    return false;
  }

  int64_t active_pods(const Json& rs) {
    int64_t n = 0;
    for (const auto& pod : pods_.by_index(kControllerIndex, uid_of(rs))) n += pod_active(*pod);
    return n;
  }

  bool rollout_rolling(Plan& plan) {
    const Json& d = plan.deployment;
    if (!plan.new_rs) return false;
    const int64_t want = replicas_of(d);
    const Json& new_rs = *plan.new_rs;
    // Scale the new set up, within maxSurge.
    if (replicas_of(new_rs) > want) return scale_rs(d, new_rs, want);
    if (replicas_of(new_rs) < want) {
      // A set scaled down still has its pods until the ReplicaSet controller removes them;
      // counting them keeps the live pod count itself within maxSurge.
      int64_t total = 0;
      for (const auto& rs : plan.all()) total += std::max(replicas_of(*rs), active_pods(*rs));
      int64_t room = want + max_surge(d) - total;
      if (room > 0) return scale_rs(d, new_rs, replicas_of(new_rs) + std::min(room, want - replicas_of(new_rs)));
    }
    // Scale old sets down, keeping at least want - maxUnavailable available.
    int64_t old_total = 0;
    for (const auto& rs : plan.old_sets) old_total += replicas_of(*rs);
    if (old_total == 0) return false;
    int64_t all_total = old_total + replicas_of(new_rs);
    const int64_t min_available = want - max_unavailable(d);
    const int64_t new_unavailable = replicas_of(new_rs) - status_count(new_rs, "availableReplicas");
    int64_t max_scale_down = all_total - min_available - new_unavailable;
    if (max_scale_down <= 0) return false;
    bool acted = false;
    // Unhealthy old replicas go first: they don't count towards availability anyway.
    int64_t cleaned = 0;
    for (const auto& rs : plan.old_sets) {
      if (cleaned >= max_scale_down) break;
      int64_t unhealthy = replicas_of(*rs) - status_count(*rs, "availableReplicas");
      if (replicas_of(*rs) == 0 || unhealthy <= 0) continue;
      int64_t down = std::min(unhealthy, max_scale_down - cleaned);
      if (!scale_rs(d, *rs, replicas_of(*rs) - down)) return true;
      cleaned += down;
      acted = true;
    }
    if (acted) return true;
    int64_t available = 0;
    for (const auto& rs : plan.all()) available += status_count(*rs, "availableReplicas");
    int64_t budget = std::min(available - min_available, max_scale_down);
    for (const auto& rs : plan.old_sets) {
      if (budget <= 0) break;
      if (replicas_of(*rs) == 0) continue;
      int64_t down = std::min(replicas_of(*rs), budget);
      if (!scale_rs(d, *rs, replicas_of(*rs) - down)) return true;
      budget -= down;
      acted = true;
    }
    return acted;
  }

  bool complete(const Plan& plan) {
    const Json& d = plan.deployment;
    if (!plan.new_rs) return false;
    int64_t want = replicas_of(d);
    int64_t total = 0, available = 0;
    for (const auto& rs : plan.all()) {
      total += status_count(*rs, "replicas");
      available += status_count(*rs, "availableReplicas");
    }
    return status_count(*plan.new_rs, "replicas") == want && total == want && available == want &&
           replicas_of(*plan.new_rs) == want;
  }

  void cleanup_history(const Plan& plan) {
    const Json& d = plan.deployment;
    int64_t limit = d["spec"].value("revisionHistoryLimit", int64_t{10});
    std::vector<client::ObjectPtr> idle;
    for (const auto& rs : plan.old_sets)
      if (replicas_of(*rs) == 0 && status_count(*rs, "replicas") == 0 && !being_deleted(*rs)) idle.push_back(rs);
    std::sort(idle.begin(), idle.end(), [](const auto& a, const auto& b) { return revision_of(*a) < revision_of(*b); });
    for (size_t i = 0; static_cast<int64_t>(idle.size() - i) > limit; ++i)
      (void)ctx_.client.remove(rs_resource(), namespace_of(*idle[i]), name_of(*idle[i]));
  }

  client::ReconcileResult sync_status(const Plan& plan, bool acted) {
    const Json& d = plan.deployment;
    const WallTime now = ctx_.clock.now();
    const int64_t want = replicas_of(d);
    Json status = d.value("status", Json::object());
    Json next = status;
    int64_t replicas = 0, ready = 0, available = 0;
    for (const auto& rs : plan.all()) {
      replicas += status_count(*rs, "replicas");
      ready += status_count(*rs, "readyReplicas");
      available += status_count(*rs, "availableReplicas");
    }
    int64_t updated = plan.new_rs ? status_count(*plan.new_rs, "replicas") : 0;
    next["observedGeneration"] = d["metadata"].value("generation", int64_t{1});
    next["replicas"] = replicas;
    next["updatedReplicas"] = updated;
    next["readyReplicas"] = ready;
    next["availableReplicas"] = available;
    next["unavailableReplicas"] = std::max<int64_t>(0, want - available);
    for (const char* f : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"})
      if (next[f] == 0) next.erase(f);

    const bool minimum = available >= want - max_unavailable(d);
    set_condition(next,
                  {{"type", "Available"},
                   {"status", minimum ? "True" : "False"},
                   {"reason", minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"},
                   {"message", minimum ? "Deployment has minimum availability."
                                       : "Deployment does not have minimum availability."},
                   {"lastUpdateTime", format_rfc3339(now)}},
                  now);
    client::ReconcileResult result;
    const std::string rs_name = plan.new_rs ? name_of(*plan.new_rs) : "";
    const Json status_holder = {{"status", status}};
    const Json* progressing = find_condition(status_holder, "Progressing");
    const bool moved = acted || next.value("updatedReplicas", 0) != status.value("updatedReplicas", 0) ||
                       next.value("availableReplicas", 0) != status.value("availableReplicas", 0) ||
                       next.value("readyReplicas", 0) != status.value("readyReplicas", 0);
    auto set_progress = [&](const char* st, const char* reason, const std::string& message) {
      Json c = {{"type", "Progressing"}, {"status", st}, {"reason", reason}, {"message", message}};
      bool same = progressing && progressing->value("reason", "") == reason && progressing->value("status", "") == st;
      c["lastUpdateTime"] = same && !moved ? progressing->value("lastUpdateTime", format_rfc3339(now)) : format_rfc3339(now);
      set_condition(next, c, now);
    };
    if (d["spec"].value("paused", false)) {
      set_progress("Unknown", "DeploymentPaused", "Deployment is paused");
    } else if (plan.new_rs && complete(plan)) {
      set_progress("True", "NewReplicaSetAvailable", "ReplicaSet \"" + rs_name + "\" has successfully progressed.");
    } else if (plan.new_rs) {
      int64_t deadline = d["spec"].value("progressDeadlineSeconds", int64_t{600});
      bool was_paused = progressing && progressing->value("reason", "") == "DeploymentPaused";
      if (was_paused) {
        set_progress("Unknown", "DeploymentResumed", "Deployment is resumed");
      } else if (!progressing) {
        set_progress("True", "NewReplicaSetCreated", "Created new replica set \"" + rs_name + "\"");
      } else if (moved || progressing->value("reason", "") == "NewReplicaSetAvailable") {
        set_progress("True", "ReplicaSetUpdated", "ReplicaSet \"" + rs_name + "\" is progressing.");
      } else if (progressing->value("reason", "") != "ProgressDeadlineExceeded") {
        auto last = parse_rfc3339(progressing->value("lastUpdateTime", ""));
        if (last && *last + std::chrono::seconds(deadline) <= now) {
          set_progress("False", "ProgressDeadlineExceeded", "ReplicaSet \"" + rs_name + "\" has timed out progressing.");
          events_.record(d, "Warning", "ProgressDeadlineExceeded",
                         "Deployment \"" + name_of(d) + "\" has timed out progressing.");
        } else if (last) {
          result.requeue_after = std::chrono::duration_cast<std::chrono::milliseconds>(
              *last + std::chrono::seconds(deadline) - now + std::chrono::seconds(1));
        }
      }
    }
    // Available's lastUpdateTime moves with the condition only.
    if (const Json* before = find_condition(status_holder, "Available")) {
      for (auto& c : next["conditions"])
        if (c.value("type", "") == "Available" && c.value("status", "") == before->value("status", ""))
          c["lastUpdateTime"] = before->value("lastUpdateTime", c.value("lastUpdateTime", ""));
    }
    if (next == status) return result;
    Json updated_obj = d;
    updated_obj["status"] = next;
    auto r = ctx_.client.update(d_resource(), namespace_of(d), std::move(updated_obj), "status");
    if (!r.ok() && r.error().code != 404) result.requeue = true;
    return result;
  }

  ControllerContext& ctx_;
  client::Informer& deployments_;
  client::Informer& sets_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> deployment(ControllerContext& ctx) { return std::make_unique<DeploymentController>(ctx); }

}  // namespace skiff::controllers

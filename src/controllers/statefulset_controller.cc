// Wiring, revisions and status of the StatefulSet controller; the pod-by-pod sync is in
// statefulset_sync.cc.
#include "controllers/statefulset_controller.h"

#include <algorithm>
#include <set>

#include "controllers/claim.h"
#include "controllers/controller_revision.h"
#include "controllers/statefulset_pods.h"
#include "util/log.h"

namespace skiff::controllers {
namespace stateful_set {
namespace {

const Json* pod_controller_set(const Json& pod) {
  const Json* ref = controller_of(pod);
  return ref && ref->value("kind", "") == "StatefulSet" ? ref : nullptr;
}

std::string owner_key(const Json& pod) {
  const Json* ref = pod_controller_set(pod);
  return ref ? client::object_key(namespace_of(pod), ref->value("name", "")) : "";
}

std::string pod_revision(const Json& pod) {
  const Json* rev = find_path(pod, "metadata.labels");
  return rev && rev->is_object() ? rev->value(revisions::kPodRevisionLabel, "") : "";
}

int64_t int_at(const Json& obj, std::string_view path, int64_t fallback) {
  const Json* v = find_path(obj, path);
  return v && v->is_number_integer() ? v->get<int64_t>() : fallback;
}

// Fields the API omits when empty (omitempty in apps/v1 StatefulSetStatus).
void set_omitempty(Json& status, const char* field, const Json& value) {
  if ((value.is_number_integer() && value.get<int64_t>() == 0) || (value.is_string() && value.get<std::string>().empty()))
    status.erase(field);
  else
    status[field] = value;
}

}  // namespace

StatefulSetController::StatefulSetController(ControllerContext& ctx)
    : ctx_(ctx),
      sets_(ctx.informers.informer("apps", "v1", "statefulsets")),
      pods_(ctx.informers.informer("", "v1", "pods")),
      claims_(ctx.informers.informer("", "v1", "persistentvolumeclaims")),
      revisions_(ctx.informers.informer("apps", "v1", "controllerrevisions")),
      recorder_(ctx.client, "statefulset-controller"),
      queue_("statefulset") {
  pods_.add_index(kControllerIndex, controller_uid_index);
  pods_.add_index(kOrphanIndex, orphan_namespace_index);
  revisions_.add_index(kControllerIndex, controller_uid_index);
  revisions_.add_index(kOrphanIndex, orphan_namespace_index);
  sets_.add_handler(enqueue_self_handler(queue_, expectations_));
  pods_.add_handler(enqueue_owner_handler(queue_, expectations_, owner_key));
  pods_.add_handler(enqueue_adopters_handler(queue_, sets_));
}

StatefulSetController::~StatefulSetController() { stop(); }

void StatefulSetController::run() {
  workers_.start(ctx_.options.workers, [this](const std::string& key) { return reconcile(key); });
}

void StatefulSetController::stop() {
  workers_.stop();
  recorder_.flush();
}

client::ReconcileResult StatefulSetController::reconcile(const std::string& key) {
  client::ObjectPtr cached = sets_.get(key);
  if (!cached) {
    expectations_.forget(key);
    return {};
  }
  if (!expectations_.satisfied(key)) return {};  // the pod events we wait for requeue the set
  const Json& set = *cached;

  // Revisions: the update revision is the current template's; the current one is what
  // status.currentRevision names (the update revision for a new set).
  auto selector = api::LabelSelector::from_json(find_path(set, "spec.selector") ? set["spec"]["selector"] : Json());
  if (!selector.ok()) return {};  // validation keeps these out
  auto history = revisions::claim_revisions(ctx_.client, revisions_, set, sets_.resource(), *selector);
  int64_t collision_count = int_at(set, "status.collisionCount", 0);
  auto update_rev = revisions::current_revision(
      ctx_.client, set, history,
      [&set](int64_t collisions) {
        revisions::Snapshot snap;
        snap.data = revisions::template_patch(set);
        snap.hash = revisions::hash_json(snap.data, collisions);
        if (const Json* l = find_path(set, "spec.template.metadata.labels"); l && l->is_object()) snap.labels = *l;
        if (const Json* a = find_path(set, "metadata.annotations"); a && a->is_object()) snap.annotations = *a;
        return snap;
      },
      collision_count);
  if (!update_rev.ok()) {
    log::warn("statefulset-controller", key + ": revision: " + update_rev.error().message);
    if (collision_count != int_at(set, "status.collisionCount", 0)) {
      Json status = set.value("status", Json::object());
      status["collisionCount"] = collision_count;
      (void)write_status(set, status);
    }
    return {.requeue = true};
  }
  Json current_rev = *update_rev;
  const std::string status_current = find_path(set, "status.currentRevision")
                                         ? get_string(set["status"], "currentRevision")
                                         : "";
  for (const auto& rev : history)
    if (name_of(*rev) == status_current) current_rev = *rev;

  Round round;
  round.key = key;
  round.set = set;
  round.selector = *selector;
  round.current_set = revisions::apply_revision(set, current_rev);
  round.update_set = revisions::apply_revision(set, *update_rev);
  round.current_revision = name_of(current_rev);
  round.update_revision = name_of(*update_rev);
  round.monotonic = get_string(set.value("spec", Json::object()), "podManagementPolicy") != "Parallel";

  auto synced = sync(round);
  Json status = compute_status(round, collision_count);
  if (!synced.ok()) log::warn("statefulset-controller", key + ": " + synced.error().message);

  // Status reports the pods as the informer saw them at the start of the round; the deletions of
  // a rolling update already count against currentReplicas.
  if (round.deleted_for_update > 0)
    set_omitempty(status, "currentReplicas",
                  std::max<int64_t>(0, status.value("currentReplicas", int64_t{0}) - round.deleted_for_update));
  auto written = write_status(set, status);
  if (!written.ok()) {
    if (written.error().code != 409) log::warn("statefulset-controller", key + ": status: " + written.error().message);
    return {.requeue = true};
  }

  std::set<std::string> live = {round.current_revision, round.update_revision};
  for (const auto& group : {&round.replicas, &round.condemned})
    for (const auto& pod : *group)
      if (pod.contains("metadata") && pod["metadata"].contains("uid")) live.insert(pod_revision(pod));
  auto truncated = revisions::truncate_history(ctx_.client, revisions::owned_revisions(revisions_, set), live,
                                               int_at(set, "spec.revisionHistoryLimit", 10));
  if (!truncated.ok()) log::warn("statefulset-controller", key + ": history: " + truncated.error().message);

  if (!synced.ok()) return {.requeue = true};
  int64_t min_ready = int_at(set, "spec.minReadySeconds", 0);
  if (min_ready > 0 && status.value("readyReplicas", int64_t{0}) != status.value("availableReplicas", int64_t{0}))
    return {.requeue_after = std::chrono::seconds(min_ready)};
  return {};
}

Json StatefulSetController::compute_status(const Round& round, int64_t collision_count) const {
  const int64_t min_ready = int_at(round.set, "spec.minReadySeconds", 0);
  const WallTime now = ctx_.clock.now();
  int64_t replicas = 0, ready = 0, available = 0, current = 0, updated = 0;
  for (const auto& group : {&round.replicas, &round.condemned}) {
    for (const auto& pod : *group) {
      if (!find_path(pod, "metadata.uid")) continue;  // not created
      ++replicas;
      if (running_and_ready(pod)) {
        ++ready;
        if (running_and_available(pod, min_ready, now)) ++available;
      }
      if (being_deleted(pod)) continue;
      if (pod_revision(pod) == round.current_revision) ++current;
      if (pod_revision(pod) == round.update_revision) ++updated;
    }
  }
  Json status = round.set.value("status", Json::object());
  if (!status.is_object()) status = Json::object();
  status["replicas"] = replicas;
  status["availableReplicas"] = available;
  status["collisionCount"] = collision_count;
  set_omitempty(status, "observedGeneration", int_at(round.set, "metadata.generation", 0));
  set_omitempty(status, "readyReplicas", ready);
  set_omitempty(status, "currentReplicas", current);
  set_omitempty(status, "updatedReplicas", updated);
  set_omitempty(status, "currentRevision", round.current_revision);
  set_omitempty(status, "updateRevision", round.update_revision);
  return status;
}

Status StatefulSetController::write_status(const Json& set, Json status) {
  // A finished rolling update makes the update revision current.
  const Json* type = find_path(set, "spec.updateStrategy.type");
  const bool rolling = !type || !type->is_string() || *type == "RollingUpdate";
  const int64_t replicas = status.value("replicas", int64_t{0});
  if (rolling && status.value("updatedReplicas", int64_t{0}) == replicas &&
      status.value("readyReplicas", int64_t{0}) == replicas) {
    set_omitempty(status, "currentReplicas", status.value("updatedReplicas", int64_t{0}));
    set_omitempty(status, "currentRevision", status.value("updateRevision", ""));
  }
  if (set.value("status", Json::object()) == status) return ok_status();
  Json updated = set;
  updated["status"] = std::move(status);
  auto r = ctx_.client.update(sets_.resource(), namespace_of(set), std::move(updated), "status");
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

}  // namespace stateful_set

std::unique_ptr<Controller> statefulset(ControllerContext& ctx) {
  return std::make_unique<stateful_set::StatefulSetController>(ctx);
}

}  // namespace skiff::controllers

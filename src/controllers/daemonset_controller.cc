// Wiring, revisions and status of the DaemonSet controller; placing and replacing pods is in
// daemonset_sync.cc.
#include "controllers/daemonset_controller.h"

#include <algorithm>
#include <set>

#include "api/labels.h"
#include "controllers/claim.h"
#include "controllers/controller_revision.h"
#include "controllers/daemonset_placement.h"
#include "util/log.h"

namespace skiff::controllers {
namespace daemon_set {
namespace {

std::string owner_key(const Json& pod) {
  const Json* ref = controller_of(pod);
  if (!ref || ref->value("kind", "") != "DaemonSet") return "";
  return client::object_key(namespace_of(pod), ref->value("name", ""));
}

int64_t int_at(const Json& obj, std::string_view path, int64_t fallback) {
  const Json* v = find_path(obj, path);
  return v && v->is_number_integer() ? v->get<int64_t>() : fallback;
}

std::string label_of(const Json& obj, const char* key) {
  const Json* labels = find_path(obj, "metadata.labels");
  return labels && labels->is_object() ? labels->value(key, "") : "";
}

// Kubernetes' podByCreationTimestampAndPhase: scheduled pods first, then oldest, then by name.
bool older(const Json& a, const Json& b) {
  bool sa = !get_string(a.value("spec", Json::object()), "nodeName").empty();
  bool sb = !get_string(b.value("spec", Json::object()), "nodeName").empty();
  if (sa != sb) return sa;
  std::string ca = find_path(a, "metadata.creationTimestamp") ? get_string(a["metadata"], "creationTimestamp") : "";
  std::string cb = find_path(b, "metadata.creationTimestamp") ? get_string(b["metadata"], "creationTimestamp") : "";
  if (ca != cb) return ca < cb;
  return name_of(a) < name_of(b);
}

bool terminal(const Json& pod) {
  const Json* phase = find_path(pod, "status.phase");
  return phase && phase->is_string() && (*phase == "Failed" || *phase == "Succeeded");
}

// What placement reads of a node: its labels (selectors, affinity) and spec (taints).
bool node_fields_changed(const Json& a, const Json& b) {
  auto labels = [](const Json& n) {
    const Json* l = find_path(n, "metadata.labels");
    return l ? *l : Json();
  };
  return labels(a) != labels(b) || a.value("spec", Json::object()) != b.value("spec", Json::object());
}

}  // namespace

DaemonSetController::DaemonSetController(ControllerContext& ctx)
    : ctx_(ctx),
      daemonsets_(ctx.informers.informer("apps", "v1", "daemonsets")),
      pods_(ctx.informers.informer("", "v1", "pods")),
      nodes_(ctx.informers.informer("", "v1", "nodes")),
      revisions_(ctx.informers.informer("apps", "v1", "controllerrevisions")),
      recorder_(ctx.client, "daemonset-controller"),
      queue_("daemonset") {
  pods_.add_index(kControllerIndex, controller_uid_index);
  pods_.add_index(kOrphanIndex, orphan_namespace_index);
  revisions_.add_index(kControllerIndex, controller_uid_index);
  revisions_.add_index(kOrphanIndex, orphan_namespace_index);
  daemonsets_.add_handler(enqueue_self_handler(queue_, expectations_));
  pods_.add_handler(enqueue_owner_handler(queue_, expectations_, owner_key));
  pods_.add_handler(enqueue_adopters_handler(queue_, daemonsets_));
  nodes_.add_handler({
      .on_add = [this](const client::ObjectPtr&) { enqueue_all(); },
      .on_update =
          [this](const client::ObjectPtr& old_node, const client::ObjectPtr& node) {
            if (node_fields_changed(*old_node, *node)) enqueue_all();
          },
      .on_delete = [this](const client::ObjectPtr&) { enqueue_all(); },
  });
}

DaemonSetController::~DaemonSetController() { stop(); }

void DaemonSetController::run() {
  workers_.start(ctx_.options.workers, [this](const std::string& key) { return reconcile(key); });
}

void DaemonSetController::stop() {
  workers_.stop();
  recorder_.flush();
}

void DaemonSetController::enqueue_all() {
  for (const auto& ds : daemonsets_.list()) queue_.add(client::object_key(*ds));
}

void DaemonSetController::collect_pods(Round& round, const std::vector<client::ObjectPtr>& held) const {
  round.pods_by_node.clear();
  round.orphaned.clear();
  std::set<std::string> node_names;
  for (const auto& n : round.nodes) node_names.insert(name_of(*n));
  for (const auto& pod : held) {
    std::string node = target_node(*pod);
    if (!node_names.count(node))
      round.orphaned.push_back(*pod);
    else
      round.pods_by_node[node].push_back(*pod);
  }
  for (auto& [node, pods] : round.pods_by_node) std::sort(pods.begin(), pods.end(), older);
}

client::ReconcileResult DaemonSetController::reconcile(const std::string& key) {
  client::ObjectPtr cached = daemonsets_.get(key);
  if (!cached) {
    expectations_.forget(key);
    return {};
  }
  const Json& ds = *cached;
  if (being_deleted(ds)) return {};

  auto selector = api::LabelSelector::from_json(find_path(ds, "spec.selector") ? ds["spec"]["selector"] : Json());
  if (!selector.ok()) return {};  // validation keeps these out
  auto history = revisions::claim_revisions(ctx_.client, revisions_, ds, daemonsets_.resource(), *selector);
  int64_t collision_count = int_at(ds, "status.collisionCount", 0);
  auto current = revisions::current_revision(
      ctx_.client, ds, history,
      [&ds](int64_t collisions) {
        revisions::Snapshot snap;
        snap.data = revisions::template_patch(ds);
        const Json* tmpl = find_path(ds, "spec.template");
        snap.hash = revisions::hash_json(tmpl ? *tmpl : Json::object(), collisions);
        if (const Json* l = find_path(ds, "spec.template.metadata.labels"); l && l->is_object()) snap.labels = *l;
        snap.hash_label = revisions::kPodRevisionLabel;
        if (const Json* a = find_path(ds, "metadata.annotations"); a && a->is_object()) snap.annotations = *a;
        return snap;
      },
      collision_count);
  if (!current.ok()) {
    log::warn("daemonset-controller", key + ": revision: " + current.error().message);
    if (collision_count != int_at(ds, "status.collisionCount", 0)) {
      Json status = ds.value("status", Json::object());
      status["collisionCount"] = collision_count;
      (void)write_status(ds, status);
    }
    return {.requeue = true};
  }

  Round round;
  round.key = key;
  round.ds = ds;
  round.hash = label_of(*current, revisions::kPodRevisionLabel);
  if (round.hash.empty()) round.hash = name_of(*current).substr(std::min(name_of(ds).size() + 1, name_of(*current).size()));
  round.nodes = nodes_.list();
  // The pods held when the round began (the status below reports them too; what the round
  // changes comes back through the informer).
  const std::vector<client::ObjectPtr> held =
      claim(ctx_.client, {ds, daemonsets_.resource(), pods_.resource(), *selector, {}},
            pods_.by_index(kControllerIndex, uid_of(ds)), pods_.by_index(kOrphanIndex, namespace_of(ds)));
  collect_pods(round, held);

  Status synced = ok_status();
  if (expectations_.satisfied(key)) {
    synced = manage(round);
    const Json* type = find_path(ds, "spec.updateStrategy.type");
    const bool rolling = !type || !type->is_string() || *type == "RollingUpdate";
    if (synced.ok() && rolling) synced = rolling_update(round);
  }
  if (!synced.ok()) log::warn("daemonset-controller", key + ": " + synced.error().message);

  // History: keep the current revision and every revision a pod still runs.
  std::set<std::string> pod_hashes;
  for (const auto& [node, pods] : round.pods_by_node)
    for (const auto& pod : pods) pod_hashes.insert(label_of(pod, revisions::kPodRevisionLabel));
  std::set<std::string> live = {name_of(*current)};
  auto all = revisions::owned_revisions(revisions_, ds);
  for (const auto& rev : all)
    if (pod_hashes.count(label_of(*rev, revisions::kPodRevisionLabel))) live.insert(name_of(*rev));
  auto truncated = revisions::truncate_history(ctx_.client, all, live, int_at(ds, "spec.revisionHistoryLimit", 10));
  if (!truncated.ok()) log::warn("daemonset-controller", key + ": history: " + truncated.error().message);

  Round observed = round;
  collect_pods(observed, held);
  Json status = status_for(observed);
  if (collision_count > 0 || find_path(ds, "status.collisionCount")) status["collisionCount"] = collision_count;
  auto written = write_status(ds, status);
  if (!written.ok()) {
    if (written.error().code != 409) log::warn("daemonset-controller", key + ": status: " + written.error().message);
    return {.requeue = true};
  }
  if (!synced.ok()) return {.requeue = true};
  std::chrono::milliseconds after = round.retry_after;
  int64_t min_ready = int_at(ds, "spec.minReadySeconds", 0);
  if (min_ready > 0 && status.value("numberReady", int64_t{0}) != status.value("numberAvailable", int64_t{0})) {
    std::chrono::milliseconds wait = std::chrono::seconds(min_ready);
    if (after.count() == 0 || wait < after) after = wait;
  }
  return {.requeue_after = after};
}

bool DaemonSetController::pod_updated(const Round& round, const Json& pod) const {
  if (!round.hash.empty() && label_of(pod, revisions::kPodRevisionLabel) == round.hash) return true;
  const Json* generation = find_path(round.ds, "metadata.annotations");
  if (!generation || !generation->is_object()) return false;
  std::string template_generation = generation->value("deprecated.daemonset.template.generation", "");
  return !template_generation.empty() && label_of(pod, "pod-template-generation") == template_generation;
}

Json DaemonSetController::status_for(const Round& round) const {
  const Json* tmpl_spec = find_path(round.ds, "spec.template.spec");
  const Json pod_spec = tmpl_spec ? *tmpl_spec : Json::object();
  const int64_t min_ready = int_at(round.ds, "spec.minReadySeconds", 0);
  const WallTime now = ctx_.clock.now();
  int64_t desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
  for (const auto& node : round.nodes) {
    std::vector<const Json*> pods;
    if (auto it = round.pods_by_node.find(name_of(*node)); it != round.pods_by_node.end())
      for (const auto& pod : it->second)
        if (!(being_deleted(pod) && terminal(pod))) pods.push_back(&pod);
    const bool scheduled = !pods.empty();
    if (!placement_on(*node, pod_spec).should_run) {
      if (scheduled) ++misscheduled;
      continue;
    }
    ++desired;
    if (!scheduled) continue;
    ++current;
    const Json& oldest = *pods.front();
    if (pod_ready(oldest)) {
      ++ready;
      if (pod_available(oldest, min_ready, now)) ++available;
    }
    if (pod_updated(round, oldest)) ++updated;
  }
  Json status = round.ds.value("status", Json::object());
  if (!status.is_object()) status = Json::object();
  auto omitempty = [&status](const char* field, int64_t v) {
    if (v == 0)
      status.erase(field);
    else
      status[field] = v;
  };
  status["currentNumberScheduled"] = current;
  status["numberMisscheduled"] = misscheduled;
  status["desiredNumberScheduled"] = desired;
  status["numberReady"] = ready;
  omitempty("observedGeneration", int_at(round.ds, "metadata.generation", 0));
  omitempty("updatedNumberScheduled", updated);
  omitempty("numberAvailable", available);
  omitempty("numberUnavailable", desired - available);
  return status;
}

Status DaemonSetController::write_status(const Json& ds, Json status) {
  if (ds.value("status", Json::object()) == status) return ok_status();
  Json updated = ds;
  updated["status"] = std::move(status);
  auto r = ctx_.client.update(daemonsets_.resource(), namespace_of(ds), std::move(updated), "status");
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

}  // namespace daemon_set

std::unique_ptr<Controller> daemonset(ControllerContext& ctx) {
  return std::make_unique<daemon_set::DaemonSetController>(ctx);
}

}  // namespace skiff::controllers

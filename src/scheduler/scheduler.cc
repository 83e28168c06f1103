#include "scheduler/scheduler.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "scheduler/preemption.h"
#include "scheduler/volume_binding.h"
#include "util/clock.h"
#include "util/log.h"

namespace skiff::scheduler {
namespace {

// Whether two objects agree on every member but those named.
bool same_except(const Json& a, const Json& b, std::initializer_list<std::string_view> ignored) {
  if (!a.is_object() || !b.is_object()) return a == b;
  auto is_ignored = [&](const std::string& key) {
    return std::find(ignored.begin(), ignored.end(), key) != ignored.end();
  };
  size_t compared = 0;
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (is_ignored(it.key())) continue;
    ++compared;
    auto other = b.find(it.key());
    if (other == b.end() || *other != it.value()) return false;
  }
  for (auto it = b.begin(); it != b.end(); ++it)
    if (!is_ignored(it.key())) --compared;
  return compared == 0;
}

// Kubernetes' isPodUpdated: whether a pod changed in more than its status and bookkeeping.
bool changed_beyond_status(const Json& before, const Json& after) {
  if (!same_except(before, after, {"status", "metadata"})) return true;
  static const Json kNone = Json::object();
  auto metadata = [](const Json& pod) -> const Json& {
    auto it = pod.find("metadata");
    return it != pod.end() ? *it : kNone;
  };
  return !same_except(metadata(before), metadata(after), {"resourceVersion", "managedFields", "generation"});
}

constexpr const char* kComponent = "scheduler";
constexpr const char* kVolumeClaimIndex = "scheduler-claim-uid";

bool finished(const Json& pod) {
  const Json* phase = find_path(pod, "status.phase");
  return phase && phase->is_string() && (*phase == "Succeeded" || *phase == "Failed");
}

// Events need apiVersion and kind, which list items may lack.
Json involved(const Json& pod) {
  Json copy = pod;
  if (!copy.contains("apiVersion")) copy["apiVersion"] = "v1";
  if (!copy.contains("kind")) copy["kind"] = "Pod";
  return copy;
}

std::string current_unschedulable_message(const Json& pod) {
  const Json* conditions = find_path(pod, "status.conditions");
  if (!conditions || !conditions->is_array()) return "";
  for (const auto& c : *conditions)
    if (get_string(c, "type") == "PodScheduled" && get_string(c, "status") == "False") return get_string(c, "message");
  return "";
}

}  // namespace

Scheduler::Scheduler(client::InformerFactory& informers, client::Client& client, SchedulerOptions options)
    : informers_(informers),
      client_(client),
      options_(std::move(options)),
      pods_(client.resource("", "v1", "pods")),
      recorder_(client, options_.scheduler_name),
      algorithm_(default_profile(), AlgorithmOptions{options_.percentage_of_nodes_to_score}),
      queue_(options_.queue) {
  informers_.informer("", "v1", "pods")
      .add_handler({[this](const client::ObjectPtr& o) { on_pod_add(o); },
                    [this](const client::ObjectPtr& a, const client::ObjectPtr& b) { on_pod_update(a, b); },
                    [this](const client::ObjectPtr& o) { on_pod_delete(o); }});
  informers_.informer("", "v1", "nodes")
      .add_handler({[this](const client::ObjectPtr& o) { on_node_change(o); },
                    [this](const client::ObjectPtr&, const client::ObjectPtr& o) { on_node_change(o); },
                    [this](const client::ObjectPtr& o) { on_node_delete(o); }});
  informers_.informer("scheduling.k8s.io", "v1", "priorityclasses")
      .add_handler({[this](const client::ObjectPtr& o) { on_priority_class(o, false); },
                    [this](const client::ObjectPtr&, const client::ObjectPtr& o) { on_priority_class(o, false); },
                    [this](const client::ObjectPtr& o) { on_priority_class(o, true); }});
  auto on_namespace = [this](const client::ObjectPtr& o) {
    std::lock_guard lock(cache_mu_);
    cache_.set_namespace_labels(get_string((*o)["metadata"], "name"), LabelSet::from_json(find_path(*o, "metadata.labels")));
  };
  informers_.informer("", "v1", "namespaces")
      .add_handler({on_namespace, [on_namespace](const client::ObjectPtr&, const client::ObjectPtr& o) { on_namespace(o); },
                    [this](const client::ObjectPtr& o) {
                      std::lock_guard lock(cache_mu_);
                      cache_.remove_namespace(get_string((*o)["metadata"], "name"));
                    }});
  // VolumeBinding: pods waiting for claims, volumes or classes are retried when those change.
  auto storage_changed = [this](const client::ObjectPtr&) { queue_.move_all_to_active(); };
  client::EventHandler storage_handler{storage_changed,
                                       [storage_changed](const client::ObjectPtr&, const client::ObjectPtr& o) {
                                         storage_changed(o);
                                       },
                                       nullptr};
  claims_ = &informers_.informer("", "v1", "persistentvolumeclaims");
  volumes_ = &informers_.informer("", "v1", "persistentvolumes");
  classes_ = &informers_.informer("storage.k8s.io", "v1", "storageclasses");
  volumes_->add_index(kVolumeClaimIndex, [](const Json& pv) {
    const Json* uid = find_path(pv, "spec.claimRef.uid");
    return uid && uid->is_string() ? std::vector<std::string>{uid->get<std::string>()} : std::vector<std::string>{};
  });
  for (client::Informer* inf : {claims_, volumes_, classes_}) inf->add_handler(storage_handler);
}

Scheduler::~Scheduler() { stop(); }

std::shared_ptr<PodInfo> Scheduler::parse(const Json& pod) {
  auto info = parse_pod(pod);
  if (!info.ok()) {
    log::warn(kComponent, "cannot read pod " + get_string(pod["metadata"], "namespace") + "/" +
                              get_string(pod["metadata"], "name") + ": " + info.error().message);
    return nullptr;
  }
  auto p = std::move(info).value();
  // The API server defaults spec.priority to 0; the class, when known, decides.
  std::lock_guard lock(classes_mu_);
  const std::string& cls = p->priority_class_name.empty() ? global_default_class_ : p->priority_class_name;
  if (auto it = priority_classes_.find(cls); !cls.empty() && it != priority_classes_.end()) p->priority = it->second;
  return p;
}

void Scheduler::on_pod_add(const client::ObjectPtr& obj) {
  auto info = parse(*obj);
  if (!info) return;
  if (!info->node_name.empty()) {
    std::lock_guard lock(cache_mu_);
    cache_.clear_nomination(info->key);
    nominations_ = cache_.nomination_count();
    if (finished(*obj)) cache_.remove_pod(info->key);
    else cache_.add_pod(std::move(info));
    return;
  }
  track_nomination(info);
  if (info->scheduler_name != options_.scheduler_name || info->terminating) return;
  queue_.add(std::move(info), obj);
}

void Scheduler::on_pod_update(const client::ObjectPtr& old_obj, const client::ObjectPtr& obj) {
  auto info = parse(*obj);
  if (!info) return;
  if (!info->node_name.empty()) queue_.remove(info->key);
  if (info->node_name.empty()) track_nomination(info);
  if (info->node_name.empty() && info->terminating) {
    queue_.remove(info->key);
    return;
  }
  if (info->node_name.empty() && !changed_beyond_status(*old_obj, *obj) && queue_.refresh(info, obj)) return;
  on_pod_add(obj);
}

// A pending pod's status.nominatedNodeName, held in the cache. Most pods have none and none was
// ever held: they skip the cache's lock.
void Scheduler::track_nomination(const std::shared_ptr<PodInfo>& info) {
  const std::string& node = info->terminating ? std::string() : info->nominated_node_name;
  if (node.empty() && nominations_ == 0) return;
  std::lock_guard lock(cache_mu_);
  cache_.set_nomination(info, node);
  nominations_ = cache_.nomination_count();
}

void Scheduler::on_pod_delete(const client::ObjectPtr& obj) {
  std::string key = client::object_key(*obj);
  queue_.remove(key);
  bool was_assigned = !get_string(obj->value("spec", Json::object()), "nodeName").empty();
  {
    std::lock_guard lock(cache_mu_);
    cache_.clear_nomination(key);
    nominations_ = cache_.nomination_count();
    cache_.remove_pod(key);
  }
  if (was_assigned) queue_.move_all_to_active();
}

void Scheduler::on_node_change(const client::ObjectPtr& obj) {
  {
    std::lock_guard lock(cache_mu_);
    if (Status s = cache_.upsert_node(*obj); !s.ok()) {
      log::warn(kComponent, "cannot read node: " + s.error().message);
      return;
    }
  }
  queue_.move_all_to_active();
}

void Scheduler::on_node_delete(const client::ObjectPtr& obj) {
  std::lock_guard lock(cache_mu_);
  cache_.remove_node(get_string((*obj)["metadata"], "name"));
}

void Scheduler::on_priority_class(const client::ObjectPtr& obj, bool deleted) {
  std::string name = get_string((*obj)["metadata"], "name");
  std::lock_guard lock(classes_mu_);
  if (deleted) {
    priority_classes_.erase(name);
    if (global_default_class_ == name) global_default_class_.clear();
    return;
  }
  const Json* value = find_path(*obj, "value");
  priority_classes_[name] = value && value->is_number_integer() ? value->get<int32_t>() : 0;
  const Json* global = find_path(*obj, "globalDefault");
  if (global && global->is_boolean() && global->get<bool>()) global_default_class_ = name;
  else if (global_default_class_ == name) global_default_class_.clear();
}

void Scheduler::start() {
  if (running_.exchange(true)) return;
  {
    std::lock_guard lock(tasks_mu_);
    tasks_stopping_ = false;
  }
  for (int i = 0; i < std::max(1, options_.binder_threads); ++i) binders_.emplace_back([this] { binder_loop(); });
  loop_ = std::thread([this] { run(); });
}

void Scheduler::stop() {
  if (!running_.exchange(false)) return;
  queue_.close();
  if (loop_.joinable()) loop_.join();
  {
    std::lock_guard lock(tasks_mu_);
    tasks_stopping_ = true;
  }
  tasks_cv_.notify_all();
  for (auto& t : binders_) t.join();
  binders_.clear();
  recorder_.flush();
}

SchedulerStats Scheduler::stats() const {
  return {scheduled_.load(), unschedulable_.load(), bind_errors_.load(), preemptions_.load()};
}

void Scheduler::run() {
  if (!informers_.wait_for_sync(options_.sync_timeout))
    log::warn(kComponent, "informers did not sync; scheduling with what is cached");
  while (running_) {
    auto pod = queue_.pop(std::chrono::milliseconds(200));
    if (pod) schedule_one(std::move(*pod));
  }
}

PodVolumes Scheduler::resolve_volumes(const PodInfo& pod) {
  auto one = [](client::Informer* inf) {
    return [inf](const std::string& key) -> std::shared_ptr<const Json> { return inf->get(key); };
  };
  VolumeListers listers{one(claims_), one(volumes_), one(classes_), [this](const std::string& uid) {
                          auto pvs = volumes_->by_index(kVolumeClaimIndex, uid);
                          return pvs.empty() ? nullptr : pvs.front();
                        }};
  return resolve_pod_volumes(pod, listers);
}

void Scheduler::schedule_one(QueuedPod pod) {
  if (!pod.info->claim_names.empty()) {
    auto resolved = std::make_shared<PodInfo>(*pod.info);
    resolved->volumes = resolve_volumes(*resolved);
    pod.info = std::move(resolved);
  }
  ScheduleOutcome outcome;
  PreemptionResult preemption;
  {
    std::lock_guard lock(cache_mu_);
    outcome = algorithm_.schedule(cache_, *pod.info);
    if (!outcome.node.empty()) {
      cache_.clear_nomination(pod.info->key);
      nominations_ = cache_.nomination_count();
      cache_.assume_pod(*pod.info, outcome.node);
    } else if (outcome.error.num_all_nodes > 0) {
      preemption = preempt(algorithm_, cache_, *pod.info, outcome.error);
      outcome.error.post_filter_message = preemption.message;
      // Held from now, before the nomination is written back: the victims' replacements may
      // arrive first.
      if (!preemption.node.empty()) {
        cache_.set_nomination(pod.info, preemption.node);
        nominations_ = cache_.nomination_count();
      }
    }
  }
  if (!outcome.node.empty()) {
    post([this, pod = std::move(pod), node = outcome.node]() mutable { bind(std::move(pod), node); });
    return;
  }
  ++unschedulable_;
  std::string message = outcome.error.message();
  if (!preemption.node.empty()) {
    ++preemptions_;
    for (const auto& victim : preemption.victims) {
      auto victim_obj = informers_.informer("", "v1", "pods").get(victim->key);
      post([this, victim, victim_obj, preemptor = pod.info, node = preemption.node] {
        auto r = client_.remove(pods_, victim->ns, victim->name);
        if (!r.ok() && r.error().code != 404)
          log::warn(kComponent, "preempting " + victim->key + ": " + r.error().message);
        if (victim_obj)
          recorder_.record(involved(*victim_obj), "Normal", "Preempted",
                           "Preempted by " + preemptor->key + " on node " + node);
      });
    }
  }
  report_unschedulable(pod, message, preemption.node);
  queue_.add_unschedulable(std::move(pod));
}

void Scheduler::report_unschedulable(const QueuedPod& pod, const std::string& message, const std::string& nominated) {
  auto object = pod.object;
  auto info = pod.info;
  post([this, object, info, message, nominated] {
    if (object) recorder_.record(involved(*object), "Warning", "FailedScheduling", message);
    bool same = object && current_unschedulable_message(*object) == message && nominated.empty();
    if (same) return;
    Json status = {{"conditions", Json::array({{{"type", "PodScheduled"},
                                                {"status", "False"},
                                                {"reason", "Unschedulable"},
                                                {"message", message},
                                                {"lastProbeTime", nullptr},
                                                {"lastTransitionTime", format_rfc3339(SystemClock::instance().now())}}})}};
    if (!nominated.empty()) status["nominatedNodeName"] = nominated;
    auto r = client_.patch(pods_, info->ns, info->name, client::PatchType::kStrategic, dump_json({{"status", status}}),
                           "status");
    if (!r.ok() && r.error().code != 404)
      log::warn(kComponent, "updating status of " + info->key + ": " + r.error().message);
  });
}

Status Scheduler::pre_bind_volumes(const PodInfo& info, const std::string& node) {
  const auto& claims = client_.resource("", "v1", "persistentvolumeclaims");
  const std::string patch = dump_json({{"metadata", {{"annotations", {{kSelectedNodeAnnotation, node}}}}}});
  for (const auto& claim : info.volumes.claims_to_provision) {
    auto r = client_.patch(claims, info.ns, claim, client::PatchType::kMerge, patch);
    if (!r.ok()) return Error(r.error().code, r.error().reason, "selecting node for claim " + claim + ": " + r.error().message);
  }
  return ok_status();
}

void Scheduler::bind(QueuedPod pod, std::string node) {
  const PodInfo& info = *pod.info;
  if (Status s = pre_bind_volumes(info, node); !s.ok()) {
    ++bind_errors_;
    {
      std::lock_guard lock(cache_mu_);
      cache_.forget_pod(info.key);
    }
    log::warn(kComponent, "binding " + info.key + " to " + node + ": " + s.error().message);
    queue_.add_backoff(std::move(pod));
    return;
  }
  Json binding = {{"apiVersion", "v1"},
                  {"kind", "Binding"},
                  {"metadata", {{"name", info.name}, {"namespace", info.ns}}},
                  {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
  if (!info.uid.empty()) binding["metadata"]["uid"] = info.uid;
  auto r = client_.create_subresource(pods_, info.ns, info.name, "binding", std::move(binding));
  if (r.ok()) {
    ++scheduled_;
    if (pod.object)
      recorder_.record(involved(*pod.object), "Normal", "Scheduled",
                       "Successfully assigned " + info.key + " to " + node);
    queue_.done(info.key);
    return;
  }
  ++bind_errors_;
  {
    std::lock_guard lock(cache_mu_);
    cache_.forget_pod(info.key);
  }
  if (r.error().code == 404) {
    queue_.done(info.key);
    return;
  }
  log::warn(kComponent, "binding " + info.key + " to " + node + ": " + r.error().message);
  queue_.add_backoff(std::move(pod));
}

void Scheduler::post(std::function<void()> task) {
  {
    std::lock_guard lock(tasks_mu_);
    tasks_.push_back(std::move(task));
  }
  tasks_cv_.notify_one();
}

void Scheduler::binder_loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(tasks_mu_);
      tasks_cv_.wait(lock, [this] { return tasks_stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and everything posted has run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace skiff::scheduler

// The scheduler component: watches pods, nodes, priority classes and namespaces through
// informers, schedules pending pods whose spec.schedulerName is its name, assumes each
// decision in its cache at once and binds through pods/binding on a few binder threads.
// Unschedulable pods get a PodScheduled=False condition and a FailedScheduling event, and
// may preempt lower-priority pods.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/client.h"
#include "client/events.h"
#include "client/informer.h"
#include "scheduler/algorithm.h"
#include "scheduler/cache.h"
#include "scheduler/scheduling_queue.h"

namespace skiff::scheduler {

struct SchedulerOptions {
  std::string scheduler_name = "default-scheduler";
  int binder_threads = 4;
  int32_t percentage_of_nodes_to_score = 0;  // 0: adaptive, as Kubernetes
  QueueOptions queue;
  std::chrono::milliseconds sync_timeout{std::chrono::seconds(60)};
};

struct SchedulerStats {
  uint64_t scheduled = 0;         // bindings that succeeded
  uint64_t unschedulable = 0;     // attempts that found no node
  uint64_t bind_errors = 0;
  uint64_t preemptions = 0;
};

class Scheduler {
 public:
  // Creates the informers it needs (pods, nodes, priorityclasses, namespaces) and registers
  // its handlers: construct before informers.start().
  Scheduler(client::InformerFactory& informers, client::Client& client, SchedulerOptions options = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the scheduling loop (it waits for the informers to sync first) and the binders.
  void start();
  // Stops and joins every thread; pending writes (events) are flushed.
  void stop();

  SchedulerStats stats() const;

 private:
  void on_pod_add(const client::ObjectPtr& obj);
  void on_pod_update(const client::ObjectPtr& old_obj, const client::ObjectPtr& obj);
  void on_pod_delete(const client::ObjectPtr& obj);
  void track_nomination(const std::shared_ptr<PodInfo>& info);
  void on_node_change(const client::ObjectPtr& obj);
  void on_node_delete(const client::ObjectPtr& obj);
  void on_priority_class(const client::ObjectPtr& obj, bool deleted);

  std::shared_ptr<PodInfo> parse(const Json& pod);
  void run();
  void schedule_one(QueuedPod pod);
  // VolumeBinding: what the pod's claims demand now, and (PreBind) announcing the chosen node
  // to the provisioner of its unbound WaitForFirstConsumer claims.
  PodVolumes resolve_volumes(const PodInfo& pod);
  Status pre_bind_volumes(const PodInfo& info, const std::string& node);
  void bind(QueuedPod pod, std::string node);
  void report_unschedulable(const QueuedPod& pod, const std::string& message, const std::string& nominated);
  void post(std::function<void()> task);
  void binder_loop();

  client::InformerFactory& informers_;
  client::Client& client_;
  SchedulerOptions options_;
  const api::ResourceInfo& pods_;
  client::EventRecorder recorder_;

  std::mutex cache_mu_;  // guards cache_ and algorithm_
  std::atomic<size_t> nominations_{0};  // cache_.nomination_count(), readable without cache_mu_
  Cache cache_;
  Algorithm algorithm_;
  SchedulingQueue queue_;
  client::Informer* claims_ = nullptr;
  client::Informer* volumes_ = nullptr;
  client::Informer* classes_ = nullptr;

  std::mutex classes_mu_;
  std::unordered_map<std::string, int32_t> priority_classes_;
  std::string global_default_class_;

  std::mutex tasks_mu_;
  std::condition_variable tasks_cv_;
  std::deque<std::function<void()>> tasks_;
  bool tasks_stopping_ = false;

  std::atomic<bool> running_{false};
  std::thread loop_;
  std::vector<std::thread> binders_;
  std::atomic<uint64_t> scheduled_{0}, unschedulable_{0}, bind_errors_{0}, preemptions_{0};
};

}  // namespace skiff::scheduler

// The queue of pods waiting to be scheduled, as Kubernetes' PriorityQueue: activeQ (highest
// priority first, then oldest), backoffQ (failed pods wait 1 s, doubling up to 10 s), and
// unschedulable pods that wait for a cluster event (node added or changed, pod deleted) that
// might make them fit, or at most five minutes. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "scheduler/pod_info.h"
#include "util/json.h"

namespace skiff::scheduler {

struct QueuedPod {
  PodInfoPtr info;
  std::shared_ptr<const Json> object;  // the pod as last seen (for status updates and events)
  int attempts = 0;
  std::chrono::steady_clock::time_point timestamp{};  // when it (re)entered the queue
  uint64_t cycle = 0;  // the scheduling cycle that popped it
};

struct QueueOptions {
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{10000};
  std::chrono::milliseconds max_unschedulable{std::chrono::minutes(5)};
};

class SchedulingQueue {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  explicit SchedulingQueue(QueueOptions options = {}, Now now = [] { return std::chrono::steady_clock::now(); });

  // A new pending pod, or a newer version of one (replaces it wherever it waits; a changed
  // pod that was unschedulable gets another chance at once).
  void add(PodInfoPtr info, std::shared_ptr<const Json> object);
  // A newer version of a waiting pod that changed only in its status (the scheduler's own
  // PodScheduled condition, say): it stays where it waits, as in Kubernetes' queue, where such
  // an update gives an unschedulable pod no new chance. False when the pod is not waiting.
  bool refresh(PodInfoPtr info, std::shared_ptr<const Json> object);
  void remove(const std::string& key);

  // The next pod to schedule; nullopt after timeout or once closed.
  std::optional<QueuedPod> pop(std::chrono::milliseconds timeout);
  // After a failed attempt. An event seen since the pod was popped sends it to backoff
  // instead of waiting for another event.
  void add_unschedulable(QueuedPod pod);
  // After an error (e.g. binding failed): retry after the backoff.
  void add_backoff(QueuedPod pod);
  // A cluster event that may make unschedulable pods fit.
  void move_all_to_active();
  // The popped pod is finished with (bound, or requeued).
  void done(const std::string& key);

  void close();
  size_t active_size() const;
  size_t backoff_size() const;
  size_t unschedulable_size() const;
  std::chrono::milliseconds backoff_duration(int attempts) const;

 private:
  enum class Where { kActive, kBackoff, kUnschedulable };
  using ActiveKey = std::tuple<int64_t, int64_t, uint64_t, std::string>;  // -priority, timestamp, seq, key
  using BackoffKey = std::tuple<std::chrono::steady_clock::time_point, uint64_t, std::string>;
  struct Entry {
    QueuedPod pod;
    Where where = Where::kActive;
    ActiveKey active_key;
    BackoffKey backoff_key;
  };

  void erase_locked(const std::string& key);
  void push_active_locked(QueuedPod pod);
  void push_backoff_locked(QueuedPod pod);
  void push_unschedulable_locked(QueuedPod pod);
  void flush_locked(std::chrono::steady_clock::time_point now);
  std::chrono::steady_clock::time_point backoff_expiry(const QueuedPod& pod) const;

  QueueOptions options_;
  Now now_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Entry> entries_;
  std::set<ActiveKey> active_;
  std::set<BackoffKey> backoff_;
  std::unordered_set<std::string> in_flight_;
  std::unordered_set<std::string> deleted_in_flight_;
  uint64_t seq_ = 0;
  uint64_t cycle_ = 0;
  uint64_t move_request_cycle_ = 0;
  bool closed_ = false;
};

}  // namespace skiff::scheduler

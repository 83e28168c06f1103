// A work queue keyed by object, as client-go's: a key waiting is queued once however often it
// is added; a key being processed is not handed to a second worker, and is queued again after
// done() when it was added meanwhile. Failures back off per key (exponential) and the whole
// queue is rate limited.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace skiff::client {

struct BackoffPolicy {
  std::chrono::milliseconds base{5};
  std::chrono::milliseconds max{std::chrono::seconds(1000)};
};

class WorkQueue {
 public:
  explicit WorkQueue(std::string name, BackoffPolicy backoff = {});
  ~WorkQueue();

  void add(const std::string& key);
  void add_after(const std::string& key, std::chrono::milliseconds delay);
  // add_after with this key's next backoff delay.
  void add_rate_limited(const std::string& key);
  // Resets the key's backoff (after a success).
  void forget(const std::string& key);
  int failures(const std::string& key) const;

  // Blocks for the next key; nullopt once shut down.
  std::optional<std::string> get();
  void done(const std::string& key);

  void shut_down();
  size_t length() const;
  const std::string& name() const { return name_; }

 private:
  void delay_loop();

  std::string name_;
  BackoffPolicy backoff_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;       // queued or to be requeued after processing
  std::unordered_set<std::string> processing_;
  std::unordered_map<std::string, int> failures_;
  std::multimap<std::chrono::steady_clock::time_point, std::string> delayed_;
  std::condition_variable delay_cv_;
  bool shutting_down_ = false;
  std::thread delay_thread_;
};

// What a reconcile asks of its queue.
struct ReconcileResult {
  bool requeue = false;  // with backoff
  std::chrono::milliseconds requeue_after{0};
};

// Runs n worker threads that take keys from the queue and call reconcile; an error or
// requeue requests backoff, success forgets the key's failures.
class WorkerPool {
 public:
  using Reconcile = std::function<ReconcileResult(const std::string& key)>;
  WorkerPool(WorkQueue& queue, int workers, Reconcile reconcile);
  ~WorkerPool();
  void stop();

 private:
  WorkQueue& queue_;
  Reconcile reconcile_;
  std::vector<std::thread> threads_;
};

}  // namespace skiff::client

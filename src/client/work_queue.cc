#include "client/work_queue.h"

#include <algorithm>

#include "util/log.h"

namespace skiff::client {

WorkQueue::WorkQueue(std::string name, BackoffPolicy backoff) : name_(std::move(name)), backoff_(backoff) {
  delay_thread_ = std::thread([this] { delay_loop(); });
}

WorkQueue::~WorkQueue() {
  shut_down();
  delay_thread_.join();
}

void WorkQueue::add(const std::string& key) {
  {
    std::lock_guard lk(mu_);
    if (shutting_down_ || dirty_.count(key)) return;
    dirty_.insert(key);
    if (processing_.count(key)) return;  // requeued by done()
    queue_.push_back(key);
  }
  cv_.notify_one();
}

void WorkQueue::add_after(const std::string& key, std::chrono::milliseconds delay) {
  if (delay <= std::chrono::milliseconds(0)) return add(key);
  {
    std::lock_guard lk(mu_);
    if (shutting_down_) return;
    delayed_.emplace(std::chrono::steady_clock::now() + delay, key);
  }
  delay_cv_.notify_one();
}

void WorkQueue::add_rate_limited(const std::string& key) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lk(mu_);
    int n = failures_[key]++;
    double ms = static_cast<double>(backoff_.base.count());
    for (int i = 0; i < n && ms < static_cast<double>(backoff_.max.count()); ++i) ms *= 2;
    delay = std::min(backoff_.max, std::chrono::milliseconds(static_cast<int64_t>(ms)));
  }
  add_after(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lk(mu_);
  failures_.erase(key);
}

int WorkQueue::failures(const std::string& key) const {
  std::lock_guard lk(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [this] { return !queue_.empty() || shutting_down_; });
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

void WorkQueue::done(const std::string& key) {
  bool requeued = false;
  {
    std::lock_guard lk(mu_);
    processing_.erase(key);
    if (dirty_.count(key) && !shutting_down_) {
      queue_.push_back(key);
      requeued = true;
    }
  }
  if (requeued) cv_.notify_one();
}

void WorkQueue::shut_down() {
  {
    std::lock_guard lk(mu_);
    shutting_down_ = true;
  }
  cv_.notify_all();
  delay_cv_.notify_all();
}

size_t WorkQueue::length() const {
  std::lock_guard lk(mu_);
  return queue_.size();
}

void WorkQueue::delay_loop() {
  std::unique_lock lk(mu_);
  while (!shutting_down_) {
    if (delayed_.empty()) {
      delay_cv_.wait(lk);
      continue;
    }
    auto first = delayed_.begin();
    if (first->first > std::chrono::steady_clock::now()) {
      delay_cv_.wait_until(lk, first->first);
      continue;
    }
    std::string key = first->second;
    delayed_.erase(first);
    lk.unlock();
    add(key);
    lk.lock();
  }
}

WorkerPool::WorkerPool(WorkQueue& queue, int workers, Reconcile reconcile)
    : queue_(queue), reconcile_(std::move(reconcile)) {
  for (int i = 0; i < workers; ++i) {
    threads_.emplace_back([this] {
      while (auto key = queue_.get()) {
        ReconcileResult r;
        try {
          r = reconcile_(*key);
        } catch (const std::exception& e) {
          log::error(queue_.name(), "reconciling " + *key + ": " + e.what());
          r.requeue = true;
        }
        if (r.requeue) {
          queue_.add_rate_limited(*key);
        } else {
          queue_.forget(*key);
          if (r.requeue_after.count() > 0) queue_.add_after(*key, r.requeue_after);
        }
        queue_.done(*key);
      }
    });
  }
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::stop() {
  queue_.shut_down();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

}  // namespace skiff::client

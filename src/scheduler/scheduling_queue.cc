#include "scheduler/scheduling_queue.h"

#include <algorithm>

namespace skiff::scheduler {

using SteadyTime = std::chrono::steady_clock::time_point;

SchedulingQueue::SchedulingQueue(QueueOptions options, Now now) : options_(options), now_(std::move(now)) {}

std::chrono::milliseconds SchedulingQueue::backoff_duration(int attempts) const {
  auto d = options_.initial_backoff;
  for (int i = 1; i < attempts && d < options_.max_backoff; ++i) d *= 2;
  return std::min(d, options_.max_backoff);
}

SteadyTime SchedulingQueue::backoff_expiry(const QueuedPod& pod) const {
  return pod.timestamp + backoff_duration(std::max(pod.attempts, 1));
}

void SchedulingQueue::erase_locked(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  if (it->second.where == Where::kActive) active_.erase(it->second.active_key);
  if (it->second.where == Where::kBackoff) backoff_.erase(it->second.backoff_key);
  entries_.erase(it);
}

void SchedulingQueue::push_active_locked(QueuedPod pod) {
  std::string key = pod.info->key;
  erase_locked(key);
  Entry e;
  e.where = Where::kActive;
  e.active_key = {-static_cast<int64_t>(pod.info->priority), pod.timestamp.time_since_epoch().count(), ++seq_, key};
  active_.insert(e.active_key);
  e.pod = std::move(pod);
  entries_[key] = std::move(e);
  cv_.notify_one();
}

void SchedulingQueue::push_backoff_locked(QueuedPod pod) {
  std::string key = pod.info->key;
  erase_locked(key);
  Entry e;
  e.where = Where::kBackoff;
  e.backoff_key = {backoff_expiry(pod), ++seq_, key};
  backoff_.insert(e.backoff_key);
  e.pod = std::move(pod);
  entries_[key] = std::move(e);
  cv_.notify_one();
}

void SchedulingQueue::push_unschedulable_locked(QueuedPod pod) {
  std::string key = pod.info->key;
  erase_locked(key);
  Entry e;
  e.where = Where::kUnschedulable;
  e.pod = std::move(pod);
  entries_[key] = std::move(e);
}

void SchedulingQueue::add(PodInfoPtr info, std::shared_ptr<const Json> object) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(info->key);
  if (it == entries_.end()) {
    QueuedPod pod{std::move(info), std::move(object), 0, now_(), 0};
    push_active_locked(std::move(pod));
    return;
  }
  QueuedPod pod = it->second.pod;
  pod.info = std::move(info);
  pod.object = std::move(object);
  if (it->second.where == Where::kBackoff) push_backoff_locked(std::move(pod));
  else push_active_locked(std::move(pod));
}

bool SchedulingQueue::refresh(PodInfoPtr info, std::shared_ptr<const Json> object) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(info->key);
  if (it == entries_.end()) return false;
  it->second.pod.info = std::move(info);
  it->second.pod.object = std::move(object);
  return true;
}

void SchedulingQueue::remove(const std::string& key) {
  std::lock_guard lock(mu_);
  erase_locked(key);
  if (in_flight_.count(key)) deleted_in_flight_.insert(key);
}

void SchedulingQueue::flush_locked(SteadyTime now) {
  while (!backoff_.empty() && std::get<0>(*backoff_.begin()) <= now) {
    std::string key = std::get<2>(*backoff_.begin());
    QueuedPod pod = std::move(entries_[key].pod);
    push_active_locked(std::move(pod));
  }
  std::vector<std::string> stale;
  for (const auto& [key, e] : entries_)
    if (e.where == Where::kUnschedulable && now - e.pod.timestamp >= options_.max_unschedulable) stale.push_back(key);
  for (const auto& key : stale) {
    QueuedPod pod = std::move(entries_[key].pod);
    push_active_locked(std::move(pod));
  }
}

std::optional<QueuedPod> SchedulingQueue::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    flush_locked(now_());
    if (!active_.empty()) {
      std::string key = std::get<3>(*active_.begin());
      active_.erase(active_.begin());
      QueuedPod pod = std::move(entries_[key].pod);
      entries_.erase(key);
      pod.attempts++;
      pod.cycle = ++cycle_;
      in_flight_.insert(key);
      return pod;
    }
    auto real_now = std::chrono::steady_clock::now();
    if (real_now >= deadline) return std::nullopt;
    // Wake for the next backoff expiry too (checked against the injected clock).
    cv_.wait_until(lock, std::min(deadline, real_now + std::chrono::milliseconds(50)));
  }
  return std::nullopt;
}

void SchedulingQueue::add_unschedulable(QueuedPod pod) {
  std::lock_guard lock(mu_);
  const std::string key = pod.info->key;
  in_flight_.erase(key);
  if (deleted_in_flight_.erase(key) || entries_.count(key)) return;  // deleted, or a newer version waits
  pod.timestamp = now_();
  if (move_request_cycle_ >= pod.cycle) push_backoff_locked(std::move(pod));
  else push_unschedulable_locked(std::move(pod));
}

void SchedulingQueue::add_backoff(QueuedPod pod) {
  std::lock_guard lock(mu_);
  const std::string key = pod.info->key;
  in_flight_.erase(key);
  if (deleted_in_flight_.erase(key) || entries_.count(key)) return;
  pod.timestamp = now_();
  push_backoff_locked(std::move(pod));
}

void SchedulingQueue::move_all_to_active() {
  std::lock_guard lock(mu_);
  move_request_cycle_ = cycle_;
  std::vector<std::string> keys;
  for (const auto& [key, e] : entries_)
    if (e.where == Where::kUnschedulable) keys.push_back(key);
  const auto now = now_();
  for (const auto& key : keys) {
    QueuedPod pod = std::move(entries_[key].pod);
    if (backoff_expiry(pod) > now) push_backoff_locked(std::move(pod));
    else push_active_locked(std::move(pod));
  }
}

void SchedulingQueue::done(const std::string& key) {
  std::lock_guard lock(mu_);
  in_flight_.erase(key);
  deleted_in_flight_.erase(key);
}

void SchedulingQueue::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

size_t SchedulingQueue::active_size() const {
  std::lock_guard lock(mu_);
  return active_.size();
}

size_t SchedulingQueue::backoff_size() const {
  std::lock_guard lock(mu_);
  return backoff_.size();
}

size_t SchedulingQueue::unschedulable_size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key, e] : entries_) n += e.where == Where::kUnschedulable;
  return n;
}

}  // namespace skiff::scheduler

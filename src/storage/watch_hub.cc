#include "storage/watch_hub.h"

#include <algorithm>

namespace skiff::storage {

struct WatchHub::Watcher {
  std::string start;
  std::string end;
  WatchCallback callback;
  bool cancelled = false;
};

namespace {

class HubWatch final : public Watch {
 public:
  HubWatch(std::shared_ptr<WatchHub> hub, std::shared_ptr<WatchHub::Watcher> watcher)
      : hub_(std::move(hub)), watcher_(std::move(watcher)) {}
  ~HubWatch() override { hub_->cancel(watcher_); }

 private:
  std::shared_ptr<WatchHub> hub_;
  std::shared_ptr<WatchHub::Watcher> watcher_;
};

}  // namespace

// Counts callbacks in flight, so that cancellation from inside one does not erase under the loop.
class WatchHub::DeliveringScope {
 public:
  explicit DeliveringScope(WatchHub& hub) : hub_(hub) { ++hub_.delivering_; }
  ~DeliveringScope() {
    --hub_.delivering_;
    hub_.erase_cancelled();
  }

 private:
  WatchHub& hub_;
};

WatchHub::Delivery::Delivery(std::shared_ptr<WatchHub> hub) : hub_(std::move(hub)), lock_(hub_->mu_) {}

void WatchHub::Delivery::publish(const std::vector<Event>& events) {
  if (hub_->watchers_.empty() || events.empty()) return;
  DeliveringScope scope(*hub_);
  // Index loop and a size taken up front: callbacks may cancel watches (only marked meanwhile).
  for (size_t i = 0, n = hub_->watchers_.size(); i < n; ++i) hub_->deliver(*hub_->watchers_[i], events);
}

std::unique_ptr<Watch> WatchHub::Delivery::add(std::string start, std::string end, WatchCallback callback,
                                               const std::vector<Event>& replay) {
  auto watcher = std::make_shared<Watcher>();
  watcher->start = std::move(start);
  watcher->end = std::move(end);
  watcher->callback = std::move(callback);
  hub_->watchers_.push_back(watcher);
  auto handle = std::make_unique<HubWatch>(hub_, watcher);
  {
    DeliveringScope scope(*hub_);
    hub_->deliver(*watcher, replay);
  }
  return handle;
}

void WatchHub::deliver(Watcher& watcher, const std::vector<Event>& events) {
  if (watcher.cancelled) return;
  bool all_match = std::all_of(events.begin(), events.end(), [&](const Event& e) {
    return key_in_range(e.kv.key, watcher.start, watcher.end);
  });
  if (all_match) {
    if (!events.empty()) watcher.callback(events);
    return;
  }
  std::vector<Event> matching;
  for (const auto& e : events) {
    if (key_in_range(e.kv.key, watcher.start, watcher.end)) matching.push_back(e);
  }
  if (!matching.empty()) watcher.callback(matching);
}

void WatchHub::cancel(const std::shared_ptr<Watcher>& watcher) {
  std::lock_guard lock(mu_);  // waits for a delivery in progress on another thread
  watcher->cancelled = true;
  erase_cancelled();
}

void WatchHub::erase_cancelled() {
  if (delivering_ > 0) return;
  std::erase_if(watchers_, [](const auto& w) { return w->cancelled; });
}

}  // namespace skiff::storage

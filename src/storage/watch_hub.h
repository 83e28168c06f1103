// The watch registry both backends share. It delivers events in revision order and never
// runs one watch's callback concurrently: a writer takes the delivery lock *before* releasing
// its write lock (hand over hand), so deliveries happen in commit order, and a new watch
// replays its missed events and registers under that same lock, so it sees no gap and no
// duplicate between replay and live events.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/store.h"

namespace skiff::storage {

class WatchHub : public std::enable_shared_from_this<WatchHub> {
 public:
  struct Watcher;

  // Holds the delivery lock for as long as it lives.
  class Delivery {
   public:
    // Sends events to every matching watch.
    void publish(const std::vector<Event>& events);
    // Registers a watch over [start, end), then delivers `replay` (filtered to the range) to it
    // alone; live events published later follow.
    std::unique_ptr<Watch> add(std::string start, std::string end, WatchCallback callback,
                               const std::vector<Event>& replay);

   private:
    friend class WatchHub;
    explicit Delivery(std::shared_ptr<WatchHub> hub);
    std::shared_ptr<WatchHub> hub_;
    std::unique_lock<std::recursive_mutex> lock_;
  };

  static std::shared_ptr<WatchHub> create() { return std::shared_ptr<WatchHub>(new WatchHub()); }

  // Call with the store's write lock held, release that lock, then publish.
  Delivery begin() { return Delivery(shared_from_this()); }

  void cancel(const std::shared_ptr<Watcher>& watcher);

 private:
  class DeliveringScope;
  WatchHub() = default;
  void deliver(Watcher& watcher, const std::vector<Event>& events);
  void erase_cancelled();

  // Recursive so that a callback may destroy a Watch (which cancels under this lock).
  std::recursive_mutex mu_;
  std::vector<std::shared_ptr<Watcher>> watchers_;
  int delivering_ = 0;  // >0 while callbacks run: cancel marks instead of erasing
};

}  // namespace skiff::storage

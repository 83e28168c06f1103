// The common shape of a controller that reconciles one kind by key: informer handlers that
// enqueue the object itself or, for objects it owns (pods, revisions), its owner while keeping
// the owner's Expectations current; and the workers that drain the queue.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "client/informer.h"
#include "client/work_queue.h"
#include "controllers/ownership.h"

namespace skiff::controllers {

// Maps an owned object to its owner's queue key ("" when not owned by the controller's kind).
using OwnerKeyFunc = std::function<std::string(const Json& obj)>;

// For the controller's own kind: every change enqueues the object; a deletion also forgets
// the expectations kept under its key.
client::EventHandler enqueue_self_handler(client::WorkQueue& queue, Expectations& expectations);

// For owned objects: an add is an observed creation, a deletion (or the start of a graceful
// one) an observed deletion; every change enqueues the owner, and a change of owner the old too.
client::EventHandler enqueue_owner_handler(client::WorkQueue& queue, Expectations& expectations,
                                           OwnerKeyFunc owner_key);

// The worker pool of one controller over its queue. Declare it after everything reconcile
// reads, so that it is destroyed (and its threads joined) first.
class ReconcileWorkers {
 public:
  explicit ReconcileWorkers(client::WorkQueue& queue) : queue_(queue) {}
  ~ReconcileWorkers() { stop(); }
  ReconcileWorkers(const ReconcileWorkers&) = delete;
  ReconcileWorkers& operator=(const ReconcileWorkers&) = delete;

  void start(int workers, client::WorkerPool::Reconcile reconcile);
  // Shuts the queue down and joins the workers; safe to call twice.
  void stop();

 private:
  client::WorkQueue& queue_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace skiff::controllers

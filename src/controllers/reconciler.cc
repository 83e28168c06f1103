#include "controllers/reconciler.h"

namespace skiff::controllers {

client::EventHandler enqueue_self_handler(client::WorkQueue& queue, Expectations& expectations) {
  auto enqueue = [&queue](const client::ObjectPtr& obj) { queue.add(client::object_key(*obj)); };
  return {.on_add = enqueue,
          .on_update = [enqueue](const client::ObjectPtr&, const client::ObjectPtr& obj) { enqueue(obj); },
          .on_delete =
              [&queue, &expectations](const client::ObjectPtr& obj) {
                expectations.forget(client::object_key(*obj));
                queue.add(client::object_key(*obj));
              }};
}

client::EventHandler enqueue_owner_handler(client::WorkQueue& queue, Expectations& expectations,
                                           OwnerKeyFunc owner_key) {
  return {.on_add =
              [&queue, &expectations, owner_key](const client::ObjectPtr& obj) {
                std::string key = owner_key(*obj);
                if (key.empty()) return;
                expectations.observed_add(key);
                queue.add(key);
              },
          .on_update =
              [&queue, &expectations, owner_key](const client::ObjectPtr& old_obj, const client::ObjectPtr& obj) {
                std::string key = owner_key(*obj), old_key = owner_key(*old_obj);
                if (!key.empty() && being_deleted(*obj) && !being_deleted(*old_obj)) expectations.observed_delete(key);
                if (!key.empty()) queue.add(key);
                if (!old_key.empty() && old_key != key) queue.add(old_key);
              },
          .on_delete =
              [&queue, &expectations, owner_key](const client::ObjectPtr& obj) {
                std::string key = owner_key(*obj);
                if (key.empty()) return;
                // A graceful deletion was counted when deletionTimestamp appeared.
                if (!being_deleted(*obj)) expectations.observed_delete(key);
                queue.add(key);
              }};
}

void ReconcileWorkers::start(int workers, client::WorkerPool::Reconcile reconcile) {
  if (pool_) return;
  pool_ = std::make_unique<client::WorkerPool>(queue_, workers, std::move(reconcile));
}

void ReconcileWorkers::stop() {
  queue_.shut_down();
  if (pool_) pool_->stop();
}

}  // namespace skiff::controllers

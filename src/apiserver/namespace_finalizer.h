// Namespace lifecycle inside the API server: once a namespace is marked for deletion, delete
// everything in it, then drop the "kubernetes" finalizer so the namespace itself goes away.
// (Kubernetes runs this as the namespace controller; Skiff's controller manager will take it
// over when it exists.)
#pragma once

#include <atomic>
#include <memory>
#include <thread>

namespace skiff::apiserver {

class Registry;
class Watcher;

class NamespaceFinalizer {
 public:
  explicit NamespaceFinalizer(Registry& registry);
  ~NamespaceFinalizer();
  void start();
  void stop();

  // One pass over terminating namespaces; returns how many are still waiting for content to go.
  int sweep();

 private:
  void run();

  Registry& registry_;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<Watcher> watcher_;
  std::thread thread_;
};

}  // namespace skiff::apiserver

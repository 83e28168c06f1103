// The CustomResourceDefinition controllers of Kubernetes' apiextensions server, in one loop
// inside the API server: serve each CRD's resources through the dynamic schema registry,
// report it in status (acceptedNames, NamesAccepted, Established, storedVersions), and on
// deletion delete its custom resources before dropping the customresourcecleanup finalizer.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "api/crd_registry.h"
#include "util/clock.h"

namespace skiff::apiserver {

class Registry;
class Watcher;

class CrdController {
 public:
  CrdController(Registry& registry, api::DynamicSchemaRegistry& schemas, const Clock& clock);
  ~CrdController();

  // Serves the stored CRDs (synchronously, so a restarted server serves them at once), then
  // follows changes on a thread of its own.
  void start();
  void stop();

  // One pass over every CRD; returns how many wait for their custom resources to go.
  int sync();

 private:
  void run();
  void serve(const Json& crd, int64_t resource_version);
  // true once the CRD's resources are gone and its finalizer removed.
  bool clean_up(const Json& crd);
  void update_status(const std::string& name, const Json& crd);

  Registry& registry_;
  api::DynamicSchemaRegistry& schemas_;
  const Clock& clock_;
  std::map<std::string, int64_t> served_revision_;  // CRD name -> resourceVersion last served
  std::atomic<bool> stopping_{false};
  std::shared_ptr<Watcher> watcher_;
  std::thread thread_;
};

}  // namespace skiff::apiserver

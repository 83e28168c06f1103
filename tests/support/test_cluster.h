// An in-process cluster for tests of the components above the API server: a memory store,
// the watch cache, the registry and an in-process client (the same write path as HTTP), with
// the default namespaces created. Controllers, the scheduler and simulated nodes run against
// client() exactly as they do inside `skiff server`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/client.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::apiserver {
class Admission;
class Registry;
struct AdmissionOptions;
}

namespace skiff::testing {

class TestCluster {
 public:
  TestCluster();
  ~TestCluster();

  client::Client& client();
  apiserver::Registry& registry();
  // Turns on the server's admission plugins by their Kubernetes names ("ResourceQuota", ...);
  // returns them (null, with a test failure, for an unknown name).
  std::shared_ptr<const apiserver::Admission> enable_admission(const std::vector<std::string>& plugins);
  std::shared_ptr<const apiserver::Admission> enable_admission(const std::vector<std::string>& plugins,
                                                               const apiserver::AdmissionOptions& options);

  // Shorthands that fail the current test on error.
  Json create(std::string_view group, std::string_view version, std::string_view plural, const Json& obj);
  Json get(std::string_view group, std::string_view version, std::string_view plural, const std::string& ns,
           const std::string& name);
  std::vector<Json> list(std::string_view group, std::string_view version, std::string_view plural,
                         const std::string& ns = "", const std::string& label_selector = "");

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// Polls cond every 10 ms until it holds or timeout passes; returns whether it held.
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace skiff::testing

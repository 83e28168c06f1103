// Records core/v1 Events about objects, as client-go's EventRecorder: asynchronous (writes
// never block the caller), repeated events (same object, reason and message) counted on one
// Event instead of creating new ones.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "client/client.h"

namespace skiff::client {

class EventRecorder {
 public:
  // component: source.component and reportingController ("default-scheduler", "deployment-controller").
  EventRecorder(Client& client, std::string component, std::string host = "");
  ~EventRecorder();

  // type "Normal" or "Warning". The object needs apiVersion, kind and metadata. `host` names
  // the node that reports it when one recorder speaks for several (simulated nodes).
  void record(const Json& object, const std::string& type, const std::string& reason, const std::string& message,
              const std::string& host = "");
  // Waits until every recorded event has been written (tests, shutdown).
  void flush();

 private:
  struct Pending {
    Json involved;
    std::string ns, type, reason, message, host;
  };
  void run();
  void write(const Pending& p);

  Client& client_;
  std::string component_;
  std::string host_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Pending> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  // aggregation key -> (event namespace/name, count)
  std::unordered_map<std::string, std::pair<std::string, int64_t>> seen_;
  std::thread thread_;
};

}  // namespace skiff::client

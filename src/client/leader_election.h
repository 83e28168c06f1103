// Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection: the
// candidates race to write their identity into the lease; the holder renews it every retry
// period and gives up leading when it cannot renew within the renew deadline; the others take
// over once the lease has not changed for its leaseDurationSeconds (measured on their own clock
// from when they saw it change, so clock skew between candidates does not matter).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "client/client.h"
#include "util/clock.h"

namespace skiff::client {

struct LeaderCallbacks {
  // Run on the elector's thread: start work and return.
  std::function<void()> on_started_leading;
  // After having led: the lease was lost (not renewed within the renew deadline) or stop().
  std::function<void()> on_stopped_leading;
  // Whenever the observed holder changes (also to this candidate itself).
  std::function<void(const std::string& identity)> on_new_leader;
};

struct LeaderElectionConfig {
  std::string lease_namespace = "kube-system";
  std::string lease_name;
  std::string identity;  // unique per candidate, e.g. hostname + "_" + a random suffix
  std::chrono::milliseconds lease_duration{std::chrono::seconds(15)};
  std::chrono::milliseconds renew_deadline{std::chrono::seconds(10)};
  std::chrono::milliseconds retry_period{std::chrono::seconds(2)};
  // On stop(), clear the holder so that another candidate takes over at once (ReleaseOnCancel).
  bool release_on_cancel = false;
  LeaderCallbacks callbacks;
};

// The lease's spec as the elector reads and writes it.
struct LeaderElectionRecord {
  std::string holder_identity;
  int32_t lease_duration_seconds = 0;
  std::string acquire_time;  // MicroTime
  std::string renew_time;    // MicroTime
  int32_t lease_transitions = 0;
  bool operator==(const LeaderElectionRecord&) const = default;
};

class LeaderElector {
 public:
  // 400 on an invalid config (as client-go: leaseDuration > renewDeadline > 1.2 * retryPeriod,
  // a lease name and an identity).
  static Result<std::unique_ptr<LeaderElector>> create(Client& client, LeaderElectionConfig config,
                                                       const Clock& clock = SystemClock::instance());
  ~LeaderElector();
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Campaigns on a thread of its own. Once leadership is lost the elector stays stopped, as
  // client-go's Run returns: the caller decides (kube components exit).
  void start();
  // Stops campaigning or leading (on_stopped_leading, then the release if configured); waits.
  void stop();

  bool is_leader() const { return leading_.load(); }
  // The holder last observed ("" while unknown or released).
  std::string leader() const;

 private:
  LeaderElector(Client& client, LeaderElectionConfig config, const Clock& clock);
  void run();
  bool acquire();
  void renew();
  bool try_acquire_or_renew();
  void release();
  // Waits up to d; false when stopping.
  bool sleep(std::chrono::milliseconds d);
  void observe(const LeaderElectionRecord& record);

  Client& client_;
  LeaderElectionConfig config_;
  const Clock& clock_;
  const api::ResourceInfo& leases_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::optional<LeaderElectionRecord> observed_;
  std::chrono::steady_clock::time_point observed_time_;
  std::string reported_leader_;

  std::atomic<bool> leading_{false};
  std::thread thread_;
};

}  // namespace skiff::client

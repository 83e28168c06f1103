// Runs named controllers against an in-process test cluster: the base of every controller
// test's fixture.
#pragma once

#include <gtest/gtest.h>

#include "client/informer.h"
#include "controllers/controller.h"
#include "support/test_cluster.h"

namespace skiff::controllers {

class ControllerFixture {
 public:
  explicit ControllerFixture(const std::vector<std::string>& names, ControllerOptions options = {},
                             const Clock& clock = SystemClock::instance())
      : factory_(cluster_.client()), ctx_{cluster_.client(), factory_, clock, options} {
    auto made = make_controllers(ctx_, names);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
    if (made.ok()) controllers_ = std::move(*made);
    factory_.start();
    EXPECT_TRUE(factory_.wait_for_sync(std::chrono::seconds(10)));
    for (auto& c : controllers_) c->run();
  }
  ~ControllerFixture() {
    for (auto& c : controllers_) c->stop();
    factory_.stop();
  }

  testing::TestCluster& cluster() { return cluster_; }
  client::Client& client() { return cluster_.client(); }
  const api::ResourceInfo& resource(std::string_view g, std::string_view v, std::string_view p) {
    return cluster_.client().resource(g, v, p);
  }

  // Marks every pending pod in ns Running and Ready, as a node would.
  void run_pods(const std::string& ns = "default") {
    const auto& pods = client().resource("", "v1", "pods");
    for (auto pod : cluster_.list("", "v1", "pods", ns)) {
      if (pod.contains("metadata") && pod["metadata"].contains("deletionTimestamp")) {
        client::DeleteOptions now;
        now.grace_period_seconds = 0;
        (void)client().remove(pods, ns, pod["metadata"]["name"], now);
        continue;
      }
      if (find_path(pod, "status.phase") && pod["status"]["phase"] == "Running") continue;
      pod["status"]["phase"] = "Running";
      pod["status"]["conditions"] = {{{"type", "Ready"}, {"status", "True"},
                                      {"lastTransitionTime", "2020-01-01T00:00:00Z"}}};
      (void)client().update(pods, ns, pod, "status");
    }
  }

 private:
  testing::TestCluster cluster_;
  client::InformerFactory factory_;
  ControllerContext ctx_;
  std::vector<std::unique_ptr<Controller>> controllers_;
};

}  // namespace skiff::controllers

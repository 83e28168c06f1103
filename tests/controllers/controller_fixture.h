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

  // Deletes the object with propagationPolicy Orphan (the garbage collector must run) and
  // waits until it is gone and no object of `dependents` in ns names an owner, in the store and
  // in the controllers' cache; false if that does not happen within 10 s. (A controller created
  // before its cache shows them orphaned cannot adopt them yet, in Kubernetes too.)
  bool delete_orphaning(std::string_view group, std::string_view plural, const std::string& name,
                        std::string_view dependents_group, std::string_view dependents_plural,
                        const std::string& ns = "default") {
    const auto& r = resource(group, "v1", plural);
    client::DeleteOptions orphan;
    orphan.propagation_policy = "Orphan";
    if (!client().remove(r, ns, name, orphan).ok()) return false;
    client::Informer& cached = factory_.informer(dependents_group, "v1", dependents_plural);
    return testing::eventually([&] {
      for (const auto& d : cluster_.list(dependents_group, "v1", dependents_plural, ns))
        if (d["metadata"].contains("ownerReferences")) return false;
      for (const auto& d : cached.list_namespace(ns))
        if ((*d)["metadata"].contains("ownerReferences")) return false;
      return !client().get(r, ns, name).ok();
    });
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

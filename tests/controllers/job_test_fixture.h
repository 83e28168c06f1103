// Runs the batch controllers against an in-process cluster with an injectable clock, and plays
// the node's part for pods (phases, exit codes, finishing deletions).
#pragma once

#include <gtest/gtest.h>

#include "controller_fixture.h"

namespace skiff::controllers {

class BatchFixture : public ControllerFixture {
 public:
  BatchFixture(const std::vector<std::string>& names, const Clock& clock, ControllerOptions options = {})
      : ControllerFixture(names, options, clock) {}

  std::vector<Json> pods(const std::string& job_name, bool include_terminating = false) {
    std::vector<Json> out;
    for (auto& p : cluster().list("", "v1", "pods", "default", "batch.kubernetes.io/job-name=" + job_name))
      if (include_terminating || !p["metadata"].contains("deletionTimestamp")) out.push_back(p);
    return out;
  }
  // Pods neither finished nor being deleted.
  std::vector<Json> running_pods(const std::string& job_name) {
    std::vector<Json> out;
    for (auto& p : pods(job_name)) {
      const Json* phase = find_path(p, "status.phase");
      if (!phase || (*phase != "Succeeded" && *phase != "Failed")) out.push_back(p);
    }
    return out;
  }

  // What a node reports when the pod's one container "main" exits (or starts, for "Running").
  void set_phase(const Json& pod, const std::string& phase, int exit_code = 0) {
    const auto& pods_res = client().resource("", "v1", "pods");
    auto fresh = client().get(pods_res, "default", pod["metadata"]["name"]);
    ASSERT_TRUE(fresh.ok());
    Json p = *fresh;
    p["status"]["phase"] = phase;
    if (phase == "Running") {
      p["status"]["conditions"] = {{{"type", "Ready"}, {"status", "True"}}};
      p["status"]["containerStatuses"] = {
          {{"name", "main"}, {"ready", true}, {"restartCount", 0}, {"state", {{"running", Json::object()}}}}};
    } else {
      p["status"]["conditions"] = {{{"type", "Ready"}, {"status", "False"}}};
      p["status"]["containerStatuses"] = {{{"name", "main"},
                                           {"ready", false},
                                           {"restartCount", 0},
                                           {"state", {{"terminated", {{"exitCode", exit_code}}}}}}};
    }
    ASSERT_TRUE(client().update(pods_res, "default", p, "status").ok());
  }

  // Completes graceful deletions, as a node would once containers stop.
  void finish_deletions() {
    const auto& pods_res = client().resource("", "v1", "pods");
    for (auto& p : cluster().list("", "v1", "pods", "default")) {
      if (!p["metadata"].contains("deletionTimestamp")) continue;
      client::DeleteOptions now;
      now.grace_period_seconds = 0;
      (void)client().remove(pods_res, "default", p["metadata"]["name"], now);
    }
  }

  // A no-op change that makes the controllers look at the object again (after moving a fake clock).
  void poke(const std::string& plural, const std::string& name) {
    const auto& res = client().resource("batch", "v1", plural);
    const std::string patch = R"({"metadata":{"annotations":{"test/poke":")" + std::to_string(++pokes_) + R"("}}})";
    ASSERT_TRUE(client().patch(res, "default", name, client::PatchType::kMerge, patch).ok());
  }

  // Events about the named object, as "Type Reason: message".
  std::vector<std::string> events_for(const std::string& name) {
    std::vector<std::string> out;
    for (const auto& e : cluster().list("", "v1", "events", "default"))
      if (e["involvedObject"].value("name", "") == name)
        out.push_back(e.value("type", "") + " " + e.value("reason", "") + ": " + e.value("message", ""));
    return out;
  }
  bool has_event(const std::string& name, const std::string& text) {
    for (const auto& e : events_for(name))
      if (e == text) return true;
    return false;
  }

 private:
  int pokes_ = 0;
};

}  // namespace skiff::controllers

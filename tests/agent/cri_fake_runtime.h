// An in-memory CRI runtime for the pod worker's tests: sandboxes and containers that run until the
// test makes them exit, and every call the worker made, in order. Not thread-safe: tests that
// terminate pods give them one running container.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/cri/cri_client.h"
#include "util/clock.h"

namespace skiff::agent::cri::test_doubles {

// Sandboxes and containers in memory; containers run until the test makes them exit.
class FakeCri : public CriClient {
 public:
  explicit FakeCri(const FakeClock& clock) : clock_(clock) {}

  std::vector<std::string> calls;
  std::map<std::string, PodSandboxStatus> sandboxes;
  std::map<std::string, ContainerStatus> containers;
  std::map<std::string, std::string> container_sandbox;
  std::set<std::string> images = {};
  bool pull_fails = false;
  std::function<Result<ExecSyncResult>(const std::string& id, const std::vector<std::string>& cmd)> on_exec;
  std::chrono::seconds last_exec_timeout{-1};
  std::vector<std::optional<AuthConfig>> pull_auths;  // what each pull_image call carried
  std::function<Status(const std::optional<AuthConfig>& auth)> on_pull;
  std::map<std::string, std::chrono::seconds> stop_timeouts;  // by container ID

  void exit(const std::string& id, int code) {
    auto& c = containers.at(id);
    c.state = ContainerState::kExited;
    c.exit_code = code;
    c.finished_at = nanos();
  }
  std::vector<std::string> ids_named(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [id, c] : containers)
      if (c.metadata.name == name) out.push_back(id);
    return out;
  }

  Result<RuntimeVersion> version() override { return RuntimeVersion{}; }
  Result<RuntimeStatus> status(bool) override { return RuntimeStatus{}; }
  Result<std::string> run_pod_sandbox(const PodSandboxConfig& config, const std::string&) override {
    std::string id = "sb" + std::to_string(sandboxes.size());
    calls.push_back("run_pod_sandbox");
    PodSandboxStatus s;
    s.id = id;
    s.metadata = config.metadata;
    s.state = SandboxState::kReady;
    s.ip = "10.0.0." + std::to_string(sandboxes.size() + 2);
    s.labels = config.labels;
    s.created_at = nanos();
    sandboxes[id] = s;
    return id;
  }
  Status stop_pod_sandbox(const std::string& id) override {
    calls.push_back("stop_pod_sandbox");
    sandboxes.at(id).state = SandboxState::kNotReady;
    for (auto& [cid, sb] : container_sandbox)
      if (sb == id && containers[cid].state == ContainerState::kRunning) exit(cid, 137);
    return ok_status();
  }
  Status remove_pod_sandbox(const std::string& id) override {
    calls.push_back("remove_pod_sandbox");
    sandboxes.erase(id);
    for (auto it = container_sandbox.begin(); it != container_sandbox.end();)
      if (it->second == id) {
        containers.erase(it->first);
        it = container_sandbox.erase(it);
      } else {
        ++it;
      }
    return ok_status();
  }
  Result<PodSandboxStatus> pod_sandbox_status(const std::string& id, bool) override {
    auto it = sandboxes.find(id);
    if (it == sandboxes.end()) return Error::not_found(id);
    return it->second;
  }
  Result<std::vector<PodSandbox>> list_pod_sandboxes(const PodSandboxFilter& filter) override {
    std::vector<PodSandbox> out;
    for (const auto& [id, s] : sandboxes)
      if (matches(s.labels, filter.label_selector)) {
        PodSandbox p;
        p.id = id;
        p.metadata = s.metadata;
        p.state = s.state;
        p.created_at = s.created_at;
        p.labels = s.labels;
        out.push_back(p);
      }
    return out;
  }
  Result<std::string> create_container(const std::string& sandbox_id, const ContainerConfig& config,
                                       const PodSandboxConfig&) override {
    std::string id = config.metadata.name + "-" + std::to_string(config.metadata.attempt);
    calls.push_back("create_container " + id);
    ContainerStatus s;
    s.id = id;
    s.metadata = config.metadata;
    s.state = ContainerState::kCreated;
    s.labels = config.labels;
    s.created_at = nanos();
    s.image_ref = config.image;
    containers[id] = s;
    container_sandbox[id] = sandbox_id;
    return id;
  }
  Status start_container(const std::string& id) override {
    calls.push_back("start_container " + id);
    containers.at(id).state = ContainerState::kRunning;
    containers.at(id).started_at = nanos();
    return ok_status();
  }
  Status stop_container(const std::string& id, std::chrono::seconds timeout) override {
    calls.push_back("stop_container " + id);
    stop_timeouts[id] = timeout;
    if (containers.at(id).state == ContainerState::kRunning) exit(id, 143);
    return ok_status();
  }
  Status remove_container(const std::string& id) override {
    calls.push_back("remove_container " + id);
    containers.erase(id);
    container_sandbox.erase(id);
    return ok_status();
  }
  Result<std::vector<Container>> list_containers(const ContainerFilter& filter) override {
    std::vector<Container> out;
    for (const auto& [id, s] : containers)
      if (matches(s.labels, filter.label_selector)) {
        Container c;
        c.id = id;
        c.metadata = s.metadata;
        c.state = s.state;
        c.labels = s.labels;
        out.push_back(c);
      }
    return out;
  }
  Result<ContainerStatus> container_status(const std::string& id, bool) override {
    auto it = containers.find(id);
    if (it == containers.end()) return Error::not_found(id);
    return it->second;
  }
  Result<ContainerStats> container_stats(const std::string&) override { return Error::internal("unused"); }
  Status reopen_container_log(const std::string&) override { return ok_status(); }
  // Runs on_exec when set; else every command succeeds with no output.
  Result<ExecSyncResult> exec_sync(const std::string& id, const std::vector<std::string>& cmd,
                                   std::chrono::seconds timeout) override {
    std::string line = "exec_sync " + id;
    for (const auto& arg : cmd) line += " " + arg;
    calls.push_back(line);
    last_exec_timeout = timeout;
    if (on_exec) return on_exec(id, cmd);
    return ExecSyncResult{};
  }
  Result<std::string> exec(const ExecRequest&) override { return Error::internal("unused"); }
  Result<std::string> attach(const AttachRequest&) override { return Error::internal("unused"); }
  Result<std::string> port_forward(const std::string&, const std::vector<int32_t>&) override {
    return Error::internal("unused");
  }
  Result<std::vector<Image>> list_images(const std::string&) override { return std::vector<Image>{}; }
  Result<std::optional<Image>> image_status(const std::string& image) override {
    if (!images.count(image)) return std::optional<Image>();
    Image i;
    i.id = "sha256:" + image;
    return std::optional<Image>(i);
  }
  Result<std::string> pull_image(const std::string& image, const std::optional<AuthConfig>& auth,
                                 const PodSandboxConfig*) override {
    calls.push_back("pull_image " + image);
    pull_auths.push_back(auth);
    if (pull_fails) return Error::not_found("manifest unknown");
    if (on_pull)
      if (Status s = on_pull(auth); !s.ok()) return s.error();
    images.insert(image);
    return "sha256:" + image;
  }
  Status remove_image(const std::string&) override { return ok_status(); }
  Result<ImageFsInfo> image_fs_info() override { return ImageFsInfo{}; }

 private:
  static bool matches(const StringMap& labels, const StringMap& selector) {
    for (const auto& [k, v] : selector) {
      auto it = labels.find(k);
      if (it == labels.end() || it->second != v) return false;
    }
    return true;
  }
  int64_t nanos() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch()).count();
  }
  const FakeClock& clock_;
};

}  // namespace skiff::agent::cri::test_doubles

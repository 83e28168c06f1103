// A pod worker's passes against an in-memory CRI: what it creates, starts, restarts and stops.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "agent/cri/pod_labels.h"
#include "agent/cri/pod_sync.h"

namespace skiff::agent::cri {
namespace {

using namespace std::chrono_literals;
constexpr int64_t kSecond = 1000000000;

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
  Status stop_container(const std::string& id, std::chrono::seconds) override {
    calls.push_back("stop_container " + id);
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
  Result<ExecSyncResult> exec_sync(const std::string&, const std::vector<std::string>&, std::chrono::seconds) override {
    return Error::internal("unused");
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
  Result<std::string> pull_image(const std::string& image, const std::optional<AuthConfig>&,
                                 const PodSandboxConfig*) override {
    calls.push_back("pull_image " + image);
    if (pull_fails) return Error::not_found("manifest unknown");
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

class PodSyncTest : public ::testing::Test {
 protected:
  PodSyncTest() : clock_(WallTime() + std::chrono::hours(500000)), cri_(clock_), context_{cri_} {
    context_.clock = &clock_;
    context_.sandbox.log_root = "/nonexistent-skiff-test-logs";
    context_.env.get = [](const std::string&, const std::string&, const std::string& name) -> Result<Json> {
      return Error::not_found(name);
    };
  }

  Json pod(const std::string& restart_policy, Json init = Json::array()) {
    Json p = {{"metadata", {{"name", "p"}, {"namespace", "default"}, {"uid", "uid-1"}}},
              {"spec", {{"restartPolicy", restart_policy},
                        {"containers", Json::array({{{"name", "main"}, {"image", "busybox:1"}}})}}}};
    if (!init.empty()) p["spec"]["initContainers"] = init;
    return p;
  }

  Json sync(PodSyncState& state, const Json& p) {
    auto outcome = sync_pod(context_, state, p);
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    last_recheck_ = outcome.ok() ? outcome->recheck_after : std::nullopt;
    return outcome.ok() ? outcome->status : Json();
  }

  FakeClock clock_;
  FakeCri cri_;
  PodSyncContext context_;
  std::optional<std::chrono::milliseconds> last_recheck_;
};

TEST_F(PodSyncTest, FirstPassRunsTheSandboxPullsAndStartsTheContainer) {
  PodSyncState state(context_);
  Json status = sync(state, pod("Always"));
  EXPECT_EQ(cri_.calls, (std::vector<std::string>{"run_pod_sandbox", "pull_image busybox:1", "create_container main-0",
                                                  "start_container main-0"}));
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["podIP"], "10.0.0.2");
  EXPECT_EQ(cri_.sandboxes.begin()->second.labels.at(kPodUidLabel), "uid-1");
}

TEST_F(PodSyncTest, ANewWorkerAdoptsWhatRunsInsteadOfRecreatingIt) {
  PodSyncState first(context_);
  sync(first, pod("Always"));
  cri_.calls.clear();
  PodSyncState after_restart(context_);
  Json status = sync(after_restart, pod("Always"));
  EXPECT_TRUE(cri_.calls.empty()) << cri_.calls.front();
  EXPECT_EQ(status["containerStatuses"][0]["containerID"], "containerd://main-0");
}

TEST_F(PodSyncTest, CrashRestartsAtOnceThenBacksOff) {
  PodSyncState state(context_);
  sync(state, pod("Always"));
  clock_.advance(2s);
  cri_.exit("main-0", 1);
  sync(state, pod("Always"));
  EXPECT_EQ(cri_.containers.at("main-1").state, ContainerState::kRunning);  // first restart: immediate

  clock_.advance(1s);
  cri_.exit("main-1", 1);
  Json status = sync(state, pod("Always"));
  EXPECT_EQ(cri_.containers.count("main-2"), 0u);
  EXPECT_EQ(status["containerStatuses"][0]["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(status["containerStatuses"][0]["restartCount"], 1);
  ASSERT_TRUE(last_recheck_.has_value());
  EXPECT_LE(*last_recheck_, 10s);

  clock_.advance(10s);
  sync(state, pod("Always"));
  EXPECT_EQ(cri_.containers.at("main-2").state, ContainerState::kRunning);
  EXPECT_EQ(cri_.containers.count("main-0"), 0u) << "attempts older than the previous one are removed";
}

TEST_F(PodSyncTest, OnFailureDoesNotRestartASuccessfulContainer) {
  PodSyncState state(context_);
  sync(state, pod("OnFailure"));
  cri_.exit("main-0", 0);
  Json status = sync(state, pod("OnFailure"));
  EXPECT_EQ(cri_.containers.size(), 1u);
  EXPECT_EQ(status["phase"], "Succeeded");
  EXPECT_EQ(cri_.sandboxes.begin()->second.state, SandboxState::kNotReady) << "a finished pod's sandbox stops";
}

TEST_F(PodSyncTest, InitContainersRunOneAtATimeBeforeTheApp) {
  Json p = pod("Always", Json::array({{{"name", "first"}, {"image", "busybox:1"}}, {{"name", "second"}, {"image", "busybox:1"}}}));
  PodSyncState state(context_);
  sync(state, p);
  EXPECT_EQ(cri_.containers.count("first-0"), 1u);
  EXPECT_EQ(cri_.containers.count("second-0"), 0u);
  sync(state, p);  // still running: nothing new
  EXPECT_EQ(cri_.containers.count("second-0"), 0u);
  cri_.exit("first-0", 0);
  sync(state, p);
  EXPECT_EQ(cri_.containers.count("second-0"), 1u);
  EXPECT_EQ(cri_.containers.count("main-0"), 0u);
  cri_.exit("second-0", 0);
  Json status = sync(state, p);
  EXPECT_EQ(cri_.containers.at("main-0").state, ContainerState::kRunning);
  EXPECT_EQ(status["phase"], "Running");
}

TEST_F(PodSyncTest, ImagePullPolicies) {
  Json never = pod("Always");
  never["spec"]["containers"][0]["imagePullPolicy"] = "Never";
  PodSyncState a(context_);
  EXPECT_EQ(sync(a, never)["containerStatuses"][0]["state"]["waiting"]["reason"], "ErrImageNeverPull");

  cri_.images.insert("busybox:1");
  cri_.calls.clear();
  PodSyncState b(context_);
  sync(b, pod("Always"));  // busybox:1 defaults to IfNotPresent: present, no pull
  EXPECT_EQ(std::count(cri_.calls.begin(), cri_.calls.end(), "pull_image busybox:1"), 0);
}

TEST_F(PodSyncTest, FailedPullIsErrImagePullThenImagePullBackOff) {
  cri_.pull_fails = true;
  PodSyncState state(context_);
  Json first = sync(state, pod("Always"));
  EXPECT_EQ(first["containerStatuses"][0]["state"]["waiting"]["reason"], "ErrImagePull");
  clock_.advance(1s);
  Json second = sync(state, pod("Always"));
  EXPECT_EQ(second["containerStatuses"][0]["state"]["waiting"]["reason"], "ImagePullBackOff");
  EXPECT_EQ(std::count(cri_.calls.begin(), cri_.calls.end(), "pull_image busybox:1"), 1);
  clock_.advance(10s);
  cri_.pull_fails = false;
  Json third = sync(state, pod("Always"));
  EXPECT_EQ(third["phase"], "Running");
}

TEST_F(PodSyncTest, TerminateStopsContainersThenRemovesTheSandbox) {
  PodSyncState state(context_);
  sync(state, pod("Always"));
  cri_.calls.clear();
  ASSERT_TRUE(terminate_pod(context_, "uid-1", 30s).ok());
  EXPECT_EQ(cri_.calls, (std::vector<std::string>{"stop_container main-0", "stop_pod_sandbox", "remove_pod_sandbox"}));
  EXPECT_TRUE(cri_.sandboxes.empty());
  EXPECT_TRUE(cri_.containers.empty());
}

}  // namespace
}  // namespace skiff::agent::cri

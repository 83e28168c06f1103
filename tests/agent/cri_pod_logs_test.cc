// `kubectl logs` on a CRI node: which file is read and how following ends, with a fake runtime.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "agent/cri/cri_pod_logs.h"

namespace skiff::agent::cri {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Answers container_status only; the log streams need nothing else.
class StatusOnlyCri final : public CriClient {
 public:
  void set(const std::string& id, ContainerState state, const std::string& log_path) {
    std::lock_guard lk(mu_);
    ContainerStatus s;
    s.id = id;
    s.state = state;
    s.log_path = log_path;
    statuses_[id] = s;
  }
  Result<ContainerStatus> container_status(const std::string& id, bool) override {
    std::lock_guard lk(mu_);
    auto it = statuses_.find(id);
    if (it == statuses_.end()) return Error::not_found("container " + id);
    return it->second;
  }

  Result<RuntimeVersion> version() override { return unused(); }
  Result<RuntimeStatus> status(bool) override { return unused(); }
  Result<std::string> run_pod_sandbox(const PodSandboxConfig&, const std::string&) override { return unused(); }
  Status stop_pod_sandbox(const std::string&) override { return unused(); }
  Status remove_pod_sandbox(const std::string&) override { return unused(); }
  Result<PodSandboxStatus> pod_sandbox_status(const std::string&, bool) override { return unused(); }
  Result<std::vector<PodSandbox>> list_pod_sandboxes(const PodSandboxFilter&) override { return unused(); }
  Result<std::string> create_container(const std::string&, const ContainerConfig&, const PodSandboxConfig&) override {
    return unused();
  }
  Status start_container(const std::string&) override { return unused(); }
  Status stop_container(const std::string&, std::chrono::seconds) override { return unused(); }
  Status remove_container(const std::string&) override { return unused(); }
  Result<std::vector<Container>> list_containers(const ContainerFilter&) override { return unused(); }
  Result<ContainerStats> container_stats(const std::string&) override { return unused(); }
  Status reopen_container_log(const std::string&) override { return unused(); }
  Result<ExecSyncResult> exec_sync(const std::string&, const std::vector<std::string>&, std::chrono::seconds) override {
    return unused();
  }
  Result<std::string> exec(const ExecRequest&) override { return unused(); }
  Result<std::string> attach(const AttachRequest&) override { return unused(); }
  Result<std::string> port_forward(const std::string&, const std::vector<int32_t>&) override { return unused(); }
  Result<std::vector<Image>> list_images(const std::string&) override { return unused(); }
  Result<std::optional<Image>> image_status(const std::string&) override { return unused(); }
  Result<std::string> pull_image(const std::string&, const std::optional<AuthConfig>&,
                                 const PodSandboxConfig*) override {
    return unused();
  }
  Status remove_image(const std::string&) override { return unused(); }
  Result<ImageFsInfo> image_fs_info() override { return unused(); }

 private:
  static Error unused() { return Error::internal("not used by log streams"); }
  std::mutex mu_;
  std::map<std::string, ContainerStatus> statuses_;
};

class CriPodLogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("skiff-pod-logs-" + std::to_string(::getpid()))).string();
    fs::remove_all(root_);
    fs::create_directories(root_ + "/default_web_u1/app");
    cri_ = std::make_shared<StatusOnlyCri>();
    logs_ = std::make_shared<CriPodLogs>(cri_, root_, 10ms);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string file(int attempt) const { return root_ + "/default_web_u1/app/" + std::to_string(attempt) + ".log"; }
  static void append(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

  static Json pod() {
    return Json::parse(R"({"metadata": {"name": "web", "namespace": "default", "uid": "u1"},
      "status": {"containerStatuses": [{"name": "app", "restartCount": 1, "containerID": "containerd://c1",
        "state": {"running": {}}, "lastState": {"terminated": {"containerID": "containerd://c0"}}}]}})");
  }

  static ContainerLogRequest request(const std::string& id, bool follow = false) {
    ContainerLogRequest r;
    r.container = "app";
    r.container_id = id;
    r.follow = follow;
    return r;
  }

  std::string root_;
  std::shared_ptr<StatusOnlyCri> cri_;
  std::shared_ptr<CriPodLogs> logs_;
};

TEST_F(CriPodLogsTest, ReadsTheFileTheRuntimeReports) {
  std::string elsewhere = root_ + "/elsewhere.log";
  append(elsewhere, "2026-11-27T10:00:00Z stdout F reported\n");
  cri_->set("c1", ContainerState::kExited, elsewhere);
  auto streamer = logs_->open(pod(), request("containerd://c1"));
  ASSERT_TRUE(streamer.ok()) << streamer.error().message;
  std::string out;
  ASSERT_TRUE((*streamer)([&](std::string_view s) { out += s; return true; }).ok());
  EXPECT_EQ(out, "reported\n");
}

TEST_F(CriPodLogsTest, ForgottenContainersAreFoundByAttempt) {
  append(file(0), "2026-11-27T10:00:00Z stdout F first run\n");
  append(file(1), "2026-11-27T10:00:01Z stdout F second run\n");
  auto previous = logs_->open(pod(), request("containerd://c0"));
  auto current = logs_->open(pod(), request("containerd://c1"));
  ASSERT_TRUE(previous.ok() && current.ok());
  std::string a, b;
  (void)(*previous)([&](std::string_view s) { a += s; return true; });
  (void)(*current)([&](std::string_view s) { b += s; return true; });
  EXPECT_EQ(a, "first run\n");
  EXPECT_EQ(b, "second run\n");
}

TEST_F(CriPodLogsTest, MissingFileIsAnErrorBeforeStreaming) {
  auto streamer = logs_->open(pod(), request("containerd://c1"));
  ASSERT_FALSE(streamer.ok());
  EXPECT_NE(streamer.error().message.find(file(1)), std::string::npos) << streamer.error().message;
}

TEST_F(CriPodLogsTest, FollowSendsNewLinesUntilTheContainerStops) {
  append(file(1), "2026-11-27T10:00:00Z stdout F one\n");
  cri_->set("c1", ContainerState::kRunning, file(1));
  auto streamer = logs_->open(pod(), request("containerd://c1", true));
  ASSERT_TRUE(streamer.ok());
  std::mutex mu;
  std::string out;
  std::thread follower([&] {
    (void)(*streamer)([&](std::string_view s) {
      std::lock_guard lk(mu);
      out += s;
      return true;
    });
  });
  auto seen = [&](const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lk(mu);
        if (out == text) return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  EXPECT_TRUE(seen("one\n"));
  append(file(1), "2026-11-27T10:00:01Z stdout F two\n");
  EXPECT_TRUE(seen("one\ntwo\n"));
  // The last line and the exit come together: the line is still sent.
  append(file(1), "2026-11-27T10:00:02Z stdout F three\n");
  cri_->set("c1", ContainerState::kExited, file(1));
  follower.join();  // ends by itself
  EXPECT_EQ(out, "one\ntwo\nthree\n");
}

TEST_F(CriPodLogsTest, FollowEndsWhenTheClientGoes) {
  append(file(1), "2026-11-27T10:00:00Z stdout F one\n");
  cri_->set("c1", ContainerState::kRunning, file(1));
  auto streamer = logs_->open(pod(), request("containerd://c1", true));
  ASSERT_TRUE(streamer.ok());
  int asks = 0;
  // The client takes the first line, then is gone when asked while nothing new was written.
  Status s = (*streamer)([&](std::string_view chunk) { return !chunk.empty() || ++asks < 3; });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(asks, 3);
}

TEST_F(CriPodLogsTest, StoppingTheAgentEndsFollowers) {
  append(file(1), "2026-11-27T10:00:00Z stdout F one\n");
  cri_->set("c1", ContainerState::kRunning, file(1));
  auto streamer = logs_->open(pod(), request("containerd://c1", true));
  ASSERT_TRUE(streamer.ok());
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    logs_->stop();
  });
  (void)(*streamer)([](std::string_view) { return true; });  // returns once stopped
  stopper.join();
}

}  // namespace
}  // namespace skiff::agent::cri

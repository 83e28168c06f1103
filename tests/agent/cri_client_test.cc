// The CRI client against a real containerd (scripts/containerd-test-env.sh: private root, state and
// socket, a loopback registry holding a busybox image). Skipped, with the reason, where containerd and
// runc can not run (not root, packages missing); a failure to start them where they should run fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/cri/cri_client.h"

namespace skiff::agent::cri {
namespace {

using namespace std::chrono_literals;
using testing::Contains;
using testing::HasSubstr;
using testing::StartsWith;

const std::string kScript = std::string(SKIFF_SOURCE_DIR) + "/scripts/containerd-test-env.sh";
constexpr const char* kPodSubnetPrefix = "10.251.0.";

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::string> read_env_file(const std::string& path) {
  std::map<std::string, std::string> env;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

// One containerd + registry for the whole suite: starting them and pushing the image takes seconds.
class ContainerdEnvironment {
 public:
  static ContainerdEnvironment& get() {
    static ContainerdEnvironment environment;
    return environment;
  }
  ~ContainerdEnvironment() {
    if (dir_.empty()) return;
    run_command(kScript + " stop " + dir_);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::string& skip_reason() const { return skip_reason_; }
  const std::string& start_failure() const { return start_failure_; }
  const std::string& var(const std::string& name) { return env_[name]; }
  const std::string& dir() const { return dir_.empty() ? external_dir_ : dir_; }

 private:
  ContainerdEnvironment() {
    // An environment started beforehand (scripts/containerd-test-env.sh start DIR), kept for inspection.
    if (const char* existing = std::getenv("SKIFF_CRI_TEST_ENV_DIR")) {
      env_ = read_env_file(std::string(existing) + "/env");
      if (env_.empty()) start_failure_ = std::string("no env file in SKIFF_CRI_TEST_ENV_DIR=") + existing;
      external_dir_ = existing;
      return;
    }
    if (geteuid() != 0) {
      skip_reason_ = "containerd and runc need root";
      return;
    }
    CommandResult check = run_command(kScript + " check");
    if (check.exit_code != 0) {
      skip_reason_ = "containerd test environment unavailable: " + check.output;
      return;
    }
    std::string pattern = "/tmp/skiff-cri-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      start_failure_ = "mkdtemp failed";
      return;
    }
    dir_ = pattern;
    CommandResult start =
        // A bridge and subnet of its own: the e2e containers tests may run at the same time.
        run_command("SKIFF_REGISTRY_PORT=" + std::to_string(free_loopback_port()) +
                    " SKIFF_TEST_BRIDGE=skifftest1 SKIFF_TEST_POD_SUBNET=" + std::string(kPodSubnetPrefix) + "0/24 " + kScript + " start " + dir_);
    if (start.exit_code != 0) {
      start_failure_ = start.output + "\n--- containerd.log (tail) ---\n" +
                       run_command("tail -n 30 " + dir_ + "/containerd.log").output;
      return;
    }
    env_ = read_env_file(dir_ + "/env");
  }

  std::string skip_reason_;
  std::string start_failure_;
  std::string dir_;           // started (and stopped) here
  std::string external_dir_;  // started by the caller
  std::map<std::string, std::string> env_;
};

class CriClientTest : public testing::Test {
 protected:
  void SetUp() override {
    ContainerdEnvironment& environment = ContainerdEnvironment::get();
    if (!environment.skip_reason().empty()) GTEST_SKIP() << environment.skip_reason();
    ASSERT_EQ(environment.start_failure(), "") << "starting containerd failed";
    CriClientOptions options;
    options.socket_path = environment.var("CONTAINERD_SOCKET");
    auto client = connect_cri_client(options);
    ASSERT_TRUE(client.ok()) << client.error().message;
    client_ = std::move(client).value();
    busybox_ = environment.var("BUSYBOX_IMAGE");
    pod_network_ = environment.var("CNI_READY") == "1";
    logs_ = environment.dir() + "/pod-logs";
  }

  void TearDown() override {
    if (!client_) return;
    for (const std::string& id : sandboxes_) {
      (void)client_->stop_pod_sandbox(id);
      (void)client_->remove_pod_sandbox(id);
    }
  }

  PodSandboxConfig sandbox_config(const std::string& name) {
    PodSandboxConfig config;
    config.metadata = {name, "uid-" + name, "default", 0};
    config.hostname = pod_network_ ? name : "";  // runc refuses a hostname without a private UTS namespace
    config.log_directory = logs_ + "/default_" + name;
    config.labels = {{"skiff.dev/test", "cri-client"}, {"pod", name}};
    config.annotations = {{"skiff.dev/note", "made by cri_client_test"}};
    if (!pod_network_) config.namespaces.network = NamespaceMode::kNode;
    config.namespaces.pid = NamespaceMode::kContainer;  // as the kubelet without shareProcessNamespace
    return config;
  }

  // A Ready sandbox running one busybox container with the given command; returns {sandbox, container}.
  std::pair<std::string, std::string> start_pod(const std::string& name, std::vector<std::string> command,
                                                PodSandboxConfig* config_out = nullptr) {
    auto image = client_->pull_image(busybox_);
    EXPECT_TRUE(image.ok()) << image.error().message;
    if (!image.ok()) return {};
    PodSandboxConfig config = sandbox_config(name);
    auto sandbox = client_->run_pod_sandbox(config);
    EXPECT_TRUE(sandbox.ok()) << sandbox.error().message;
    if (!sandbox.ok()) return {};
    sandboxes_.push_back(*sandbox);
    ContainerConfig container;
    container.metadata = {"main", 0};
    container.image = *image;
    container.command = std::move(command);
    container.envs = {{"GREETING", "hi"}};
    container.labels = {{"container", "main"}};
    container.log_path = "main/0.log";
    container.security.namespaces = config.namespaces;
    auto id = client_->create_container(*sandbox, container, config);
    EXPECT_TRUE(id.ok()) << id.error().message;
    if (!id.ok()) return {};
    Status started = client_->start_container(*id);
    EXPECT_TRUE(started.ok()) << started.error().message;
    if (config_out) *config_out = config;
    return {*sandbox, *id};
  }

  // Polls until the container leaves CONTAINER_RUNNING (it exits on its own in these tests).
  ContainerStatus wait_until_exited(const std::string& id) {
    for (int i = 0; i < 100; ++i) {
      auto status = client_->container_status(id);
      if (status.ok() && status->state == ContainerState::kExited) return *status;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "container " << id << " did not exit within 10 s";
    return {};
  }

  std::unique_ptr<CriClient> client_;
  std::string busybox_;
  bool pod_network_ = false;
  std::string logs_;
  std::vector<std::string> sandboxes_;
};

TEST(CriClientConnectTest, FailsWithTheSocketPathWhenNothingListens) {
  CriClientOptions options;
  options.socket_path = "/nonexistent/skiff-cri-test.sock";
  options.connect_timeout = 200ms;
  auto client = connect_cri_client(options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, 503);
  EXPECT_THAT(client.error().message, HasSubstr("/nonexistent/skiff-cri-test.sock"));
}

TEST_F(CriClientTest, VersionNamesContainerdAndRuntimeApiV1) {
  auto version = client_->version();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(version->runtime_name, "containerd");
  EXPECT_EQ(version->runtime_api_version, "v1");
  EXPECT_FALSE(version->runtime_version.empty());
}

TEST_F(CriClientTest, StatusReportsRuntimeAndNetworkReadiness) {
  auto status = client_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  const RuntimeCondition* runtime = status->condition("RuntimeReady");
  ASSERT_NE(runtime, nullptr);
  EXPECT_TRUE(runtime->status) << runtime->reason << ": " << runtime->message;
  const RuntimeCondition* network = status->condition("NetworkReady");
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->status, pod_network_) << network->reason << ": " << network->message;
}

TEST_F(CriClientTest, PullsTheBusyboxImageFromTheLocalRegistry) {
  auto ref = client_->pull_image(busybox_);
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_THAT(*ref, StartsWith("sha256:"));

  auto status = client_->image_status(busybox_);
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_TRUE(status->has_value());
  EXPECT_EQ((*status)->id, *ref);
  EXPECT_THAT((*status)->repo_tags, Contains(busybox_));
  EXPECT_GT((*status)->size, 100u * 1024);  // the static busybox binary alone is ~2 MB

  auto images = client_->list_images();
  ASSERT_TRUE(images.ok()) << images.error().message;
  bool listed = false;
  for (const Image& image : *images) listed |= image.id == *ref;
  EXPECT_TRUE(listed);
}

// Manifests name plain "busybox"; the test environment's containerd resolves docker.io on loopback.
TEST_F(CriClientTest, PullsPlainBusyboxThroughTheDockerIoMirror) {
  auto ref = client_->pull_image("busybox");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  auto status = client_->image_status("docker.io/library/busybox:latest");
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_TRUE(status->has_value());
  EXPECT_EQ((*status)->id, *ref);
}

TEST_F(CriClientTest, ImageStatusOfAnAbsentImageIsEmptyNotAnError) {
  auto status = client_->image_status("127.0.0.1:1/skiff/never-pulled:latest");
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_FALSE(status->has_value());
}

TEST_F(CriClientTest, PullOfAMissingImageFails) {
  auto ref = client_->pull_image(ContainerdEnvironment::get().var("REGISTRY") + "/skiff/no-such-image:latest");
  ASSERT_FALSE(ref.ok());
  EXPECT_THAT(ref.error().message, HasSubstr("PullImage"));
}

TEST_F(CriClientTest, RunsBusyboxSleepExecsIntoItAndStopsIt) {
  auto [sandbox, container] = start_pod("sleeper", {"sleep", "30"});
  ASSERT_FALSE(container.empty());

  auto sandbox_status = client_->pod_sandbox_status(sandbox);
  ASSERT_TRUE(sandbox_status.ok()) << sandbox_status.error().message;
  EXPECT_EQ(sandbox_status->state, SandboxState::kReady);
  EXPECT_EQ(sandbox_status->metadata.name, "sleeper");
  EXPECT_EQ(sandbox_status->labels.at("pod"), "sleeper");
  EXPECT_EQ(sandbox_status->annotations.at("skiff.dev/note"), "made by cri_client_test");
  if (pod_network_) {
    EXPECT_THAT(sandbox_status->ip, StartsWith(std::string(kPodSubnetPrefix)));
  }

  auto status = client_->container_status(container);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->state, ContainerState::kRunning) << to_string(status->state);
  EXPECT_EQ(status->metadata.name, "main");
  EXPECT_GT(status->started_at, 0);
  // containerd 1.6 reports the repo digest here (newer ones the image ID).
  EXPECT_THAT(status->image_ref, HasSubstr("sha256:"));
  EXPECT_EQ(status->log_path, logs_ + "/default_sleeper/main/0.log");

  auto echo = client_->exec_sync(container, {"echo", "hi"}, 10s);
  ASSERT_TRUE(echo.ok()) << echo.error().message;
  EXPECT_EQ(echo->stdout_bytes, "hi\n");
  EXPECT_EQ(echo->exit_code, 0);

  auto env = client_->exec_sync(container, {"sh", "-c", "echo $GREETING >&2; exit 3"}, 10s);
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->stderr_bytes, "hi\n");
  EXPECT_EQ(env->exit_code, 3);

  ContainerFilter in_sandbox;
  in_sandbox.pod_sandbox_id = sandbox;
  auto listed = client_->list_containers(in_sandbox);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, container);
  EXPECT_EQ((*listed)[0].state, ContainerState::kRunning);

  PodSandboxFilter labelled;
  labelled.label_selector = {{"pod", "sleeper"}};
  auto sandboxes = client_->list_pod_sandboxes(labelled);
  ASSERT_TRUE(sandboxes.ok()) << sandboxes.error().message;
  ASSERT_EQ(sandboxes->size(), 1u);
  EXPECT_EQ((*sandboxes)[0].id, sandbox);

  // sleep is PID 1 of its own PID namespace and ignores SIGTERM, so the 1 s grace period ends in SIGKILL.
  ASSERT_TRUE(client_->stop_container(container, 1s).ok());
  status = client_->container_status(container);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->state, ContainerState::kExited);
  EXPECT_EQ(status->exit_code, 137);

  ASSERT_TRUE(client_->remove_container(container).ok());
  auto gone = client_->container_status(container);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, 404);

  ASSERT_TRUE(client_->stop_pod_sandbox(sandbox).ok());
  sandbox_status = client_->pod_sandbox_status(sandbox);
  ASSERT_TRUE(sandbox_status.ok()) << sandbox_status.error().message;
  EXPECT_EQ(sandbox_status->state, SandboxState::kNotReady);
  ASSERT_TRUE(client_->remove_pod_sandbox(sandbox).ok());
  EXPECT_EQ(client_->pod_sandbox_status(sandbox).error().code, 404);
}

TEST_F(CriClientTest, ExitedContainerReportsItsCodeAndLeavesACriLog) {
  auto [sandbox, container] = start_pod("oneshot", {"sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 7"});
  ASSERT_FALSE(container.empty());
  ContainerStatus status = wait_until_exited(container);
  EXPECT_EQ(status.exit_code, 7);
  EXPECT_EQ(status.reason, "Error");
  // Both set; not ordered: containerd stamps started_at after the task started, and a process this short
  // may already have finished by then.
  EXPECT_GT(status.started_at, 0);
  EXPECT_GT(status.finished_at, 0);
  // CRI log format: "<RFC3339Nano> <stream> <P|F> <line>".
  std::string log = read_file(status.log_path);
  EXPECT_THAT(log, testing::ContainsRegex(" stdout F to-stdout\n"));
  EXPECT_THAT(log, testing::ContainsRegex(" stderr F to-stderr\n"));
  EXPECT_FALSE(client_->reopen_container_log(container).ok()) << "containerd reopens logs of running containers only";
}

TEST_F(CriClientTest, RunningContainerHasStatsAndStreamingUrls) {
  auto [sandbox, container] = start_pod("streamer", {"sleep", "30"});
  ASSERT_FALSE(container.empty());

  auto stats = client_->container_stats(container);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->id, container);
  ASSERT_TRUE(stats->memory.has_value());
  ASSERT_TRUE(stats->memory->working_set_bytes.has_value());
  EXPECT_GT(*stats->memory->working_set_bytes, 0u);

  ExecRequest exec_request;
  exec_request.container_id = container;
  exec_request.cmd = {"sh"};
  exec_request.stdin = true;
  auto exec = client_->exec(exec_request);
  ASSERT_TRUE(exec.ok()) << exec.error().message;
  EXPECT_THAT(*exec, StartsWith("http://127.0.0.1:"));
  EXPECT_THAT(*exec, HasSubstr("/exec/"));

  AttachRequest attach_request;
  attach_request.container_id = container;
  auto attach = client_->attach(attach_request);
  ASSERT_TRUE(attach.ok()) << attach.error().message;
  EXPECT_THAT(*attach, HasSubstr("/attach/"));

  auto forward = client_->port_forward(sandbox, {8080});
  ASSERT_TRUE(forward.ok()) << forward.error().message;
  EXPECT_THAT(*forward, HasSubstr("/portforward/"));

  EXPECT_TRUE(client_->reopen_container_log(container).ok());
}

TEST_F(CriClientTest, PodsOnThePodNetworkReachEachOtherByIp) {
  if (!pod_network_) GTEST_SKIP() << "no pod network here (the CNI bridge could not be created)";
  auto [server_sandbox, server] = start_pod("web", {"sh", "-c", "echo served-by-web > /tmp/index.html; "
                                                                "exec httpd -f -p 8080 -h /tmp"});
  auto [client_sandbox, client] = start_pod("browser", {"sleep", "30"});
  ASSERT_FALSE(server.empty());
  ASSERT_FALSE(client.empty());
  auto server_status = client_->pod_sandbox_status(server_sandbox);
  ASSERT_TRUE(server_status.ok()) << server_status.error().message;
  ASSERT_FALSE(server_status->ip.empty());

  std::string url = "http://" + server_status->ip + ":8080/index.html";
  ExecSyncResult fetched;
  for (int attempt = 0; attempt < 50; ++attempt) {  // httpd may not listen yet
    // No "wget -T": Debian's busybox-static 1.35 wget segfaults with it.
    auto result = client_->exec_sync(client, {"wget", "-q", "-O", "-", url}, 10s);
    ASSERT_TRUE(result.ok()) << result.error().message;
    fetched = *result;
    if (fetched.exit_code == 0) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(fetched.exit_code, 0) << fetched.stderr_bytes;
  EXPECT_EQ(fetched.stdout_bytes, "served-by-web\n");
}

TEST_F(CriClientTest, StatusOfAnUnknownContainerIsNotFound) {
  auto status = client_->container_status("0123456789abcdef-no-such-container");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, 404);
  EXPECT_THAT(status.error().message, HasSubstr("ContainerStatus"));
}

}  // namespace
}  // namespace skiff::agent::cri

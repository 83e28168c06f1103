// Lifecycle hook handlers: exec through the CRI, HTTP GET to a real loopback listener, sleep, and
// the handlers Kubernetes refuses to run.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "agent/cri/lifecycle_hooks.h"
#include "cri_fake_runtime.h"

namespace skiff::agent::cri {
namespace {

using namespace std::chrono_literals;

// A loopback listener that answers one request with a fixed status line and keeps what it got.
class OneShotHttpServer {
 public:
  explicit OneShotHttpServer(std::string status_line) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 1) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      ADD_FAILURE() << "cannot listen on loopback";
    port_ = ntohs(addr.sin_port);
    request_ = std::async(std::launch::async, [this, status_line] { return serve(status_line); });
  }
  ~OneShotHttpServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
  }
  int port() const { return port_; }
  std::string request() { return request_.get(); }

 private:
  std::string serve(const std::string& status_line) {
    int conn = accept(fd_, nullptr, nullptr);
    if (conn < 0) return "";
    std::string got;
    char buf[1024];
    while (got.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = recv(conn, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    std::string response = status_line + "\r\nContent-Length: 0\r\n\r\n";
    (void)send(conn, response.data(), response.size(), MSG_NOSIGNAL);
    close(conn);
    return got;
  }

  int fd_ = -1;
  int port_ = 0;
  std::future<std::string> request_;
};

class LifecycleHookTest : public ::testing::Test {
 protected:
  HookOutcome run(const Json& handler, std::chrono::seconds deadline = 5s) {
    return run_lifecycle_hook(cri_, handler, {pod_, container_, "c1", "127.0.0.1"}, deadline,
                              [this](std::chrono::milliseconds d) { slept_.push_back(d); });
  }

  FakeClock clock_{WallTime()};
  test_doubles::FakeCri cri_{clock_};
  Json pod_ = {{"metadata", {{"name", "web"}, {"namespace", "shop"}, {"uid", "u-1"}}}};
  Json container_ = {{"name", "app"}};
  std::vector<std::chrono::milliseconds> slept_;
};

TEST_F(LifecycleHookTest, ExecRunsInTheContainerWithTheDeadline) {
  EXPECT_TRUE(run({{"exec", {{"command", {"touch", "/ready"}}}}}, 7s).success);
  EXPECT_EQ(cri_.calls, std::vector<std::string>{"exec_sync c1 touch /ready"});
  EXPECT_EQ(cri_.last_exec_timeout, 7s);
}

TEST_F(LifecycleHookTest, FailedExecIsWordedAsTheKubeletWordsIt) {
  cri_.on_exec = [](const std::string&, const std::vector<std::string>&) -> Result<ExecSyncResult> {
    return ExecSyncResult{"", "boom\n", 2};
  };
  HookOutcome outcome = run({{"exec", {{"command", {"sh", "-c", "exit 2"}}}}});
  EXPECT_FALSE(outcome.success);
  EXPECT_EQ(outcome.message,
            "Exec lifecycle hook ([sh -c exit 2]) for Container \"app\" in Pod \"web_shop(u-1)\" failed - error: "
            "command exited with 2: boom\n");
}

TEST_F(LifecycleHookTest, HttpGetSucceedsOnAnyResponseAndSaysItIsALifecycleRequest) {
  OneShotHttpServer server("HTTP/1.1 500 Internal Server Error");
  container_["ports"] = Json::array({{{"name", "admin"}, {"containerPort", server.port()}}});
  HookOutcome outcome = run({{"httpGet", {{"path", "/shutdown"}, {"port", "admin"}}}});
  EXPECT_TRUE(outcome.success) << outcome.message;
  std::string request = server.request();
  EXPECT_EQ(request.rfind("GET /shutdown HTTP/1.", 0), 0u) << request;
  EXPECT_NE(request.find("User-Agent: kube-lifecycle/"), std::string::npos) << request;
}

TEST_F(LifecycleHookTest, HttpGetWithNobodyListeningFails) {
  // A port bound but not listening refuses connections, and no one else can take it meanwhile.
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  HookOutcome outcome = run({{"httpGet", {{"path", "/x"}, {"port", ntohs(addr.sin_port)}}}});
  close(fd);
  EXPECT_FALSE(outcome.success);
  EXPECT_EQ(outcome.message.rfind("HTTP lifecycle hook (/x) for Container \"app\" in Pod \"web_shop(u-1)\" failed", 0),
            0u)
      << outcome.message;
}

TEST_F(LifecycleHookTest, SleepWaitsItsSecondsUpToTheDeadline) {
  EXPECT_TRUE(run({{"sleep", {{"seconds", 3}}}}).success);
  EXPECT_TRUE(run({{"sleep", {{"seconds", 30}}}}, 4s).success);
  EXPECT_EQ(slept_, (std::vector<std::chrono::milliseconds>{3000ms, 4000ms}));
  EXPECT_TRUE(cri_.calls.empty());
}

TEST_F(LifecycleHookTest, TcpSocketAndEmptyHandlersCannotRun) {
  HookOutcome tcp = run({{"tcpSocket", {{"port", 80}}}});
  EXPECT_FALSE(tcp.success);
  EXPECT_EQ(tcp.message.rfind("Cannot run handler: invalid handler: tcpSocket", 0), 0u) << tcp.message;
  EXPECT_FALSE(run(Json::object()).success);
  EXPECT_TRUE(cri_.calls.empty());
}

}  // namespace
}  // namespace skiff::agent::cri

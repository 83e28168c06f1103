// The node agent's kubelet API: who may call it, how paths map to pods and containers, and the
// log it streams.
#include "agent/node_api/node_api_handler.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>

#include "apiserver/pki.h"

namespace skiff::agent {
namespace {

using apiserver::HttpExchange;
using apiserver::HttpRequest;
using apiserver::HttpResponse;
using apiserver::RawConnection;
using apiserver::ResponseStream;

class RecordingExchange final : public HttpExchange, public ResponseStream {
 public:
  void respond(HttpResponse r) override { response = std::move(r); }
  ResponseStream& start_stream(int status, const std::string& type,
                               const std::vector<std::pair<std::string, std::string>>&) override {
    stream_status = status;
    stream_type = type;
    return *this;
  }
  ResponseStream& start_sized(int, const std::string&, uint64_t) override { return *this; }
  RawConnection& take_over() override { throw std::logic_error("no tunnel in these tests"); }
  bool write(std::string_view chunk) override {
    body += chunk;
    return true;
  }
  bool client_gone() override { return false; }

  int status() const { return response ? response->status : stream_status; }
  std::string message() const { return response ? Json::parse(response->body).value("message", "") : ""; }

  std::optional<HttpResponse> response;
  int stream_status = 0;
  std::string stream_type;
  std::string body;
};

class FakeLogs final : public apiserver::PodLogSource {
 public:
  bool serves_node(const std::string&) const override { return true; }
  Result<Streamer> open_log(const Json&, const std::string& container, const apiserver::PodLogOptions& o) override {
    opened_container = container;
    options = o;
    return Streamer([](const apiserver::LogWriter& write) {
      write("hello\n");
      return ok_status();
    });
  }
  std::string opened_container;
  apiserver::PodLogOptions options;
};

Json web_pod() {
  return Json::parse(R"({"metadata":{"name":"web","namespace":"shop"},"spec":{"nodeName":"node-b",
    "containers":[{"name":"app"},{"name":"sidecar"}]},
    "status":{"containerStatuses":[{"name":"app","containerID":"containerd://abc","state":{"running":{}}}]}})");
}

class NodeApiHandlerTest : public ::testing::Test {
 protected:
  NodeApiHandlerTest() {
    NodeApiBackends backends;
    backends.find_pod = [](const std::string& ns, const std::string& name) -> std::shared_ptr<const Json> {
      if (ns == "shop" && name == "web") return std::make_shared<const Json>(web_pod());
      return nullptr;
    };
    backends.logs = logs_;
    handler_ = std::make_unique<NodeApiHandler>(std::move(backends), apiserver::kKubeletClientUser);
  }

  RecordingExchange call(const std::string& method, const std::string& path, const std::string& query,
                         const std::string& user) {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.raw_query = query;
    req.query = apiserver::parse_query(query);
    if (!user.empty()) req.user = {user, {"system:masters", "system:authenticated"}, true};
    RecordingExchange ex;
    handler_->handle(req, ex);
    return ex;
  }
  RecordingExchange as_api_server(const std::string& method, const std::string& path, const std::string& query = "") {
    return call(method, path, query, apiserver::kKubeletClientUser);
  }

  std::shared_ptr<FakeLogs> logs_ = std::make_shared<FakeLogs>();
  std::unique_ptr<NodeApiHandler> handler_;
};

TEST_F(NodeApiHandlerTest, CallersWithoutAVerifiedCertificateAreUnauthorized) {
  RecordingExchange ex = call("GET", "/containerLogs/shop/web/app", "", "");
  EXPECT_EQ(ex.status(), 401);
  EXPECT_EQ(ex.message(), "Unauthorized");
  EXPECT_TRUE(logs_->opened_container.empty());
}

TEST_F(NodeApiHandlerTest, OtherUsersAreForbiddenEvenAsSystemMasters) {
  RecordingExchange ex = call("POST", "/exec/shop/web/app", "command=ls", "admin");
  EXPECT_EQ(ex.status(), 403);
  EXPECT_EQ(ex.message(), "Forbidden (user=admin, verb=create, resource=nodes, subresource=proxy)");
}

TEST_F(NodeApiHandlerTest, ContainerLogsStreamWithThePodLogQuery) {
  RecordingExchange ex = as_api_server("GET", "/containerLogs/shop/web/app", "tailLines=3&timestamps=true");
  EXPECT_EQ(ex.status(), 200);
  EXPECT_EQ(ex.stream_type, "text/plain");
  EXPECT_EQ(ex.body, "hello\n");
  EXPECT_EQ(logs_->opened_container, "app");
  EXPECT_EQ(logs_->options.tail_lines, 3);
  EXPECT_TRUE(logs_->options.timestamps);
}

TEST_F(NodeApiHandlerTest, InvalidLogOptionsAreRefused) {
  RecordingExchange ex = as_api_server("GET", "/containerLogs/shop/web/app", "tailLines=-1");
  EXPECT_EQ(ex.status(), 422);
  EXPECT_TRUE(logs_->opened_container.empty());
}

TEST_F(NodeApiHandlerTest, PodsAndContainersNotOnThisNodeAreNotFound) {
  RecordingExchange pod = as_api_server("GET", "/containerLogs/shop/other/app");
  EXPECT_EQ(pod.status(), 404);
  EXPECT_EQ(pod.message(), "pod \"other\" does not exist");
  RecordingExchange container = as_api_server("GET", "/containerLogs/shop/web/db");
  EXPECT_EQ(container.status(), 404);
  EXPECT_EQ(container.message(), "container \"db\" not found in pod \"web\"");
}

TEST_F(NodeApiHandlerTest, UnknownPathsAreNotFound) {
  for (const char* path : {"/", "/containerLogs/shop/web", "/pods", "/exec/shop"})
    EXPECT_EQ(as_api_server("GET", path).status(), 404) << path;
}

TEST_F(NodeApiHandlerTest, SessionsNeedAnUpgrade) {
  RecordingExchange ex = as_api_server("POST", "/exec/shop/web/app", "command=ls&stdout=1");
  EXPECT_EQ(ex.status(), 400);
  EXPECT_EQ(ex.message(), "Upgrade request required");
  EXPECT_EQ(as_api_server("DELETE", "/exec/shop/web/app").status(), 405);
}

}  // namespace
}  // namespace skiff::agent

// The node agent's kubelet API over TLS, called as the API server calls it: logs read through
// the API server's kubelet client, callers refused by identity, and an exec session tunnelled on
// to a (fake) runtime streaming server.
#include "agent/node_api/node_api_server.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "apiserver/backend_connection.h"
#include "apiserver/http_response_reader.h"
#include "apiserver/http_server.h"
#include "apiserver/kubelet_client.h"
#include "apiserver/pki.h"

namespace skiff::agent {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json web_pod() {
  return Json::parse(R"({"metadata":{"name":"web","namespace":"shop"},"spec":{"nodeName":"node-b",
    "containers":[{"name":"app"}]},
    "status":{"containerStatuses":[{"name":"app","containerID":"containerd://abc","state":{"running":{}}}]}})");
}

class OneLineLogs final : public apiserver::PodLogSource {
 public:
  bool serves_node(const std::string&) const override { return true; }
  Result<Streamer> open_log(const Json&, const std::string& container, const apiserver::PodLogOptions&) override {
    return Streamer([container](const apiserver::LogWriter& write) {
      write("log of " + container + "\n");
      return ok_status();
    });
  }
};

// A runtime's streaming server: answers the upgrade with 101, then echoes.
class EchoStreamingServer final : public apiserver::HttpHandler {
 public:
  void handle(apiserver::HttpRequest& req, apiserver::HttpExchange& ex) override {
    {
      std::lock_guard lk(mu);
      path = req.path;
      upgrade = req.header("upgrade");
    }
    apiserver::RawConnection& conn = ex.take_over();
    conn.write_all("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
    char buf[4096];
    for (long n; (n = conn.read_some(buf, sizeof buf, true)) > 0;)
      if (!conn.write_all(std::string_view(buf, static_cast<size_t>(n)))) return;
  }
  std::mutex mu;
  std::string path, upgrade;
};

class RuntimeSessions final : public apiserver::ContainerStreamSource {
 public:
  explicit RuntimeSessions(uint16_t port) : port_(port) {}
  bool serves_node(const std::string&) const override { return true; }
  Result<apiserver::StreamBackend> stream_backend(const Json&, const apiserver::ContainerStreamRequest& r) override {
    return apiserver::StreamBackend{"http://127.0.0.1:" + std::to_string(port_) + "/exec/" + r.command.front(), nullptr};
  }

 private:
  uint16_t port_;
};

class NodeApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::signal(SIGPIPE, SIG_IGN);  // as in skiff server and agent: a peer that hung up is a failed write
    char tmpl[] = "/tmp/skiff-node-api-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(apiserver::ensure_server_pki(dir_ + "/cluster", {}).ok());
    ASSERT_TRUE(apiserver::ensure_server_pki(dir_ + "/other", {}).ok());
    apiserver::HttpServerOptions plain;
    plain.port = 0;
    plain.tls = false;
    auto runtime = apiserver::start_http_server(plain, streaming_);
    ASSERT_TRUE(runtime.ok()) << runtime.error().message;
    runtime_ = std::move(*runtime);

    NodeApiOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.node_name = "node-b";
    options.serving_hosts = {"127.0.0.1"};
    options.client_ca_pem = slurp(apiserver::PkiFiles::in(dir_ + "/cluster").ca_cert);
    NodeApiBackends backends;
    backends.find_pod = [](const std::string& ns, const std::string& name) -> std::shared_ptr<const Json> {
      return ns == "shop" && name == "web" ? std::make_shared<const Json>(web_pod()) : nullptr;
    };
    backends.logs = std::make_shared<OneLineLogs>();
    backends.streams = std::make_shared<RuntimeSessions>(runtime_->port());
    auto server = NodeApiServer::start(options, std::move(backends));
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (runtime_) runtime_->stop();
    fs::remove_all(dir_);
  }

  std::shared_ptr<const apiserver::TlsClientIdentity> identity(const std::string& pki_dir, bool kubelet_client) {
    apiserver::PkiFiles files = apiserver::PkiFiles::in(dir_ + "/" + pki_dir);
    auto id = apiserver::TlsClientIdentity::from_pem(slurp(kubelet_client ? files.kubelet_client_cert : files.admin_cert),
                                                     slurp(kubelet_client ? files.kubelet_client_key : files.admin_key));
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : nullptr;
  }

  apiserver::KubeletClient api_server_client(std::shared_ptr<const apiserver::TlsClientIdentity> id) {
    Json node = {{"status",
                  {{"addresses", {{{"type", "InternalIP"}, {"address", "127.0.0.1"}}}},
                   {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", server_->port()}}}}}}}};
    return apiserver::KubeletClient([node](const std::string&) -> Result<Json> { return node; }, std::move(id));
  }

  Result<std::string> read_log(const std::shared_ptr<const apiserver::TlsClientIdentity>& id) {
    apiserver::KubeletClient client = api_server_client(id);
    SKIFF_ASSIGN_OR_RETURN(auto streamer, client.open_log(web_pod(), "app", {}));
    std::string got;
    SKIFF_TRY(streamer([&](std::string_view chunk) {
      got += chunk;
      return true;
    }));
    return got;
  }

  std::string dir_;
  EchoStreamingServer streaming_;
  std::unique_ptr<apiserver::HttpServer> runtime_;
  std::unique_ptr<NodeApiServer> server_;
};

TEST_F(NodeApiServerTest, ApiServerReadsContainerLogsWithItsKubeletClientCertificate) {
  auto log = read_log(identity("cluster", true));
  ASSERT_TRUE(log.ok()) << log.error().message;
  EXPECT_EQ(*log, "log of app\n");
}

TEST_F(NodeApiServerTest, ClusterCertificateOfAnotherUserIsForbidden) {
  auto log = read_log(identity("cluster", false));
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, 403);
  EXPECT_EQ(log.error().message, "Forbidden (user=admin, verb=get, resource=nodes, subresource=proxy)");
}

TEST_F(NodeApiServerTest, CertificateFromAnotherCaIsUnauthorized) {
  auto log = read_log(identity("other", true));
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, 401);
}

TEST_F(NodeApiServerTest, ExecIsTunnelledToTheRuntimesStreamingServer) {
  auto id = identity("cluster", true);
  auto url = apiserver::parse_backend_url("https://127.0.0.1:" + std::to_string(server_->port()) +
                                          "/exec/shop/web/app?command=cat&stdin=1&stdout=1");
  ASSERT_TRUE(url.ok());
  auto conn = apiserver::dial_backend(*url, id.get(), 5s);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  ASSERT_TRUE((*conn)->write_all("POST " + url->target + " HTTP/1.1\r\nHost: " + url->authority() +
                                 "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: "
                                 "v4.channel.k8s.io\r\n\r\n"));
  apiserver::HttpResponseReader reader(**conn);
  ASSERT_TRUE(reader.read_head(5s).ok());
  EXPECT_EQ(reader.status(), 101);
  ASSERT_TRUE((*conn)->write_all("ping"));
  std::string echoed;
  for (int i = 0; i < 50 && echoed.size() < 4; ++i) {
    char buf[16];
    long n = (*conn)->read_some(buf, sizeof buf, false);
    if (n > 0) echoed.append(buf, static_cast<size_t>(n));
    else std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(echoed, "ping");
  std::lock_guard lk(streaming_.mu);
  EXPECT_EQ(streaming_.path, "/exec/cat");
  EXPECT_EQ(streaming_.upgrade, "SPDY/3.1");
}

}  // namespace
}  // namespace skiff::agent

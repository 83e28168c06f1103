// The API server's client of node agents' kubelet API: where a node is reached, how answers
// other than 200 read, and logs and sessions against a fake kubelet API over real TLS.
#include "apiserver/kubelet_client.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "apiserver/backend_connection.h"
#include "apiserver/http_server.h"
#include "apiserver/pki.h"

namespace skiff::apiserver {
namespace {

namespace fs = std::filesystem;

Json node_with(Json addresses, std::optional<int> port) {
  Json node = {{"metadata", {{"name", "node-b"}}}, {"status", {{"addresses", std::move(addresses)}}}};
  if (port) node["status"]["daemonEndpoints"] = {{"kubeletEndpoint", {{"Port", *port}}}};
  return node;
}

TEST(KubeletEndpoint, InternalIpIsPreferredAndThePortComesFromDaemonEndpoints) {
  auto e = kubelet_endpoint(node_with(Json::parse(R"([{"type":"Hostname","address":"node-b"},
                                                      {"type":"InternalIP","address":"10.0.0.7"}])"),
                                      34567));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->host, "10.0.0.7");
  EXPECT_EQ(e->port, 34567);
  EXPECT_EQ(e->url("/exec/a/b/c"), "https://10.0.0.7:34567/exec/a/b/c");
}

TEST(KubeletEndpoint, HostnameServesWithoutAnInternalIpAndThePortDefaultsTo10250) {
  auto e = kubelet_endpoint(node_with(Json::parse(R"([{"type":"Hostname","address":"node-b"}])"), std::nullopt));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "node-b");
  EXPECT_EQ(e->port, 10250);
}

TEST(KubeletEndpoint, IPv6AddressesAreBracketedInUrls) {
  auto e = kubelet_endpoint(node_with(Json::parse(R"([{"type":"InternalIP","address":"fd00::7"}])"), 10250));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->url("/x"), "https://[fd00::7]:10250/x");
}

TEST(KubeletEndpoint, NodeWithoutAddressesIsAnError) {
  auto e = kubelet_endpoint(node_with(Json::array(), 10250));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, 500);
  EXPECT_EQ(e.error().message, "no preferred addresses found; known addresses: []");
  auto external_dns = kubelet_endpoint(node_with(Json::parse(R"([{"type":"ExternalDNS","address":"b.example"}])"), 1));
  ASSERT_FALSE(external_dns.ok());
  EXPECT_EQ(external_dns.error().message, "no preferred addresses found; known addresses: [{ExternalDNS b.example}]");
}

TEST(KubeletResponseError, StatusObjectsAreKept) {
  Error e = kubelet_response_error(404, R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"pod \"x\" does not exist","reason":"NotFound","code":404})");
  EXPECT_EQ(e.code, 404);
  EXPECT_EQ(e.reason, "NotFound");
  EXPECT_EQ(e.message, "pod \"x\" does not exist");
}

TEST(KubeletResponseError, PlainTextBecomesTheMessage) {
  Error bad = kubelet_response_error(400, "container \"c\" in pod \"p\" is waiting to start: ContainerCreating\n");
  EXPECT_EQ(bad.code, 400);
  EXPECT_EQ(bad.reason, "BadRequest");
  EXPECT_EQ(bad.message, "container \"c\" in pod \"p\" is waiting to start: ContainerCreating");
  Error internal = kubelet_response_error(500, "boom");
  EXPECT_EQ(internal.message, "Internal error occurred: boom");
  Error forbidden = kubelet_response_error(403, "Forbidden (user=x, verb=get, resource=nodes, subresource=proxy)");
  EXPECT_EQ(forbidden.reason, "Forbidden");
  EXPECT_EQ(kubelet_response_error(502, "").message,
            "the server responded with the status code 502 but did not return more information");
}

// ---- against a fake kubelet API over TLS ----

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Answers /containerLogs with two chunks, /containerLogs/ns/missing/... with a 400, and records
// who called what.
class FakeKubelet final : public HttpHandler {
 public:
  void handle(HttpRequest& req, HttpExchange& ex) override {
    {
      std::lock_guard lk(mu);
      paths.push_back(req.path + "?" + req.raw_query);
      users.push_back(req.user.authenticated ? req.user.name : "");
    }
    if (req.path.find("/missing/") != std::string::npos) {
      HttpResponse r;
      r.status = 400;
      r.content_type = "text/plain";
      r.body = "container \"app\" in pod \"missing\" is waiting to start: ContainerCreating";
      return ex.respond(std::move(r));
    }
    ResponseStream& s = ex.start_stream(200, "text/plain", {});
    s.write("line 1\n");
    s.write("line 2\n");
  }
  std::mutex mu;
  std::vector<std::string> paths;
  std::vector<std::string> users;
};

class KubeletClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::signal(SIGPIPE, SIG_IGN);  // as in skiff server and agent: a peer that hung up is a failed write
    char tmpl[] = "/tmp/skiff-kubelet-client-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(ensure_server_pki(dir_, {}).ok());
    PkiFiles pki = PkiFiles::in(dir_);
    auto serving = self_signed_serving_certificate("node-b", {"127.0.0.1"});
    ASSERT_TRUE(serving.ok());
    HttpServerOptions http;
    http.port = 0;
    http.tls_files.cert_pem = serving->cert_pem;
    http.tls_files.key_pem = serving->key_pem;
    http.tls_files.client_ca_pem = slurp(pki.ca_cert);
    auto server = start_http_server(http, kubelet_);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    auto identity = TlsClientIdentity::from_pem(slurp(pki.kubelet_client_cert), slurp(pki.kubelet_client_key));
    ASSERT_TRUE(identity.ok()) << identity.error().message;
    identity_ = *identity;
  }
  void TearDown() override {
    if (server_) server_->stop();
    fs::remove_all(dir_);
  }

  KubeletClient client_for(Json node) {
    return KubeletClient([node](const std::string& name) -> Result<Json> {
      if (name != "node-b") return Error::not_found("nodes \"" + name + "\" not found");
      return node;
    }, identity_);
  }
  Json this_node() const {
    return node_with(Json::parse(R"([{"type":"InternalIP","address":"127.0.0.1"}])"), server_->port());
  }
  static Json pod(const std::string& name) {
    return {{"metadata", {{"name", name}, {"namespace", "ns"}}}, {"spec", {{"nodeName", "node-b"}}}};
  }

  std::string dir_;
  FakeKubelet kubelet_;
  std::unique_ptr<HttpServer> server_;
  std::shared_ptr<const TlsClientIdentity> identity_;
};

TEST_F(KubeletClientTest, LogIsStreamedFromTheNodesKubeletApiAsTheApiServersIdentity) {
  KubeletClient client = client_for(this_node());
  PodLogOptions options;
  options.follow = true;
  options.tail_lines = 5;
  auto streamer = client.open_log(pod("web"), "app", options);
  ASSERT_TRUE(streamer.ok()) << streamer.error().message;
  std::string got;
  ASSERT_TRUE((*streamer)([&](std::string_view chunk) {
                got += chunk;
                return true;
              }).ok());
  EXPECT_EQ(got, "line 1\nline 2\n");
  std::lock_guard lk(kubelet_.mu);
  ASSERT_EQ(kubelet_.paths.size(), 1u);
  EXPECT_EQ(kubelet_.paths[0], "/containerLogs/ns/web/app?follow=true&tailLines=5");
  EXPECT_EQ(kubelet_.users[0], kKubeletClientUser);
}

TEST_F(KubeletClientTest, KubeletRefusalBecomesTheError) {
  KubeletClient client = client_for(this_node());
  auto streamer = client.open_log(pod("missing"), "app", {});
  ASSERT_FALSE(streamer.ok());
  EXPECT_EQ(streamer.error().code, 400);
  EXPECT_EQ(streamer.error().message, "container \"app\" in pod \"missing\" is waiting to start: ContainerCreating");
}

TEST_F(KubeletClientTest, UnreachableKubeletIsAnErrorNamingTheDial) {
  uint16_t port = server_->port();
  server_->stop();
  server_.reset();
  KubeletClient client = client_for(node_with(Json::parse(R"([{"type":"InternalIP","address":"127.0.0.1"}])"), port));
  auto streamer = client.open_log(pod("web"), "app", {});
  ASSERT_FALSE(streamer.ok());
  EXPECT_EQ(streamer.error().code, 500);
  std::string p = std::to_string(port);
  EXPECT_EQ(streamer.error().message, "Get \"https://127.0.0.1:" + p + "/containerLogs/ns/web/app\": dial tcp 127.0.0.1:" +
                                          p + ": connect: connection refused");
}

TEST_F(KubeletClientTest, MissingNodeIsNotFound) {
  KubeletClient client = client_for(this_node());
  Json elsewhere = pod("web");
  elsewhere["spec"]["nodeName"] = "gone";
  auto streamer = client.open_log(elsewhere, "app", {});
  ASSERT_FALSE(streamer.ok());
  EXPECT_EQ(streamer.error().code, 404);
}

TEST_F(KubeletClientTest, SimulatedNodesSayNoContainersRunThere) {
  Json node = this_node();
  node["status"]["nodeInfo"] = {{"containerRuntimeVersion", "sim://1"}};
  KubeletClient client = client_for(node);
  auto streamer = client.open_log(pod("quiet"), "app", {});
  ASSERT_FALSE(streamer.ok());
  EXPECT_EQ(streamer.error().code, 400);
  EXPECT_EQ(streamer.error().message,
            "pods/log is not available for pod \"quiet\": its node \"node-b\" is simulated, no containers run there");
}

TEST_F(KubeletClientTest, SessionsGoToTheKubeletApiPathsWithTheKubeletsQuery) {
  KubeletClient client = client_for(this_node());
  ContainerStreamRequest exec;
  exec.subresource = "exec";
  exec.container = "app";
  exec.command = {"sh", "-c", "echo hi"};
  exec.stdin = true;
  exec.stderr = false;
  auto backend = client.stream_backend(pod("web"), exec);
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  std::string base = "https://127.0.0.1:" + std::to_string(server_->port());
  EXPECT_EQ(backend->url, base + "/exec/ns/web/app?stdin=1&stdout=1&command=sh&command=-c&command=echo%20hi");
  EXPECT_EQ(backend->identity, identity_);
  ContainerStreamRequest forward;
  forward.subresource = "portforward";
  forward.ports = {8080, 9090};
  EXPECT_EQ(client.stream_backend(pod("web"), forward)->url, base + "/portForward/ns/web?port=8080%2C9090");
}

}  // namespace
}  // namespace skiff::apiserver

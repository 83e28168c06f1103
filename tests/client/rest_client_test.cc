// The REST client against a real API server (HTTPS with client certificates, started in
// process on a free port): every verb, Status errors, paginated lists, watches, informers
// over HTTP, kubeconfig parsing.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "apiserver/api_server.h"
#include "client/informer.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "support/test_cluster.h"
#include "util/encoding.h"

namespace skiff::client {
namespace {

using namespace std::chrono_literals;

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "skiff-rest-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class RestClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir();
    apiserver::ApiServerOptions o;
    o.data_dir = dir_->path();
    o.port = 0;
    o.datastore = "memory";
    auto started = apiserver::ApiServer::start(o);
    ASSERT_TRUE(started.ok()) << started.error().message;
    server_ = started->release();
  }
  static void TearDownTestSuite() {
    if (server_) server_->stop();
    delete server_;
    server_ = nullptr;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    auto config = load_kubeconfig(dir_->path() + "/admin.kubeconfig");
    ASSERT_TRUE(config.ok()) << config.error().message;
    config_ = *config;
    RestClientOptions opts;
    opts.component = "rest-test";
    opts.list_page_size = 3;
    auto c = new_rest_client(config_, opts);
    ASSERT_TRUE(c.ok()) << c.error().message;
    client_ = std::move(*c);
    ns_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& ch : ns_) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto created = client_->create(namespaces(), "", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}});
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  const api::ResourceInfo& namespaces() { return client_->resource("", "v1", "namespaces"); }
  const api::ResourceInfo& configmaps() { return client_->resource("", "v1", "configmaps"); }
  const api::ResourceInfo& pods() { return client_->resource("", "v1", "pods"); }
  Json configmap(const std::string& name, const Json& data = {{"k", "v"}}) {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", data}};
  }

  static ScratchDir* dir_;
  static apiserver::ApiServer* server_;
  KubeConfig config_;
  std::unique_ptr<Client> client_;
  std::string ns_;
};

ScratchDir* RestClientTest::dir_ = nullptr;
apiserver::ApiServer* RestClientTest::server_ = nullptr;

TEST_F(RestClientTest, CreateGetUpdateDeleteRoundTrip) {
  auto created = client_->create(configmaps(), ns_, configmap("cm"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE((*created)["metadata"].value("uid", "").empty());
  EXPECT_EQ((*created)["metadata"]["managedFields"][0]["manager"], "rest-test");

  auto got = client_->get(configmaps(), ns_, "cm");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["data"]["k"], "v");

  Json changed = *got;
  changed["data"]["k"] = "w";
  auto updated = client_->update(configmaps(), ns_, changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ((*updated)["data"]["k"], "w");

  auto stale = client_->update(configmaps(), ns_, *got);  // the old resourceVersion
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, 409);
  EXPECT_EQ(stale.error().reason, "Conflict");

  auto removed = client_->remove(configmaps(), ns_, "cm");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  auto missing = client_->get(configmaps(), ns_, "cm");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, 404);
  EXPECT_EQ(missing.error().reason, "NotFound");
  EXPECT_NE(missing.error().message.find("\"cm\""), std::string::npos) << missing.error().message;
  EXPECT_EQ(missing.error().detail_name, "cm");
}

TEST_F(RestClientTest, ErrorsCarryReasonAndCauses) {
  ASSERT_TRUE(client_->create(configmaps(), ns_, configmap("dup")).ok());
  auto again = client_->create(configmaps(), ns_, configmap("dup"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, 409);
  EXPECT_EQ(again.error().reason, "AlreadyExists");

  auto invalid = client_->create(configmaps(), ns_, configmap("Not_Valid"));
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, 422);
  EXPECT_EQ(invalid.error().reason, "Invalid");
  ASSERT_FALSE(invalid.error().causes.empty());
  EXPECT_EQ(invalid.error().causes[0].field, "metadata.name");
}

TEST_F(RestClientTest, PatchesUseTheirContentTypes) {
  ASSERT_TRUE(client_->create(configmaps(), ns_, configmap("p", {{"a", "1"}, {"b", "2"}})).ok());
  auto merged = client_->patch(configmaps(), ns_, "p", PatchType::kMerge, R"({"data":{"a":null,"c":"3"}})");
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ((*merged)["data"], (Json{{"b", "2"}, {"c", "3"}}));

  auto json_patched =
      client_->patch(configmaps(), ns_, "p", PatchType::kJson, R"([{"op":"replace","path":"/data/b","value":"9"}])");
  ASSERT_TRUE(json_patched.ok()) << json_patched.error().message;
  EXPECT_EQ((*json_patched)["data"]["b"], "9");

  auto strategic = client_->patch(configmaps(), ns_, "p", PatchType::kStrategic, R"({"metadata":{"labels":{"x":"y"}}})");
  ASSERT_TRUE(strategic.ok()) << strategic.error().message;
  EXPECT_EQ((*strategic)["metadata"]["labels"]["x"], "y");

  WriteOptions apply_opts;
  apply_opts.field_manager = "applier";
  apply_opts.force = true;
  auto applied = client_->patch(configmaps(), ns_, "applied", PatchType::kApply,
                                R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"z":"1"}})",
                                "", apply_opts);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ((*applied)["data"]["z"], "1");
  bool found = false;
  for (const auto& m : (*applied)["metadata"]["managedFields"]) found = found || m["manager"] == "applier";
  EXPECT_TRUE(found);

  auto bad = client_->patch(configmaps(), ns_, "p", PatchType::kJson, R"({"not":"a list"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code / 100, 4);
}

TEST_F(RestClientTest, ListFollowsContinueTokensAndFillsKinds) {
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(client_->create(configmaps(), ns_, configmap("item-" + std::to_string(i))).ok());
  ListOptions all;
  auto listed = client_->list(configmaps(), ns_, all);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->items.size(), 7u);  // pages of 3
  EXPECT_GT(listed->resource_version, 0);
  EXPECT_EQ((*listed->items[0])["kind"], "ConfigMap");
  EXPECT_EQ((*listed->items[0])["apiVersion"], "v1");
  EXPECT_TRUE((*listed->items[0])["metadata"].contains("managedFields"));
  auto trimmed = client_->list(configmaps(), ns_, ListOptions{.without_managed_fields = true});
  ASSERT_TRUE(trimmed.ok());
  ASSERT_EQ(trimmed->items.size(), 7u);
  EXPECT_FALSE((*trimmed->items[0])["metadata"].contains("managedFields"));

  ASSERT_TRUE(client_->patch(configmaps(), ns_, "item-2", PatchType::kMerge, R"({"metadata":{"labels":{"pick":"me"}}})")
                  .ok());
  ListOptions selected;
  selected.label_selector = "pick in (me,you)";
  auto picked = client_->list(configmaps(), ns_, selected);
  ASSERT_TRUE(picked.ok()) << picked.error().message;
  ASSERT_EQ(picked->items.size(), 1u);
  EXPECT_EQ((*picked->items[0])["metadata"]["name"], "item-2");
}

TEST_F(RestClientTest, WatchStreamsAddedModifiedDeleted) {
  auto listed = client_->list(configmaps(), ns_, {});
  ASSERT_TRUE(listed.ok());
  auto stream = client_->watch(configmaps(), ns_, {}, listed->resource_version);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  ListOptions without_managed_fields{.without_managed_fields = true};
  auto trimmed = client_->watch(configmaps(), ns_, without_managed_fields, listed->resource_version);
  ASSERT_TRUE(trimmed.ok()) << trimmed.error().message;
  ASSERT_TRUE(client_->create(configmaps(), ns_, configmap("w")).ok());
  ASSERT_TRUE(client_->patch(configmaps(), ns_, "w", PatchType::kMerge, R"({"data":{"k":"2"}})").ok());
  ASSERT_TRUE(client_->remove(configmaps(), ns_, "w").ok());
  std::vector<WatchEvent> events;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<WatchEvent> batch;
    ASSERT_TRUE((*stream)->next(batch, 100ms));
    for (auto& e : batch)
      if (e.type != WatchEvent::Type::kBookmark) events.push_back(std::move(e));
    if (events.size() >= 3) break;
  }
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, WatchEvent::Type::kAdded);
  EXPECT_EQ(events[1].type, WatchEvent::Type::kModified);
  EXPECT_EQ((*events[1].object)["data"]["k"], "2");
  EXPECT_EQ(events[2].type, WatchEvent::Type::kDeleted);
  EXPECT_GT(events[1].resource_version, events[0].resource_version);
  EXPECT_TRUE((*events[0].object)["metadata"].contains("managedFields"));

  std::vector<WatchEvent> trimmed_events;
  while (std::chrono::steady_clock::now() < deadline && trimmed_events.empty()) {
    ASSERT_TRUE((*trimmed)->next(trimmed_events, 100ms));
    std::erase_if(trimmed_events, [](const WatchEvent& e) { return e.type == WatchEvent::Type::kBookmark; });
  }
  ASSERT_FALSE(trimmed_events.empty());
  EXPECT_EQ((*trimmed_events[0].object)["metadata"]["name"], "w");
  EXPECT_FALSE((*trimmed_events[0].object)["metadata"].contains("managedFields"));
}

TEST_F(RestClientTest, WatchFromZeroStartsWithCurrentObjects) {
  ASSERT_TRUE(client_->create(configmaps(), ns_, configmap("existing")).ok());
  auto stream = client_->watch(configmaps(), ns_, {}, 0);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  std::vector<WatchEvent> events;
  ASSERT_TRUE(testing::eventually([&] {
    (*stream)->next(events, 50ms);
    for (const auto& e : events)
      if (e.type == WatchEvent::Type::kAdded && (*e.object)["metadata"]["name"] == "existing") return true;
    return false;
  }, 5s));
}

TEST_F(RestClientTest, WatchWithABadSelectorFailsWithAStatus) {
  ListOptions bad;
  bad.label_selector = "no such label ===";
  auto stream = client_->watch(configmaps(), ns_, bad, 0);
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.error().code, 400);
}

TEST_F(RestClientTest, BindingAndStatusSubresources) {
  Json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "p"}}},
              {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "nginx"}}})}}}};
  ASSERT_TRUE(client_->create(pods(), ns_, pod).ok());
  auto bound = client_->create_subresource(pods(), ns_, "p", "binding",
                                           {{"apiVersion", "v1"},
                                            {"kind", "Binding"},
                                            {"metadata", {{"name", "p"}}},
                                            {"target", {{"kind", "Node"}, {"name", "n1"}}}});
  ASSERT_TRUE(bound.ok()) << bound.error().message;
  auto got = client_->get(pods(), ns_, "p");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["spec"]["nodeName"], "n1");
  Json with_status = *got;
  with_status["status"]["phase"] = "Running";
  with_status["spec"]["nodeName"] = "ignored";  // the status subresource writes status only
  auto written = client_->update(pods(), ns_, with_status, "status");
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ((*written)["status"]["phase"], "Running");
  EXPECT_EQ((*written)["spec"]["nodeName"], "n1");
  auto patched = client_->patch(pods(), ns_, "p", PatchType::kMerge, R"({"status":{"phase":"Succeeded"}})", "status");
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  EXPECT_EQ((*patched)["status"]["phase"], "Succeeded");
}

TEST_F(RestClientTest, DeleteOptionsReachTheServer) {
  ASSERT_TRUE(client_->create(configmaps(), ns_, configmap("guarded")).ok());
  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "not-the-uid";
  auto refused = client_->remove(configmaps(), ns_, "guarded", wrong_uid);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, 409);
  EXPECT_TRUE(client_->get(configmaps(), ns_, "guarded").ok());
}

TEST_F(RestClientTest, ConcurrentRequestsShareThePool) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i)
        if (client_->create(configmaps(), ns_, configmap("c-" + std::to_string(t) + "-" + std::to_string(i))).ok()) ++ok;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 60);
  auto listed = client_->list(configmaps(), ns_, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->items.size(), 60u);
}

TEST_F(RestClientTest, InformerKeepsACacheOverHttps) {
  Informer informer(*client_, configmaps(), ns_);
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(5s));
  ASSERT_TRUE(client_->create(configmaps(), ns_, configmap("cached")).ok());
  EXPECT_TRUE(testing::eventually([&] { return informer.get(ns_, "cached") != nullptr; }, 5s));
  ASSERT_TRUE(client_->remove(configmaps(), ns_, "cached").ok());
  EXPECT_TRUE(testing::eventually([&] { return informer.get(ns_, "cached") == nullptr; }, 5s));
  informer.stop();
}

TEST_F(RestClientTest, UntrustedServerCertificateIsRejected) {
  KubeConfig wrong = config_;
  wrong.ca_pem = config_.client_certificate_pem;  // a certificate, but not the server's CA
  auto c = new_rest_client(wrong);
  ASSERT_TRUE(c.ok());
  auto got = (*c)->get(namespaces(), "", "default");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("TLS"), std::string::npos) << got.error().message;

  KubeConfig skip = wrong;
  skip.insecure_skip_tls_verify = true;
  auto insecure = new_rest_client(skip);
  ASSERT_TRUE(insecure.ok());
  EXPECT_TRUE((*insecure)->get(namespaces(), "", "default").ok());
}

TEST_F(RestClientTest, WithoutClientCertificateRequestsAreRejected) {
  KubeConfig anonymous = config_;
  anonymous.client_certificate_pem.clear();
  anonymous.client_key_pem.clear();
  auto c = new_rest_client(anonymous);
  ASSERT_TRUE(c.ok());
  auto got = (*c)->get(namespaces(), "", "default");
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.error().code == 401 || got.error().code == 403) << got.error().code;
}

TEST(KubeConfigTest, ReadsTheCurrentContextWithFilesAndToken) {
  ScratchDir dir;
  { std::ofstream(dir.path() + "/ca.crt") << "CA PEM"; }
  { std::ofstream(dir.path() + "/token") << "secret-token\n"; }
  std::string text = R"(apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://a.example:6443", certificate-authority: ca.crt}
- name: b
  cluster: {server: "https://b.example", insecure-skip-tls-verify: true}
users:
- name: u
  user: {tokenFile: token}
- name: cert
  user: {client-certificate-data: )" + base64_encode("CERT") + R"(, client-key-data: )" + base64_encode("KEY") + R"(}
contexts:
- name: one
  context: {cluster: a, user: u}
- name: two
  context: {cluster: b, user: cert}
current-context: one
)";
  auto one = parse_kubeconfig(text, dir.path());
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ(one->server, "https://a.example:6443");
  EXPECT_EQ(one->ca_pem, "CA PEM");
  EXPECT_EQ(one->token, "secret-token");
  EXPECT_FALSE(one->insecure_skip_tls_verify);

  auto two = parse_kubeconfig(text, dir.path(), "two");
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ(two->server, "https://b.example");
  EXPECT_TRUE(two->insecure_skip_tls_verify);
  EXPECT_EQ(two->client_certificate_pem, "CERT");
  EXPECT_EQ(two->client_key_pem, "KEY");

  auto missing = parse_kubeconfig(text, dir.path(), "three");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("three"), std::string::npos);
}

TEST(KubeConfigTest, RejectsBadServerUrls) {
  KubeConfig c;
  c.server = "ftp://x";
  EXPECT_FALSE(new_rest_client(c).ok());
  c.server = "https://";
  EXPECT_FALSE(new_rest_client(c).ok());
}

}  // namespace
}  // namespace skiff::client

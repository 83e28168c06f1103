// Simulated nodes as `skiff agent` runs them: over the REST client (HTTPS, client certificate)
// against a real API server on a free port.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "agent/sim/sim_node_runtime.h"
#include "apiserver/api_server.h"
#include "client/rest_client.h"
#include "support/test_cluster.h"

namespace skiff::agent::sim {
namespace {

using namespace std::chrono_literals;

TEST(SimNodesOverRestTest, NodesRegisterAndBoundPodsRun) {
  std::string pattern = (std::filesystem::temp_directory_path() / "skiff-sim-rest-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  std::string dir = pattern;
  apiserver::ApiServerOptions so;
  so.data_dir = dir;
  so.port = 0;
  so.datastore = "memory";
  auto server = apiserver::ApiServer::start(so);
  ASSERT_TRUE(server.ok()) << server.error().message;
  auto config = client::load_kubeconfig(dir + "/admin.kubeconfig");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto rest = client::new_rest_client(*config);
  ASSERT_TRUE(rest.ok());
  client::Client& c = **rest;

  SimNodeOptions o;
  o.nodes = 3;
  o.lease_renew_interval = 200ms;
  {
    SimNodeRuntime sim(c, o);
    ASSERT_TRUE(sim.start().ok());
    ASSERT_TRUE(testing::eventually([&] { return sim.all_registered(); }));
    auto nodes = c.list(c.resource("", "v1", "nodes"), "", {});
    ASSERT_TRUE(nodes.ok());
    EXPECT_EQ(nodes->items.size(), 3u);
    auto lease = c.get(c.resource("coordination.k8s.io", "v1", "leases"), "kube-node-lease", "sim-2");
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ((*lease)["spec"]["holderIdentity"], "sim-2");

    const auto& pods = c.resource("", "v1", "pods");
    Json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", "web"}}},
                {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "nginx"}}})}}}};
    ASSERT_TRUE(c.create(pods, "default", pod).ok());
    ASSERT_TRUE(c.create_subresource(pods, "default", "web", "binding",
                                     {{"apiVersion", "v1"},
                                      {"kind", "Binding"},
                                      {"metadata", {{"name", "web"}}},
                                      {"target", {{"kind", "Node"}, {"name", "sim-2"}}}})
                    .ok());
    EXPECT_TRUE(testing::eventually([&] {
      auto got = c.get(pods, "default", "web");
      return got.ok() && (*got)["status"].value("phase", "") == "Running" &&
             (*got)["status"].value("podIP", "").rfind("10.42.2.", 0) == 0;
    }));
    ASSERT_TRUE(c.remove(pods, "default", "web").ok());
    EXPECT_TRUE(testing::eventually([&] { return !c.get(pods, "default", "web").ok(); }));
    sim.stop();
  }
  (*server)->stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace
}  // namespace skiff::agent::sim

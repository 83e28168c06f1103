// A LIST too large to assemble in memory goes out in pieces with a Content-Length; the client
// must get every item and be able to reuse the connection afterwards.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "apiserver/api_server.h"
#include "apiserver/registry.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"

namespace skiff::apiserver {
namespace {

TEST(LargeList, StreamsEveryItemAndKeepsTheConnection) {
  std::string pattern = (std::filesystem::temp_directory_path() / "skiff-large-list-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const std::string dir = pattern;
  {
    ApiServerOptions o;
    o.data_dir = dir;
    o.port = 0;
    o.datastore = "memory";
    auto server = ApiServer::start(o);
    ASSERT_TRUE(server.ok()) << server.error().message;
    auto config = client::load_kubeconfig(dir + "/admin.kubeconfig");
    ASSERT_TRUE(config.ok()) << config.error().message;
    client::RestClientOptions opts;
    opts.component = "large-list-test";
    opts.list_page_size = 0;
    auto c = client::new_rest_client(*config, opts);
    ASSERT_TRUE(c.ok()) << c.error().message;
    auto& client = **c;
    const auto& configmaps = client.resource("", "v1", "configmaps");

    // 300 objects of ~8 KiB: well over the size that is streamed.
    const int kItems = 300;
    Registry& registry = (*server)->registry();
    Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "big"}}}};
    ASSERT_TRUE(registry.create(client.resource("", "v1", "namespaces"), "", ns, {}).ok());
    for (int i = 0; i < kItems; ++i) {
      Json cm = {{"apiVersion", "v1"},
                 {"kind", "ConfigMap"},
                 {"metadata", {{"name", "cm-" + std::to_string(i)}}},
                 {"data", {{"blob", std::string(8192, static_cast<char>('a' + i % 26))}}}};
      ASSERT_TRUE(registry.create(configmaps, "big", cm, {}).ok());
    }
    for (int round = 0; round < 2; ++round) {
      auto listed = client.list(configmaps, "big", {});
      ASSERT_TRUE(listed.ok()) << listed.error().message;
      ASSERT_EQ(listed->items.size(), static_cast<size_t>(kItems));
      EXPECT_EQ((*listed->items[kItems - 1])["data"]["blob"].get<std::string>().size(), 8192u);
    }
    auto got = client.get(configmaps, "big", "cm-7");
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ((*got)["metadata"]["name"], "cm-7");
    (*server)->stop();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace
}  // namespace skiff::apiserver

// An acknowledged write survives kill -9 of the server.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "harness.h"
#include "http_client.h"
#include "util/json.h"

namespace skiff::e2e {
namespace {

TEST(Durability, AcknowledgedCreatesSurviveKill9) {
  ServerProcess server({"--insecure-plain-http"});
  server.start();
  const std::string path = "/api/v1/namespaces/default/configmaps";
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    HttpClient client(server.port());
    for (int i = 0; !stop; ++i) {
      std::string name = "durable-" + std::to_string(i);
      Json body = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", {{"name", name}}},
                   {"data", {{"payload", std::string(512, 'x')}}}};
      auto r = client.request("POST", path, body.dump());
      if (r.status != 201) break;  // the server is gone
      std::lock_guard lk(mu);
      acknowledged.push_back(name);
    }
  });
  // Let a few hundred creates through, then kill the server while the writer is mid-stream.
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lk(mu);
      if (acknowledged.size() >= 300) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server.kill9();
  stop = true;
  writer.join();
  ASSERT_GE(acknowledged.size(), 50u) << "too few writes were acknowledged before the kill";

  server.start();
  HttpClient client(server.port());
  auto list = client.request("GET", path);
  ASSERT_EQ(list.status, 200);
  Json items = Json::parse(list.body)["items"];
  std::set<std::string> present;
  for (const auto& item : items) present.insert(item["metadata"]["name"].get<std::string>());
  for (const auto& name : acknowledged) EXPECT_TRUE(present.count(name)) << name << " was acknowledged but lost";
  // And each one reads back individually with its data.
  auto one = client.request("GET", path + "/" + acknowledged.back());
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Json::parse(one.body)["data"]["payload"].get<std::string>().size(), 512u);
}

}  // namespace
}  // namespace skiff::e2e

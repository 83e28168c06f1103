// The agent in this process answers for its own node; the kubelet API client for every other.
#include "apiserver/node_routing.h"

#include <gtest/gtest.h>

namespace skiff::apiserver {
namespace {

class NamedLogs final : public PodLogSource {
 public:
  NamedLogs(std::string name, std::string node) : name_(std::move(name)), node_(std::move(node)) {}
  bool serves_node(const std::string& node) const override { return node_.empty() || node == node_; }
  Result<Streamer> open_log(const Json&, const std::string&, const PodLogOptions&) override {
    return Error::bad_request(name_);  // says who was asked
  }

 private:
  std::string name_, node_;
};

Json pod_on(const std::string& node) { return {{"spec", {{"nodeName", node}}}}; }

std::string asked(PodLogSource& source, const std::string& node) {
  return source.open_log(pod_on(node), "c", {}).error().message;
}

TEST(NodeRouting, OwnNodeFirstThenTheKubeletApi) {
  auto routed =
      route_pod_logs(std::make_shared<NamedLogs>("own", "server-node"), std::make_shared<NamedLogs>("kubelet", ""));
  EXPECT_TRUE(routed->serves_node("server-node"));
  EXPECT_TRUE(routed->serves_node("second-node"));
  EXPECT_EQ(asked(*routed, "server-node"), "own");
  EXPECT_EQ(asked(*routed, "second-node"), "kubelet");
}

TEST(NodeRouting, EitherAloneIsUsedAsIs) {
  auto own = std::make_shared<NamedLogs>("own", "server-node");
  EXPECT_EQ(route_pod_logs(own, nullptr), own);
  EXPECT_EQ(route_pod_logs(nullptr, own), own);
  EXPECT_EQ(route_pod_logs(nullptr, nullptr), nullptr);
  EXPECT_EQ(route_container_streams(nullptr, nullptr), nullptr);
}

}  // namespace
}  // namespace skiff::apiserver

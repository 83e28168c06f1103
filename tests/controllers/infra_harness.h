// A TestCluster with named controllers running against it, and pod helpers that play the
// node's part (status.podIP, phase, Ready) through the status subresource.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "controller_fixture.h"

namespace skiff::controllers::testing {

class Harness : public ControllerFixture {
 public:
  explicit Harness(const std::vector<std::string>& names, const Clock& clock = SystemClock::instance())
      : ControllerFixture(names, {}, clock) {}

  // A pod with one container "c" exposing the given named TCP ports.
  Json pod(const std::string& name, const Json& labels, const Json& ports = Json::array(),
           const std::string& ns = "default") {
    Json container = {{"name", "c"}, {"image", "nginx"}};
    if (!ports.empty()) container["ports"] = ports;
    return cluster().create("", "v1", "pods",
                          {{"apiVersion", "v1"},
                           {"kind", "Pod"},
                           {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
                           {"spec", {{"containers", Json::array({container})}}}});
  }

  // What a node reports: Running with an IP, Ready or not.
  void set_running(const std::string& name, const std::string& ip, bool ready, const std::string& node = "",
                   const std::string& ns = "default") {
    const auto& pods = resource("", "v1", "pods");
    if (!node.empty()) {
      auto bound = client().create_subresource(
          pods, ns, name, "binding",
          {{"apiVersion", "v1"}, {"kind", "Binding"}, {"metadata", {{"name", name}}},
           {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}});
      ASSERT_TRUE(bound.ok()) << bound.error().message;
    }
    Json status = {{"phase", "Running"},
                   {"podIP", ip},
                   {"podIPs", Json::array({{{"ip", ip}}})},
                   {"conditions", Json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}};
    auto patched = client().patch(pods, ns, name, client::PatchType::kMerge, Json{{"status", status}}.dump(), "status");
    ASSERT_TRUE(patched.ok()) << patched.error().message;
  }

  Json get_or_null(std::string_view g, std::string_view v, std::string_view p, const std::string& ns,
                   const std::string& name) {
    auto got = client().get(resource(g, v, p), ns, name);
    return got.ok() ? *got : Json();
  }
};

}  // namespace skiff::controllers::testing

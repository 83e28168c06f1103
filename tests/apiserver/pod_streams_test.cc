// pods/exec, attach and portforward: the query kubectl sends, checked against the pod.
#include <gtest/gtest.h>

#include "apiserver/pod_streams.h"

namespace skiff::apiserver {
namespace {

Json two_container_pod() {
  return Json::parse(R"({"metadata":{"name":"web"},"spec":{"containers":[{"name":"app"},{"name":"sidecar"}]},
    "status":{"containerStatuses":[
      {"name":"app","containerID":"containerd://abc","state":{"running":{}}},
      {"name":"sidecar","containerID":"containerd://def","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})");
}

HttpRequest request(const std::string& query) {
  HttpRequest r;
  r.raw_query = query;
  r.query = parse_query(query);
  return r;
}

TEST(ContainerStream, ExecTakesCommandsStreamsAndTheRunningContainer) {
  auto r = parse_container_stream(request("command=sh&command=-c&command=echo%20hi&container=app&stdin=true&tty=true"),
                                  two_container_pod(), "exec");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->command, (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_EQ(r->container_id, "containerd://abc");
  EXPECT_TRUE(r->stdin);
  EXPECT_TRUE(r->tty);
  EXPECT_FALSE(r->stderr) << "a terminal merges stderr into stdout";
}

TEST(ContainerStream, ErrorsAreKubernetesMessages) {
  auto no_command = parse_container_stream(request("container=app"), two_container_pod(), "exec");
  ASSERT_FALSE(no_command.ok());
  EXPECT_EQ(no_command.error().message, "you must specify at least 1 command");
  auto which = parse_container_stream(request("command=ls"), two_container_pod(), "exec");
  ASSERT_FALSE(which.ok());
  EXPECT_EQ(which.error().message, "a container name must be specified for pod web, choose one of: [app sidecar]");
  auto waiting = parse_container_stream(request("command=ls&container=sidecar"), two_container_pod(), "exec");
  ASSERT_FALSE(waiting.ok());
  EXPECT_EQ(waiting.error().message, "container sidecar is not running in pod web");
  auto silent = parse_container_stream(request("command=ls&container=app&stdout=false&stderr=false"),
                                       two_container_pod(), "exec");
  ASSERT_FALSE(silent.ok());
  EXPECT_EQ(silent.error().code, 400);
}

TEST(ContainerStream, PortForwardTakesPortLists) {
  auto r = parse_container_stream(request("ports=8080,9090&ports=80"), two_container_pod(), "portforward");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ports, (std::vector<int32_t>{8080, 9090, 80}));
  EXPECT_FALSE(parse_container_stream(request("ports=0"), two_container_pod(), "portforward").ok());
  EXPECT_FALSE(parse_container_stream(request("ports=http"), two_container_pod(), "portforward").ok());
}

TEST(KubeletStream, ContainerFromThePathAndOnlyWhatIsSetIsOn) {
  auto r = parse_kubelet_stream(request("command=ls&stdout=1"), two_container_pod(), "exec", "app");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->container, "app");
  EXPECT_EQ(r->container_id, "containerd://abc");
  EXPECT_TRUE(r->stdout);
  EXPECT_FALSE(r->stderr) << "absent is off on the kubelet API";
  EXPECT_FALSE(r->stdin);
  auto unknown = parse_kubelet_stream(request("command=ls&stdout=1"), two_container_pod(), "exec", "nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "container nope is not valid for pod web");
}

TEST(KubeletStream, PortForwardPortsAreInPort) {
  auto r = parse_kubelet_stream(request("port=8080,9090"), two_container_pod(), "portforward", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ports, (std::vector<int32_t>{8080, 9090}));
}

TEST(KubeletStream, QueryIsWhatTheKubeletParsesBack) {
  auto api = parse_container_stream(request("command=sh&command=-c&command=echo%20hi&container=app&stdin=true"),
                                    two_container_pod(), "exec");
  ASSERT_TRUE(api.ok());
  std::string query = kubelet_stream_query(*api);
  EXPECT_EQ(query, "stdin=1&stdout=1&stderr=1&command=sh&command=-c&command=echo%20hi");
  auto back = parse_kubelet_stream(request(query), two_container_pod(), "exec", "app");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->command, api->command);
  EXPECT_EQ(back->stdin, api->stdin);
  EXPECT_EQ(back->stdout, api->stdout);
  EXPECT_EQ(back->stderr, api->stderr);
}

}  // namespace
}  // namespace skiff::apiserver

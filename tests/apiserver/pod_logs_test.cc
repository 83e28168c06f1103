// pods/log in the API server: the query, Kubernetes' choice of container and run, and the
// response around a node agent's stream.
#include <gtest/gtest.h>

#include <stdexcept>

#include "apiserver/pod_logs.h"

namespace skiff::apiserver {
namespace {

const WallTime kNow = *parse_rfc3339("2026-11-27T10:00:00Z");

HttpRequest query(std::string raw) {
  HttpRequest req;
  req.method = "GET";
  req.raw_query = std::move(raw);
  req.query = parse_query(req.raw_query);
  return req;
}

Json two_container_pod() {
  return Json::parse(R"({
    "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    "spec": {"nodeName": "node-a",
             "initContainers": [{"name": "setup"}],
             "containers": [{"name": "app"}, {"name": "sidecar"}]},
    "status": {
      "initContainerStatuses": [{"name": "setup", "restartCount": 0,
        "state": {"terminated": {"exitCode": 0, "containerID": "containerd://i1"}}}],
      "containerStatuses": [
        {"name": "app", "restartCount": 2, "containerID": "containerd://a3",
         "state": {"running": {"startedAt": "2026-11-27T09:59:00Z"}},
         "lastState": {"terminated": {"exitCode": 1, "containerID": "containerd://a2"}}},
        {"name": "sidecar", "restartCount": 0,
         "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {}}]}})");
}

TEST(PodLogOptions, ReadsKubectlsQuery) {
  auto o = parse_pod_log_options(
      query("container=app&follow=true&previous=false&timestamps=1&tailLines=2&limitBytes=100&sinceSeconds=30"),
      "web", kNow);
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->container, "app");
  EXPECT_TRUE(o->follow);
  EXPECT_FALSE(o->previous);
  EXPECT_TRUE(o->timestamps);
  EXPECT_EQ(o->tail_lines, 2);
  EXPECT_EQ(o->limit_bytes, 100);
  EXPECT_EQ(o->since, kNow - std::chrono::seconds(30));
}

TEST(PodLogOptions, SinceTimeIsRfc3339) {
  auto o = parse_pod_log_options(query("sinceTime=2026-11-27T09:00:00Z"), "web", kNow);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->since, parse_rfc3339("2026-11-27T09:00:00Z"));
  auto bad = parse_pod_log_options(query("sinceTime=yesterday"), "web", kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, 400);
  EXPECT_NE(bad.error().message.find("parsing time \"yesterday\""), std::string::npos);
}

TEST(PodLogOptions, MalformedNumbersAreBadRequests) {
  auto o = parse_pod_log_options(query("tailLines=ten"), "web", kNow);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, 400);
  EXPECT_EQ(o.error().message, "strconv.ParseInt: parsing \"ten\": invalid syntax");
}

TEST(PodLogOptions, ValidationFailuresAreInvalid) {
  auto tail = parse_pod_log_options(query("tailLines=-1"), "web", kNow);
  ASSERT_FALSE(tail.ok());
  EXPECT_EQ(tail.error().code, 422);
  EXPECT_EQ(tail.error().message,
            "PodLogOptions \"web\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0");
  auto both = parse_pod_log_options(query("sinceSeconds=5&sinceTime=2026-11-27T09:00:00Z&limitBytes=0"), "web", kNow);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().message,
            "PodLogOptions \"web\" is invalid: [limitBytes: Invalid value: 0: must be greater than 0, : Forbidden: at "
            "most one of `sinceTime` or `sinceSeconds` may be specified]");
  auto zero = parse_pod_log_options(query("sinceSeconds=0"), "web", kNow);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().message.find("sinceSeconds: Invalid value: 0: must be greater than 0"), std::string::npos);
}

TEST(LogContainer, OnlyContainerIsTheDefault) {
  Json pod = Json::parse(R"({"metadata": {"name": "one"}, "spec": {"containers": [{"name": "c"}]}})");
  EXPECT_EQ(*choose_log_container(pod, ""), "c");
}

TEST(LogContainer, SeveralContainersNeedANameListingInitContainersFirst) {
  auto chosen = choose_log_container(two_container_pod(), "");
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.error().code, 400);
  EXPECT_EQ(chosen.error().message, "a container name must be specified for pod web, choose one of: [setup app sidecar]");
}

TEST(LogContainer, InitContainersMayBeNamed) {
  EXPECT_EQ(*choose_log_container(two_container_pod(), "setup"), "setup");
}

TEST(LogContainer, UnknownNameIsNotValid) {
  auto chosen = choose_log_container(two_container_pod(), "db");
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.error().message, "container db is not valid for pod web");
}

TEST(LogTarget, RunningContainerIsTheCurrentRun) {
  auto t = choose_log_target(two_container_pod(), "app", false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->container_id, "containerd://a3");
  EXPECT_TRUE(t->running);
}

TEST(LogTarget, PreviousIsTheLastTerminatedRun) {
  auto t = choose_log_target(two_container_pod(), "app", true);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->container_id, "containerd://a2");
  EXPECT_FALSE(t->running);
}

TEST(LogTarget, PreviousWithoutOneIsNotFound) {
  auto t = choose_log_target(two_container_pod(), "setup", true);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, 400);
  EXPECT_EQ(t.error().message, "previous terminated container \"setup\" in pod \"web\" not found");
}

TEST(LogTarget, TerminatedInitContainerKeepsItsLog) {
  auto t = choose_log_target(two_container_pod(), "setup", false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->container_id, "containerd://i1");
}

TEST(LogTarget, WaitingContainerSaysWhy) {
  auto t = choose_log_target(two_container_pod(), "sidecar", false);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "container \"sidecar\" in pod \"web\" is waiting to start: ContainerCreating");
  Json pod = two_container_pod();
  pod["status"]["containerStatuses"][1]["state"]["waiting"]["reason"] = "ImagePullBackOff";
  EXPECT_EQ(choose_log_target(pod, "sidecar", false).error().message,
            "container \"sidecar\" in pod \"web\" is waiting to start: trying and failing to pull image");
}

TEST(LogTarget, CrashLoopReadsTheRunThatEnded) {
  Json pod = two_container_pod();
  pod["status"]["containerStatuses"][0]["state"] = {{"waiting", {{"reason", "CrashLoopBackOff"}}}};
  auto t = choose_log_target(pod, "app", false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->container_id, "containerd://a2");
}

TEST(KubeletLogQuery, CarriesEveryOptionTheKubeletReads) {
  auto o = parse_pod_log_options(
      query("follow=true&previous=1&timestamps=true&tailLines=2&limitBytes=100&sinceSeconds=30"), "web", kNow);
  ASSERT_TRUE(o.ok());
  std::string q = kubelet_log_query(*o);
  EXPECT_EQ(q, "follow=true&previous=true&timestamps=true&tailLines=2&limitBytes=100&sinceTime=2026-11-27T09%3A59%3A30."
               "000000Z");
  auto back = parse_pod_log_options(query(q), "web", kNow + std::chrono::hours(1));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->since, o->since) << "an absolute time, whenever the kubelet reads it";
  EXPECT_EQ(back->tail_lines, 2);
  EXPECT_TRUE(back->previous);
  EXPECT_EQ(kubelet_log_query(PodLogOptions{}), "");
}

// ---- serve_pod_log around a fake node agent ----

class RecordingStream final : public ResponseStream {
 public:
  bool write(std::string_view chunk) override {
    chunks.emplace_back(chunk);
    return !gone;
  }
  bool client_gone() override { return gone; }
  std::vector<std::string> chunks;
  bool gone = false;
};

class RecordingExchange final : public HttpExchange {
 public:
  void respond(HttpResponse r) override { response = std::move(r); }
  ResponseStream& start_stream(int status, const std::string& content_type,
                               const std::vector<std::pair<std::string, std::string>>&) override {
    stream_status = status;
    stream_type = content_type;
    return stream;
  }
  ResponseStream& start_sized(int, const std::string&, uint64_t) override { return stream; }
  RawConnection& take_over() override {
    ADD_FAILURE() << "pods/log never takes the connection over";
    throw std::logic_error("take_over");
  }
  std::optional<HttpResponse> response;
  int stream_status = 0;
  std::string stream_type;
  RecordingStream stream;
};

class FakeLogSource final : public PodLogSource {
 public:
  bool serves_node(const std::string& node) const override { return node == "node-a"; }
  Result<Streamer> open_log(const Json&, const std::string& container, const PodLogOptions& options) override {
    opened_container = container;
    opened_options = options;
    if (fail_open) return Error::bad_request("failed to open log file");
    return Streamer([this](const LogWriter& write) {
      for (const char* line : {"one\n", "two\n", "three\n"}) {
        if (!write(line)) {
          stopped_early = true;
          break;
        }
      }
      return ok_status();
    });
  }
  std::string opened_container;
  PodLogOptions opened_options;
  bool fail_open = false;
  bool stopped_early = false;
};

TEST(ServePodLog, StreamsPlainTextFromTheNodeAgent) {
  FakeLogSource source;
  RecordingExchange ex;
  int code = 200;
  serve_pod_log(query("container=app&tailLines=3"), two_container_pod(), &source, kNow, ex, code);
  EXPECT_FALSE(ex.response.has_value());
  EXPECT_EQ(ex.stream_status, 200);
  EXPECT_EQ(ex.stream_type, "text/plain");
  EXPECT_EQ(ex.stream.chunks, (std::vector<std::string>{"one\n", "two\n", "three\n"}));
  EXPECT_EQ(source.opened_container, "app");
  EXPECT_EQ(source.opened_options.tail_lines, 3);
}

TEST(ServePodLog, ClientGoneEndsTheStream) {
  FakeLogSource source;
  RecordingExchange ex;
  ex.stream.gone = true;
  int code = 200;
  serve_pod_log(query("container=app&follow=true"), two_container_pod(), &source, kNow, ex, code);
  EXPECT_TRUE(source.stopped_early);
  EXPECT_EQ(ex.stream.chunks.size(), 1u);
}

TEST(ServePodLog, RuleViolationsAnswerWithAStatus) {
  FakeLogSource source;
  RecordingExchange ex;
  int code = 200;
  serve_pod_log(query(""), two_container_pod(), &source, kNow, ex, code);
  ASSERT_TRUE(ex.response.has_value());
  EXPECT_EQ(code, 400);
  EXPECT_EQ(ex.response->status, 400);
  auto body = Json::parse(ex.response->body);
  EXPECT_EQ(body["reason"], "BadRequest");
  EXPECT_EQ(body["message"], "a container name must be specified for pod web, choose one of: [setup app sidecar]");
  EXPECT_TRUE(source.opened_container.empty()) << "the agent is not asked";
}

TEST(ServePodLog, OpenFailureIsTheResponse) {
  FakeLogSource source;
  source.fail_open = true;
  RecordingExchange ex;
  int code = 200;
  serve_pod_log(query("container=app"), two_container_pod(), &source, kNow, ex, code);
  ASSERT_TRUE(ex.response.has_value());
  EXPECT_EQ(code, 400);
  EXPECT_EQ(ex.stream_status, 0) << "no stream started";
}

TEST(ServePodLog, NodesWithoutAnAgentHereSaySo) {
  Json pod = two_container_pod();
  pod["spec"]["nodeName"] = "sim-0";
  FakeLogSource source;
  for (PodLogSource* s : {static_cast<PodLogSource*>(&source), static_cast<PodLogSource*>(nullptr)}) {
    RecordingExchange ex;
    int code = 200;
    serve_pod_log(query("container=app"), pod, s, kNow, ex, code);
    ASSERT_TRUE(ex.response.has_value());
    EXPECT_EQ(code, 400);
    std::string message = Json::parse(ex.response->body)["message"];
    EXPECT_NE(message.find("node \"sim-0\""), std::string::npos) << message;
  }
}

TEST(ServePodLog, UnscheduledPodHasAnEmptyLog) {
  Json pod = two_container_pod();
  pod["spec"].erase("nodeName");
  RecordingExchange ex;
  int code = 200;
  serve_pod_log(query("container=app"), pod, nullptr, kNow, ex, code);
  ASSERT_TRUE(ex.response.has_value());
  EXPECT_EQ(ex.response->status, 200);
  EXPECT_EQ(ex.response->body, "");
  EXPECT_EQ(ex.response->content_type, "text/plain");
}

}  // namespace
}  // namespace skiff::apiserver

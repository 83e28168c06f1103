// Issue 3's load acceptance at reduced size: many concurrent watchers over several kinds while
// one writer creates objects; every watcher must see every event of its kind, in order, none
// dropped. (bench/apiserver_bench.cc runs the full size: 1,000 watchers, 10,000 objects.)
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "http_client.h"

namespace skiff::e2e {
namespace {

constexpr int kWatchers = 200;
constexpr int kObjects = 2000;
const char* const kKinds[] = {"pods", "configmaps", "secrets", "serviceaccounts"};
constexpr int kKindCount = 4;
const std::string kNs = "fanout";

std::string object_json(int kind, const std::string& name, int seq) {
  std::string labels = seq < 0 ? "" : R"(,"labels":{"seq":")" + std::to_string(seq) + R"("})";
  std::string meta = R"("metadata":{"name":")" + name + "\"" + labels + "}";
  switch (kind) {
    case 0:
      return R"({"apiVersion":"v1","kind":"Pod",)" + meta +
             R"(,"spec":{"containers":[{"name":"c","image":"registry.example/app:1","resources":{"requests":{"cpu":"100m"}}}]}})";
    case 1:
      return R"({"apiVersion":"v1","kind":"ConfigMap",)" + meta + R"(,"data":{"k":"v"}})";
    case 2:
      return R"({"apiVersion":"v1","kind":"Secret",)" + meta + R"(,"data":{"k":"dg=="}})";
    default:
      return R"({"apiVersion":"v1","kind":"ServiceAccount",)" + meta + "}";
  }
}

long number_after(std::string_view text, std::string_view marker) {
  auto pos = text.find(marker);
  if (pos == std::string_view::npos) return -1;
  long v = 0;
  for (pos += marker.size(); pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) v = v * 10 + (text[pos] - '0');
  return v;
}

// One watch connection: sends the request, then yields the event lines of the chunked body.
class WatchStream {
 public:
  WatchStream(int port, const std::string& path) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    timeval tv{60, 0};  // a stalled stream fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return;
    while (raw_.find("\r\n\r\n") == std::string::npos)
      if (!fill()) return;
    auto end = raw_.find("\r\n\r\n");
    status_ = std::stoi(raw_.substr(9, 3));
    raw_.erase(0, end + 4);
  }
  ~WatchStream() {
    if (fd_ >= 0) ::close(fd_);
  }
  int status() const { return status_; }

  // The next line of the body, or false when the stream ended or stalled.
  bool next_line(std::string& line) {
    while (true) {
      if (auto nl = body_.find('\n'); nl != std::string::npos) {
        line = body_.substr(0, nl);
        body_.erase(0, nl + 1);
        return true;
      }
      if (!next_chunk()) return false;
    }
  }

 private:
  bool fill() {
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    raw_.append(buf, static_cast<size_t>(n));
    return true;
  }
  bool next_chunk() {
    size_t crlf;
    while ((crlf = raw_.find("\r\n")) == std::string::npos)
      if (!fill()) return false;
    size_t size = std::stoul(raw_.substr(0, crlf), nullptr, 16);
    if (size == 0) return false;
    while (raw_.size() < crlf + 2 + size + 2)
      if (!fill()) return false;
    body_.append(raw_, crlf + 2, size);
    raw_.erase(0, crlf + 2 + size + 2);
    return true;
  }

  int fd_ = -1;
  int status_ = 0;
  std::string raw_;   // bytes received, not yet de-chunked
  std::string body_;  // de-chunked body, not yet returned as lines
};

TEST(WatchFanoutTest, EveryWatcherSeesEveryEventInOrder) {
  ServerProcess server({"--insecure-plain-http", "--disable-agent", "--disable-scheduler", "--disable-controllers"});
  server.start();
  HttpClient setup(server.port());
  ASSERT_EQ(setup.request("POST", "/api/v1/namespaces", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + kNs + R"("}})").status, 201);
  ASSERT_EQ(setup.request("POST", "/api/v1/namespaces/" + kNs + "/serviceaccounts", object_json(3, "default", -1)).status, 201);
  HttpReply list = setup.request("GET", "/api/v1/namespaces/" + kNs + "/pods");
  ASSERT_EQ(list.status, 200);
  long start_rv = number_after(list.body, "\"resourceVersion\":\"");
  ASSERT_GT(start_rv, 0);

  std::atomic<int> connected{0};
  std::vector<std::string> problems(kWatchers);
  std::vector<int> seen(kWatchers, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWatchers; ++w) {
    threads.emplace_back([&, w] {
      int kind = w % kKindCount;
      int expected = kObjects / kKindCount;
      WatchStream stream(server.port(), "/api/v1/namespaces/" + kNs + "/" + kKinds[kind] +
                                            "?watch=1&timeoutSeconds=300&resourceVersion=" + std::to_string(start_rv));
      ++connected;
      if (stream.status() != 200) {
        problems[w] = "watch answered " + std::to_string(stream.status());
        return;
      }
      long last_rv = start_rv;
      std::string line;
      while (seen[w] < expected && stream.next_line(line)) {
        long seq = number_after(line, "\"seq\":\"");
        long rv = number_after(line, "\"resourceVersion\":\"");
        if (line.find("\"type\":\"ADDED\"") == std::string::npos || seq != seen[w] || rv <= last_rv) {
          problems[w] = std::string(kKinds[kind]) + ": after seq " + std::to_string(seen[w] - 1) + " (rv " +
                        std::to_string(last_rv) + ") got: " + line.substr(0, 200);
          return;
        }
        last_rv = rv;
        ++seen[w];
      }
      if (seen[w] < expected)
        problems[w] = std::string(kKinds[kind]) + ": stream ended after " + std::to_string(seen[w]) + " events";
    });
  }
  while (connected < kWatchers) std::this_thread::sleep_for(std::chrono::milliseconds(10));

  // The server stays responsive to other clients while it fans the events out.
  std::atomic<bool> writing{true};
  std::atomic<int> failed_gets{0};
  std::thread reader([&] {
    HttpClient c(server.port());
    while (writing)
      if (c.request("GET", "/api/v1/namespaces/" + kNs + "/serviceaccounts/default").status != 200) ++failed_gets;
  });
  HttpClient writer(server.port());
  for (int i = 0; i < kObjects; ++i) {
    int kind = i % kKindCount;
    int seq = i / kKindCount;
    HttpReply r = writer.request("POST", "/api/v1/namespaces/" + kNs + "/" + kKinds[kind],
                                 object_json(kind, "obj-" + std::to_string(seq), seq));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  for (auto& t : threads) t.join();
  writing = false;
  reader.join();

  int complete = 0;
  for (int w = 0; w < kWatchers; ++w) {
    EXPECT_EQ(problems[w], "") << "watcher " << w;
    if (seen[w] == kObjects / kKindCount) ++complete;
  }
  EXPECT_EQ(complete, kWatchers);
  EXPECT_EQ(failed_gets, 0);
}

}  // namespace
}  // namespace skiff::e2e

// Reading a node agent's HTTP response as it arrives: chunked framing split anywhere, bodies
// sized by Content-Length or by the close, and a head that never comes.
#include "apiserver/http_response_reader.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace skiff::apiserver {
namespace {

using namespace std::chrono_literals;

TEST(ChunkedDecoder, DecodesChunksFedAByteAtATime) {
  const std::string wire = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n";
  ChunkedDecoder decoder;
  std::string pending, out;
  for (char c : wire) {
    pending += c;
    ASSERT_TRUE(decoder.feed(pending, out));
  }
  EXPECT_EQ(out, "hello, world");
  EXPECT_TRUE(decoder.done());
  EXPECT_TRUE(pending.empty());
}

TEST(ChunkedDecoder, DecodesEverythingFedAtOnce) {
  ChunkedDecoder decoder;
  std::string pending = "3\r\nabc\r\n0\r\n\r\n", out;
  ASSERT_TRUE(decoder.feed(pending, out));
  EXPECT_EQ(out, "abc");
  EXPECT_TRUE(decoder.done());
}

TEST(ChunkedDecoder, BrokenFramingIsRefused) {
  for (std::string wire : {"zz\r\nabc\r\n", "3\r\nabcX\r\n"}) {
    ChunkedDecoder decoder;
    std::string out;
    EXPECT_FALSE(decoder.feed(wire, out)) << wire;
  }
}

// One end of a socket pair as the connection the reader reads; the test writes the other end.
class SocketConnection final : public RawConnection {
 public:
  explicit SocketConnection(int fd) : fd_(fd) {}
  ~SocketConnection() override { ::close(fd_); }
  int fd() const override { return fd_; }
  long read_some(char* out, size_t n, bool wait) override {
    ssize_t got = ::recv(fd_, out, n, wait ? 0 : MSG_DONTWAIT);
    if (got < 0) return errno == EAGAIN ? -1 : 0;
    return got;
  }
  bool write_all(std::string_view bytes) override { return ::send(fd_, bytes.data(), bytes.size(), 0) > 0; }

 private:
  int fd_;
};

class ResponseReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    conn_ = std::make_unique<SocketConnection>(fds[0]);
    peer_ = fds[1];
  }
  void TearDown() override { close_peer(); }
  void send(const std::string& bytes) { ASSERT_EQ(::write(peer_, bytes.data(), bytes.size()), ssize_t(bytes.size())); }
  void close_peer() {
    if (peer_ >= 0) ::close(peer_);
    peer_ = -1;
  }
  // The body read to its end (or until it broke off, or 5 s passed).
  std::string body(HttpResponseReader& reader, HttpResponseReader::BodyRead& last) {
    std::string out;
    for (int i = 0; i < 50; ++i) {
      last = reader.read_body(out, 100ms);
      if (last == HttpResponseReader::BodyRead::kEnd || last == HttpResponseReader::BodyRead::kBroken) break;
    }
    return out;
  }

  std::unique_ptr<SocketConnection> conn_;
  int peer_ = -1;
};

TEST_F(ResponseReaderTest, ChunkedBodyArrivesAsItIsWritten) {
  HttpResponseReader reader(*conn_);
  send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n4\r\none\n\r\n");
  ASSERT_TRUE(reader.read_head(1s).ok());
  EXPECT_EQ(reader.status(), 200);
  EXPECT_EQ(reader.header("content-type"), "text/plain");
  std::string out;
  EXPECT_EQ(reader.read_body(out, 1s), HttpResponseReader::BodyRead::kData);
  EXPECT_EQ(out, "one\n");
  EXPECT_EQ(reader.read_body(out, 50ms), HttpResponseReader::BodyRead::kIdle) << "nothing more was sent yet";
  send("4\r\ntwo\n\r\n0\r\n\r\n");
  HttpResponseReader::BodyRead last;
  EXPECT_EQ(body(reader, last), "two\n");
  EXPECT_EQ(last, HttpResponseReader::BodyRead::kEnd);
}

TEST_F(ResponseReaderTest, ContentLengthEndsTheBody) {
  HttpResponseReader reader(*conn_);
  send("HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\noops!");
  ASSERT_TRUE(reader.read_head(1s).ok());
  EXPECT_EQ(reader.status(), 400);
  EXPECT_EQ(reader.read_all(100, 1s), "oops!");
}

TEST_F(ResponseReaderTest, WithoutLengthTheCloseEndsTheBody) {
  HttpResponseReader reader(*conn_);
  send("HTTP/1.1 200 OK\r\n\r\nall of it");
  close_peer();
  ASSERT_TRUE(reader.read_head(1s).ok());
  HttpResponseReader::BodyRead last;
  EXPECT_EQ(body(reader, last), "all of it");
  EXPECT_EQ(last, HttpResponseReader::BodyRead::kEnd);
}

TEST_F(ResponseReaderTest, ChunkedBodyCutShortIsBroken) {
  HttpResponseReader reader(*conn_);
  send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\npartial");
  close_peer();
  ASSERT_TRUE(reader.read_head(1s).ok());
  HttpResponseReader::BodyRead last;
  EXPECT_EQ(body(reader, last), "partial");
  EXPECT_EQ(last, HttpResponseReader::BodyRead::kBroken);
}

TEST_F(ResponseReaderTest, HeadThatNeverComesTimesOut) {
  HttpResponseReader reader(*conn_);
  send("HTTP/1.1 200 OK\r\n");
  auto head = reader.read_head(200ms);
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().message, "timeout awaiting response headers");
}

}  // namespace
}  // namespace skiff::apiserver

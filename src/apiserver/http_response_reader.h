// One HTTP/1.1 response read from a RawConnection as it arrives: the head, then the body
// (chunked, Content-Length or up to the close), for streaming a node agent's log through.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "apiserver/http.h"
#include "util/result.h"

namespace skiff::apiserver {

// Transfer-Encoding: chunked, decoded piece by piece.
class ChunkedDecoder {
 public:
  // Consumes what it can of `in` (the rest waits for more bytes) and appends the data to `out`.
  // False when the framing is broken.
  bool feed(std::string& in, std::string& out);
  bool done() const { return state_ == State::kDone; }

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer, kDone };
  State state_ = State::kSize;
  uint64_t remaining_ = 0;
};

class HttpResponseReader {
 public:
  explicit HttpResponseReader(RawConnection& conn) : conn_(conn) {}

  // The status line and headers, within `timeout`.
  Status read_head(std::chrono::milliseconds timeout);
  int status() const { return status_; }
  const std::string& header(std::string_view lower_name) const;

  enum class BodyRead {
    kData,    // `out` has what arrived (possibly nothing but framing)
    kIdle,    // nothing arrived within the wait
    kEnd,     // the body is complete
    kBroken,  // the connection closed early or the framing is broken
  };
  // What arrived is appended to `out` whatever the result, so the last bytes may come with kEnd.
  BodyRead read_body(std::string& out, std::chrono::milliseconds wait);
  // The whole body, cut at `limit` bytes (an error response's text).
  std::string read_all(size_t limit, std::chrono::milliseconds timeout);

 private:
  enum class Framing { kChunked, kLength, kUntilClose };
  // Bytes from the connection within `wait`: > 0 read, 0 closed, -1 nothing arrived.
  long receive(std::chrono::milliseconds wait);
  BodyRead decode(std::string& out);

  RawConnection& conn_;
  std::string pending_;  // received, not yet consumed
  int status_ = 0;
  std::map<std::string, std::string, std::less<>> headers_;
  Framing framing_ = Framing::kUntilClose;
  uint64_t length_left_ = 0;
  ChunkedDecoder chunked_;
  bool closed_ = false;
};

}  // namespace skiff::apiserver

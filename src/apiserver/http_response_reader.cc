#include "apiserver/http_response_reader.h"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <vector>

#include "util/strings.h"

namespace skiff::apiserver {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxChunkLine = 4096;

std::optional<uint64_t> parse_hex(std::string_view text) {
  text = trim(text.substr(0, text.find(';')));  // chunk extensions are ignored
  if (text.empty() || text.size() > 15) return std::nullopt;
  uint64_t n = 0;
  for (char c : text) {
    int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : (c >= 'a' && c <= 'f')                     ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                     ? c - 'A' + 10
                                                             : -1;
    if (digit < 0) return std::nullopt;
    n = n * 16 + static_cast<uint64_t>(digit);
  }
  return n;
}

}  // namespace

bool ChunkedDecoder::feed(std::string& in, std::string& out) {
  size_t used = 0;
  auto line = [&]() -> std::optional<std::string_view> {
    size_t eol = in.find("\r\n", used);
    if (eol == std::string::npos) return std::nullopt;
    std::string_view text(in.data() + used, eol - used);
    used = eol + 2;
    return text;
  };
  bool ok = true;
  while (ok && state_ != State::kDone) {
    if (state_ == State::kSize) {
      auto text = line();
      if (!text) {
        ok = in.size() - used <= kMaxChunkLine;
        break;
      }
      auto size = parse_hex(*text);
      if (!size) ok = false;
      else if (*size == 0) state_ = State::kTrailer;
      else {
        remaining_ = *size;
        state_ = State::kData;
      }
    } else if (state_ == State::kData) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - used));
      if (take == 0) break;
      out.append(in, used, take);
      used += take;
      remaining_ -= take;
      if (remaining_ == 0) state_ = State::kDataEnd;
    } else if (state_ == State::kDataEnd) {
      if (in.size() - used < 2) break;
      ok = in.compare(used, 2, "\r\n") == 0;
      used += 2;
      state_ = State::kSize;
    } else {  // trailer lines until an empty one
      auto text = line();
      if (!text) break;
      if (text->empty()) state_ = State::kDone;
    }
  }
  in.erase(0, used);
  return ok;
}

const std::string& HttpResponseReader::header(std::string_view lower_name) const {
  static const std::string kNone;
  auto it = headers_.find(lower_name);
  return it == headers_.end() ? kNone : it->second;
}

long HttpResponseReader::receive(std::chrono::milliseconds wait) {
  char buf[32 * 1024];
  long n = conn_.read_some(buf, sizeof buf, false);
  if (n == -1) {
    pollfd p{conn_.fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return -1;
    n = conn_.read_some(buf, sizeof buf, false);
  }
  if (n > 0) pending_.append(buf, static_cast<size_t>(n));
  if (n == 0) closed_ = true;
  return n;
}

Status HttpResponseReader::read_head(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (pending_.size() > kMaxHeadBytes) return Error::internal("the response head is larger than 64 KiB");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Error::timeout("timeout awaiting response headers");
    long n = receive(left);
    if (n == 0) return Error::internal(pending_.empty() ? "EOF" : "unexpected EOF");
  }
  std::string head = pending_.substr(0, end);
  pending_.erase(0, end + 4);
  std::vector<std::string> lines = split(head, '\n');
  std::string status_line(trim(lines[0]));
  if (!starts_with(status_line, "HTTP/1.") || status_line.size() < 12)
    return Error::internal("malformed HTTP response \"" + status_line + "\"");
  status_ = std::atoi(status_line.substr(9, 3).c_str());
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    headers_[to_lower(trim(std::string_view(lines[i]).substr(0, colon)))] =
        std::string(trim(std::string_view(lines[i]).substr(colon + 1)));
  }
  if (status_ == 204 || status_ == 304 || status_ < 200) {
    framing_ = Framing::kLength;
  } else if (to_lower(header("transfer-encoding")).find("chunked") != std::string::npos) {
    framing_ = Framing::kChunked;
  } else if (!header("content-length").empty()) {
    framing_ = Framing::kLength;
    length_left_ = std::strtoull(header("content-length").c_str(), nullptr, 10);
  }
  return ok_status();
}

HttpResponseReader::BodyRead HttpResponseReader::decode(std::string& out) {
  const size_t before = out.size();
  auto finished = [&](BodyRead at_end) { return out.size() > before ? BodyRead::kData : at_end; };
  switch (framing_) {
    case Framing::kChunked:
      if (!chunked_.feed(pending_, out)) return BodyRead::kBroken;
      if (chunked_.done()) return BodyRead::kEnd;
      break;
    case Framing::kLength: {
      size_t take = static_cast<size_t>(std::min<uint64_t>(length_left_, pending_.size()));
      out.append(pending_, 0, take);
      pending_.erase(0, take);
      length_left_ -= take;
      if (length_left_ == 0) return finished(BodyRead::kEnd);
      break;
    }
    case Framing::kUntilClose:
      out += pending_;
      pending_.clear();
      if (closed_) return finished(BodyRead::kEnd);
      break;
  }
  return closed_ ? finished(BodyRead::kBroken) : BodyRead::kData;
}

HttpResponseReader::BodyRead HttpResponseReader::read_body(std::string& out, std::chrono::milliseconds wait) {
  size_t before = out.size();
  if (!pending_.empty() || closed_ || (framing_ == Framing::kLength && length_left_ == 0)) {
    BodyRead r = decode(out);
    if (r != BodyRead::kData || out.size() > before) return r;
  }
  if (receive(wait) == -1) return BodyRead::kIdle;
  return decode(out);
}

std::string HttpResponseReader::read_all(size_t limit, std::chrono::milliseconds timeout) {
  std::string body;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (body.size() < limit && std::chrono::steady_clock::now() < deadline) {
    BodyRead r = read_body(body, std::chrono::milliseconds(200));
    if (r == BodyRead::kEnd || r == BodyRead::kBroken) break;
  }
  if (body.size() > limit) body.resize(limit);
  return body;
}

}  // namespace skiff::apiserver

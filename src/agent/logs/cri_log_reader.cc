#include "agent/logs/cri_log_reader.h"

#include <algorithm>
#include <fstream>
#include <optional>

namespace skiff::agent {
namespace {

struct LogLine {
  std::string time;  // as written, RFC3339Nano
  std::string text;  // without the newline
};

// Splits one complete entry; false for a line that is not in the CRI format (skipped, as kubelet does).
bool parse_entry(std::string_view line, std::string_view& time, bool& partial, std::string_view& text) {
  size_t a = line.find(' ');
  if (a == std::string_view::npos) return false;
  size_t b = line.find(' ', a + 1);
  if (b == std::string_view::npos) return false;
  std::string_view stream = line.substr(a + 1, b - a - 1);
  if (stream != "stdout" && stream != "stderr") return false;
  time = line.substr(0, a);
  std::string_view rest = line.substr(b + 1);
  // Old containerd versions wrote no tag; a tag is one letter before a space.
  if (rest.size() >= 2 && (rest[0] == 'P' || rest[0] == 'F') && rest[1] == ' ') {
    partial = rest[0] == 'P';
    text = rest.substr(2);
  } else if (rest == "P" || rest == "F") {
    partial = rest == "P";
    text = {};
  } else {
    partial = false;
    text = rest;
  }
  return true;
}

// Where the last `lines` complete lines of the file begin, found by reading backwards in blocks so
// that a short tail of a long log costs little. Lines end with an F entry (or an untagged one).
uint64_t tail_start(std::ifstream& in, uint64_t size, int64_t lines) {
  constexpr uint64_t kBlock = 64 * 1024;
  std::string buf;  // the file from `pos` to `size`
  uint64_t pos = size;
  std::optional<size_t> entry_end;  // index in buf just after the newline of the next entry to look at
  int64_t endings = 0;
  while (pos > 0) {
    uint64_t block = std::min(pos, kBlock);
    pos -= block;
    std::string chunk(block, '\0');
    in.seekg(static_cast<std::streamoff>(pos));
    in.read(chunk.data(), static_cast<std::streamsize>(block));
    buf.insert(0, chunk);
    if (entry_end) *entry_end += block;
    if (!entry_end) {  // skip the unterminated last entry
      size_t nl = buf.rfind('\n');
      if (nl == std::string::npos) continue;
      entry_end = nl + 1;
    }
    while (*entry_end > 0) {
      size_t prev = *entry_end >= 2 ? buf.rfind('\n', *entry_end - 2) : std::string::npos;
      if (prev == std::string::npos && pos > 0) break;  // the entry starts in an earlier block
      size_t start = prev == std::string::npos ? 0 : prev + 1;
      std::string_view entry(buf.data() + start, *entry_end - 1 - start);
      std::string_view time, text;
      bool partial = false;
      if (parse_entry(entry, time, partial, text) && !partial && ++endings > lines) return pos + *entry_end;
      *entry_end = start;
    }
  }
  return 0;
}

}  // namespace

CriLogReader::CriLogReader(std::string path, LogReadOptions options)
    : path_(std::move(path)), options_(std::move(options)) {}

Result<std::string> CriLogReader::read_new() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Error::not_found("open " + path_ + ": no such file or directory");
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  if (size < offset_) {  // truncated or replaced: start over
    offset_ = 0;
    partial_.clear();
  }
  if (!started_) {
    started_ = true;
    if (options_.tail_lines && *options_.tail_lines >= 0) offset_ = tail_start(in, size, *options_.tail_lines);
  }
  const uint64_t want = std::min(size - offset_, kMaxReadBytes);
  more_ = size - offset_ > want;
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string chunk(want, '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  chunk.resize(static_cast<size_t>(in.gcount()));
  size_t complete = chunk.rfind('\n');
  if (complete == std::string::npos) {
    if (more_) offset_ += chunk.size();  // a huge run of bytes without a newline is not a log entry
    return std::string();
  }
  offset_ += complete + 1;

  std::string out;
  size_t pos = 0;
  while (pos <= complete) {
    size_t end = chunk.find('\n', pos);
    std::string_view line(chunk.data() + pos, end - pos);
    pos = end + 1;
    std::string_view time, text;
    bool partial = false;
    if (!parse_entry(line, time, partial, text)) continue;
    if (partial_.empty()) partial_time_ = std::string(time);
    partial_ += text;
    if (partial) continue;
    LogLine done{std::move(partial_time_), std::move(partial_)};
    partial_.clear();
    partial_time_.clear();
    if (options_.since) {
      auto t = parse_rfc3339(done.time);
      if (t && *t < *options_.since) continue;
    }
    std::string formatted = options_.timestamps ? done.time + " " + done.text + "\n" : done.text + "\n";
    if (options_.limit_bytes) {
      int64_t room = *options_.limit_bytes - emitted_;
      if (room <= 0) break;
      if (static_cast<int64_t>(formatted.size()) > room) formatted.resize(static_cast<size_t>(room));
    }
    emitted_ += static_cast<int64_t>(formatted.size());
    out += formatted;
  }
  return out;
}

}  // namespace skiff::agent

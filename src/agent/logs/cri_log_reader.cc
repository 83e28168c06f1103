#include "agent/logs/cri_log_reader.h"

#include <fstream>
#include <sstream>
#include <vector>

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
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string chunk(size - offset_, '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  chunk.resize(static_cast<size_t>(in.gcount()));
  size_t complete = chunk.rfind('\n');
  if (complete == std::string::npos) return std::string();
  offset_ += complete + 1;

  std::vector<LogLine> lines;
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
    lines.push_back({std::move(partial_time_), std::move(partial_)});
    partial_.clear();
    partial_time_.clear();
  }

  size_t first = 0;
  if (!started_) {
    started_ = true;
    if (options_.tail_lines && *options_.tail_lines >= 0 && static_cast<size_t>(*options_.tail_lines) < lines.size())
      first = lines.size() - static_cast<size_t>(*options_.tail_lines);
  }
  std::string out;
  for (size_t i = first; i < lines.size(); ++i) {
    if (options_.since) {
      auto t = parse_rfc3339(lines[i].time);
      if (t && *t < *options_.since) continue;
    }
    std::string formatted = options_.timestamps ? lines[i].time + " " + lines[i].text + "\n" : lines[i].text + "\n";
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

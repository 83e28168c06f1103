// `kubectl logs` over the log files containerd writes for CRI containers (kubelet's
// kuberuntime/logs): lines "<RFC3339Nano time> <stdout|stderr> <P|F> <text>", P marking a
// partial line continued by the next entry. The reader reassembles lines and applies the
// PodLogOptions kubelet honours: tailLines, sinceTime/sinceSeconds, timestamps, limitBytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/clock.h"
#include "util/result.h"

namespace skiff::agent {

struct LogReadOptions {
  std::optional<int64_t> tail_lines;   // only the last N lines of what exists when reading starts
  std::optional<WallTime> since;       // only lines logged at or after this time
  bool timestamps = false;             // prefix each line with its RFC3339Nano time
  std::optional<int64_t> limit_bytes;  // stop after this many bytes of output
};

class CriLogReader {
 public:
  CriLogReader(std::string path, LogReadOptions options);

  // The formatted lines written since the previous call (the first call starts tail_lines from the
  // end), from at most kMaxReadBytes of the file; an incomplete last line waits for its end. Errors
  // when the file cannot be read.
  Result<std::string> read_new();
  // True when the last read_new() stopped before the end of the file: call again at once.
  bool has_more() const { return more_; }
  // True once limit_bytes of output have been returned.
  bool limit_reached() const { return options_.limit_bytes && emitted_ >= *options_.limit_bytes; }

  static constexpr uint64_t kMaxReadBytes = 1 << 20;

 private:
  std::string path_;
  LogReadOptions options_;
  bool started_ = false;
  bool more_ = false;
  uint64_t offset_ = 0;     // bytes of the file consumed
  std::string partial_;     // text of P entries awaiting their F
  std::string partial_time_;
  int64_t emitted_ = 0;
};

}  // namespace skiff::agent

// Prometheus text-format metrics for the API server: request counts and latencies by verb,
// resource and code, plus gauges supplied at scrape time.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace skiff::apiserver {

class RequestMetrics {
 public:
  void observe(const std::string& verb, const std::string& group, const std::string& resource, int code,
               double seconds);
  // Appends the request metrics in Prometheus text format.
  void render(std::string& out) const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;
    double sum = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string, int>, uint64_t> counts_;
  std::map<std::tuple<std::string, std::string, std::string>, Histogram> latency_;
};

// One gauge line: name{labels} value.
void append_gauge(std::string& out, const std::string& name, const std::string& help, double value,
                  const std::string& labels = "");

// Process gauges read from /proc: resident memory, open fds, start time, cpu seconds.
void append_process_metrics(std::string& out);

}  // namespace skiff::apiserver

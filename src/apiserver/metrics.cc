#include "apiserver/metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace skiff::apiserver {
namespace {

const double kBuckets[] = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60};

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void RequestMetrics::observe(const std::string& verb, const std::string& group, const std::string& resource, int code,
                             double seconds) {
  std::lock_guard lk(mu_);
  ++counts_[{verb, group, resource, code}];
  auto& h = latency_[{verb, group, resource}];
  if (h.buckets.empty()) h.buckets.assign(std::size(kBuckets), 0);
  for (size_t i = 0; i < std::size(kBuckets); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  h.sum += seconds;
  ++h.count;
}

void RequestMetrics::render(std::string& out) const {
  std::lock_guard lk(mu_);
  out += "# HELP apiserver_request_total Counter of apiserver requests broken out by verb, group, resource and code.\n";
  out += "# TYPE apiserver_request_total counter\n";
  for (const auto& [k, v] : counts_) {
    auto& [verb, group, resource, code] = k;
    out += "apiserver_request_total{code=\"" + std::to_string(code) + "\",group=\"" + group + "\",resource=\"" +
           resource + "\",verb=\"" + verb + "\"} " + std::to_string(v) + "\n";
  }
  out += "# HELP apiserver_request_duration_seconds Response latency distribution in seconds.\n";
  out += "# TYPE apiserver_request_duration_seconds histogram\n";
  for (const auto& [k, h] : latency_) {
    auto& [verb, group, resource] = k;
    std::string labels = "group=\"" + group + "\",resource=\"" + resource + "\",verb=\"" + verb + "\"";
    for (size_t i = 0; i < std::size(kBuckets); ++i)
      out += "apiserver_request_duration_seconds_bucket{" + labels + ",le=\"" + format_double(kBuckets[i]) + "\"} " +
             std::to_string(h.buckets[i]) + "\n";
    out += "apiserver_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "apiserver_request_duration_seconds_sum{" + labels + "} " + format_double(h.sum) + "\n";
    out += "apiserver_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
  }
}

void append_gauge(std::string& out, const std::string& name, const std::string& help, double value,
                  const std::string& labels) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
  out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + format_double(value) + "\n";
}

void append_process_metrics(std::string& out) {
  long page = sysconf(_SC_PAGESIZE);
  long ticks = sysconf(_SC_CLK_TCK);
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  if (statm >> size >> resident) {
    append_gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
                 static_cast<double>(resident) * page);
    append_gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", static_cast<double>(size) * page);
  }
  int fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++fds;
    closedir(d);
    append_gauge(out, "process_open_fds", "Number of open file descriptors.", fds - 2);
  }
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    auto close = line.rfind(')');
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> f;
    std::string tok;
    while (rest >> tok) f.push_back(tok);
    // fields after ")" start at field 3 (state); utime=14, stime=15, starttime=22
    if (f.size() > 19) {
      double cpu = (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(ticks);
      out += "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
             "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total " + format_double(cpu) + "\n";
      std::ifstream uptime_file("/proc/uptime");
      double uptime = 0;
      uptime_file >> uptime;
      double boot = static_cast<double>(time(nullptr)) - uptime;
      append_gauge(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                   boot + std::stod(f[19]) / static_cast<double>(ticks));
    }
  }
}

}  // namespace skiff::apiserver

// Time behind an interface so tests can move a fake clock instead of sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff {

using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& instance();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(WallTime start) : now_(start) {}
  WallTime now() const override { return now_; }
  void advance(std::chrono::nanoseconds d) { now_ += std::chrono::duration_cast<WallTime::duration>(d); }

 private:
  WallTime now_;
};

// "2024-01-02T03:04:05Z" (Kubernetes metav1.Time: second precision, UTC).
std::string format_rfc3339(WallTime t);
// "2024-01-02T03:04:05.123456Z" (metav1.MicroTime).
std::string format_rfc3339_micro(WallTime t);
std::optional<WallTime> parse_rfc3339(std::string_view s);

// kubectl-style short age: "5s", "3m12s", "4h", "12d".
std::string human_duration(std::chrono::seconds d);

}  // namespace skiff

#include "util/clock.h"

#include <cstdio>
#include <ctime>

namespace skiff {

const SystemClock& SystemClock::instance() {
  static SystemClock c;
  return c;
}

std::string format_rfc3339(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string format_rfc3339_micro(WallTime t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  if (us < 0) us += 1000000;
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", static_cast<long long>(us));
  return buf;
}

std::optional<WallTime> parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  std::string str(s);
  int consumed = 0;
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6)
    return std::nullopt;
  std::string_view rest = s.substr(consumed);
  long long frac_ns = 0;
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    long long scale = 100000000;
    while (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
      frac_ns += (rest[0] - '0') * scale;
      scale /= 10;
      rest.remove_prefix(1);
    }
  }
  int offset_secs = 0;
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = (rest[1] - '0') * 10 + (rest[2] - '0');
    int om = (rest[4] - '0') * 10 + (rest[5] - '0');
    offset_secs = (oh * 3600 + om * 60) * (rest[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  // WallTime counts nanoseconds in 64 bits: about 1678..2261 is representable.
  if (y < 1678 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::time_t t = timegm(&tm);
  return std::chrono::system_clock::from_time_t(t - offset_secs) +
         std::chrono::duration_cast<WallTime::duration>(std::chrono::nanoseconds(frac_ns));
}

std::string human_duration(std::chrono::seconds d) {
  long long s = d.count();
  if (s < 0) s = 0;
  auto str = [](long long v) { return std::to_string(v); };
  if (s < 120) return str(s) + "s";
  long long m = s / 60;
  if (m < 10) return s % 60 == 0 ? str(m) + "m" : str(m) + "m" + str(s % 60) + "s";
  if (m < 180) return str(m) + "m";
  long long h = s / 3600;
  if (h < 8) return (m % 60 == 0) ? str(h) + "h" : str(h) + "h" + str(m % 60) + "m";
  if (h < 48) return str(h) + "h";
  if (h < 24 * 8) return (h % 24 == 0) ? str(h / 24) + "d" : str(h / 24) + "d" + str(h % 24) + "h";
  if (h < 24 * 365 * 2) return str(h / 24) + "d";
  if (h < 24 * 365 * 8)
    return (h / 24) % 365 == 0 ? str(h / 24 / 365) + "y" : str(h / 24 / 365) + "y" + str((h / 24) % 365) + "d";
  return str(h / 24 / 365) + "y";
}

}  // namespace skiff

#include "api/cel/format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace skiff::api::cel {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y += m <= 2;
}

bool leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// Shortest decimal digits that read back as d (d finite, positive): digits and the decimal
// exponent of the first digit.
void shortest_digits(double d, std::string& digits_out, int& exponent) {
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string_view s(buf);
  size_t e = s.find('e');
  digits_out.clear();
  for (char c : s.substr(0, e))
    if (c != '.') digits_out += c;
  while (digits_out.size() > 1 && digits_out.back() == '0') digits_out.pop_back();
  exponent = std::atoi(buf + e + 1);
}

}  // namespace

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  std::string out = d < 0 ? "-" : "";
  std::string ds;
  int exp = 0;
  shortest_digits(std::fabs(d), ds, exp);
  // %e when the exponent is below -4 or at least 6 (the shortest form's precision rule).
  if (exp < -4 || exp >= 6) {
    out += ds[0];
    if (ds.size() > 1) out += "." + ds.substr(1);
    char buf[16];
    std::snprintf(buf, sizeof buf, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return out + buf;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + ds;
  const size_t int_digits = static_cast<size_t>(exp) + 1;
  if (ds.size() <= int_digits) return out + ds + std::string(int_digits - ds.size(), '0');
  return out + ds.substr(0, int_digits) + "." + ds.substr(int_digits);
}

std::string format_duration(Duration d) {
  // Seconds as a float64 in Go: exact for the common cases, shortest 'f' form.
  double seconds =
      static_cast<double>(d.nanos / kNanosPerSecond) + static_cast<double>(d.nanos % kNanosPerSecond) / 1e9;
  if (seconds == 0) return "0s";
  std::string ds;
  int exp = 0;
  shortest_digits(std::fabs(seconds), ds, exp);
  std::string out = seconds < 0 ? "-" : "";
  if (exp < 0) return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + ds + "s";
  const size_t int_digits = static_cast<size_t>(exp) + 1;
  if (ds.size() <= int_digits) return out + ds + std::string(int_digits - ds.size(), '0') + "s";
  return out + ds.substr(0, int_digits) + "." + ds.substr(int_digits) + "s";
}

std::string format_timestamp(Timestamp t) {
  CivilTime c = civil_time(t, 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(c.year), c.month, c.day,
                c.hour, c.minute, c.second);
  std::string out = buf;
  if (t.nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%09d", t.nanos);
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  return out + "Z";
}

std::optional<Duration> parse_duration(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) return std::nullopt;
  constexpr uint64_t kLimit = uint64_t(1) << 63;
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return std::nullopt;
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (v > (kLimit - 1) / 10) return std::nullopt;
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kLimit - 1) return std::nullopt;
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t j = 0;
      bool overflow = false;
      for (; j < s.size() && s[j] >= '0' && s[j] <= '9'; ++j) {
        if (overflow) continue;
        if (f > (kLimit - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + static_cast<uint64_t>(s[j] - '0');
        if (y > kLimit) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return std::nullopt;
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    if (u == 0) return std::nullopt;
    std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    uint64_t unit = 0;
    if (unit_name == "ns")
      unit = 1;
    else if (unit_name == "us" || unit_name == "\u00b5s" || unit_name == "\u03bcs")
      unit = 1000;
    else if (unit_name == "ms")
      unit = 1000000;
    else if (unit_name == "s")
      unit = 1000000000ull;
    else if (unit_name == "m")
      unit = 60ull * 1000000000ull;
    else if (unit_name == "h")
      unit = 3600ull * 1000000000ull;
    else
      return std::nullopt;
    if (v > kLimit / unit) return std::nullopt;
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kLimit) return std::nullopt;
    }
    total += v;
    if (total > kLimit) return std::nullopt;
  }
  if (neg) return Duration{total == kLimit ? INT64_MIN : -static_cast<int64_t>(total)};
  if (total > kLimit - 1) return std::nullopt;
  return Duration{static_cast<int64_t>(total)};
}

std::optional<Timestamp> parse_date(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d))
    return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return Timestamp{days_from_civil(y, m, d) * 86400, 0};
}

std::optional<Timestamp> parse_timestamp(std::string_view s) {
  if (s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto date = parse_date(s.substr(0, 10));
  int h, mi, sec;
  if (!date || !digits(s, 11, 2, h) || !digits(s, 14, 2, mi) || !digits(s, 17, 2, sec)) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  size_t p = 19;
  int32_t nanos = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    int64_t scale = 100000000;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      if (scale > 0) nanos += static_cast<int32_t>((s[p] - '0') * scale);
      scale /= 10;
      ++p;
    }
    if (p == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (p < s.size() && s[p] == 'Z') {
    ++p;
  } else if (p + 6 == s.size() && (s[p] == '+' || s[p] == '-') && s[p + 3] == ':') {
    int oh, om;
    if (!digits(s, p + 1, 2, oh) || !digits(s, p + 4, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[p] == '-' ? -1 : 1);
    p += 6;
  } else {
    return std::nullopt;
  }
  if (p != s.size()) return std::nullopt;
  return Timestamp{date->seconds + h * 3600 + mi * 60 + sec - offset, nanos};
}

CivilTime civil_time(Timestamp t, int64_t offset_seconds) {
  int64_t secs = t.seconds + offset_seconds;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  CivilTime c{};
  civil_from_days(days, c.year, c.month, c.day);
  c.day_of_year = static_cast<int>(days - days_from_civil(c.year, 1, 1));
  c.day_of_week = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  return c;
}

std::optional<int64_t> zone_offset(std::string_view zone) {
  if (zone == "UTC" || zone == "Z" || zone == "Etc/UTC" || zone == "GMT") return 0;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int h, m;
    if (!digits(zone, 1, 2, h) || !digits(zone, 4, 2, m)) return std::nullopt;
    return (h * 3600 + m * 60) * (zone[0] == '-' ? -1 : 1);
  }
  return std::nullopt;
}

}  // namespace skiff::api::cel

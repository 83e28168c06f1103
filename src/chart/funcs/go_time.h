// The parts of Go's time package Sprig's date functions use: instants in a location
// (UTC, Local, IANA zones from the system tz database), Format and ParseInLocation
// with Go's reference-time layouts, Duration parsing and printing.
#pragma once

#include <cstdint>
#include <string>

#include "util/result.h"

namespace skiff::chart::funcs {

struct GoTime {
  int64_t unix_sec = -62135596800;  // the zero time.Time: 0001-01-01 00:00:00 UTC
  int32_t nsec = 0;
  // "UTC", "Local", an IANA name, or "" for a fixed zone (fixed_offset, fixed_abbr).
  std::string loc = "UTC";
  int32_t fixed_offset = 0;
  std::string fixed_abbr;
};

struct ZoneAt {
  int32_t offset = 0;  // seconds east of UTC
  std::string abbr;
};

// time.LoadLocation: "" and "UTC" are UTC, "Local" the process's zone, else a tz name.
Status check_location(const std::string& name);
ZoneAt zone_at(const GoTime& t);

GoTime time_now();
GoTime time_unix(int64_t sec, int64_t nsec, const std::string& loc = "Local");
GoTime time_in(GoTime t, const std::string& loc);

// Time.Format with a Go layout ("2006-01-02T15:04:05Z07:00").
std::string format_time(const GoTime& t, const std::string& layout);
// Time.String: "2006-01-02 15:04:05.999999999 -0700 MST".
std::string time_string(const GoTime& t);
// time.ParseInLocation; errors read like Go's ("parsing time ... cannot parse ...").
Result<GoTime> parse_time_in_location(const std::string& layout, const std::string& value, const std::string& loc);

// Civil fields in the time's zone.
struct Civil {
  int64_t year;
  int month, day, hour, minute, second, weekday, yday;
};
Civil civil(const GoTime& t);

// Durations are int64 nanoseconds.
std::string duration_string(int64_t d);
Result<int64_t> parse_duration(const std::string& s);
GoTime time_add(GoTime t, int64_t d);
// time.Since / Sub, saturating like Go.
int64_t time_sub(const GoTime& a, const GoTime& b);
// Duration.Round(m).
int64_t duration_round(int64_t d, int64_t m);

}  // namespace skiff::chart::funcs

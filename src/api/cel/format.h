// Go's text forms that cel-go's values take: doubles as %g, durations as "1.5s", timestamps
// as RFC 3339 with nanoseconds; and the parsers behind duration() and timestamp().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/cel/value.h"

namespace skiff::api::cel {

// Go's fmt %g (strconv 'g', shortest): 1.5, 1e+06, 1e-05, NaN, +Inf.
std::string format_double(double d);
// strconv.FormatFloat(seconds, 'f', -1, 64) + "s".
std::string format_duration(Duration d);
// time.RFC3339Nano in UTC: 2024-01-02T03:04:05.5Z.
std::string format_timestamp(Timestamp t);

// time.ParseDuration: "1h30m", "-1.5s", "300ms".
std::optional<Duration> parse_duration(std::string_view s);
// time.Parse(time.RFC3339, s), fractional seconds allowed; years 1..9999.
std::optional<Timestamp> parse_timestamp(std::string_view s);
// "2024-01-02" as midnight UTC.
std::optional<Timestamp> parse_date(std::string_view s);

// A timestamp's calendar fields in a time zone given as an offset in seconds east of UTC.
struct CivilTime {
  int64_t year;
  int month;        // 1..12
  int day;          // 1..31
  int day_of_year;  // 0-based
  int day_of_week;  // 0 = Sunday
  int hour, minute, second;
};
CivilTime civil_time(Timestamp t, int64_t offset_seconds);
// "UTC", "Z", "+05:30", "-08:00" (IANA names are not known here): seconds east of UTC.
std::optional<int64_t> zone_offset(std::string_view zone);

}  // namespace skiff::api::cel

// Time zones for CronJob schedules (spec.timeZone), read from the system's TZif files
// (/usr/share/zoneinfo), with the POSIX TZ rule in the file's footer for times past its last
// transition. A loaded zone is immutable, so threads may share it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace skiff::controllers {

// Civil (proleptic Gregorian) calendar arithmetic on days since 1970-01-01.
int64_t days_from_civil(int64_t year, int month, int day);
struct CivilDate {
  int64_t year;
  int month;
  int day;
};
CivilDate civil_from_days(int64_t days);
int weekday_from_days(int64_t days);  // 0 = Sunday

// A POSIX TZ rule such as "EST5EDT,M3.2.0,M11.1.0" (offsets here are seconds east of UTC).
struct PosixZoneRule {
  struct Date {
    enum class Kind { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay } kind = Kind::kMonthWeekDay;
    int day = 0, week = 0, month = 0;  // per kind: Jn / n / Mm.w.d
    int64_t seconds = 7200;            // local time of day of the change (default 02:00)
  };
  int32_t std_offset = 0;
  bool has_dst = false;
  int32_t dst_offset = 0;
  Date dst_start, dst_end;

  static Result<PosixZoneRule> parse(std::string_view tz);
  int32_t offset_at(int64_t unix_seconds) const;
  // The UTC instants of the year's DST start and end.
  std::pair<int64_t, int64_t> transitions_in(int64_t year) const;
};

class TimeZone {
 public:
  static TimeZone utc();
  // An IANA name ("America/New_York") looked up under zoneinfo_dir; "UTC" needs no file.
  // Names that are empty, "Local", absolute or climb out of the directory are rejected, as
  // is anything that is not a TZif file: 400 BadRequest "unknown time zone NAME".
  static Result<TimeZone> load(std::string_view name, const std::string& zoneinfo_dir = "/usr/share/zoneinfo");
  // Parses TZif (versions 1-4) bytes.
  static Result<TimeZone> from_tzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }

  // The UTC offset (seconds east) in effect at unix_seconds, and the [start, end) range over
  // which that offset holds (INT64_MIN/INT64_MAX when unbounded).
  struct Span {
    int32_t offset = 0;
    int64_t start = INT64_MIN;
    int64_t end = INT64_MAX;
  };
  Span lookup(int64_t unix_seconds) const;
  int32_t offset_at(int64_t unix_seconds) const { return lookup(unix_seconds).offset; }

  // The instant that a local wall-clock time names, normalizing out-of-range fields (month 13,
  // day 0, hour 25...) as Go's time.Date does, including its choice inside DST gaps and overlaps.
  int64_t from_local(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute, int64_t second) const;

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // ascending
  std::vector<int32_t> offsets_;      // offset from transitions_[i] on
  int32_t initial_offset_ = 0;        // before the first transition
  std::optional<PosixZoneRule> rule_;  // after the last transition
};

// Local wall-clock fields of an instant in a zone.
struct LocalTime {
  int64_t year;
  int month, day, hour, minute, second, weekday;
};
LocalTime to_local(int64_t unix_seconds, const TimeZone& zone);

}  // namespace skiff::controllers

// CronJob schedules: the standard five-field cron syntax (minute hour day-of-month month
// day-of-week; lists, ranges, steps, JAN-DEC and SUN-SAT names) and the @yearly, @annually,
// @monthly, @weekly, @daily, @midnight, @hourly and @every descriptors, with the semantics and
// error messages of robfig/cron v3's standard parser, which Kubernetes uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "controllers/cron_time_zone.h"
#include "util/clock.h"
#include "util/result.h"

namespace skiff::controllers {

class CronSchedule {
 public:
  // Errors are 400 BadRequest with robfig's messages ("expected exactly 5 fields, found 4: ...").
  static Result<CronSchedule> parse(std::string_view spec);

  // The first activation strictly after t, reading the fields as wall-clock time in zone.
  // A time skipped by a DST change does not fire; a repeated one fires twice. nullopt when
  // nothing matches within five years (e.g. "0 0 30 2 *").
  std::optional<WallTime> next(WallTime t, const TimeZone& zone) const;

 private:
  bool day_matches(const LocalTime& t) const;

  // Bit i set when value i matches; bit 63 marks a field written as "*" or "?".
  uint64_t minute_ = 0, hour_ = 0, dom_ = 0, month_ = 0, dow_ = 0;
  int64_t every_seconds_ = 0;  // "@every": a constant delay instead of fields
};

// The activations a CronJob has not acted on: the latest in (earliest, now] and roughly how
// many there were, counted as Kubernetes' mostRecentScheduleTime does (elapsed time over the
// interval between the first two). Fails, as it does, when two activations are less than a
// second apart — which is how an impossible date such as "0 0 31 2 *" shows.
struct UnmetRuns {
  std::optional<WallTime> most_recent;
  int64_t count = 0;
};
Result<UnmetRuns> unmet_runs(const CronSchedule& schedule, const TimeZone& zone, WallTime earliest, WallTime now);

}  // namespace skiff::controllers

#include "controllers/cron_schedule.h"

#include <gtest/gtest.h>

#include "controllers/cron_time_zone.h"

namespace skiff::controllers {
namespace {

WallTime at(const std::string& rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(WallTime{});
}

std::string next_of(const std::string& spec, const std::string& from, const TimeZone& zone = TimeZone::utc()) {
  auto s = CronSchedule::parse(spec);
  if (!s.ok()) return "error: " + s.error().message;
  auto n = s->next(at(from), zone);
  return n ? format_rfc3339(*n) : "never";
}

struct NextCase {
  const char* spec;
  const char* from;
  const char* want;
};

TEST(CronSchedule, NextActivationInUtc) {
  const NextCase cases[] = {
      {"* * * * *", "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"},
      {"* * * * *", "2024-01-01T00:00:30Z", "2024-01-01T00:01:00Z"},
      {"*/15 * * * *", "2024-01-01T00:01:00Z", "2024-01-01T00:15:00Z"},
      {"*/15 * * * *", "2024-01-01T23:50:00Z", "2024-01-02T00:00:00Z"},
      {"5-10/2 * * * *", "2024-01-01T00:00:00Z", "2024-01-01T00:05:00Z"},
      {"5-10/2 * * * *", "2024-01-01T00:05:00Z", "2024-01-01T00:07:00Z"},
      {"5-10/2 * * * *", "2024-01-01T00:09:00Z", "2024-01-01T01:05:00Z"},
      {"30/10 * * * *", "2024-01-01T00:31:00Z", "2024-01-01T00:40:00Z"},
      {"1,2,58 * * * *", "2024-01-01T00:03:00Z", "2024-01-01T00:58:00Z"},
      {"0 9 * * 1-5", "2024-01-05T10:00:00Z", "2024-01-08T09:00:00Z"},  // Friday -> Monday
      {"0 9 * * MON-fri", "2024-01-06T00:00:00Z", "2024-01-08T09:00:00Z"},
      {"0 0 1 1 *", "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"0 0 * JAN,jul SUN", "2024-02-01T00:00:00Z", "2024-07-07T00:00:00Z"},
      {"0 0 29 2 *", "2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
      {"0 0 31 2 *", "2024-01-01T00:00:00Z", "never"},
      {"0 12 ? * *", "2024-01-01T12:00:00Z", "2024-01-02T12:00:00Z"},
      {"59 23 31 12 *", "2024-01-01T00:00:00Z", "2024-12-31T23:59:00Z"},
      // Day of month and day of week: either matches when both are restricted...
      {"0 0 13 * 5", "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"},
      {"0 0 13 * 5", "2024-01-12T01:00:00Z", "2024-01-13T00:00:00Z"},
      // ...both must when either is "*" — and "*/1" still counts as "*", as in robfig/cron.
      {"0 0 13 * *", "2024-01-01T00:00:00Z", "2024-01-13T00:00:00Z"},
      {"0 0 */1 * 1", "2024-01-02T00:00:00Z", "2024-01-08T00:00:00Z"},
      {"0 0 1-31 * 1", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"},
      {"@yearly", "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"@annually", "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"@monthly", "2024-01-31T12:00:00Z", "2024-02-01T00:00:00Z"},
      {"@weekly", "2024-01-01T00:00:00Z", "2024-01-07T00:00:00Z"},
      {"@daily", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"},
      {"@midnight", "2024-01-01T23:59:59Z", "2024-01-02T00:00:00Z"},
      {"@hourly", "2024-01-01T10:30:00Z", "2024-01-01T11:00:00Z"},
      {"@every 90s", "2024-01-01T10:30:00Z", "2024-01-01T10:31:30Z"},
      {"@every 1h30m", "2024-01-01T10:30:00Z", "2024-01-01T12:00:00Z"},
  };
  for (const auto& c : cases) EXPECT_EQ(next_of(c.spec, c.from), c.want) << c.spec << " after " << c.from;
}

TEST(CronSchedule, RejectsBadSchedulesWithRobfigMessages) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty spec string"},
      {"* * * *", "expected exactly 5 fields, found 4: [* * * *]"},
      {"0 * * * * *", "expected exactly 5 fields, found 6: [0 * * * * *]"},
      {"60 * * * *", "end of range (60) above maximum (59): 60"},
      {"* 24 * * *", "end of range (24) above maximum (23): 24"},
      {"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
      {"* * * 13 *", "end of range (13) above maximum (12): 13"},
      {"* * * * 7", "end of range (7) above maximum (6): 7"},
      {"5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
      {"*/0 * * * *", "step of range should be a positive number: */0"},
      {"1-2-3 * * * *", "too many hyphens: 1-2-3"},
      {"*/2/3 * * * *", "too many slashes: */2/3"},
      {"x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"},
      {"*/-1 * * * *", "negative number (-1) not allowed: -1"},
      {"* * * FOO *", "failed to parse int from FOO: strconv.Atoi: parsing \"FOO\": invalid syntax"},
      {"@fortnightly", "unrecognized descriptor: @fortnightly"},
      {"@every soon", "failed to parse duration @every soon: time: invalid duration \"soon\""},
  };
  for (const auto& [spec, message] : cases) {
    auto s = CronSchedule::parse(spec);
    ASSERT_FALSE(s.ok()) << spec;
    EXPECT_EQ(s.error().code, 400);
    EXPECT_EQ(s.error().message, message) << spec;
  }
}

class NewYork : public ::testing::Test {
 protected:
  void SetUp() override {
    auto z = TimeZone::load("America/New_York");
    if (!z.ok()) GTEST_SKIP() << "no tzdata on this machine: " << z.error().message;
    zone_ = std::make_unique<TimeZone>(std::move(*z));
  }
  std::unique_ptr<TimeZone> zone_;
};

TEST_F(NewYork, FieldsAreWallClockTimeInTheZone) {
  EXPECT_EQ(next_of("0 9 * * *", "2024-01-15T00:00:00Z", *zone_), "2024-01-15T14:00:00Z");  // EST
  EXPECT_EQ(next_of("0 9 * * *", "2024-07-15T00:00:00Z", *zone_), "2024-07-15T13:00:00Z");  // EDT
  EXPECT_EQ(next_of("@daily", "2024-07-15T05:00:00Z", *zone_), "2024-07-16T04:00:00Z");
}

TEST_F(NewYork, SpringForwardSkipsTheMissingHour) {
  // 2024-03-10 02:00 EST jumps to 03:00 EDT: 02:30 does not happen that day.
  EXPECT_EQ(next_of("30 2 * * *", "2024-03-09T17:00:00Z", *zone_), "2024-03-11T06:30:00Z");
  EXPECT_EQ(next_of("0 * * * *", "2024-03-10T06:30:00Z", *zone_), "2024-03-10T07:00:00Z");  // 01:30 EST -> 03:00 EDT
  EXPECT_EQ(next_of("0 3 * * *", "2024-03-10T05:00:00Z", *zone_), "2024-03-10T07:00:00Z");
}

TEST_F(NewYork, FallBackRunsTheRepeatedHourTwice) {
  // 2024-11-03 02:00 EDT goes back to 01:00 EST: 01:30 happens at 05:30Z and again at 06:30Z.
  EXPECT_EQ(next_of("30 1 * * *", "2024-11-03T04:00:00Z", *zone_), "2024-11-03T05:30:00Z");
  EXPECT_EQ(next_of("30 1 * * *", "2024-11-03T05:30:00Z", *zone_), "2024-11-03T06:30:00Z");
  EXPECT_EQ(next_of("30 1 * * *", "2024-11-03T06:30:00Z", *zone_), "2024-11-04T06:30:00Z");
}

TEST_F(NewYork, OffsetsComeFromTheFileAndItsRuleBeyondIt) {
  auto secs = [](const std::string& t) {
    return std::chrono::duration_cast<std::chrono::seconds>(at(t).time_since_epoch()).count();
  };
  EXPECT_EQ(zone_->offset_at(secs("2024-01-01T12:00:00Z")), -5 * 3600);
  EXPECT_EQ(zone_->offset_at(secs("2024-07-01T12:00:00Z")), -4 * 3600);
  EXPECT_EQ(zone_->offset_at(secs("1970-01-01T00:00:00Z")), -5 * 3600);
  // Past the table (2037 in fat files, 2007 in slim ones) the POSIX rule takes over.
  EXPECT_EQ(zone_->offset_at(secs("2050-01-01T12:00:00Z")), -5 * 3600);
  EXPECT_EQ(zone_->offset_at(secs("2050-07-01T12:00:00Z")), -4 * 3600);
  LocalTime l = to_local(secs("2050-03-13T07:00:00Z"), *zone_);  // second Sunday of March 2050
  EXPECT_EQ(l.hour, 3);
  EXPECT_EQ(l.weekday, 0);
}

TEST(TimeZone, RejectsUnknownAndUnsafeNames) {
  for (const char* name : {"Nope/Zone", "../../etc/passwd", "/etc/localtime", "Local", ""}) {
    auto z = TimeZone::load(name);
    ASSERT_FALSE(z.ok()) << name;
    EXPECT_EQ(z.error().message, std::string("unknown time zone ") + name);
  }
  EXPECT_TRUE(TimeZone::load("UTC").ok());
}

TEST(PosixZoneRule, ParsesNorthernAndSouthernRules) {
  auto us = PosixZoneRule::parse("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(us.ok());
  EXPECT_EQ(us->std_offset, -5 * 3600);
  EXPECT_EQ(us->dst_offset, -4 * 3600);
  auto [start, end] = us->transitions_in(2024);
  EXPECT_EQ(format_rfc3339(WallTime(std::chrono::seconds(start))), "2024-03-10T07:00:00Z");
  EXPECT_EQ(format_rfc3339(WallTime(std::chrono::seconds(end))), "2024-11-03T06:00:00Z");

  auto sydney = PosixZoneRule::parse("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(sydney.ok());
  auto secs = [](const std::string& t) {
    return std::chrono::duration_cast<std::chrono::seconds>(at(t).time_since_epoch()).count();
  };
  EXPECT_EQ(sydney->offset_at(secs("2024-01-15T00:00:00Z")), 11 * 3600);  // southern summer
  EXPECT_EQ(sydney->offset_at(secs("2024-07-15T00:00:00Z")), 10 * 3600);

  auto fixed = PosixZoneRule::parse("<+0330>-3:30");
  ASSERT_TRUE(fixed.ok());
  EXPECT_FALSE(fixed->has_dst);
  EXPECT_EQ(fixed->std_offset, 3 * 3600 + 1800);
  EXPECT_FALSE(PosixZoneRule::parse("EST5EDT,M13.1.0,M11.1.0").ok());
  EXPECT_FALSE(PosixZoneRule::parse("5").ok());
}

TEST(CivilCalendar, RoundTripsDaysAndWeekdays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(weekday_from_days(days_from_civil(2024, 1, 1)), 1);  // Monday
  for (int64_t d = -800000; d < 800000; d += 997) {
    CivilDate c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
}

TEST(UnmetRuns, FindsTheMostRecentMissedActivationAndCountsMisses) {
  auto every_minute = CronSchedule::parse("* * * * *");
  ASSERT_TRUE(every_minute.ok());
  const TimeZone utc = TimeZone::utc();
  auto none = unmet_runs(*every_minute, utc, at("2024-01-01T00:00:00Z"), at("2024-01-01T00:00:30Z"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->most_recent.has_value());

  auto one = unmet_runs(*every_minute, utc, at("2024-01-01T00:00:00Z"), at("2024-01-01T00:01:30Z"));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(format_rfc3339(*one->most_recent), "2024-01-01T00:01:00Z");
  EXPECT_EQ(one->count, 1);

  auto five = unmet_runs(*every_minute, utc, at("2024-01-01T00:00:00Z"), at("2024-01-01T00:05:10Z"));
  ASSERT_TRUE(five.ok());
  EXPECT_EQ(format_rfc3339(*five->most_recent), "2024-01-01T00:05:00Z");
  EXPECT_EQ(five->count, 5);

  auto year = unmet_runs(*every_minute, utc, at("2023-01-01T00:00:00Z"), at("2024-01-01T00:00:10Z"));
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(format_rfc3339(*year->most_recent), "2024-01-01T00:00:00Z");
  EXPECT_GT(year->count, 100);

  auto weekdays = CronSchedule::parse("0 9 * * 1-5");
  ASSERT_TRUE(weekdays.ok());
  auto friday = unmet_runs(*weekdays, utc, at("2024-01-01T00:00:00Z"), at("2024-01-07T12:00:00Z"));  // Sunday
  ASSERT_TRUE(friday.ok());
  EXPECT_EQ(format_rfc3339(*friday->most_recent), "2024-01-05T09:00:00Z");

  auto never = CronSchedule::parse("59 23 31 2 *");
  ASSERT_TRUE(never.ok());
  auto invalid = unmet_runs(*never, utc, at("2024-01-01T00:00:00Z"), at("2024-06-01T00:00:00Z"));
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().message, "time difference between two schedules is less than 1 second");
}

}  // namespace
}  // namespace skiff::controllers

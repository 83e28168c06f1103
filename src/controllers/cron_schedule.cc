#include "controllers/cron_schedule.h"

#include <cctype>
#include <charconv>
#include <map>
#include <vector>

#include "util/strings.h"

namespace skiff::controllers {
namespace {

struct Bounds {
  uint64_t min, max;
  const std::map<std::string, uint64_t>* names;
};

const std::map<std::string, uint64_t> kMonthNames = {{"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4},
                                                     {"may", 5}, {"jun", 6}, {"jul", 7}, {"aug", 8},
                                                     {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12}};
const std::map<std::string, uint64_t> kDayNames = {{"sun", 0}, {"mon", 1}, {"tue", 2}, {"wed", 3},
                                                   {"thu", 4}, {"fri", 5}, {"sat", 6}};
constexpr Bounds kMinutes{0, 59, nullptr};
constexpr Bounds kHours{0, 23, nullptr};
constexpr Bounds kDom{1, 31, nullptr};
const Bounds kMonths{1, 12, &kMonthNames};
const Bounds kDow{0, 6, &kDayNames};

constexpr uint64_t kStarBit = uint64_t{1} << 63;

uint64_t bits(uint64_t start, uint64_t end, uint64_t step) {
  uint64_t out = 0;
  for (uint64_t i = start; i <= end; i += step) out |= uint64_t{1} << i;
  return out;
}
uint64_t all(const Bounds& b) { return bits(b.min, b.max, 1) | kStarBit; }

Error bad(std::string msg) { return Error::bad_request(std::move(msg)); }

// Go's strconv.Atoi, with robfig's messages around it.
Result<uint64_t> parse_uint(const std::string& expr) {
  std::string_view digits = expr;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  long long v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
    const char* why = ec == std::errc::result_out_of_range ? "value out of range" : "invalid syntax";
    return bad("failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": " + why);
  }
  if (negative && v != 0) return bad("negative number (-" + std::to_string(v) + ") not allowed: " + expr);
  return static_cast<uint64_t>(v);
}

Result<uint64_t> parse_int_or_name(const std::string& expr, const Bounds& b) {
  if (b.names) {
    auto it = b.names->find(to_lower(expr));
    if (it != b.names->end()) return it->second;
  }
  return parse_uint(expr);
}

Result<uint64_t> parse_range(const std::string& expr, const Bounds& b) {
  std::vector<std::string> range_and_step = split(expr, '/');
  std::vector<std::string> low_high = split(range_and_step[0], '-');
  const bool single = low_high.size() == 1;
  uint64_t start = 0, end = 0, step = 1;
  uint64_t extra = 0;
  if (low_high[0] == "*" || low_high[0] == "?") {
    start = b.min;
    end = b.max;
    extra = kStarBit;
  } else {
    SKIFF_ASSIGN_OR_RETURN(start, parse_int_or_name(low_high[0], b));
    if (low_high.size() == 1) {
      end = start;
    } else if (low_high.size() == 2) {
      SKIFF_ASSIGN_OR_RETURN(end, parse_int_or_name(low_high[1], b));
    } else {
      return bad("too many hyphens: " + expr);
    }
  }
  if (range_and_step.size() == 2) {
    SKIFF_ASSIGN_OR_RETURN(step, parse_uint(range_and_step[1]));
    if (single) end = b.max;  // "N/step" means "N-max/step"
    if (step > 1) extra = 0;
  } else if (range_and_step.size() > 2) {
    return bad("too many slashes: " + expr);
  }
  if (start < b.min)
    return bad("beginning of range (" + std::to_string(start) + ") below minimum (" + std::to_string(b.min) +
               "): " + expr);
  if (end > b.max)
    return bad("end of range (" + std::to_string(end) + ") above maximum (" + std::to_string(b.max) + "): " + expr);
  if (start > end)
    return bad("beginning of range (" + std::to_string(start) + ") beyond end of range (" + std::to_string(end) +
               "): " + expr);
  if (step == 0) return bad("step of range should be a positive number: " + expr);
  return bits(start, end, step) | extra;
}

Result<uint64_t> parse_field(std::string_view field, const Bounds& b) {
  uint64_t out = 0;
  for (const auto& expr : split(field, ',')) {
    if (expr.empty()) continue;
    SKIFF_ASSIGN_OR_RETURN(uint64_t r, parse_range(expr, b));
    out |= r;
  }
  return out;
}

// Go's time.ParseDuration, in whole nanoseconds.
Result<int64_t> parse_go_duration(std::string_view s) {
  const std::string orig(s);
  Error err = bad("time: invalid duration \"" + orig + "\"");
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return err;
  static const std::vector<std::pair<std::string_view, double>> kUnits = {
      {"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return err;
    double value = 0;
    try {
      value = std::stod(std::string(s.substr(0, i)));
    } catch (...) {
      return err;
    }
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !std::isdigit(static_cast<unsigned char>(s[u])) && s[u] != '.') ++u;
    if (u == 0) return bad("time: missing unit in duration \"" + orig + "\"");
    std::string_view unit = s.substr(0, u);
    double scale = 0;
    for (const auto& [name, ns] : kUnits)
      if (name == unit) scale = ns;
    if (scale == 0) return bad("time: unknown unit \"" + std::string(unit) + "\" in duration \"" + orig + "\"");
    total += value * scale;
    s.remove_prefix(u);
  }
  if (total > 9.2e18) return err;
  return static_cast<int64_t>(negative ? -total : total);
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view spec) {
  if (spec.empty()) return bad("empty spec string");
  CronSchedule s;
  if (spec.front() == '@') {
    const std::string d(spec);
    if (d == "@yearly" || d == "@annually") {
      s.minute_ = 1, s.hour_ = 1, s.dom_ = 1 << 1, s.month_ = 1 << 1, s.dow_ = all(kDow);
    } else if (d == "@monthly") {
      s.minute_ = 1, s.hour_ = 1, s.dom_ = 1 << 1, s.month_ = all(kMonths), s.dow_ = all(kDow);
    } else if (d == "@weekly") {
      s.minute_ = 1, s.hour_ = 1, s.dom_ = all(kDom), s.month_ = all(kMonths), s.dow_ = 1;
    } else if (d == "@daily" || d == "@midnight") {
      s.minute_ = 1, s.hour_ = 1, s.dom_ = all(kDom), s.month_ = all(kMonths), s.dow_ = all(kDow);
    } else if (d == "@hourly") {
      s.minute_ = 1, s.hour_ = all(kHours), s.dom_ = all(kDom), s.month_ = all(kMonths), s.dow_ = all(kDow);
    } else if (starts_with(d, "@every ")) {
      auto ns = parse_go_duration(std::string_view(d).substr(7));
      if (!ns.ok()) return bad("failed to parse duration " + d + ": " + ns.error().message);
      // At least a second, in whole seconds.
      s.every_seconds_ = std::max<int64_t>(1, *ns / 1000000000);
    } else {
      return bad("unrecognized descriptor: " + d);
    }
    return s;
  }
  std::vector<std::string> fields;
  for (const auto& f : split(spec, ' ')) {
    std::string_view t = trim(f);
    for (const auto& g : split(t, '\t'))
      if (!trim(g).empty()) fields.emplace_back(trim(g));
  }
  if (fields.size() != 5)
    return bad("expected exactly 5 fields, found " + std::to_string(fields.size()) + ": [" + join(fields, " ") + "]");
  SKIFF_ASSIGN_OR_RETURN(s.minute_, parse_field(fields[0], kMinutes));
  SKIFF_ASSIGN_OR_RETURN(s.hour_, parse_field(fields[1], kHours));
  SKIFF_ASSIGN_OR_RETURN(s.dom_, parse_field(fields[2], kDom));
  SKIFF_ASSIGN_OR_RETURN(s.month_, parse_field(fields[3], kMonths));
  SKIFF_ASSIGN_OR_RETURN(s.dow_, parse_field(fields[4], kDow));
  return s;
}

bool CronSchedule::day_matches(const LocalTime& t) const {
  const bool dom = (uint64_t{1} << t.day) & dom_;
  const bool dow = (uint64_t{1} << t.weekday) & dow_;
  // Either field written as "*" makes both required; otherwise either suffices (cron's OR rule).
  if ((dom_ & kStarBit) || (dow_ & kStarBit)) return dom && dow;
  return dom || dow;
}

std::optional<WallTime> CronSchedule::next(WallTime after, const TimeZone& zone) const {
  using std::chrono::seconds;
  int64_t t = std::chrono::floor<seconds>(after.time_since_epoch()).count() + 1;  // the upcoming second
  if (every_seconds_ > 0) {
    int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(after.time_since_epoch()).count();
    int64_t frac = ((ns % 1000000000) + 1000000000) % 1000000000;
    return after + std::chrono::nanoseconds(every_seconds_ * 1000000000 - frac);
  }
  // Walks forward field by field as robfig/cron does, so DST behaves the same: hours and
  // minutes advance in absolute time, days and months in wall-clock time.
  bool added = false;
  LocalTime l = to_local(t, zone);
  const int64_t year_limit = l.year + 5;
  auto in_set = [](uint64_t set, int v) { return ((uint64_t{1} << v) & set) != 0; };
  auto reload = [&] { l = to_local(t, zone); };
wrap:
  if (l.year > year_limit) return std::nullopt;
  while (!in_set(month_, l.month)) {
    if (!added) {
      added = true;
      t = zone.from_local(l.year, l.month, 1, 0, 0, 0);
      reload();
    }
    t = zone.from_local(l.year, l.month + 1, l.day, l.hour, l.minute, l.second);
    reload();
    if (l.month == 1) goto wrap;
  }
  while (!day_matches(l)) {
    if (!added) {
      added = true;
      t = zone.from_local(l.year, l.month, l.day, 0, 0, 0);
      reload();
    }
    t = zone.from_local(l.year, l.month, l.day + 1, l.hour, l.minute, l.second);
    reload();
    // Back to midnight if a DST change moved the hour.
    if (l.hour != 0) {
      t += l.hour > 12 ? (24 - l.hour) * 3600 : -l.hour * 3600;
      reload();
    }
    if (l.day == 1) goto wrap;
  }
  while (!in_set(hour_, l.hour)) {
    if (!added) {
      added = true;
      t = zone.from_local(l.year, l.month, l.day, l.hour, 0, 0);
      reload();
    }
    t += 3600;
    reload();
    if (l.hour == 0) goto wrap;
  }
  while (!in_set(minute_, l.minute)) {
    if (!added) {
      added = true;
      t -= ((t % 60) + 60) % 60;
      reload();
    }
    t += 60;
    reload();
    if (l.minute == 0) goto wrap;
  }
  if (l.second != 0) {  // the standard parser's seconds field is always "0"
    added = true;
    t += 60 - l.second;
    reload();
    goto wrap;
  }
  return WallTime(seconds(t));
}

Result<UnmetRuns> unmet_runs(const CronSchedule& schedule, const TimeZone& zone, WallTime earliest, WallTime now) {
  UnmetRuns out;
  const Error never = bad("time difference between two schedules is less than 1 second");
  // A schedule that never fires (Feb 30th) is reported as Kubernetes does: robfig returns the
  // zero time for both activations, zero seconds apart.
  auto t1 = schedule.next(earliest, zone);
  if (!t1) return never;
  if (now < *t1) return out;
  auto t2 = schedule.next(*t1, zone);
  if (!t2) return never;
  if (now < *t2) {
    out.most_recent = t1;
    out.count = 1;
    return out;
  }
  const int64_t interval = std::chrono::round<std::chrono::seconds>(*t2 - *t1).count();
  if (interval < 1) return never;
  out.count = std::chrono::duration_cast<std::chrono::seconds>(now - *t1).count() / interval + 1;
  // Search back from now in a widening window rather than walking every activation since
  // earliest, which may be years of minutes ago.
  for (auto window = std::chrono::seconds(2 * interval + 60);; window *= 2) {
    WallTime from = std::max(earliest, now - window);
    std::optional<WallTime> latest;
    for (auto t = schedule.next(from, zone); t && *t <= now; t = schedule.next(*t, zone)) latest = t;
    if (latest || from == earliest) {
      out.most_recent = latest ? latest : t1;
      return out;
    }
  }
}

}  // namespace skiff::controllers

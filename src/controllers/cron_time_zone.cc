#include "controllers/cron_time_zone.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace skiff::controllers {
namespace {

constexpr int64_t kDay = 86400;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

Error unknown_zone(std::string_view name) { return Error::bad_request("unknown time zone " + std::string(name)); }

// ---- POSIX TZ strings ----

class TzCursor {
 public:
  explicit TzCursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // A zone abbreviation: "<...>" or three or more letters.
  bool name() {
    if (eat('<')) {
      while (!done() && peek() != '>') ++i_;
      return eat('>');
    }
    size_t start = i_;
    while (!done() && std::isalpha(static_cast<unsigned char>(peek()))) ++i_;
    return i_ - start >= 3;
  }
  std::optional<int64_t> number(int64_t max) {
    size_t start = i_;
    int64_t v = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) {
      v = v * 10 + (peek() - '0');
      if (v > max) return std::nullopt;
      ++i_;
    }
    if (i_ == start) return std::nullopt;
    return v;
  }
  // [+-]hh[:mm[:ss]] as seconds.
  std::optional<int64_t> clock(int64_t max_hours) {
    int64_t sign = 1;
    if (eat('-')) sign = -1;
    else eat('+');
    auto h = number(max_hours);
    if (!h) return std::nullopt;
    int64_t secs = *h * 3600;
    if (eat(':')) {
      auto m = number(59);
      if (!m) return std::nullopt;
      secs += *m * 60;
      if (eat(':')) {
        auto s = number(59);
        if (!s) return std::nullopt;
        secs += *s;
      }
    }
    return sign * secs;
  }
  std::optional<PosixZoneRule::Date> date() {
    PosixZoneRule::Date d;
    if (eat('J')) {
      auto n = number(365);
      if (!n || *n < 1) return std::nullopt;
      d.kind = PosixZoneRule::Date::Kind::kJulianNoLeap;
      d.day = static_cast<int>(*n);
    } else if (eat('M')) {
      auto m = number(12);
      if (!m || *m < 1 || !eat('.')) return std::nullopt;
      auto w = number(5);
      if (!w || *w < 1 || !eat('.')) return std::nullopt;
      auto wd = number(6);
      if (!wd) return std::nullopt;
      d.kind = PosixZoneRule::Date::Kind::kMonthWeekDay;
      d.month = static_cast<int>(*m);
      d.week = static_cast<int>(*w);
      d.day = static_cast<int>(*wd);
    } else {
      auto n = number(365);
      if (!n) return std::nullopt;
      d.kind = PosixZoneRule::Date::Kind::kZeroBasedDay;
      d.day = static_cast<int>(*n);
    }
    if (eat('/')) {
      auto t = clock(167);
      if (!t) return std::nullopt;
      d.seconds = *t;
    }
    return d;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

int64_t local_days_of(const PosixZoneRule::Date& d, int64_t year) {
  using Kind = PosixZoneRule::Date::Kind;
  int64_t jan1 = days_from_civil(year, 1, 1);
  switch (d.kind) {
    case Kind::kJulianNoLeap:
      return jan1 + d.day - 1 + (is_leap(year) && d.day >= 60 ? 1 : 0);
    case Kind::kZeroBasedDay:
      return jan1 + d.day;
    case Kind::kMonthWeekDay: {
      int64_t first = days_from_civil(year, d.month, 1);
      int day = 1 + (d.day - weekday_from_days(first) + 7) % 7 + (d.week - 1) * 7;
      while (day > days_in_month(year, d.month)) day -= 7;
      return first + day - 1;
    }
  }
  return jan1;
}

// ---- TZif ----

class ByteReader {
 public:
  explicit ByteReader(std::string_view b) : b_(b) {}
  bool has(size_t n) const { return pos_ + n <= b_.size(); }
  void skip(size_t n) { pos_ += n; }
  size_t pos() const { return pos_; }
  int64_t be(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_ + i]);
    pos_ += n;
    if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
  }
  std::string_view rest() const { return b_.substr(std::min(pos_, b_.size())); }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct TzifCounts {
  int64_t isut, isstd, leap, time, type, chars;
};

std::optional<TzifCounts> read_header(ByteReader& r, char* version) {
  if (!r.has(44)) return std::nullopt;
  std::string_view magic = r.rest().substr(0, 4);
  if (magic != "TZif") return std::nullopt;
  *version = r.rest()[4];
  r.skip(20);
  TzifCounts c{r.be(4), r.be(4), r.be(4), r.be(4), r.be(4), r.be(4)};
  if (c.isut < 0 || c.isstd < 0 || c.leap < 0 || c.time < 0 || c.type < 1 || c.chars < 0 || c.type > 256)
    return std::nullopt;
  return c;
}

size_t block_size(const TzifCounts& c, size_t time_bytes) {
  return c.time * time_bytes + c.time + c.type * 6 + c.chars + c.leap * (time_bytes + 4) + c.isstd + c.isut;
}

}  // namespace

int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2), month, day};
}

int weekday_from_days(int64_t days) {
  // 1970-01-01 was a Thursday.
  return static_cast<int>(((days % 7) + 7 + 4) % 7);
}

Result<PosixZoneRule> PosixZoneRule::parse(std::string_view tz) {
  Error bad = Error::bad_request("invalid POSIX TZ rule \"" + std::string(tz) + "\"");
  TzCursor c(tz);
  PosixZoneRule rule;
  if (!c.name()) return bad;
  auto std_off = c.clock(24);
  if (!std_off) return bad;
  rule.std_offset = static_cast<int32_t>(-*std_off);
  if (c.done()) return rule;
  if (!c.name()) return bad;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (!c.done() && c.peek() != ',') {
    auto dst_off = c.clock(24);
    if (!dst_off) return bad;
    rule.dst_offset = static_cast<int32_t>(-*dst_off);
  }
  if (c.done()) {
    // No rule given: POSIX leaves it to the implementation; glibc takes the US rules.
    rule.dst_start = {Date::Kind::kMonthWeekDay, 0, 2, 3, 7200};
    rule.dst_end = {Date::Kind::kMonthWeekDay, 0, 1, 11, 7200};
    return rule;
  }
  if (!c.eat(',')) return bad;
  auto start = c.date();
  if (!start || !c.eat(',')) return bad;
  auto end = c.date();
  if (!end || !c.done()) return bad;
  rule.dst_start = *start;
  rule.dst_end = *end;
  return rule;
}

std::pair<int64_t, int64_t> PosixZoneRule::transitions_in(int64_t year) const {
  int64_t start = local_days_of(dst_start, year) * kDay + dst_start.seconds - std_offset;
  int64_t end = local_days_of(dst_end, year) * kDay + dst_end.seconds - dst_offset;
  return {start, end};
}

int32_t PosixZoneRule::offset_at(int64_t t) const {
  if (!has_dst) return std_offset;
  int64_t year = civil_from_days(floor_div(t + std_offset, kDay)).year;
  auto [start, end] = transitions_in(year);
  bool dst = start < end ? (start <= t && t < end) : !(end <= t && t < start);
  return dst ? dst_offset : std_offset;
}

TimeZone TimeZone::utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

Result<TimeZone> TimeZone::load(std::string_view name, const std::string& zoneinfo_dir) {
  if (name == "UTC") return utc();
  if (name.empty() || name == "Local" || name.front() == '/' || name.find("..") != std::string_view::npos ||
      name.find('\\') != std::string_view::npos)
    return unknown_zone(name);
  std::ifstream in(zoneinfo_dir + "/" + std::string(name), std::ios::binary);
  if (!in) return unknown_zone(name);
  std::stringstream buf;
  buf << in.rdbuf();
  auto zone = from_tzif(std::string(name), buf.str());
  if (!zone.ok()) return unknown_zone(name);
  return zone;
}

Result<TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes) {
  Error bad = Error::bad_request("malformed time zone file for " + name);
  ByteReader r(bytes);
  char version = 0;
  auto counts = read_header(r, &version);
  if (!counts) return bad;
  size_t time_bytes = 4;
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit one that follows is authoritative.
    if (!r.has(block_size(*counts, 4))) return bad;
    r.skip(block_size(*counts, 4));
    counts = read_header(r, &version);
    if (!counts) return bad;
    time_bytes = 8;
  }
  const TzifCounts c = *counts;
  if (!r.has(block_size(c, time_bytes))) return bad;
  TimeZone z;
  z.name_ = std::move(name);
  std::vector<int64_t> times(c.time);
  for (auto& t : times) t = r.be(time_bytes);
  std::vector<int> type_index(c.time);
  for (auto& i : type_index) i = static_cast<int>(r.be(1));
  std::vector<int32_t> type_offsets(c.type);
  for (auto& off : type_offsets) {
    off = static_cast<int32_t>(r.be(4));
    r.skip(2);  // isdst, abbreviation index
  }
  r.skip(c.chars + c.leap * (time_bytes + 4) + c.isstd + c.isut);
  for (size_t i = 0; i < times.size(); ++i) {
    if (type_index[i] >= c.type) return bad;
    if (i > 0 && times[i] <= times[i - 1]) return bad;
    z.transitions_.push_back(times[i]);
    z.offsets_.push_back(type_offsets[type_index[i]]);
  }
  z.initial_offset_ = type_offsets[0];
  if (time_bytes == 8) {
    std::string_view footer = r.rest();
    if (footer.size() >= 2 && footer.front() == '\n') {
      footer.remove_prefix(1);
      size_t nl = footer.find('\n');
      if (nl != std::string_view::npos && nl > 0) {
        auto rule = PosixZoneRule::parse(footer.substr(0, nl));
        if (!rule.ok()) return bad;
        z.rule_ = *rule;
      }
    }
  }
  return z;
}

TimeZone::Span TimeZone::lookup(int64_t t) const {
  if (!transitions_.empty() && t < transitions_.front()) return {initial_offset_, INT64_MIN, transitions_.front()};
  if (transitions_.empty() || t >= transitions_.back()) {
    int64_t floor = transitions_.empty() ? INT64_MIN : transitions_.back();
    if (!rule_) return {transitions_.empty() ? initial_offset_ : offsets_.back(), floor, INT64_MAX};
    if (!rule_->has_dst) return {rule_->std_offset, floor, INT64_MAX};
    int64_t year = civil_from_days(floor_div(t + rule_->std_offset, kDay)).year;
    std::vector<int64_t> changes;
    for (int64_t y = year - 1; y <= year + 1; ++y) {
      auto [start, end] = rule_->transitions_in(y);
      changes.push_back(start);
      changes.push_back(end);
    }
    std::sort(changes.begin(), changes.end());
    Span span{rule_->offset_at(t), floor, INT64_MAX};
    for (int64_t ch : changes) {
      if (ch <= t) span.start = std::max(span.start, ch);
      else if (ch < span.end) span.end = ch;
    }
    return span;
  }
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  size_t i = static_cast<size_t>(it - transitions_.begin()) - 1;
  return {offsets_[i], transitions_[i], transitions_[i + 1]};
}

int64_t TimeZone::from_local(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                             int64_t second) const {
  int64_t m0 = month - 1;
  year += floor_div(m0, 12);
  m0 -= floor_div(m0, 12) * 12;
  int64_t local = (days_from_civil(year, static_cast<int>(m0 + 1), 1) + day - 1) * kDay + hour * 3600 +
                  minute * 60 + second;
  // As Go: look the local seconds up as if they were UTC, then correct when that guess lands
  // outside the span the offset it found holds for.
  Span span = lookup(local);
  int32_t offset = span.offset;
  if (offset != 0) {
    int64_t utc = local - offset;
    if (utc < span.start || utc >= span.end) offset = lookup(utc).offset;
  }
  return local - offset;
}

LocalTime to_local(int64_t unix_seconds, const TimeZone& zone) {
  int64_t local = unix_seconds + zone.offset_at(unix_seconds);
  int64_t days = floor_div(local, kDay);
  int64_t secs = local - days * kDay;
  CivilDate d = civil_from_days(days);
  return {d.year,
          d.month,
          d.day,
          static_cast<int>(secs / 3600),
          static_cast<int>(secs / 60 % 60),
          static_cast<int>(secs % 60),
          weekday_from_days(days)};
}

}  // namespace skiff::controllers

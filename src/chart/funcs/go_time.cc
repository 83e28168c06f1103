#include "chart/funcs/go_time.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <vector>

#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kNanosPerSecond = 1000000000;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

// ---- Zones from TZif files ----

struct ZoneType {
  int32_t offset;
  bool is_dst;
  std::string abbr;
};

struct Zone {
  std::vector<int64_t> when;
  std::vector<uint8_t> index;
  std::vector<ZoneType> types;
};

struct Period {
  int32_t offset;
  std::string abbr;
  int64_t start;
  int64_t end;
};

uint32_t be32(const std::string& b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

std::optional<Zone> parse_tzif(const std::string& b) {
  if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) return std::nullopt;
  auto counts = [&](size_t at, uint32_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = be32(b, at + 20 + 4 * i);
  };
  uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t at = 44;
  int time_size = 4;
  if (b[4] >= '2') {
    size_t v1 = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    at += v1;
    if (b.size() < at + 44) return std::nullopt;
    counts(at, c);
    at += 44;
    time_size = 8;
  }
  size_t need = c[3] * (time_size + 1) + c[4] * 6 + c[5];
  if (b.size() < at + need || c[4] == 0) return std::nullopt;
  Zone z;
  for (uint32_t i = 0; i < c[3]; ++i) {
    int64_t w;
    if (time_size == 8) {
      w = static_cast<int64_t>(static_cast<uint64_t>(be32(b, at)) << 32 | be32(b, at + 4));
    } else {
      w = static_cast<int32_t>(be32(b, at));
    }
    z.when.push_back(w);
    at += time_size;
  }
  for (uint32_t i = 0; i < c[3]; ++i) z.index.push_back(static_cast<uint8_t>(b[at++]));
  size_t types_at = at;
  size_t chars_at = types_at + c[4] * 6;
  for (uint32_t i = 0; i < c[4]; ++i) {
    size_t t = types_at + i * 6;
    ZoneType zt;
    zt.offset = static_cast<int32_t>(be32(b, t));
    zt.is_dst = b[t + 4] != 0;
    size_t abbr_at = chars_at + static_cast<unsigned char>(b[t + 5]);
    size_t end = b.find('\0', abbr_at);
    zt.abbr = abbr_at < b.size() ? b.substr(abbr_at, end == std::string::npos ? std::string::npos : end - abbr_at) : "";
    z.types.push_back(zt);
  }
  for (auto i : z.index) {
    if (i >= z.types.size()) return std::nullopt;
  }
  return z;
}

std::optional<Zone> load_zone_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_tzif(ss.str());
}

std::shared_ptr<const Zone> utc_zone() {
  static const auto z = [] {
    auto zone = std::make_shared<Zone>();
    zone->types.push_back({0, false, "UTC"});
    return zone;
  }();
  return z;
}

std::shared_ptr<const Zone> local_zone() {
  static const auto z = []() -> std::shared_ptr<const Zone> {
    const char* tz = std::getenv("TZ");
    std::optional<Zone> zone;
    if (tz == nullptr) {
      zone = load_zone_file("/etc/localtime");
    } else if (*tz != '\0') {
      std::string name = tz[0] == ':' ? tz + 1 : tz;
      zone = load_zone_file(name[0] == '/' ? name : "/usr/share/zoneinfo/" + name);
    }
    if (!zone) return utc_zone();
    return std::make_shared<Zone>(std::move(*zone));
  }();
  return z;
}

std::shared_ptr<const Zone> named_zone(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Zone>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  std::shared_ptr<const Zone> z;
  if (auto loaded = load_zone_file("/usr/share/zoneinfo/" + name)) z = std::make_shared<Zone>(std::move(*loaded));
  cache[name] = z;
  return z;
}

std::shared_ptr<const Zone> zone_of(const std::string& loc) {
  if (loc.empty() || loc == "UTC") return utc_zone();
  if (loc == "Local") return local_zone();
  auto z = named_zone(loc);
  return z ? z : utc_zone();
}

constexpr int64_t kAlpha = INT64_MIN;
constexpr int64_t kOmega = INT64_MAX;

// Go's Location.lookup, without the POSIX TZ tail past the last transition.
Period lookup(const Zone& z, int64_t sec) {
  auto first_zone = [&]() -> const ZoneType& {
    bool first_used = std::find(z.index.begin(), z.index.end(), 0) != z.index.end();
    if (!first_used) return z.types[0];
    for (const auto& t : z.types) {
      if (!t.is_dst) return t;
    }
    return z.types[0];
  };
  if (z.when.empty() || sec < z.when[0]) {
    const ZoneType& t = first_zone();
    return {t.offset, t.abbr, kAlpha, z.when.empty() ? kOmega : z.when[0]};
  }
  size_t i = std::upper_bound(z.when.begin(), z.when.end(), sec) - z.when.begin() - 1;
  const ZoneType& t = z.types[z.index[i]];
  return {t.offset, t.abbr, z.when[i], i + 1 < z.when.size() ? z.when[i + 1] : kOmega};
}

Period period_at(const GoTime& t) {
  if (t.loc.empty()) return {t.fixed_offset, t.fixed_abbr, kAlpha, kOmega};
  return lookup(*zone_of(t.loc), t.unix_sec);
}

// Go's Date: the instant of a civil time in a location.
GoTime from_civil(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t min, int64_t sec, int64_t nsec,
                  const GoTime& loc_of) {
  int64_t m0 = month - 1;
  year += floor_div(m0, 12);
  month = m0 - floor_div(m0, 12) * 12 + 1;
  sec += floor_div(nsec, kNanosPerSecond);
  nsec -= floor_div(nsec, kNanosPerSecond) * kNanosPerSecond;
  int64_t unix = days_from_civil(year, month, 1) * kSecondsPerDay + (day - 1) * kSecondsPerDay + hour * 3600 +
                 min * 60 + sec;
  GoTime t = loc_of;
  t.nsec = static_cast<int32_t>(nsec);
  if (loc_of.loc.empty()) {
    t.unix_sec = unix - loc_of.fixed_offset;
    return t;
  }
  const Zone& z = *zone_of(loc_of.loc);
  Period p = lookup(z, unix);
  if (p.offset != 0) {
    int64_t utc = unix - p.offset;
    if (utc < p.start || utc >= p.end) p = lookup(z, utc);
    unix -= p.offset;
  }
  t.unix_sec = unix;
  return t;
}

// ---- Layouts ----

enum Std {
  kNone,
  kLongMonth, kMonth, kNumMonth, kZeroMonth,
  kLongWeekDay, kWeekDay,
  kDay, kUnderDay, kZeroDay, kUnderYearDay, kZeroYearDay,
  kHour, kHour12, kZeroHour12,
  kMinute, kZeroMinute, kSecond, kZeroSecond,
  kLongYear, kYear, kPM, kpm, kTZ,
  kISO8601TZ, kISO8601SecondsTZ, kISO8601ShortTZ, kISO8601ColonTZ, kISO8601ColonSecondsTZ,
  kNumTZ, kNumSecondsTz, kNumShortTZ, kNumColonTZ, kNumColonSecondsTZ,
  kFracSecond0, kFracSecond9,
};

struct Chunk {
  std::string prefix;
  Std std = kNone;
  int frac_digits = 0;
  char frac_sep = '.';
  std::string suffix;
};

bool starts(const std::string& s, size_t i, const char* p) { return s.compare(i, std::strlen(p), p) == 0; }

bool is_digit_at(const std::string& s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's nextStdChunk.
Chunk next_std_chunk(const std::string& layout) {
  auto found = [&](size_t i, Std std, size_t len) {
    Chunk c;
    c.prefix = layout.substr(0, i);
    c.std = std;
    c.suffix = layout.substr(i + len);
    return c;
  };
  for (size_t i = 0; i < layout.size(); ++i) {
    char c = layout[i];
    switch (c) {
      case 'J':
        if (starts(layout, i, "Jan")) return starts(layout, i, "January") ? found(i, kLongMonth, 7) : found(i, kMonth, 3);
        break;
      case 'M':
        if (starts(layout, i, "Mon")) return starts(layout, i, "Monday") ? found(i, kLongWeekDay, 6) : found(i, kWeekDay, 3);
        if (starts(layout, i, "MST")) return found(i, kTZ, 3);
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          static const Std kStd[] = {kZeroMonth, kZeroDay, kZeroHour12, kZeroMinute, kZeroSecond, kYear};
          return found(i, kStd[layout[i + 1] - '1'], 2);
        }
        if (starts(layout, i, "002")) return found(i, kZeroYearDay, 3);
        break;
      case '1':
        if (starts(layout, i, "15")) return found(i, kHour, 2);
        return found(i, kNumMonth, 1);
      case '2':
        if (starts(layout, i, "2006")) return found(i, kLongYear, 4);
        return found(i, kDay, 1);
      case '_':
        if (i + 1 < layout.size() && layout[i + 1] == '2') {
          // "_2006" is a literal '_' followed by the year.
          if (starts(layout, i + 1, "2006")) return found(i + 1, kLongYear, 4);
          return found(i, kUnderDay, 2);
        }
        if (starts(layout, i, "__2")) return found(i, kUnderYearDay, 3);
        break;
      case '3': return found(i, kHour12, 1);
      case '4': return found(i, kMinute, 1);
      case '5': return found(i, kSecond, 1);
      case 'P':
        if (starts(layout, i, "PM")) return found(i, kPM, 2);
        break;
      case 'p':
        if (starts(layout, i, "pm")) return found(i, kpm, 2);
        break;
      case '-':
        if (starts(layout, i, "-070000")) return found(i, kNumSecondsTz, 7);
        if (starts(layout, i, "-07:00:00")) return found(i, kNumColonSecondsTZ, 9);
        if (starts(layout, i, "-0700")) return found(i, kNumTZ, 5);
        if (starts(layout, i, "-07:00")) return found(i, kNumColonTZ, 6);
        if (starts(layout, i, "-07")) return found(i, kNumShortTZ, 3);
        break;
      case 'Z':
        if (starts(layout, i, "Z070000")) return found(i, kISO8601SecondsTZ, 7);
        if (starts(layout, i, "Z07:00:00")) return found(i, kISO8601ColonSecondsTZ, 9);
        if (starts(layout, i, "Z0700")) return found(i, kISO8601TZ, 5);
        if (starts(layout, i, "Z07:00")) return found(i, kISO8601ColonTZ, 6);
        if (starts(layout, i, "Z07")) return found(i, kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          char ch = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == ch) ++j;
          if (!is_digit_at(layout, j)) {
            Chunk out = found(i, ch == '0' ? kFracSecond0 : kFracSecond9, j - i);
            out.frac_digits = static_cast<int>(j - (i + 1));
            out.frac_sep = c;
            return out;
          }
        }
        break;
      default: break;
    }
  }
  Chunk none;
  none.prefix = layout;
  return none;
}

const char* const kLongMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

void append_int(std::string& b, int64_t x, int width) {
  if (x < 0) {
    b += '-';
    x = -x;
  }
  std::string digits = std::to_string(x);
  if (static_cast<int>(digits.size()) < width) b.append(width - digits.size(), '0');
  b += digits;
}

void append_nano(std::string& b, int32_t nanosec, const Chunk& c) {
  std::string digits = std::to_string(nanosec);
  digits = std::string(9 - digits.size(), '0') + digits;
  if (c.std == kFracSecond9) {
    size_t n = std::min<size_t>(c.frac_digits, 9);
    std::string part = digits.substr(0, n);
    while (!part.empty() && part.back() == '0') part.pop_back();
    if (part.empty()) return;
    b += c.frac_sep;
    b += part;
    return;
  }
  b += c.frac_sep;
  b += digits.substr(0, std::min(c.frac_digits, 9));
  for (int i = 9; i < c.frac_digits; ++i) b += '0';
}

// ---- Parsing helpers (Go's getnum and friends) ----

bool is_digit_char(char c) { return c >= '0' && c <= '9'; }

// getnum: one or two digits (exactly two when fixed).
bool getnum(std::string_view& s, bool fixed, int64_t* out) {
  if (s.empty() || !is_digit_char(s[0])) return false;
  if (s.size() < 2 || !is_digit_char(s[1])) {
    if (fixed) return false;
    *out = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  *out = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

bool getnum3(std::string_view& s, bool fixed, int64_t* out) {
  int64_t n = 0;
  size_t i = 0;
  for (; i < 3 && i < s.size() && is_digit_char(s[i]); ++i) n = n * 10 + (s[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  *out = n;
  s.remove_prefix(i);
  return true;
}

bool lookup_name(std::string_view& s, const char* const* names, int count, bool abbrev, int* out) {
  for (int i = 0; i < count; ++i) {
    std::string name = abbrev ? std::string(names[i], 3) : names[i];
    if (s.size() >= name.size()) {
      bool eq = true;
      for (size_t k = 0; k < name.size() && eq; ++k) {
        eq = std::tolower(static_cast<unsigned char>(s[k])) == std::tolower(static_cast<unsigned char>(name[k]));
      }
      if (eq) {
        *out = i;
        s.remove_prefix(name.size());
        return true;
      }
    }
  }
  return false;
}

std::string quote(std::string_view s) { return tmpl::go_quote(s); }

}  // namespace

Status check_location(const std::string& name) {
  if (name.empty() || name == "UTC" || name == "Local") return ok_status();
  if (name.find("..") != std::string::npos || name[0] == '/' || name[0] == '\\') {
    return Error::invalid("time: invalid location name");
  }
  if (!named_zone(name)) return Error::invalid("unknown time zone " + name);
  return ok_status();
}

ZoneAt zone_at(const GoTime& t) {
  Period p = period_at(t);
  return {p.offset, p.abbr};
}

GoTime time_now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  return time_unix(floor_div(ns, kNanosPerSecond), ns - floor_div(ns, kNanosPerSecond) * kNanosPerSecond);
}

GoTime time_unix(int64_t sec, int64_t nsec, const std::string& loc) {
  GoTime t;
  sec += floor_div(nsec, kNanosPerSecond);
  nsec -= floor_div(nsec, kNanosPerSecond) * kNanosPerSecond;
  t.unix_sec = sec;
  t.nsec = static_cast<int32_t>(nsec);
  t.loc = loc;
  return t;
}

GoTime time_in(GoTime t, const std::string& loc) {
  t.loc = loc.empty() ? "UTC" : loc;
  t.fixed_offset = 0;
  t.fixed_abbr.clear();
  return t;
}

Civil civil(const GoTime& t) {
  Period p = period_at(t);
  int64_t local = t.unix_sec + p.offset;
  int64_t days = floor_div(local, kSecondsPerDay);
  int64_t secs = local - days * kSecondsPerDay;
  Civil c;
  civil_from_days(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  c.yday = static_cast<int>(days - days_from_civil(c.year, 1, 1) + 1);
  return c;
}

std::string format_time(const GoTime& t, const std::string& layout_in) {
  Civil c = civil(t);
  Period p = period_at(t);
  std::string b;
  std::string layout = layout_in;
  while (!layout.empty()) {
    Chunk ch = next_std_chunk(layout);
    b += ch.prefix;
    if (ch.std == kNone) break;
    layout = ch.suffix;
    switch (ch.std) {
      case kYear: append_int(b, ((c.year % 100) + 100) % 100, 2); break;
      case kLongYear: append_int(b, c.year, 4); break;
      case kMonth: b += std::string(kLongMonths[c.month - 1], 3); break;
      case kLongMonth: b += kLongMonths[c.month - 1]; break;
      case kNumMonth: append_int(b, c.month, 0); break;
      case kZeroMonth: append_int(b, c.month, 2); break;
      case kWeekDay: b += std::string(kLongDays[c.weekday], 3); break;
      case kLongWeekDay: b += kLongDays[c.weekday]; break;
      case kDay: append_int(b, c.day, 0); break;
      case kUnderDay:
        if (c.day < 10) b += ' ';
        append_int(b, c.day, 0);
        break;
      case kZeroDay: append_int(b, c.day, 2); break;
      case kUnderYearDay:
        if (c.yday < 100) b += c.yday < 10 ? "  " : " ";
        append_int(b, c.yday, 0);
        break;
      case kZeroYearDay: append_int(b, c.yday, 3); break;
      case kHour: append_int(b, c.hour, 2); break;
      case kHour12: append_int(b, c.hour % 12 == 0 ? 12 : c.hour % 12, 0); break;
      case kZeroHour12: append_int(b, c.hour % 12 == 0 ? 12 : c.hour % 12, 2); break;
      case kMinute: append_int(b, c.minute, 0); break;
      case kZeroMinute: append_int(b, c.minute, 2); break;
      case kSecond: append_int(b, c.second, 0); break;
      case kZeroSecond: append_int(b, c.second, 2); break;
      case kPM: b += c.hour >= 12 ? "PM" : "AM"; break;
      case kpm: b += c.hour >= 12 ? "pm" : "am"; break;
      case kISO8601TZ: case kISO8601ColonTZ: case kISO8601SecondsTZ: case kISO8601ShortTZ:
      case kISO8601ColonSecondsTZ: case kNumTZ: case kNumColonTZ: case kNumSecondsTz: case kNumShortTZ:
      case kNumColonSecondsTZ: {
        bool iso = ch.std == kISO8601TZ || ch.std == kISO8601ColonTZ || ch.std == kISO8601SecondsTZ ||
                   ch.std == kISO8601ShortTZ || ch.std == kISO8601ColonSecondsTZ;
        if (p.offset == 0 && iso) {
          b += 'Z';
          break;
        }
        int64_t zone = p.offset / 60;
        int64_t absoffset = p.offset;
        if (zone < 0) {
          b += '-';
          zone = -zone;
          absoffset = -absoffset;
        } else {
          b += '+';
        }
        append_int(b, zone / 60, 2);
        if (ch.std == kISO8601ColonTZ || ch.std == kNumColonTZ || ch.std == kISO8601ColonSecondsTZ ||
            ch.std == kNumColonSecondsTZ) {
          b += ':';
        }
        if (ch.std != kNumShortTZ && ch.std != kISO8601ShortTZ) append_int(b, zone % 60, 2);
        if (ch.std == kISO8601SecondsTZ || ch.std == kNumSecondsTz || ch.std == kNumColonSecondsTZ ||
            ch.std == kISO8601ColonSecondsTZ) {
          if (ch.std == kNumColonSecondsTZ || ch.std == kISO8601ColonSecondsTZ) b += ':';
          append_int(b, absoffset % 60, 2);
        }
        break;
      }
      case kTZ: {
        if (!p.abbr.empty()) {
          b += p.abbr;
          break;
        }
        int64_t zone = p.offset / 60;
        if (zone < 0) {
          b += '-';
          zone = -zone;
        } else {
          b += '+';
        }
        append_int(b, zone / 60, 2);
        append_int(b, zone % 60, 2);
        break;
      }
      case kFracSecond0:
      case kFracSecond9: append_nano(b, t.nsec, ch); break;
      default: break;
    }
  }
  return b;
}

std::string time_string(const GoTime& t) { return format_time(t, "2006-01-02 15:04:05.999999999 -0700 MST"); }

Result<GoTime> parse_time_in_location(const std::string& layout_in, const std::string& value_in,
                                      const std::string& loc) {
  std::string layout = layout_in;
  std::string_view value = value_in;
  auto parse_error = [&](const std::string& elem, std::string_view v) {
    return Error::invalid("parsing time " + quote(value_in) + " as " + quote(layout_in) + ": cannot parse " +
                          quote(v) + " as " + quote(elem));
  };
  auto range_error = [&](const char* what) {
    return Error::invalid("parsing time " + quote(value_in) + ": " + what + " out of range");
  };
  int64_t year = 0, month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
  bool pm_set = false, am_set = false;
  std::optional<int32_t> z_offset;
  std::string z_name;
  while (true) {
    Chunk ch = next_std_chunk(layout);
    std::string std_str = layout.substr(ch.prefix.size(), layout.size() - ch.prefix.size() - ch.suffix.size());
    // skip: the literal prefix must match.
    {
      std::string_view p = ch.prefix;
      while (!p.empty()) {
        if (p[0] == ' ') {
          if (!value.empty() && value[0] != ' ') return parse_error(ch.prefix, value);
          while (!p.empty() && p[0] == ' ') p.remove_prefix(1);
          while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
          continue;
        }
        if (value.empty() || value[0] != p[0]) return parse_error(ch.prefix, value);
        p.remove_prefix(1);
        value.remove_prefix(1);
      }
    }
    if (ch.std == kNone) {
      if (!value.empty()) {
        return Error::invalid("parsing time " + quote(value_in) + ": extra text: " + quote(value));
      }
      break;
    }
    layout = ch.suffix;
    std::string_view hold = value;
    bool ok = true;
    const char* range = nullptr;
    switch (ch.std) {
      case kYear: {
        if (value.size() < 2 || !is_digit_char(value[0]) || !is_digit_char(value[1])) {
          ok = false;
          break;
        }
        year = (value[0] - '0') * 10 + (value[1] - '0');
        year += year >= 69 ? 1900 : 2000;
        value.remove_prefix(2);
        break;
      }
      case kLongYear: {
        if (value.size() < 4 || !std::all_of(value.begin(), value.begin() + 4, is_digit_char)) {
          ok = false;
          break;
        }
        year = std::stoll(std::string(value.substr(0, 4)));
        value.remove_prefix(4);
        break;
      }
      case kMonth:
      case kLongMonth: {
        int m;
        ok = lookup_name(value, kLongMonths, 12, ch.std == kMonth, &m);
        month = m + 1;
        break;
      }
      case kNumMonth:
      case kZeroMonth:
        ok = getnum(value, ch.std == kZeroMonth, &month);
        if (ok && (month <= 0 || month > 12)) range = "month";
        break;
      case kWeekDay:
      case kLongWeekDay: {
        int d;
        ok = lookup_name(value, kLongDays, 7, ch.std == kWeekDay, &d);
        break;
      }
      case kDay:
      case kUnderDay:
      case kZeroDay:
        if (ch.std == kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = getnum(value, ch.std == kZeroDay, &day);
        break;
      case kUnderYearDay:
      case kZeroYearDay:
        for (int i = 0; i < 2 && ch.std == kUnderYearDay && !value.empty() && value[0] == ' '; ++i) {
          value.remove_prefix(1);
        }
        ok = getnum3(value, ch.std == kZeroYearDay, &yday);
        break;
      case kHour:
        ok = getnum(value, false, &hour);
        if (ok && (hour < 0 || hour >= 24)) range = "hour";
        break;
      case kHour12:
      case kZeroHour12:
        ok = getnum(value, ch.std == kZeroHour12, &hour);
        if (ok && (hour < 0 || hour > 12)) range = "hour";
        break;
      case kMinute:
      case kZeroMinute:
        ok = getnum(value, ch.std == kZeroMinute, &min);
        if (ok && (min < 0 || min >= 60)) range = "minute";
        break;
      case kSecond:
      case kZeroSecond: {
        ok = getnum(value, ch.std == kZeroSecond, &sec);
        if (!ok) break;
        if (sec < 0 || sec >= 60) {
          range = "second";
          break;
        }
        // A fractional second may follow even when the layout does not say so.
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && is_digit_char(value[1])) {
          Chunk next = next_std_chunk(layout);
          if (next.prefix.empty() && (next.std == kFracSecond0 || next.std == kFracSecond9)) break;
          size_t n = 1;
          while (n < value.size() && is_digit_char(value[n])) ++n;
          std::string digits(value.substr(1, n - 1));
          digits.resize(9, '0');
          nsec = std::stoll(digits.substr(0, 9));
          value.remove_prefix(n);
        }
        break;
      }
      case kPM:
      case kpm: {
        if (value.size() < 2) {
          ok = false;
          break;
        }
        std::string p(value.substr(0, 2));
        if (p == "PM" || (ch.std == kpm && p == "pm")) {
          pm_set = true;
        } else if (p == "AM" || (ch.std == kpm && p == "am")) {
          am_set = true;
        } else {
          ok = false;
        }
        if (ok) value.remove_prefix(2);
        break;
      }
      case kISO8601TZ: case kISO8601ColonTZ: case kISO8601SecondsTZ: case kISO8601ShortTZ:
      case kISO8601ColonSecondsTZ: case kNumTZ: case kNumShortTZ: case kNumColonTZ: case kNumSecondsTz:
      case kNumColonSecondsTZ: {
        bool iso = ch.std == kISO8601TZ || ch.std == kISO8601ColonTZ || ch.std == kISO8601SecondsTZ ||
                   ch.std == kISO8601ShortTZ || ch.std == kISO8601ColonSecondsTZ;
        if (iso && !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          z_offset = 0;
          z_name = "UTC";
          break;
        }
        std::string_view v = value;
        if (v.empty() || (v[0] != '+' && v[0] != '-')) {
          ok = false;
          break;
        }
        char sign = v[0];
        v.remove_prefix(1);
        auto two = [&](int64_t* out) {
          if (v.size() < 2 || !is_digit_char(v[0]) || !is_digit_char(v[1])) return false;
          *out = (v[0] - '0') * 10 + (v[1] - '0');
          v.remove_prefix(2);
          return true;
        };
        bool colon = ch.std == kISO8601ColonTZ || ch.std == kNumColonTZ || ch.std == kISO8601ColonSecondsTZ ||
                     ch.std == kNumColonSecondsTZ;
        bool secs = ch.std == kISO8601SecondsTZ || ch.std == kNumSecondsTz || ch.std == kISO8601ColonSecondsTZ ||
                    ch.std == kNumColonSecondsTZ;
        bool shortz = ch.std == kNumShortTZ || ch.std == kISO8601ShortTZ;
        int64_t hh = 0, mm = 0, ss = 0;
        ok = two(&hh);
        if (ok && !shortz) {
          if (colon) {
            ok = !v.empty() && v[0] == ':';
            if (ok) v.remove_prefix(1);
          }
          ok = ok && two(&mm);
        }
        if (ok && secs) {
          if (colon) {
            ok = !v.empty() && v[0] == ':';
            if (ok) v.remove_prefix(1);
          }
          ok = ok && two(&ss);
        }
        if (ok && (hh > 24 || mm > 60 || ss > 60)) range = "time zone offset";
        if (!ok) break;
        int64_t off = (hh * 60 + mm) * 60 + ss;
        z_offset = static_cast<int32_t>(sign == '-' ? -off : off);
        value = v;
        break;
      }
      case kTZ: {
        if (value.size() >= 3 && value.substr(0, 3) == "UTC") {
          z_name = "UTC";
          value.remove_prefix(3);
          break;
        }
        size_t n = 0;
        while (n < value.size() && value[n] >= 'A' && value[n] <= 'Z') ++n;
        if (n < 3 || n > 5) {
          ok = false;
          break;
        }
        z_name = std::string(value.substr(0, n));
        value.remove_prefix(n);
        break;
      }
      case kFracSecond0: {
        size_t n = 1 + ch.frac_digits;
        if (value.size() < n || value[0] != ch.frac_sep) {
          ok = false;
          break;
        }
        for (size_t i = 1; i < n && ok; ++i) ok = is_digit_char(value[i]);
        if (!ok) break;
        std::string digits(value.substr(1, n - 1));
        digits.resize(9, '0');
        nsec = std::stoll(digits.substr(0, 9));
        value.remove_prefix(n);
        break;
      }
      case kFracSecond9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !is_digit_char(value[1])) break;
        size_t n = 1;
        while (n < 10 && n < value.size() && is_digit_char(value[n])) ++n;
        std::string digits(value.substr(1, n - 1));
        digits.resize(9, '0');
        nsec = std::stoll(digits);
        value.remove_prefix(n);
        break;
      }
      default: break;
    }
    if (range) return range_error(range);
    if (!ok) return parse_error(std_str, hold);
  }
  if (pm_set && hour < 12) hour += 12;
  if (am_set && hour == 12) hour = 0;
  if (yday >= 0) {
    int64_t y;
    int m, d;
    int64_t days_in_year = days_from_civil(year + 1, 1, 1) - days_from_civil(year, 1, 1);
    if (yday < 1 || yday > days_in_year) return range_error("day-of-year");
    civil_from_days(days_from_civil(year, 1, 1) + yday - 1, &y, &m, &d);
    if (month >= 0 && month != m) return range_error("day-of-year");
    if (day >= 0 && day != d) return range_error("day-of-year");
    month = m;
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  int64_t dim = days_from_civil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) -
                days_from_civil(year, month, 1);
  if (day < 1 || day > dim) return range_error("day");

  GoTime base;
  base.loc = loc;
  if (z_offset) {
    GoTime fixed;
    fixed.loc = "";
    fixed.fixed_offset = *z_offset;
    GoTime t = from_civil(year, month, day, hour, min, sec, nsec, fixed);
    // The location's own zone when it has this offset at that instant.
    GoTime in_loc = t;
    in_loc.loc = loc;
    in_loc.fixed_offset = 0;
    Period p = period_at(in_loc);
    if (p.offset == *z_offset && (z_name.empty() || p.abbr == z_name)) return in_loc;
    t.fixed_abbr = z_name == "UTC" && *z_offset == 0 ? "" : z_name;
    if (*z_offset == 0 && z_name == "UTC") return time_in(t, "UTC");
    return t;
  }
  if (!z_name.empty()) {
    GoTime t = from_civil(year, month, day, hour, min, sec, nsec, base);
    Period p = period_at(t);
    if (p.abbr == z_name) return t;
    if (z_name == "UTC") return from_civil(year, month, day, hour, min, sec, nsec, time_in(GoTime(), "UTC"));
    GoTime fixed;
    fixed.loc = "";
    fixed.fixed_abbr = z_name;
    return from_civil(year, month, day, hour, min, sec, nsec, fixed);
  }
  return from_civil(year, month, day, hour, min, sec, nsec, base);
}

std::string duration_string(int64_t d) {
  uint64_t u = static_cast<uint64_t>(d);
  bool neg = d < 0;
  if (neg) u = 0 - u;
  std::string out;  // built right to left
  auto frac = [&](uint64_t v, int prec) {
    bool print = false;
    std::string digits;
    for (int i = 0; i < prec; ++i) {
      int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) out.insert(0, "." + digits);
    return v;
  };
  auto integer = [&](uint64_t v) { out.insert(0, std::to_string(v)); };
  if (u < 1000000000ULL) {
    int prec = 0;
    if (u == 0) return "0s";
    if (u < 1000ULL) {
      out = "ns";
    } else if (u < 1000000ULL) {
      prec = 3;
      out = "\xC2\xB5s";
    } else {
      prec = 6;
      out = "ms";
    }
    u = frac(u, prec);
    integer(u);
  } else {
    out = "s";
    u = frac(u, 9);
    integer(u % 60);
    u /= 60;
    if (u > 0) {
      out.insert(0, "m");
      integer(u % 60);
      u /= 60;
      if (u > 0) {
        out.insert(0, "h");
        integer(u);
      }
    }
  }
  if (neg) out.insert(0, "-");
  return out;
}

Result<int64_t> parse_duration(const std::string& orig) {
  std::string_view s = orig;
  auto invalid = [&]() { return Error::invalid("time: invalid duration " + quote(orig)); };
  uint64_t d = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit_char(s[0]))) return invalid();
    uint64_t v = 0;
    size_t pl = s.size();
    while (!s.empty() && is_digit_char(s[0])) {
      if (v > kLimit / 10) return invalid();
      v = v * 10 + static_cast<uint64_t>(s[0] - '0');
      if (v > kLimit) return invalid();
      s.remove_prefix(1);
    }
    bool pre = pl != s.size();
    bool post = false;
    uint64_t f = 0;
    double scale = 1;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t fl = s.size();
      bool overflow = false;
      while (!s.empty() && is_digit_char(s[0])) {
        if (!overflow) {
          if (f > (kLimit - 1) / 10) {
            overflow = true;
          } else {
            uint64_t y = f * 10 + static_cast<uint64_t>(s[0] - '0');
            if (y > kLimit) {
              overflow = true;
            } else {
              f = y;
              scale *= 10;
            }
          }
        }
        s.remove_prefix(1);
      }
      post = fl != s.size();
    }
    if (!pre && !post) return invalid();
    size_t i = 0;
    while (i < s.size() && s[i] != '.' && !is_digit_char(s[i])) ++i;
    if (i == 0) return Error::invalid("time: missing unit in duration " + quote(orig));
    std::string u(s.substr(0, i));
    s.remove_prefix(i);
    static const std::map<std::string, uint64_t> kUnits = {
        {"ns", 1ULL},          {"us", 1000ULL},          {"\xC2\xB5s", 1000ULL},      {"\xCE\xBCs", 1000ULL},
        {"ms", 1000000ULL},    {"s", 1000000000ULL},     {"m", 60000000000ULL},       {"h", 3600000000000ULL}};
    auto it = kUnits.find(u);
    if (it == kUnits.end()) {
      return Error::invalid("time: unknown unit " + quote(u) + " in duration " + quote(orig));
    }
    uint64_t unit = it->second;
    if (v > kLimit / unit) return invalid();
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kLimit) return invalid();
    }
    d += v;
    if (d > kLimit) return invalid();
  }
  if (neg) return static_cast<int64_t>(0 - d);
  if (d > kLimit - 1) return invalid();
  return static_cast<int64_t>(d);
}

GoTime time_add(GoTime t, int64_t d) {
  int64_t dsec = d / kNanosPerSecond;
  int64_t nsec = t.nsec + d % kNanosPerSecond;
  if (nsec >= kNanosPerSecond) {
    ++dsec;
    nsec -= kNanosPerSecond;
  } else if (nsec < 0) {
    --dsec;
    nsec += kNanosPerSecond;
  }
  t.unix_sec += dsec;
  t.nsec = static_cast<int32_t>(nsec);
  return t;
}

int64_t time_sub(const GoTime& a, const GoTime& b) {
  __int128 d = static_cast<__int128>(a.unix_sec - b.unix_sec) * kNanosPerSecond + (a.nsec - b.nsec);
  if (d > INT64_MAX) return INT64_MAX;
  if (d < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(d);
}

int64_t duration_round(int64_t d, int64_t m) {
  if (m <= 0) return d;
  int64_t r = d % m;
  auto less_than_half = [](int64_t x, int64_t y) {
    return static_cast<uint64_t>(x) + static_cast<uint64_t>(x) < static_cast<uint64_t>(y);
  };
  if (d < 0) {
    r = -r;
    if (less_than_half(r, m)) return d + r;
    int64_t d1 = static_cast<int64_t>(static_cast<uint64_t>(d) - static_cast<uint64_t>(m) + static_cast<uint64_t>(r));
    if (d1 < d) return d1;
    return INT64_MIN;
  }
  if (less_than_half(r, m)) return d - r;
  int64_t d1 = static_cast<int64_t>(static_cast<uint64_t>(d) + static_cast<uint64_t>(m) - static_cast<uint64_t>(r));
  if (d1 > d) return d1;
  return INT64_MAX;
}

}  // namespace skiff::chart::funcs

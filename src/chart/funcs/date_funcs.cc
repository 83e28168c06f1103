// Sprig's date functions (date.go): now, date, dateInZone, htmlDate, htmlDateInZone,
// dateModify, ago, duration, durationRound, toDate, unixEpoch. Values of Go's
// time.Time carry its common methods (Format, Unix, Year, UTC, Add, ...).
#include "chart/funcs/go_time.h"
#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"
#include "chart/funcs/time_value.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;
using tmpl::FunctionDef;
using tmpl::TypeInfo;

constexpr const char* kTimeType = "time.Time";
constexpr int64_t kSecond = 1000000000;

std::shared_ptr<const TypeInfo> time_type();

Value make_time_value(const GoTime& t) {
  ValueMap m;
  m[" sec"] = Value::integer(t.unix_sec, Kind::kInt64);
  m[" nsec"] = Value::integer(t.nsec, Kind::kInt64);
  m[" loc"] = Value::string(t.loc);
  m[" offset"] = Value::integer(t.fixed_offset, Kind::kInt64);
  m[" abbr"] = Value::string(t.fixed_abbr);
  return Value::map(std::move(m)).with_type(time_type());
}

bool is_time(const Value& v) { return v.type_info() && v.type_info()->name == kTimeType; }

GoTime time_of(const Value& v_in) {
  const auto& m = v_in.unboxed().map_entries();
  GoTime t;
  t.unix_sec = m.at(" sec").as_int();
  t.nsec = static_cast<int32_t>(m.at(" nsec").as_int());
  t.loc = m.at(" loc").as_string();
  t.fixed_offset = static_cast<int32_t>(m.at(" offset").as_int());
  t.fixed_abbr = m.at(" abbr").as_string();
  return t;
}

FunctionDef method(std::vector<ParamKind> params, std::function<Result<Value>(const GoTime&, Args&)> fn) {
  FunctionDef def = tmpl::make_function(std::move(params), false,
                                        [fn](Args& a, CallContext&) { return fn(time_of(a[0]), a); });
  for (auto& p : def.sig.params) {
    if (p.kind == ParamKind::kNamed) p.named = kTimeType;
  }
  return def;
}

Value int_value(int64_t v) { return Value::integer(v, Kind::kInt); }

// time.Month and time.Weekday: ints that print as names.
Value named_int(int64_t v, const char* type, const char* const* names) {
  auto t = std::make_shared<TypeInfo>();
  t->name = type;
  t->stringer = [names](const Value& x) { return std::string(names[x.as_int()]); };
  return Value::integer(v, Kind::kInt).with_type(std::move(t));
}

const char* const kMonthNames[] = {"", "January", "February", "March", "April", "May", "June",
                                   "July", "August", "September", "October", "November", "December"};
const char* const kDayNames[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::shared_ptr<const TypeInfo> time_type() {
  static const auto kType = [] {
    auto t = std::make_shared<TypeInfo>();
    t->name = kTimeType;
    t->is_struct = true;
    t->stringer = [](const Value& v) { return time_string(time_of(v)); };
    auto& m = t->methods;
    m["String"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return Value::string(time_string(t)); });
    m["Format"] = method({P::kString}, [](const GoTime& t, Args& a) -> Result<Value> {
      return Value::string(format_time(t, a[1].as_string()));
    });
    m["Unix"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return Value::integer(t.unix_sec, Kind::kInt64); });
    m["UnixMilli"] = method({}, [](const GoTime& t, Args&) -> Result<Value> {
      return Value::integer(t.unix_sec * 1000 + t.nsec / 1000000, Kind::kInt64);
    });
    m["UnixNano"] = method({}, [](const GoTime& t, Args&) -> Result<Value> {
      return Value::integer(t.unix_sec * kSecond + t.nsec, Kind::kInt64);
    });
    m["Year"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return int_value(civil(t).year); });
    m["Month"] = method({}, [](const GoTime& t, Args&) -> Result<Value> {
      return named_int(civil(t).month, "time.Month", kMonthNames);
    });
    m["Weekday"] = method({}, [](const GoTime& t, Args&) -> Result<Value> {
      return named_int(civil(t).weekday, "time.Weekday", kDayNames);
    });
    m["Day"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return int_value(civil(t).day); });
    m["Hour"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return int_value(civil(t).hour); });
    m["Minute"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return int_value(civil(t).minute); });
    m["Second"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return int_value(civil(t).second); });
    m["Nanosecond"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return int_value(t.nsec); });
    m["YearDay"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return int_value(civil(t).yday); });
    m["IsZero"] = method({}, [](const GoTime& t, Args&) -> Result<Value> {
      return Value::boolean(t.unix_sec == GoTime().unix_sec && t.nsec == 0);
    });
    m["UTC"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return make_time_value(time_in(t, "UTC")); });
    m["Local"] = method({}, [](const GoTime& t, Args&) -> Result<Value> { return make_time_value(time_in(t, "Local")); });
    m["Add"] = method({P::kInt64}, [](const GoTime& t, Args& a) -> Result<Value> {
      return make_time_value(time_add(t, a[1].as_int()));
    });
    m["Sub"] = method({P::kNamed}, [](const GoTime& t, Args& a) -> Result<Value> {
      return Value::integer(time_sub(t, time_of(a[1])), Kind::kInt64);
    });
    m["Before"] = method({P::kNamed}, [](const GoTime& t, Args& a) -> Result<Value> {
      return Value::boolean(time_sub(t, time_of(a[1])) < 0);
    });
    m["After"] = method({P::kNamed}, [](const GoTime& t, Args& a) -> Result<Value> {
      return Value::boolean(time_sub(t, time_of(a[1])) > 0);
    });
    m["Equal"] = method({P::kNamed}, [](const GoTime& t, Args& a) -> Result<Value> {
      return Value::boolean(time_sub(t, time_of(a[1])) == 0);
    });
    return std::shared_ptr<const TypeInfo>(t);
  }();
  return kType;
}

// The time a date argument denotes: time.Time, or int/int32/int64 Unix seconds;
// anything else (including float64) is the current time, as Sprig's type switch does.
GoTime date_arg(const Value& v) {
  if (is_time(v)) return time_of(v);
  Kind k = v.kind();
  if (!v.type_info() && (k == Kind::kInt || k == Kind::kInt32 || k == Kind::kInt64)) return time_unix(v.as_int(), 0);
  return time_now();
}

std::string date_in_zone(const std::string& layout, const Value& date, const std::string& zone) {
  GoTime t = date_arg(date);
  std::string loc = check_location(zone).ok() ? zone : "UTC";
  return format_time(time_in(t, loc.empty() ? "UTC" : loc), layout);
}

std::string duration_round_text(int64_t d) {
  uint64_t u = static_cast<uint64_t>(d);
  if (d < 0) u = 0 - u;
  constexpr uint64_t kHour = 3600ULL * kSecond;
  constexpr uint64_t kYear = kHour * 24 * 365;
  constexpr uint64_t kMonth = kHour * 24 * 30;
  constexpr uint64_t kDay = kHour * 24;
  constexpr uint64_t kMinute = 60ULL * kSecond;
  if (u > kYear) return std::to_string(u / kYear) + "y";
  if (u > kMonth) return std::to_string(u / kMonth) + "mo";
  if (u > kDay) return std::to_string(u / kDay) + "d";
  if (u > kHour) return std::to_string(u / kHour) + "h";
  if (u > kMinute) return std::to_string(u / kMinute) + "m";
  if (u > static_cast<uint64_t>(kSecond)) return std::to_string(u / kSecond) + "s";
  return "0s";
}

}  // namespace

void register_date_functions(tmpl::TemplateSet& set) {
  add(set, "now", {}, false, [](Args&, CallContext&) -> Result<Value> { return make_time_value(time_now()); });
  add(set, "date", {P::kString, P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::string(date_in_zone(a[0].as_string(), a[1], "Local"));
  });
  auto in_zone = [](Args& a, CallContext&) -> Result<Value> {
    return Value::string(date_in_zone(a[0].as_string(), a[1], a[2].as_string()));
  };
  add(set, "dateInZone", {P::kString, P::kAny, P::kString}, false, in_zone);
  add(set, "date_in_zone", {P::kString, P::kAny, P::kString}, false, in_zone);
  add(set, "htmlDate", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::string(date_in_zone("2006-01-02", a[0], "Local"));
  });
  add(set, "htmlDateInZone", {P::kAny, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::string(date_in_zone("2006-01-02", a[0], a[1].as_string()));
  });
  auto modify = [](Args& a, CallContext&) -> Result<Value> {
    auto d = parse_duration(a[0].as_string());
    if (!d.ok()) return a[1];
    return make_time_value(time_add(time_of(a[1]), *d));
  };
  auto must_modify = [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(int64_t d, parse_duration(a[0].as_string()));
    return make_time_value(time_add(time_of(a[1]), d));
  };
  auto time_param = [](tmpl::Function fn) {
    FunctionDef def = tmpl::make_function({P::kString, P::kNamed}, false, std::move(fn));
    def.sig.params[1].named = kTimeType;
    return def;
  };
  set.add_function("dateModify", time_param(modify));
  set.add_function("date_modify", time_param(modify));
  set.add_function("mustDateModify", time_param(must_modify));
  set.add_function("must_date_modify", time_param(must_modify));
  add(set, "ago", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    const Value& v = a[0];
    GoTime t = time_now();
    if (is_time(v)) {
      t = time_of(v);
    } else if (!v.type_info() && (v.kind() == Kind::kInt || v.kind() == Kind::kInt64)) {
      t = time_unix(v.as_int(), 0);
    }
    return Value::string(duration_string(duration_round(time_sub(time_now(), t), kSecond)));
  });
  add(set, "duration", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    const Value& v = a[0];
    int64_t n = 0;
    if (v.kind() == Kind::kString && !v.type_info()) {
      n = tmpl::go_parse_int(v.as_string()).value_or(0);
      // ParseInt(s, 10, 64) takes no base prefixes or underscores.
      const std::string& s = v.as_string();
      for (size_t i = (s.size() > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') n = 0;
      }
    } else if (v.kind() == Kind::kInt64 && !v.type_info()) {
      n = v.as_int();
    }
    return Value::string(duration_string(static_cast<int64_t>(static_cast<uint64_t>(n) * kSecond)));
  });
  add(set, "durationRound", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    const Value& v = a[0];
    int64_t d = 0;
    if (v.kind() == Kind::kString && !v.type_info()) {
      d = parse_duration(v.as_string()).ok() ? *parse_duration(v.as_string()) : 0;
    } else if (v.kind() == Kind::kInt64 && !v.type_info()) {
      d = v.as_int();
    } else if (is_time(v)) {
      d = time_sub(time_now(), time_of(v));
    }
    return Value::string(duration_round_text(d));
  });
  add(set, "toDate", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    auto t = parse_time_in_location(a[0].as_string(), a[1].as_string(), "Local");
    if (!t.ok()) return make_time_value(time_in(GoTime(), "UTC"));
    return make_time_value(*t);
  });
  add(set, "mustToDate", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(GoTime t, parse_time_in_location(a[0].as_string(), a[1].as_string(), "Local"));
    return make_time_value(t);
  });
  FunctionDef epoch = tmpl::make_function({P::kNamed}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::string(std::to_string(time_of(a[0]).unix_sec));
  });
  epoch.sig.params[0].named = kTimeType;
  set.add_function("unixEpoch", std::move(epoch));
}

tmpl::Value time_value(const GoTime& t) { return make_time_value(t); }

}  // namespace skiff::chart::funcs

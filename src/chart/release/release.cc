#include "chart/release/release.h"

#include <cstdio>
#include <ctime>

#include "chart/chart/chartfile.h"

namespace skiff::chart::release {

bool is_pending(const std::string& status) {
  return status == kStatusPendingInstall || status == kStatusPendingUpgrade || status == kStatusPendingRollback;
}

std::string Release::chart_name() const {
  const Json* v = find_path(chart, "metadata.name");
  return v && v->is_string() ? v->get<std::string>() : "";
}
std::string Release::chart_version() const {
  const Json* v = find_path(chart, "metadata.version");
  return v && v->is_string() ? v->get<std::string>() : "";
}
std::string Release::app_version() const {
  const Json* v = find_path(chart, "metadata.appVersion");
  return v && v->is_string() ? v->get<std::string>() : "";
}
Json Release::chart_values() const {
  const Json* v = find_path(chart, "values");
  return v && v->is_object() ? *v : Json::object();
}

namespace {

void put_string(Json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

std::string string_field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> string_list(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& s : *it) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

Json hook_to_json(const ReleaseHook& h) {
  Json j = Json::object();
  put_string(j, "name", h.name);
  put_string(j, "kind", h.kind);
  put_string(j, "path", h.path);
  put_string(j, "manifest", h.manifest);
  if (!h.events.empty()) j["events"] = h.events;
  Json run = Json::object();
  put_string(run, "started_at", h.last_run.started_at);
  put_string(run, "completed_at", h.last_run.completed_at);
  run["phase"] = h.last_run.phase;
  j["last_run"] = run;
  if (h.weight != 0) j["weight"] = h.weight;
  if (!h.delete_policies.empty()) j["delete_policies"] = h.delete_policies;
  if (!h.output_log_policies.empty()) j["output_log_policies"] = h.output_log_policies;
  return j;
}

ReleaseHook hook_from_json(const Json& j) {
  ReleaseHook h;
  h.name = string_field(j, "name");
  h.kind = string_field(j, "kind");
  h.path = string_field(j, "path");
  h.manifest = string_field(j, "manifest");
  h.events = string_list(j, "events");
  if (auto it = j.find("last_run"); it != j.end() && it->is_object()) {
    h.last_run.started_at = string_field(*it, "started_at");
    h.last_run.completed_at = string_field(*it, "completed_at");
    h.last_run.phase = string_field(*it, "phase");
  }
  if (auto it = j.find("weight"); it != j.end() && it->is_number()) h.weight = it->get<int>();
  h.delete_policies = string_list(j, "delete_policies");
  h.output_log_policies = string_list(j, "output_log_policies");
  return h;
}

}  // namespace

Json release_to_json(const Release& r) {
  Json j = Json::object();
  put_string(j, "name", r.name);
  Json info = r.info.extra.is_object() ? r.info.extra : Json::object();
  put_string(info, "first_deployed", r.info.first_deployed);
  put_string(info, "last_deployed", r.info.last_deployed);
  put_string(info, "deleted", r.info.deleted);
  put_string(info, "description", r.info.description);
  put_string(info, "status", r.info.status);
  put_string(info, "notes", r.info.notes);
  j["info"] = info;
  if (!r.chart.is_null()) j["chart"] = r.chart;
  if (r.config.is_object() && !r.config.empty()) j["config"] = r.config;
  put_string(j, "manifest", r.manifest);
  if (!r.hooks.empty()) {
    Json hooks = Json::array();
    for (const auto& h : r.hooks) hooks.push_back(hook_to_json(h));
    j["hooks"] = hooks;
  }
  if (r.version != 0) j["version"] = r.version;
  put_string(j, "namespace", r.namespace_);
  put_string(j, "apply_method", r.apply_method);
  return j;
}

Result<Release> release_from_json(const Json& j) {
  if (!j.is_object()) return Error::bad_request("release: expected a JSON object");
  Release r;
  r.name = string_field(j, "name");
  if (auto it = j.find("info"); it != j.end() && it->is_object()) {
    r.info.first_deployed = string_field(*it, "first_deployed");
    r.info.last_deployed = string_field(*it, "last_deployed");
    r.info.deleted = string_field(*it, "deleted");
    r.info.description = string_field(*it, "description");
    r.info.status = string_field(*it, "status");
    r.info.notes = string_field(*it, "notes");
    for (const auto& [k, v] : it->items()) {
      if (k != "first_deployed" && k != "last_deployed" && k != "deleted" && k != "description" && k != "status" &&
          k != "notes") {
        r.info.extra[k] = v;
      }
    }
  }
  if (auto it = j.find("chart"); it != j.end()) r.chart = *it;
  if (auto it = j.find("config"); it != j.end() && it->is_object()) r.config = *it;
  r.manifest = string_field(j, "manifest");
  if (auto it = j.find("hooks"); it != j.end() && it->is_array()) {
    for (const auto& h : *it) r.hooks.push_back(hook_from_json(h));
  }
  if (auto it = j.find("version"); it != j.end() && it->is_number()) r.version = it->get<int>();
  r.namespace_ = string_field(j, "namespace");
  r.apply_method = string_field(j, "apply_method");
  return r;
}

std::string now_timestamp() { return now_rfc3339_nano(); }

namespace {

struct Parsed {
  struct tm tm {};  // wall-clock fields in the stamp's own offset
  long nanos = 0;
  int offset = 0;   // seconds east of UTC
  bool utc = false; // written with "Z"
  time_t epoch = 0;
};

bool parse_stamp(const std::string& s, Parsed& p) {
  int y, mo, d, h, mi, se;
  int n = 0;
  if (sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6) return false;
  size_t i = static_cast<size_t>(n);
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::string frac;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) frac += s[i++];
    frac.resize(9, '0');
    p.nanos = std::stol(frac.substr(0, 9));
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    p.utc = true;
  } else if (i + 5 < s.size() + 1 && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return false;
    p.offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
  } else {
    return false;
  }
  p.tm.tm_year = y - 1900;
  p.tm.tm_mon = mo - 1;
  p.tm.tm_mday = d;
  p.tm.tm_hour = h;
  p.tm.tm_min = mi;
  p.tm.tm_sec = se;
  struct tm copy = p.tm;
  p.epoch = timegm(&copy) - p.offset;
  copy = {};
  gmtime_r(&p.epoch, &copy);
  time_t shifted = p.epoch + p.offset;
  gmtime_r(&shifted, &p.tm);  // normalises and fills tm_wday
  return true;
}

// The zone name Go prints: "UTC" for Z, the local abbreviation when the offset is the local
// one at that instant (Go decodes such stamps into time.Local), else the numeric offset.
std::string zone_name(const Parsed& p) {
  if (p.utc) return "UTC";
  struct tm local {};
  localtime_r(&p.epoch, &local);
  if (local.tm_gmtoff == p.offset && local.tm_zone) return local.tm_zone;
  char buf[8];
  int a = p.offset < 0 ? -p.offset : p.offset;
  snprintf(buf, sizeof buf, "%c%02d%02d", p.offset < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return buf;
}

}  // namespace

std::string format_ansic(const std::string& timestamp) {
  Parsed p;
  if (timestamp.empty() || !parse_stamp(timestamp, p)) return "";
  char buf[64];
  strftime(buf, sizeof buf, "%a %b ", &p.tm);
  char rest[48];
  snprintf(rest, sizeof rest, "%2d %02d:%02d:%02d %d", p.tm.tm_mday, p.tm.tm_hour, p.tm.tm_min, p.tm.tm_sec,
           p.tm.tm_year + 1900);
  return std::string(buf) + rest;
}

std::string format_go_time(const std::string& timestamp) {
  Parsed p;
  if (timestamp.empty() || !parse_stamp(timestamp, p)) return "-";
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &p.tm);
  std::string out = buf;
  if (p.nanos != 0) {
    char f[16];
    snprintf(f, sizeof f, ".%09ld", p.nanos);
    std::string frac = f;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  int a = p.offset < 0 ? -p.offset : p.offset;
  char off[16];
  snprintf(off, sizeof off, " %c%02d%02d ", p.offset < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return out + off + zone_name(p);
}

double timestamp_seconds(const std::string& timestamp) {
  Parsed p;
  if (timestamp.empty() || !parse_stamp(timestamp, p)) return 0;
  return static_cast<double>(p.epoch) + p.nanos / 1e9;
}

}  // namespace skiff::chart::release

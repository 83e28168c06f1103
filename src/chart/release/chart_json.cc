#include "chart/release/chart_json.h"

#include <cstdio>
#include <ctime>

#include "chart/chart/chartfile.h"
#include "util/encoding.h"

namespace skiff::chart::release {

namespace {

// time.Time's JSON form of a modification time, local zone (as helm's loader records it).
std::string go_time(long long ns) {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  long frac = static_cast<long>(ns % 1000000000);
  struct tm tm {};
  localtime_r(&secs, &tm);
  char date[32];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = date;
  if (frac != 0) {
    char buf[16];
    snprintf(buf, sizeof buf, ".%09ld", frac);
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  long off = tm.tm_gmtoff;
  if (off == 0) return out + "Z";
  char zone[8];
  long a = off < 0 ? -off : off;
  snprintf(zone, sizeof zone, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return out + zone;
}

Json file_json(const ChartFile& f) {
  Json j = {{"name", f.name}, {"data", base64_encode(f.data)}};
  if (f.mtime_ns != 0) j["modtime"] = go_time(f.mtime_ns);
  return j;
}

// A nil Go slice (no files) marshals as null.
Json files_json(const std::vector<ChartFile>& files) {
  if (files.empty()) return nullptr;
  Json out = Json::array();
  for (const auto& f : files) out.push_back(file_json(f));
  return out;
}

}  // namespace

Json chart_to_json(const Chart& chart) {
  Json j = Json::object();
  j["metadata"] = metadata_to_json(chart.metadata);
  j["lock"] = nullptr;
  if (chart.lock_file) {
    auto lock = parse_lock(chart.lock_file->data, chart.lock_file->name);
    if (lock.ok()) {
      Json deps = Json::array();
      for (const auto& d : lock->dependencies) deps.push_back(dependency_to_json(d));
      j["lock"] = {{"generated", lock->generated}, {"digest", lock->digest}, {"dependencies", deps}};
    }
  }
  j["templates"] = files_json(chart.templates);
  j["values"] = chart.values.is_object() ? chart.values : Json::object();
  j["schema"] = chart.schema ? Json(base64_encode(*chart.schema)) : Json(nullptr);
  j["schemamodtime"] = chart.schema_file && chart.schema_file->mtime_ns != 0 ? go_time(chart.schema_file->mtime_ns)
                                                                            : "0001-01-01T00:00:00Z";
  j["files"] = files_json(chart.files);
  if (chart.metadata_mtime_ns != 0) j["modtime"] = go_time(chart.metadata_mtime_ns);
  return j;
}

}  // namespace skiff::chart::release

#include "chart/release/chart_json.h"

#include <cstdio>
#include <ctime>

#include "chart/chart/chartfile.h"
#include "util/encoding.h"

namespace skiff::chart::release {

namespace {


Json file_json(const ChartFile& f) {
  Json j = {{"name", f.name}, {"data", base64_encode(f.data)}};
  if (f.mtime_ns != 0) j["modtime"] = local_rfc3339_nano(f.mtime_ns);
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
  j["schemamodtime"] = chart.schema_file && chart.schema_file->mtime_ns != 0 ? local_rfc3339_nano(chart.schema_file->mtime_ns)
                                                                            : "0001-01-01T00:00:00Z";
  j["files"] = files_json(chart.files);
  if (chart.metadata_mtime_ns != 0) j["modtime"] = local_rfc3339_nano(chart.metadata_mtime_ns);
  return j;
}

}  // namespace skiff::chart::release

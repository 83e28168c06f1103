// A loaded Helm chart (helm's pkg/chart/v2 Chart and Metadata): files sorted into
// templates, values, schema and other files, plus its subcharts.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/json.h"

namespace skiff::chart {

struct ChartFile {
  std::string name;  // slash-separated path relative to the chart root
  std::string data;
  long long mtime_ns = 0;  // modification time (ns since the epoch); 0 when unknown
  // Set when the loader left `data` unread (LoadOptions::defer_file_contents): the file
  // that holds it (read_deferred_contents).
  std::string deferred_path;
};

struct Maintainer {
  std::string name;
  std::string email;
  std::string url;
};

struct Dependency {
  std::string name;
  std::string version;
  std::string repository;
  std::string condition;
  std::vector<std::string> tags;
  bool enabled = false;
  Json import_values = Json::array();  // strings or {child, parent} maps
  std::string alias;
};

struct Metadata {
  std::string name;
  std::string home;
  std::vector<std::string> sources;
  std::string version;
  std::string description;
  std::vector<std::string> keywords;
  std::vector<Maintainer> maintainers;
  std::string icon;
  std::string api_version;
  std::string condition;
  std::string tags;
  std::string app_version;
  bool deprecated = false;
  std::optional<std::map<std::string, std::string>> annotations;  // nil when absent
  std::string kube_version;
  std::vector<Dependency> dependencies;
  std::string type;
};

struct Chart {
  Metadata metadata;
  std::vector<ChartFile> templates;  // templates/...
  std::vector<ChartFile> files;      // everything .Files exposes
  Json values = Json::object();
  std::optional<ChartFile> values_file;  // values.yaml as written (show values, package)
  std::optional<ChartFile> schema_file;  // values.schema.json with its mtime
  std::optional<ChartFile> lock_file;    // Chart.lock (v2) or requirements.lock (v1)
  long long metadata_mtime_ns = 0;       // Chart.yaml's modification time
  std::optional<std::string> schema;  // values.schema.json
  std::vector<std::shared_ptr<Chart>> dependencies;
  const Chart* parent = nullptr;

  const std::string& name() const { return metadata.name; }
  bool is_root() const { return parent == nullptr; }
  bool is_library() const;
  // helm's ChartFullPath: "parent/charts/child".
  std::string full_path() const;
  // helm's ChartPath: "parent.child".
  std::string path() const;
  // Replaces the subcharts and points their parent here.
  void set_dependencies(std::vector<std::shared_ptr<Chart>> deps);
  // A copy of this chart whose subcharts are shallow copies too (helm's alias copy).
  std::shared_ptr<Chart> clone_for_alias() const;
};

struct CrdObject {
  std::string filename;  // CHARTPATH/crds/FILE
  const ChartFile* file = nullptr;
};

// crds/*.{yaml,yml,json} of the chart and, recursively, its subcharts.
std::vector<CrdObject> crd_objects(const Chart& chart);

}  // namespace skiff::chart

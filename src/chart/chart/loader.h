// Loading charts from directories and .tgz archives (helm's pkg/chart/v2/loader).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chart/chart/chart.h"
#include "util/result.h"

namespace skiff::chart {

struct LoadOptions {
  // Leave the files that loading itself does not read (READMEs, crds/, files for .Files)
  // unread in a chart directory: their ChartFile has deferred_path set and no mtime.
  // For a render, which reads only the files its templates ask for.
  bool defer_file_contents = false;
};

// A chart directory (honouring .helmignore) or a gzipped tar archive.
Result<std::shared_ptr<Chart>> load_chart(const std::string& path, const LoadOptions& options = {});

// As helm 4's install, upgrade and template load a chart (the loader that first reads
// Chart.yaml to detect the chart's API version): a directory without one fails so.
Result<std::shared_ptr<Chart>> load_chart_detecting_version(const std::string& path, const LoadOptions& options = {});

// A file's contents, read now if the loader deferred them (empty if the file has gone).
std::string read_deferred_contents(const ChartFile& file);

// helm's LoadFiles: sorts files into Chart.yaml, values, schema, templates, charts/
// (subcharts, directories or .tgz) and other files, then validates the metadata.
Result<std::shared_ptr<Chart>> load_chart_files(std::vector<ChartFile> files);

// A .tgz chart archive held in memory.
Result<std::shared_ptr<Chart>> load_chart_archive(const std::string& bytes);

}  // namespace skiff::chart

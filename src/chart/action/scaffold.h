// `skiff chart create`: skiff's starter chart (the same file set as `helm create`'s).
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace skiff::chart {

struct ScaffoldFile {
  const char* path;     // relative to the chart directory
  const char* content;  // "<CHARTNAME>" stands for the chart name
};

// In the order helm writes them.
const std::vector<ScaffoldFile>& scaffold_files();

// `helm create NAME`: NAME may be a path; its last element names the chart. Returns what helm
// prints after "Creating NAME" (a warning for each overwritten file).
Result<std::string> create_chart(const std::string& name);

}  // namespace skiff::chart

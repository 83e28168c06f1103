// `helm package` and `helm show` over a chart directory or archive.
#pragma once

#include <string>

#include "util/result.h"

namespace skiff::chart {

struct PackageOptions {
  std::string path;         // chart directory
  std::string version;      // --version
  std::string app_version;  // --app-version
  std::string destination = ".";  // -d
};

// Returns the path of the written archive (helm prints
// "Successfully packaged chart and saved it to: PATH").
Result<std::string> package_chart(const PackageOptions& opts);

enum class ShowKind { kAll, kChart, kValues, kReadme, kCrds };

// What `helm show KIND PATH` prints.
Result<std::string> show_chart(ShowKind kind, const std::string& path);

}  // namespace skiff::chart

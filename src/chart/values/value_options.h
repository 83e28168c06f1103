// helm's values.Options.MergeValues: -f files, then --set-json, --set, --set-string,
// --set-file and --set-literal, each layer over the previous one.
#pragma once

#include <string>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::chart {

struct ValueOptions {
  std::vector<std::string> value_files;     // -f/--values ("-" is stdin)
  std::vector<std::string> json_values;     // --set-json
  std::vector<std::string> values;          // --set
  std::vector<std::string> string_values;   // --set-string
  std::vector<std::string> file_values;     // --set-file
  std::vector<std::string> literal_values;  // --set-literal
};

Result<Json> merge_value_options(const ValueOptions& opts);

}  // namespace skiff::chart

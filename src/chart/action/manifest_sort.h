// helm's manifest splitting and install-order sorting (pkg/release/v1/util:
// manifest.go, manifest_sorter.go, kind_sorter.go).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace skiff::chart {

// SplitManifests: documents of a stream split on "---" lines, trimmed, empties dropped.
std::vector<std::string> split_manifests(std::string_view big_file);

struct Manifest {
  std::string name;  // template path
  std::string content;
  std::string kind;
  std::string api_version;
};

struct Hook {
  std::string name;
  std::string kind;
  std::string path;
  std::string manifest;
  std::vector<std::string> events;
  int weight = 0;
};

struct SortedManifests {
  std::vector<Hook> hooks;
  std::vector<Manifest> manifests;
};

// SortManifests with helm 4's InstallOrder: files in path order (partials and blank
// files skipped), documents classified as hooks or manifests, each list stable-sorted
// by kind. Errors: "YAML parse error on FILE: ...".
Result<SortedManifests> sort_manifests(const std::map<std::string, std::string>& files);

// Position of a kind in helm's InstallOrder; unknown kinds sort after all known ones.
bool install_order_less(const std::string& kind_a, const std::string& kind_b);

}  // namespace skiff::chart

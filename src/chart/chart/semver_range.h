// helm's version checks over Masterminds/semver v3 (chart/funcs/semver.h): Chart.yaml
// version validity and IsCompatibleRange for dependency ranges and kubeVersion.
#pragma once

#include <string>

namespace skiff::chart {

// semver.NewVersion accepts the text (helm's isValidSemver).
bool is_valid_semver(const std::string& version);

// helm's IsCompatibleRange: false when either side does not parse.
bool semver_satisfies(const std::string& constraint, const std::string& version);

}  // namespace skiff::chart

// helm's own template functions (pkg/engine/funcs.go and engine.go): include, tpl,
// required, fail, lookup (empty offline), toYaml/fromYaml/toJson/fromJson and friends.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "chart/template/template.h"

namespace skiff::chart {

// Per-render counts of nested include calls by template name (helm's includedNames).
using IncludeCounts = std::map<std::string, int, std::less<>>;

// Adds helm's functions (after Sprig's, replacing getHostByName with the offline one).
void add_helm_functions(tmpl::TemplateSet& set, std::shared_ptr<IncludeCounts> counts);

// helm wraps required/fail messages so its error reformatting can find them.
inline constexpr const char* kWarnStart = "HELM_ERR_START";
inline constexpr const char* kWarnEnd = "HELM_ERR_END";

}  // namespace skiff::chart

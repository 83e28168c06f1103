// helm's own template functions (pkg/engine/funcs.go and engine.go): include, tpl,
// required, fail, lookup (empty offline), toYaml/fromYaml/toJson/fromJson and friends.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "chart/template/template.h"

namespace skiff::chart {

// Hashing for include counts, keyed by std::string and looked up by string_view.
struct IncludeNameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// Per-render counts of nested include calls by template name (helm's includedNames).
using IncludeCounts = std::unordered_map<std::string, int, IncludeNameHash, std::equal_to<>>;

// Adds helm's functions (after Sprig's, replacing getHostByName with the offline one). In lint
// mode `required` and `fail` return "" instead of an error, as helm lint's engine.
void add_helm_functions(tmpl::TemplateSet& set, std::shared_ptr<IncludeCounts> counts, bool lint_mode = false);

// helm wraps required/fail messages so its error reformatting can find them.
inline constexpr const char* kWarnStart = "HELM_ERR_START";
inline constexpr const char* kWarnEnd = "HELM_ERR_END";

}  // namespace skiff::chart

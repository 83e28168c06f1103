// The template executor (Go's exec.go): walks a parsed tree against data.
#pragma once

#include <string>

#include "chart/template/template.h"

namespace skiff::chart::tmpl {

// Runs `tree` (a template of `set`) with `data` as dot and $, appending to `out`.
Status execute_tree(const TemplateSet& set, const Tree& tree, const Value& data, std::string& out);

}  // namespace skiff::chart::tmpl

// Parser for Go template text: builds the trees of one parse (the top-level template
// plus each {{define}} and {{block}}) with Go's grammar and parse error messages.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "chart/template/node.h"
#include "util/result.h"

namespace skiff::chart::tmpl {

using TreeMap = std::map<std::string, std::shared_ptr<Tree>, std::less<>>;

// Parses `text` as the template `name`. `has_function` reports which identifiers
// name functions (parse fails on unknown ones, like Go without SkipFuncCheck).
// The trees keep `text` alive; their nodes view it and live in `arena`, which they keep
// alive too.
// Errors read like Go's: `template: NAME:LINE: unexpected "}" in operand`.
Result<TreeMap> parse_template_text(std::string_view name, std::shared_ptr<const std::string> text,
                                    const std::function<bool(std::string_view)>& has_function,
                                    std::shared_ptr<NodeArena> arena);

}  // namespace skiff::chart::tmpl

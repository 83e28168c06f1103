// CEL's grammar (cel-spec langdef) parsed as cel-go does, with its macros expanded and its
// error texts where they matter ("Syntax error: mismatched input ...", "reserved identifier").
#pragma once

#include <string_view>
#include <vector>

#include "api/cel/ast.h"
#include "api/cel/issues.h"

namespace skiff::api::cel {

struct ParseResult {
  ExprPtr expr;  // null when issues is non-empty
  std::vector<Issue> issues;
};

ParseResult parse(std::string_view source);

}  // namespace skiff::api::cel

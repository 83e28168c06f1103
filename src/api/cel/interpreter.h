// Evaluating a checked expression. Cost is counted as cel-go counts it (roughly: one unit per
// variable, field or call, more for string and list work) and evaluation stops with
// "operation cancelled: actual cost limit exceeded" past the limit, so no rule can run long.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/cel/ast.h"
#include "api/cel/value.h"

namespace re2 {
class RE2;
}

namespace skiff::api::cel {

inline constexpr std::string_view kCostLimitExceeded = "operation cancelled: actual cost limit exceeded";

// Regular expressions compiled once, for calls whose pattern is a string literal.
using RegexCache = std::map<const Expr*, std::shared_ptr<const re2::RE2>>;

using Bindings = std::vector<std::pair<std::string, Value>>;

struct EvalResult {
  Value value;
  uint64_t cost = 0;
  bool cost_limit_exceeded = false;  // value is then the kCostLimitExceeded error
};

EvalResult evaluate(const Expr& expr, const Bindings& variables, uint64_t cost_limit,
                    const RegexCache* regexes = nullptr);

// Walks a checked expression and compiles the patterns of matches()/find()/findAll() given as
// literals; false (with the offending literal) when one is not a valid RE2 pattern.
bool precompile_regexes(const Expr& expr, RegexCache& out, const Expr** invalid);

}  // namespace skiff::api::cel

// Type-checking a parsed expression against declared variables, as cel-go's checker does with
// the Kubernetes CEL environment: undeclared references, undefined fields, calls matching no
// overload and heterogeneous literals are compile errors, worded as cel-go words them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "api/cel/ast.h"
#include "api/cel/issues.h"
#include "api/cel/types.h"

namespace skiff::api::cel {

struct Declaration {
  std::string name;
  TypePtr type;
};

struct CheckResult {
  TypePtr type;  // of the whole expression
  std::vector<Issue> issues;
  std::set<std::string> referenced;  // declared variables the expression uses
  // Functions of Kubernetes' CEL environment this interpreter does not implement (quantity(),
  // url(), ...): the expression is valid there but cannot be evaluated here.
  std::set<std::string> unsupported;
};

CheckResult check(const Expr& expr, const std::vector<Declaration>& variables);

}  // namespace skiff::api::cel

// The parsed form of a CEL expression (cel-spec's Expr): literals, identifiers, field
// selections, calls (operators are calls named "_+_", "_[_]", ... as in cel-go), list and map
// literals, and the comprehension macros (all, exists, exists_one, map, filter).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace skiff::api::cel {

struct Literal {
  enum class Kind { kNull, kBool, kInt, kUint, kDouble, kString, kBytes };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string s;  // string (UTF-8) or bytes
};

enum class ExprKind { kLiteral, kIdent, kSelect, kCall, kList, kMap, kComprehension };

// The comprehension macros; kMapFilter is map's three-argument form (var, filter, transform).
// kTransformList/kTransformMap are cel-go's two-variable comprehensions (Kubernetes 1.32+).
enum class MacroKind { kAll, kExists, kExistsOne, kMap, kMapFilter, kFilter, kTransformList, kTransformMap };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct MapEntry {
  ExprPtr key, value;
  bool optional = false;  // {?k: v}
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  size_t offset = 0;  // byte offset of the token that names this node, for messages

  Literal literal;                      // kLiteral
  std::string name;                     // kIdent: identifier; kSelect: field; kCall: function
  bool test_only = false;               // kSelect inside has()
  ExprPtr operand;                      // kSelect: operand; kCall: receiver (null for global calls)
  std::vector<ExprPtr> args;            // kCall arguments; kList elements
  std::vector<bool> optional_elements;  // kList: [?e]
  std::vector<MapEntry> entries;        // kMap

  // kComprehension: `range.macro(var, predicate)`, map's (var, filter, transform), and the
  // two-variable forms `range.all(i, v, predicate)` (iter_var2 set: index or key, then value).
  MacroKind macro = MacroKind::kAll;
  std::string iter_var, iter_var2;
  ExprPtr range, predicate, transform;  // predicate: the filter for map/transform* forms
};

}  // namespace skiff::api::cel

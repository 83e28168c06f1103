#include "api/cel/types.h"

#include <array>

namespace skiff::api::cel {

TypePtr Type::of(TypeKind kind) {
  static const auto instances = [] {
    std::array<TypePtr, static_cast<size_t>(TypeKind::kError) + 1> all;
    for (size_t i = 0; i < all.size(); ++i) {
      auto t = std::make_shared<Type>();
      t->kind = static_cast<TypeKind>(i);
      all[i] = std::move(t);
    }
    return all;
  }();
  return instances[static_cast<size_t>(kind)];
}

TypePtr Type::list(TypePtr elem) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kList;
  t->elem = std::move(elem);
  return t;
}

TypePtr Type::map(TypePtr key, TypePtr value) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kMap;
  t->key = std::move(key);
  t->elem = std::move(value);
  return t;
}

TypePtr Type::optional(TypePtr value) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kOptional;
  t->elem = std::move(value);
  return t;
}

TypePtr Type::type_of(TypePtr of) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kType;
  t->elem = std::move(of);
  return t;
}

std::string format_type(const Type& t) {
  switch (t.kind) {
    case TypeKind::kDyn: return "dyn";
    case TypeKind::kNull: return "null";
    case TypeKind::kBool: return "bool";
    case TypeKind::kInt: return "int";
    case TypeKind::kUint: return "uint";
    case TypeKind::kDouble: return "double";
    case TypeKind::kString: return "string";
    case TypeKind::kBytes: return "bytes";
    case TypeKind::kDuration: return "duration";
    case TypeKind::kTimestamp: return "timestamp";
    case TypeKind::kList: return "list(" + format_type(*t.elem) + ")";
    case TypeKind::kMap: return "map(" + format_type(*t.key) + ", " + format_type(*t.elem) + ")";
    case TypeKind::kObject: return t.name;
    case TypeKind::kType: return t.elem ? "type(" + format_type(*t.elem) + ")" : "type";
    case TypeKind::kOptional: return "optional_type(" + format_type(*t.elem) + ")";
    case TypeKind::kError: return "!error!";
  }
  return "";
}

bool assignable(const Type& to, const Type& from) {
  if (is_dyn(to) || is_dyn(from)) return true;
  auto nullable = [](const Type& t) {
    return t.kind == TypeKind::kNull || t.kind == TypeKind::kObject || t.kind == TypeKind::kDuration ||
           t.kind == TypeKind::kTimestamp || t.kind == TypeKind::kOptional;
  };
  if (from.kind == TypeKind::kNull) return nullable(to);
  if (to.kind == TypeKind::kNull) return nullable(from);
  if (to.kind != from.kind) return false;
  switch (to.kind) {
    case TypeKind::kList:
    case TypeKind::kOptional: return assignable(*to.elem, *from.elem);
    case TypeKind::kMap: return assignable(*to.key, *from.key) && assignable(*to.elem, *from.elem);
    case TypeKind::kObject: return &to == &from;  // one type per schema node
    default: return true;
  }
}

}  // namespace skiff::api::cel

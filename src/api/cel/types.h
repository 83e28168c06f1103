// Static CEL types for the checker: primitives, list/map/optional/type with parameters,
// objects with declared fields (a CRD schema node), and dyn.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace skiff::api::cel {

// clang-format off
enum class TypeKind {
  kDyn, kNull, kBool, kInt, kUint, kDouble, kString, kBytes, kDuration, kTimestamp,
  kList, kMap, kObject, kType, kOptional, kError,
};
// clang-format on

struct Type;
using TypePtr = std::shared_ptr<const Type>;

struct Type {
  TypeKind kind = TypeKind::kDyn;
  TypePtr elem;  // list element, map value, optional value, the type a type value names
  TypePtr key;   // map key
  std::map<std::string, TypePtr, std::less<>> fields;  // object fields by (escaped) CEL name
  std::string name;                                    // object type name, for messages

  static TypePtr of(TypeKind kind);  // shared instances of the parameterless kinds
  static TypePtr list(TypePtr elem);
  static TypePtr map(TypePtr key, TypePtr value);
  static TypePtr optional(TypePtr value);
  static TypePtr type_of(TypePtr t);
};

inline bool is_dyn(const Type& t) { return t.kind == TypeKind::kDyn || t.kind == TypeKind::kError; }

// cel-go's FormatCELType: "int", "list(string)", "map(string, int)", "optional_type(int)".
std::string format_type(const Type& t);

// Whether a value of type `from` may be used where `to` is expected (dyn matches anything;
// null fits objects, durations, timestamps and optionals, as cel-go's legacy nullability).
bool assignable(const Type& to, const Type& from);

}  // namespace skiff::api::cel

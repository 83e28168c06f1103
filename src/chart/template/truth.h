// Go template truthiness (text/template's isTrue on the dynamic value).
#pragma once

#include "chart/template/value.h"

namespace skiff::chart::tmpl {

// False for the invalid value, nil, false, zero numbers and empty strings, maps and
// slices; true otherwise.
inline bool is_true(const Value& v_in) {
  Value v = v_in.unboxed();
  Kind k = v.kind();
  switch (k) {
    case Kind::kInvalid: return false;
    case Kind::kBool: return v.as_bool();
    case Kind::kString:
    case Kind::kMap:
    case Kind::kSlice: return v.size() > 0;
    case Kind::kFunc: return v.function_def() != nullptr;
    default:
      if (is_signed_int_kind(k)) return v.as_int() != 0;
      if (is_unsigned_int_kind(k)) return v.as_uint() != 0;
      if (is_float_kind(k)) return v.as_float() != 0;
      return true;
  }
}

}  // namespace skiff::chart::tmpl

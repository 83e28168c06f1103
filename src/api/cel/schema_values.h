// A custom resource as CEL sees it (Kubernetes' SchemaDeclType and UnstructuredToVal): the
// static type of a schema node, and its JSON read lazily as CEL values. Objects are maps whose
// keys are the escaped property names (`self.__namespace__`, `self.foo__dash__bar`); a root or
// embedded resource also has apiVersion, kind and metadata.name/generateName.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/cel/types.h"
#include "api/cel/value.h"
#include "util/json.h"

namespace skiff::api {
struct StructuralSchema;
}

namespace skiff::api::cel {

// nullptr for a schema CEL cannot type (no type, not int-or-string).
TypePtr schema_type(const StructuralSchema& s, bool resource_root);

// The JSON must outlive the returned value (it is read in place).
Value schema_value(const Json& v, const StructuralSchema& s, bool resource_root);

// Kubernetes' property-name escaping for CEL: reserved words become __word__, "-" __dash__,
// "." __dot__, "/" __slash__, "__" __underscores__; nullopt when no escape exists.
std::optional<std::string> escape_field_name(std::string_view name);
std::optional<std::string> unescape_field_name(std::string_view name);

}  // namespace skiff::api::cel

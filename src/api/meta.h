// ObjectMeta validation shared by every kind (apimachinery/pkg/api/validation/objectmeta.go),
// and generateName expansion.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/name_validation.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::api {

// Which names a kind accepts.
enum class NameRule {
  kDns1123Subdomain,  // most kinds
  kDns1123Label,      // Namespace (and, e.g., Node-local names that become DNS labels)
  kDns1035Label,      // Service (must start with a letter)
  kPathSegment,       // RBAC roles and bindings: anything but ".", "..", '/' or '%'
};

constexpr int64_t kTotalAnnotationSizeLimitBytes = 256 * 1024;

// Messages for a name (prefix: validating generateName, whose trailing '-' is allowed).
std::vector<std::string> validate_name(std::string_view name, NameRule rule, bool prefix);

// Field errors for an object's metadata on create: generateName, name (required), namespace
// (required when namespaced, forbidden otherwise), generation, labels, annotations (keys and
// total size), ownerReferences and finalizers. Paths are "metadata.<field>".
std::vector<StatusCause> validate_object_meta(const Json& metadata, bool namespaced, NameRule rule);

// generateName expansion: the prefix cut to 58 characters plus 5 random characters.
std::string generate_name(std::string_view prefix);

}  // namespace skiff::api

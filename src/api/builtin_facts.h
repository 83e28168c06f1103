// Hand-written facts about the built-in kinds that the OpenAPI documents do not carry:
// discovery short names and categories, and the enumerations Kubernetes' validation enforces.
// Internal to the schema registry.
#pragma once

#include <string_view>
#include <vector>

namespace skiff::api::internal {

struct KindFacts {
  std::string_view group;
  std::string_view kind;
  std::vector<std::string_view> short_names;
  std::vector<std::string_view> categories;
};

// One entry per served kind (kinds served in several versions appear once).
const std::vector<KindFacts>& kind_facts();

struct EnumFact {
  std::string_view type_name;  // "io.k8s.api.core.v1.PodSpec"
  std::string_view field;      // "restartPolicy"; "accessModes[]" for a list's items
  std::vector<std::string_view> values;
};

const std::vector<EnumFact>& enum_facts();

}  // namespace skiff::api::internal

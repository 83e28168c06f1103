// Request bodies, JSON and YAML: decoding, duplicate-field detection, and the registry's
// decode/validate/default pipeline for a few kinds. Nothing may crash; every failure must be
// a clean error, and YAML that decodes must survive writing out and reading back.
#include <cstdint>
#include <string_view>

#include "api/schema.h"
#include "util/json.h"
#include "util/json_duplicates.h"
#include "util/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)skiff::find_duplicate_json_fields(text);
  if (auto docs = skiff::parse_yaml_documents(text); docs.ok()) {
    for (const auto& doc : *docs) {
      auto back = skiff::parse_yaml(skiff::to_yaml(doc));
      if (!back.ok() || *back != doc) __builtin_trap();
    }
  }
  auto parsed = skiff::parse_json(text);
  if (!parsed.ok() || !parsed->is_object()) return 0;
  const auto& registry = skiff::api::SchemaRegistry::builtin();
  for (const char* kind : {"ConfigMap", "Pod", "Service"}) {
    const auto* info = registry.find_kind("", "v1", kind);
    if (!info) continue;
    skiff::Json obj = *parsed;
    std::vector<std::string> warnings;
    if (registry.validate_and_prune(*info, obj, skiff::api::FieldValidation::kWarn, &warnings).ok())
      registry.apply_defaults(*info, obj);
  }
  if (const auto* deploy = registry.find_kind("apps", "v1", "Deployment")) {
    skiff::Json obj = *parsed;
    if (registry.validate_and_prune(*deploy, obj, skiff::api::FieldValidation::kStrict, nullptr).ok())
      registry.apply_defaults(*deploy, obj);
  }
  return 0;
}

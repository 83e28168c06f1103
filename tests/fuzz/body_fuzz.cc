// Request bodies, JSON and YAML: decoding, duplicate-field detection, and the registry's
// decode/validate/default pipeline for a few kinds. Nothing may crash; every failure must be
// a clean error, YAML that decodes must survive writing out and reading back, and dump_json
// must write what nlohmann's dump writes.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "api/schema.h"
#include "util/json.h"
#include "util/json_duplicates.h"
#include "util/json_reader.h"
#include "util/yaml.h"

namespace {

// The same values with the same number types (signed, unsigned, float) throughout.
bool same_json(const skiff::Json& a, const skiff::Json& b) {
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_object()) {
    for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt)
      if (it.key() != jt.key() || !same_json(it.value(), jt.value())) return false;
    return true;
  }
  if (a.is_array()) {
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_json(a[i], b[i])) return false;
    return true;
  }
  return a == b || (a.is_number_float() && std::isnan(a.get<double>()) && std::isnan(b.get<double>()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The fast reader, when it accepts a text, reads what nlohmann's parser reads.
  if (auto fast = skiff::read_json_fast(text)) {
    skiff::Json reference = skiff::Json::parse(text, nullptr, false);
    if (reference.is_discarded() || !same_json(*fast, reference)) __builtin_trap();
  }
  (void)skiff::find_duplicate_json_fields(text);
  if (auto docs = skiff::parse_yaml_documents(text); docs.ok()) {
    for (const auto& doc : *docs) {
      auto back = skiff::parse_yaml(skiff::to_yaml(doc));
      if (!back.ok() || *back != doc) __builtin_trap();
    }
  }
  auto parsed = skiff::parse_json(text);
  if (!parsed.ok()) return 0;
  if (skiff::dump_json(*parsed) != parsed->dump(-1, ' ', false, skiff::Json::error_handler_t::replace)) __builtin_trap();
  if (!parsed->is_object()) return 0;
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

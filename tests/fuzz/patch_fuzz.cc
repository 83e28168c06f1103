// Fuzzes the three patch engines. Input: "<document>\n%%\n<patch>[\n%%\n<type>]" where
// <type> picks the schema for the strategic merge patch: "pod", "deployment" or anything
// else for none. Every engine must return a value or an error, never crash; a JSON merge
// patch must also be idempotent.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "api/patch.h"

namespace {

using skiff::Json;
using skiff::api::Schema;

constexpr int kMaxNesting = 64;

// A small PodSpec/Deployment-shaped schema with every kind of patch metadata.
class FuzzSchemas {
 public:
  FuzzSchemas() {
    const Schema* str = make(Schema::Type::kString);
    Schema* string_map = make(Schema::Type::kObject);
    string_map->additional_properties = str;
    const Schema* port = object({{"containerPort", make(Schema::Type::kInteger)}, {"name", str}});
    const Schema* env_var = object({{"name", str}, {"value", str}});
    const Schema* container = object({{"name", str},
                                      {"image", str},
                                      {"args", list(str, "", "")},
                                      {"ports", list(port, "merge", "containerPort")},
                                      {"env", list(env_var, "merge", "name")}});
    const Schema* volume = object({{"name", str}, {"emptyDir", object({})}, {"configMap", object({{"name", str}})}});
    const Schema* spec = object({{"containers", list(container, "merge", "name")},
                                 {"volumes", list(volume, "merge,retainKeys", "name")}});
    const Schema* metadata = object({{"name", str},
                                     {"labels", string_map},
                                     {"finalizers", list(str, "merge", "")},
                                     {"ownerReferences", list(object({{"uid", str}}), "merge", "uid")}});
    pod = object({{"metadata", metadata}, {"spec", spec}});
    Schema* strategy = object({{"type", str}, {"rollingUpdate", object({{"maxSurge", str}})}});
    strategy->patch_strategy = "retainKeys";
    const Schema* template_spec = object({{"metadata", metadata}, {"spec", spec}});
    deployment = object({{"metadata", metadata},
                         {"spec", object({{"strategy", strategy}, {"template", template_spec}})}});
  }

  const Schema* pod = nullptr;
  const Schema* deployment = nullptr;

 private:
  Schema* make(Schema::Type type) {
    Schema& s = arena_.emplace_back();
    s.type = type;
    return &s;
  }
  Schema* object(std::initializer_list<std::pair<const char*, const Schema*>> props) {
    Schema* s = make(Schema::Type::kObject);
    for (const auto& [name, child] : props) s->properties.emplace(name, child);
    return s;
  }
  const Schema* list(const Schema* items, const char* strategy, const char* key) {
    Schema* s = make(Schema::Type::kArray);
    s->items = items;
    s->patch_strategy = strategy;
    s->patch_merge_key = key;
    return s;
  }

  std::deque<Schema> arena_;
};

// Parses JSON no deeper than kMaxNesting (the engines recurse along the nesting).
bool parse_shallow(std::string_view text, Json& out) {
  bool too_deep = false;
  auto limit_depth = [&too_deep](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxNesting) too_deep = true;
    return !too_deep;
  };
  out = Json::parse(text.begin(), text.end(), limit_depth, /*allow_exceptions=*/false);
  return !too_deep && !out.is_discarded();
}

std::string_view next_section(std::string_view& rest) {
  constexpr std::string_view kSeparator = "\n%%\n";
  auto at = rest.find(kSeparator);
  std::string_view section = rest.substr(0, at);
  rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + kSeparator.size());
  return section;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const FuzzSchemas schemas;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view doc_text = next_section(rest);
  std::string_view patch_text = next_section(rest);
  std::string_view type = next_section(rest);

  Json doc, patch;
  if (!parse_shallow(doc_text, doc) || !parse_shallow(patch_text, patch)) return 0;

  auto json_patched = skiff::api::apply_json_patch(doc, patch);
  if (json_patched.ok()) skiff::dump_json(*json_patched);

  Json merged = skiff::api::apply_merge_patch(doc, patch);
  if (skiff::api::apply_merge_patch(merged, patch) != merged) __builtin_trap();

  const Schema* schema = type == "pod" ? schemas.pod : type == "deployment" ? schemas.deployment : nullptr;
  auto strategic = skiff::api::apply_strategic_merge_patch(doc, patch, schema);
  if (strategic.ok()) skiff::dump_json(*strategic);
  return 0;
}

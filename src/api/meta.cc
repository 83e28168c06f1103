#include "api/meta.h"

#include "api/field_errors.h"
#include "api/labels.h"
#include "util/random.h"
#include "util/strings.h"

namespace skiff::api {
namespace {

constexpr size_t kMaxGeneratedPrefixLength = 63 - 5;

// generateName may end in '-': Kubernetes validates it with the last two characters
// replaced by an 'a' so the dash does not fail the "ends alphanumeric" rule.
std::string mask_trailing_dash(std::string_view name) {
  if (name.size() > 1 && name.back() == '-') return std::string(name.substr(0, name.size() - 2)) + "a";
  return std::string(name);
}

void append(std::vector<StatusCause>& to, std::vector<StatusCause> from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

std::vector<StatusCause> validate_annotations(const Json& annotations) {
  const std::string path = "metadata.annotations";
  std::vector<StatusCause> causes;
  if (annotations.is_null()) return causes;
  if (!annotations.is_object()) {
    causes.push_back(field_invalid_rendered(path, dump_json(annotations), "must be an object of strings"));
    return causes;
  }
  int64_t total = 0;
  for (const auto& [key, value] : annotations.items()) {
    for (auto& msg : qualified_name_errors(to_lower(key))) causes.push_back(field_invalid(path, key, msg));
    if (!value.is_string()) {
      causes.push_back(field_invalid_rendered(path, dump_json(value), "annotation values must be strings"));
      continue;
    }
    total += static_cast<int64_t>(key.size() + value.get_ref<const std::string&>().size());
  }
  if (total > kTotalAnnotationSizeLimitBytes) causes.push_back(field_too_long(path, kTotalAnnotationSizeLimitBytes));
  return causes;
}

// The version part of an apiVersion, "" when it has none or is malformed (schema.ParseGroupVersion).
std::pair<std::string, std::string> split_api_version(std::string_view api_version) {
  if (api_version.empty() || api_version == "/") return {"", ""};
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return {"", std::string(api_version)};
  if (api_version.find('/', slash + 1) != std::string_view::npos) return {"", ""};
  return {std::string(api_version.substr(0, slash)), std::string(api_version.substr(slash + 1))};
}

std::vector<StatusCause> validate_owner_references(const Json& refs) {
  const std::string path = "metadata.ownerReferences";
  std::vector<StatusCause> causes;
  if (refs.is_null()) return causes;
  if (!refs.is_array()) {
    causes.push_back(field_invalid_rendered(path, dump_json(refs), "must be a list"));
    return causes;
  }
  std::string first_controller;
  for (const auto& ref : refs) {
    if (!ref.is_object()) {
      causes.push_back(field_invalid_rendered(path, dump_json(ref), "must be an object"));
      continue;
    }
    std::string api_version = get_string(ref, "apiVersion"), kind = get_string(ref, "kind");
    std::string name = get_string(ref, "name"), uid = get_string(ref, "uid");
    auto [group, version] = split_api_version(api_version);
    if (version.empty()) causes.push_back(field_invalid(path + ".apiVersion", api_version, "version must not be empty"));
    if (kind.empty()) causes.push_back(field_invalid(path + ".kind", kind, "kind must not be empty"));
    if (name.empty()) causes.push_back(field_invalid(path + ".name", name, "name must not be empty"));
    if (uid.empty()) causes.push_back(field_invalid(path + ".uid", uid, "uid must not be empty"));
    if (group.empty() && version == "v1" && kind == "Event") {
      causes.push_back(field_invalid_rendered(path, dump_json(ref), "/v1, Kind=Event is disallowed from being an owner"));
    }
    auto controller = ref.find("controller");
    if (controller != ref.end() && controller->is_boolean() && controller->get<bool>()) {
      std::string current = kind + "/" + name;
      if (first_controller.empty()) {
        first_controller = current;
      } else {
        causes.push_back(field_invalid_rendered(
            path, dump_json(refs),
            "Only one reference can have Controller set to true. Found \"true\" in references for " +
                first_controller + " and " + current));
      }
    }
  }
  return causes;
}

std::vector<StatusCause> validate_finalizers(const Json& finalizers) {
  const std::string path = "metadata.finalizers";
  std::vector<StatusCause> causes;
  if (finalizers.is_null()) return causes;
  if (!finalizers.is_array()) {
    causes.push_back(field_invalid_rendered(path, dump_json(finalizers), "must be a list of strings"));
    return causes;
  }
  bool orphan = false, foreground = false;
  for (const auto& f : finalizers) {
    if (!f.is_string()) {
      causes.push_back(field_invalid_rendered(path, dump_json(f), "must be a string"));
      continue;
    }
    const auto& name = f.get_ref<const std::string&>();
    for (auto& msg : qualified_name_errors(name)) causes.push_back(field_invalid(path, name, msg));
    orphan = orphan || name == "orphan";
    foreground = foreground || name == "foregroundDeletion";
  }
  if (orphan && foreground) {
    causes.push_back(field_invalid_rendered(path, dump_json(finalizers),
                                            "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return causes;
}

}  // namespace

std::vector<std::string> validate_name(std::string_view name, NameRule rule, bool prefix) {
  std::string checked = prefix && rule != NameRule::kPathSegment ? mask_trailing_dash(name) : std::string(name);
  switch (rule) {
    case NameRule::kDns1123Subdomain: return dns1123_subdomain_errors(checked);
    case NameRule::kDns1123Label: return dns1123_label_errors(checked);
    case NameRule::kDns1035Label: return dns1035_label_errors(checked);
    case NameRule::kPathSegment: return path_segment_name_errors(checked, prefix);
  }
  return {};
}

std::vector<StatusCause> validate_object_meta(const Json& metadata, bool namespaced, NameRule rule) {
  static const Json kEmpty = Json::object();
  const Json& meta = metadata.is_object() ? metadata : kEmpty;
  auto field = [&](const char* key) -> const Json& {
    static const Json kNull;
    auto it = meta.find(key);
    return it == meta.end() ? kNull : *it;
  };
  std::vector<StatusCause> causes;

  std::string generate_name = get_string(meta, "generateName");
  if (!generate_name.empty()) {
    for (auto& msg : validate_name(generate_name, rule, true)) {
      causes.push_back(field_invalid("metadata.generateName", generate_name, msg));
    }
  }
  std::string name = get_string(meta, "name");
  if (name.empty()) {
    causes.push_back(field_required("metadata.name", "name or generateName is required"));
  } else {
    for (auto& msg : validate_name(name, rule, false)) causes.push_back(field_invalid("metadata.name", name, msg));
  }
  std::string ns = get_string(meta, "namespace");
  if (namespaced) {
    if (ns.empty()) {
      causes.push_back(field_required("metadata.namespace", ""));
    } else {
      for (auto& msg : validate_name(ns, NameRule::kDns1123Label, false)) {
        causes.push_back(field_invalid("metadata.namespace", ns, msg));
      }
    }
  } else if (!ns.empty()) {
    causes.push_back(field_forbidden("metadata.namespace", "not allowed on this type"));
  }
  const Json& generation = field("generation");
  if (generation.is_number_integer() && generation.get<int64_t>() < 0) {
    causes.push_back(field_invalid_rendered("metadata.generation", std::to_string(generation.get<int64_t>()),
                                            "must be greater than or equal to 0"));
  }
  append(causes, validate_labels(field("labels"), "metadata.labels"));
  append(causes, validate_annotations(field("annotations")));
  append(causes, validate_owner_references(field("ownerReferences")));
  append(causes, validate_finalizers(field("finalizers")));
  return causes;
}

std::string generate_name(std::string_view prefix) {
  if (prefix.size() > kMaxGeneratedPrefixLength) prefix = prefix.substr(0, kMaxGeneratedPrefixLength);
  return std::string(prefix) + random_name_suffix(5);
}

}  // namespace skiff::api

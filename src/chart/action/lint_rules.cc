#include "chart/action/lint_rules.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include "api/field_errors.h"
#include "api/name_validation.h"
#include "chart/chart/yaml_values.h"
#include "util/go_strconv.h"
#include "util/result.h"
#include "util/strings.h"

namespace skiff::chart {
namespace {

struct ApiLifecycle {
  std::string_view group_version, kind;
  int deprecated_major, deprecated_minor;
  int removed_major, removed_minor;
  std::string_view replacement;
};

constexpr ApiLifecycle kApiLifecycles[] = {
#include "chart/action/api_lifecycle.inc"
};

// k8s.io/apimachinery's YAMLReader: a line starting with "---" ends a document and may carry
// only a comment after the dashes; empty documents are skipped. Calls `document` for each
// document until it returns false; returns the separator error, if any, at the point it is met.
Status for_each_document(std::string_view content, const std::function<bool(std::string_view)>& document) {
  size_t doc_start = 0, pos = 0;
  auto flush = [&](size_t end) { return end == doc_start || document(content.substr(doc_start, end - doc_start)); };
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    size_t next = eol == std::string_view::npos ? content.size() : eol + 1;
    std::string_view line = content.substr(pos, next - pos);
    if (line.starts_with("---")) {
      std::string_view rest = trim(line.substr(3));
      if (!rest.empty() && rest[0] != '#') {
        return Error::invalid("invalid Yaml document separator: " + std::string(rest));
      }
      if (!flush(pos)) return ok_status();
      doc_start = next;
    }
    pos = next;
  }
  flush(content.size());
  return ok_status();
}

// The fields helm's k8sYamlStruct reads, decoded as encoding/json would (keys matched without
// regard to case, the last match winning).
struct ObjectHead {
  std::string api_version, kind, name;
};

const Json* member(const Json& obj, std::string_view key) {
  const Json* found = nullptr;
  for (const auto& [k, v] : obj.items())
    if (k.size() == key.size() && to_lower(k) == to_lower(key)) found = &v;
  return found;
}

const char* json_type_name(const Json& v) {
  if (v.is_string()) return "string";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "bool";
  if (v.is_array()) return "array";
  return "object";
}

Result<ObjectHead> decode_head(const Json& doc) {
  auto mismatch = [](const Json& v, const std::string& field, const std::string& type) {
    return Error::invalid("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                          std::string(json_type_name(v)) + " into Go " + field + " of type " + type);
  };
  if (!doc.is_object()) return mismatch(doc, "value", "rules.k8sYamlStruct");
  ObjectHead head;
  // sigs.k8s.io/yaml turns a scalar into a string where the field is one; a map or list stays a
  // mismatch.
  auto string_field = [&](const Json& obj, std::string_view key, const std::string& go_field,
                          std::string& into) -> Status {
    const Json* v = member(obj, key);
    if (!v || v->is_null()) return ok_status();
    if (v->is_object() || v->is_array()) return mismatch(*v, "struct field " + go_field, "string");
    into = v->is_string() ? v->get<std::string>() : v->dump();
    return ok_status();
  };
  SKIFF_TRY(string_field(doc, "apiVersion", "k8sYamlStruct.apiVersion", head.api_version));
  SKIFF_TRY(string_field(doc, "kind", "k8sYamlStruct.Kind", head.kind));
  if (const Json* meta = member(doc, "metadata"); meta && !meta->is_null()) {
    if (!meta->is_object()) return mismatch(*meta, "struct field k8sYamlStruct.Metadata", "rules.k8sYamlMetadata");
    std::string ignored_namespace;
    SKIFF_TRY(string_field(*meta, "namespace", "k8sYamlStruct.Metadata.Namespace", ignored_namespace));
    SKIFF_TRY(string_field(*meta, "name", "k8sYamlStruct.Metadata.Name", head.name));
  }
  return head;
}

// validateMetadataNameFunc: the name rule Kubernetes' validation applies to the kind.
std::vector<std::string> name_errors(const ObjectHead& obj) {
  const std::string kind = to_lower(obj.kind);
  if (kind == "service") return api::dns1035_label_errors(obj.name);
  if (kind == "namespace") return api::dns1123_label_errors(obj.name);
  if (kind == "certificatesigningrequest") return {};
  if (kind == "role" || kind == "clusterrole" || kind == "rolebinding" || kind == "clusterrolebinding") {
    return api::path_segment_name_errors(obj.name, false);
  }
  return api::dns1123_subdomain_errors(obj.name);
}

std::string metadata_name_problem(const ObjectHead& obj) {
  std::vector<std::string> errors;
  for (const auto& msg : name_errors(obj))
    errors.push_back(api::field_error_text(api::field_invalid("metadata.name", obj.name, msg)));
  if (errors.empty()) return "";
  return "object name does not conform to Kubernetes naming requirements: " + go_quote(obj.name) + ": " +
         api::aggregate_error_text(errors);
}

// validateNoDeprecations: deprecated once the Kubernetes version reaches the deprecation.
std::string deprecation_problem(const ObjectHead& obj, const KubeVersionInfo& kube) {
  if (obj.api_version.empty() || obj.kind.empty()) return "";
  const int major = std::atoi(kube.major.c_str()), minor = std::atoi(kube.minor.c_str());
  for (const auto& api : kApiLifecycles) {
    if (api.group_version != obj.api_version || api.kind != obj.kind) continue;
    if (api.deprecated_major > major || (api.deprecated_major == major && api.deprecated_minor > minor)) return "";
    std::string msg = obj.api_version + " " + obj.kind + " is deprecated in v" + std::to_string(api.deprecated_major) +
                      "." + std::to_string(api.deprecated_minor) + "+";
    if (api.removed_major != 0 || api.removed_minor != 0) {
      msg += ", unavailable in v" + std::to_string(api.removed_major) + "." + std::to_string(api.removed_minor) + "+";
    }
    if (!api.replacement.empty()) msg += "; use " + std::string(api.replacement);
    return msg;
  }
  return "";
}

// validateMatchSelector: looks for the words anywhere in the template's output, as helm does.
std::string selector_problem(const ObjectHead& obj, std::string_view manifest) {
  if (obj.kind != "Deployment" && obj.kind != "ReplicaSet" && obj.kind != "DaemonSet" && obj.kind != "StatefulSet") {
    return "";
  }
  if (manifest.find("matchLabels") != std::string_view::npos ||
      manifest.find("matchExpressions") != std::string_view::npos) {
    return "";
  }
  return "a " + obj.kind + " must contain matchLabels or matchExpressions, and " + go_quote(obj.name) + " does not";
}

// validateListAnnotations: helm reads the template's first document for the List's items.
std::string list_annotation_problem(const ObjectHead& obj, std::string_view manifest) {
  if (obj.kind != "List") return "";
  auto parsed = parse_yaml_json(manifest, "");
  if (!parsed.ok()) return "unable to parse YAML: " + parsed.error().message;
  const Json* items = parsed->is_object() ? member(*parsed, "items") : nullptr;
  if (!items || !items->is_array()) return "";
  for (const auto& item : *items) {
    const Json* meta = item.is_object() ? member(item, "metadata") : nullptr;
    const Json* annotations = meta && meta->is_object() ? member(*meta, "annotations") : nullptr;
    if (annotations && annotations->is_object() && annotations->contains("helm.sh/resource-policy")) {
      return "annotation 'helm.sh/resource-policy' within List objects are ignored";
    }
  }
  return "";
}

// validateTopIndentLevel: the first line that is not blank may not be indented.
std::string indent_problem(std::string_view content) {
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    std::string_view line = content.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!trim(line).empty()) {
      if (line[0] != ' ' && line[0] != '\t') return "";
      return "document starts with an illegal indent: " + go_quote(line) + ", which may cause parsing problems";
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return "";
}

// Decodes each document's head and hands it to `check`; a document that does not decode is
// an error that ends the walk. Returns false then.
bool for_each_object(const std::string& path, std::string_view content, std::vector<LintMessage>& out,
                     const std::function<void(const ObjectHead&)>& check) {
  bool parsed_all = true;
  auto fail = [&](const std::string& msg) {
    out.push_back({LintSeverity::kError, path, "unable to parse YAML: " + msg});
    parsed_all = false;
  };
  Status walked = for_each_document(content, [&](std::string_view doc) {
    auto parsed = parse_yaml_json(doc, path);
    if (!parsed.ok()) {
      fail(parsed.error().message);
      return false;
    }
    if (parsed->is_null()) return true;  // only comments: no object
    auto head = decode_head(*parsed);
    if (!head.ok()) {
      fail(head.error().message);
      return false;
    }
    check(*head);
    return true;
  });
  if (!walked.ok()) fail(walked.error().message);
  return parsed_all;
}

}  // namespace

bool lint_rendered_template(const std::string& path, const std::string& content, const KubeVersionInfo& kube,
                            std::vector<LintMessage>& out) {
  if (trim(content).empty()) return true;
  auto add = [&](LintSeverity severity, const std::string& problem) {
    if (!problem.empty()) out.push_back({severity, path, problem});
  };
  add(LintSeverity::kWarning, indent_problem(content));
  return for_each_object(path, content, out, [&](const ObjectHead& obj) {
    add(LintSeverity::kWarning, metadata_name_problem(obj));
    add(LintSeverity::kWarning, deprecation_problem(obj, kube));
    add(LintSeverity::kError, selector_problem(obj, content));
    add(LintSeverity::kError, list_annotation_problem(obj, content));
  });
}

bool lint_crd_file(const std::string& path, const std::string& content, std::vector<LintMessage>& out) {
  return for_each_object(path, content, out, [&](const ObjectHead& obj) {
    if (!obj.api_version.starts_with("apiextensions.k8s.io")) {
      out.push_back({LintSeverity::kError, path, "apiVersion is not in 'apiextensions.k8s.io'"});
    }
    if (obj.kind != "CustomResourceDefinition") {
      out.push_back({LintSeverity::kError, path, "object kind is not 'CustomResourceDefinition'"});
    }
  });
}

}  // namespace skiff::chart

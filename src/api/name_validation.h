// Kubernetes' name and label syntax checks (k8s.io/apimachinery/pkg/util/validation and
// pkg/api/validation/path). Each returns the messages Kubernetes gives; empty means valid.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::api {

// Label and annotation keys, finalizers: "[prefix/]name" (prefix a DNS subdomain, name <= 63).
std::vector<std::string> qualified_name_errors(std::string_view value);
// Label values: empty, or <= 63 alphanumerics with '-', '_' or '.' inside.
std::vector<std::string> label_value_errors(std::string_view value);
std::vector<std::string> dns1123_label_errors(std::string_view value);      // <= 63, [a-z0-9-]
std::vector<std::string> dns1123_subdomain_errors(std::string_view value);  // <= 253, labels joined by '.'
std::vector<std::string> dns1035_label_errors(std::string_view value);      // like a label, starts with a letter
// Names that become one URL path segment: not "." or "..", no '/' or '%'. A prefix
// (generateName) may be "." or "..".
std::vector<std::string> path_segment_name_errors(std::string_view value, bool prefix);

bool is_dns1123_label(std::string_view value);
bool is_dns1123_subdomain(std::string_view value);
bool is_qualified_name(std::string_view value);

}  // namespace skiff::api

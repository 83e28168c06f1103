#include "chart/chart/metadata.h"

#include <strings.h>

#include <cstdio>
#include <regex>
#include <set>

#include "chart/chart/semver_range.h"

namespace skiff::chart {

namespace {

const char* json_kind(const Json& j) {
  if (j.is_string()) return "string";
  if (j.is_number()) return "number";
  if (j.is_boolean()) return "bool";
  if (j.is_array()) return "array";
  if (j.is_object()) return "object";
  return "null";
}

Error type_error(std::string_view file, const Json& j, const std::string& field, const std::string& type) {
  return Error::invalid("cannot load " + std::string(file) + ": error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                        json_kind(j) + " into Go struct field " + field + " of type " + type);
}

// sigs.k8s.io/yaml turns YAML scalars into strings when the target field is a string.
bool scalar_to_string(const Json& j, std::string& out) {
  if (j.is_null()) return true;
  if (j.is_string()) {
    out = j.get<std::string>();
    return true;
  }
  if (j.is_boolean()) {
    out = j.get<bool>() ? "true" : "false";
    return true;
  }
  if (j.is_number()) {
    double d = j.get<double>();
    char buf[64];
    if (d == static_cast<double>(static_cast<long long>(d)) && std::abs(d) < 1e15) {
      snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
    } else {
      snprintf(buf, sizeof buf, "%.17g", d);
      // Shortest round-trip form, as Go's 'g' with precision -1.
      for (int prec = 1; prec <= 17; ++prec) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (std::strtod(tmp, nullptr) == d) {
          snprintf(buf, sizeof buf, "%s", tmp);
          break;
        }
      }
    }
    out = buf;
    return true;
  }
  return false;
}

Status get_string(const Json& j, std::string& out, std::string_view file, const std::string& field) {
  if (!scalar_to_string(j, out)) return type_error(file, j, field, "string");
  return ok_status();
}

Status get_strings(const Json& j, std::vector<std::string>& out, std::string_view file, const std::string& field) {
  out.clear();
  if (j.is_null()) return ok_status();
  if (!j.is_array()) return type_error(file, j, field, "[]string");
  for (const auto& item : j) {
    std::string s;
    SKIFF_TRY(get_string(item, s, file, field));
    out.push_back(s);
  }
  return ok_status();
}

template <class F>
Status for_fields(const Json& obj, F&& fn) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    std::string key = it.key();
    for (auto& c : key) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    SKIFF_TRY(fn(key, it.value()));
  }
  return ok_status();
}

Status decode_dependency(const Json& j, Dependency& d, std::string_view file) {
  if (!j.is_object()) return type_error(file, j, "Metadata.dependencies", "chart.Dependency");
  return for_fields(j, [&](const std::string& key, const Json& v) -> Status {
    if (key == "name") return get_string(v, d.name, file, "Dependency.name");
    if (key == "version") return get_string(v, d.version, file, "Dependency.version");
    if (key == "repository") return get_string(v, d.repository, file, "Dependency.repository");
    if (key == "condition") return get_string(v, d.condition, file, "Dependency.condition");
    if (key == "tags") return get_strings(v, d.tags, file, "Dependency.tags");
    if (key == "enabled") {
      if (!v.is_boolean() && !v.is_null()) return type_error(file, v, "Dependency.enabled", "bool");
      d.enabled = v.is_boolean() && v.get<bool>();
      return ok_status();
    }
    if (key == "import-values") {
      if (!v.is_array() && !v.is_null()) return type_error(file, v, "Dependency.import-values", "[]interface {}");
      d.import_values = v.is_array() ? v : Json::array();
      return ok_status();
    }
    if (key == "alias") return get_string(v, d.alias, file, "Dependency.alias");
    return ok_status();
  });
}

std::string sanitize(const std::string& s) {
  // Whitespace becomes a space; non-printable ASCII is dropped (multi-byte UTF-8 kept).
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7f) {
      continue;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

Status decode_metadata(const Json& doc, Metadata& md, std::string_view file) {
  if (doc.is_null()) return ok_status();
  if (!doc.is_object()) {
    return Error::invalid("cannot load " + std::string(file) + ": error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                          json_kind(doc) + " into Go value of type chart.Metadata");
  }
  return for_fields(doc, [&](const std::string& key, const Json& v) -> Status {
    if (key == "name") return get_string(v, md.name, file, "Metadata.name");
    if (key == "home") return get_string(v, md.home, file, "Metadata.home");
    if (key == "sources") return get_strings(v, md.sources, file, "Metadata.sources");
    if (key == "version") return get_string(v, md.version, file, "Metadata.version");
    if (key == "description") return get_string(v, md.description, file, "Metadata.description");
    if (key == "keywords") return get_strings(v, md.keywords, file, "Metadata.keywords");
    if (key == "icon") return get_string(v, md.icon, file, "Metadata.icon");
    if (key == "apiversion") return get_string(v, md.api_version, file, "Metadata.apiVersion");
    if (key == "condition") return get_string(v, md.condition, file, "Metadata.condition");
    if (key == "tags") return get_string(v, md.tags, file, "Metadata.tags");
    if (key == "appversion") return get_string(v, md.app_version, file, "Metadata.appVersion");
    if (key == "kubeversion") return get_string(v, md.kube_version, file, "Metadata.kubeVersion");
    if (key == "type") return get_string(v, md.type, file, "Metadata.type");
    if (key == "deprecated") {
      if (!v.is_boolean() && !v.is_null()) return type_error(file, v, "Metadata.deprecated", "bool");
      md.deprecated = v.is_boolean() && v.get<bool>();
      return ok_status();
    }
    if (key == "annotations") {
      if (v.is_null()) return ok_status();
      if (!v.is_object()) return type_error(file, v, "Metadata.annotations", "map[string]string");
      std::map<std::string, std::string> ann;
      for (auto it = v.begin(); it != v.end(); ++it) {
        std::string s;
        SKIFF_TRY(get_string(it.value(), s, file, "Metadata.annotations"));
        ann[it.key()] = s;
      }
      md.annotations = std::move(ann);
      return ok_status();
    }
    if (key == "maintainers") {
      md.maintainers.clear();
      if (v.is_null()) return ok_status();
      if (!v.is_array()) return type_error(file, v, "Metadata.maintainers", "[]*chart.Maintainer");
      for (const auto& m : v) {
        if (m.is_null()) return Error::invalid("validation: maintainers must not contain empty or null nodes");
        if (!m.is_object()) return type_error(file, m, "Metadata.maintainers", "chart.Maintainer");
        Maintainer out;
        SKIFF_TRY(for_fields(m, [&](const std::string& k, const Json& mv) -> Status {
          if (k == "name") return get_string(mv, out.name, file, "Maintainer.name");
          if (k == "email") return get_string(mv, out.email, file, "Maintainer.email");
          if (k == "url") return get_string(mv, out.url, file, "Maintainer.url");
          return ok_status();
        }));
        md.maintainers.push_back(out);
      }
      return ok_status();
    }
    if (key == "dependencies") {
      md.dependencies.clear();
      if (v.is_null()) return ok_status();
      if (!v.is_array()) return type_error(file, v, "Metadata.dependencies", "[]*chart.Dependency");
      for (const auto& dj : v) {
        if (dj.is_null()) return Error::invalid("validation: dependencies must not contain empty or null nodes");
        Dependency d;
        SKIFF_TRY(decode_dependency(dj, d, file));
        md.dependencies.push_back(std::move(d));
      }
      return ok_status();
    }
    return ok_status();
  });
}

Status validate_metadata(Metadata& md) {
  for (std::string* s : {&md.name, &md.description, &md.home, &md.icon, &md.condition, &md.tags, &md.app_version,
                         &md.kube_version}) {
    *s = sanitize(*s);
  }
  for (auto& s : md.sources) s = sanitize(s);
  for (auto& s : md.keywords) s = sanitize(s);
  auto err = [](std::string m) { return Error::invalid("validation: " + std::move(m)); };
  if (md.api_version.empty()) return err("chart.metadata.apiVersion is required");
  if (md.name.empty()) return err("chart.metadata.name is required");
  if (md.name == "." || md.name == "..") return err("chart.metadata.name \"" + md.name + "\" is not allowed");
  if (md.name.find('/') != std::string::npos) return err("chart.metadata.name \"" + md.name + "\" is invalid");
  if (md.version.empty()) return err("chart.metadata.version is required");
  if (!is_valid_semver(md.version)) return err("chart.metadata.version \"" + md.version + "\" is invalid");
  if (!(md.type.empty() || md.type == "application" || md.type == "library")) {
    return err("chart.metadata.type must be application or library");
  }
  for (auto& m : md.maintainers) {
    m.name = sanitize(m.name);
    m.email = sanitize(m.email);
    m.url = sanitize(m.url);
  }
  static const std::regex alias_format("^[a-zA-Z0-9_-]+$");
  std::set<std::string> seen;
  for (auto& d : md.dependencies) {
    d.name = sanitize(d.name);
    d.version = sanitize(d.version);
    d.repository = sanitize(d.repository);
    d.condition = sanitize(d.condition);
    for (auto& t : d.tags) t = sanitize(t);
    if (!d.alias.empty() && !std::regex_match(d.alias, alias_format)) {
      return err("dependency \"" + d.name + "\" has disallowed characters in the alias");
    }
    const std::string& key = d.alias.empty() ? d.name : d.alias;
    if (!seen.insert(key).second) return err("more than one dependency with name or alias \"" + key + "\"");
  }
  return ok_status();
}

}  // namespace skiff::chart

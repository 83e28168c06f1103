#include "chart/chart/chartfile.h"

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "chart/chart/yaml_values.h"
#include "chart/yaml/go_json.h"
#include "util/encoding.h"

namespace skiff::chart {

namespace {

void put_string(Json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

void put_list(Json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}


// json.Marshal of an interface{} value (maps with sorted keys, as nlohmann keeps them).
void go_json_any(std::string& out, const Json& j) {
  if (j.is_string()) {
    yaml::go_json_append_string(out, j.get<std::string>());
  } else if (j.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : j.items()) {
      if (!first) out += ',';
      first = false;
      yaml::go_json_append_string(out, k);
      out += ':';
      go_json_any(out, v);
    }
    out += '}';
  } else if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i) out += ',';
      go_json_any(out, j[i]);
    }
    out += ']';
  } else {
    out += j.dump();
  }
}

// json.Marshal(*chart.Dependency) with the struct's field order.
void go_json_dependency(std::string& out, const Dependency& d) {
  out += "{\"name\":";
  yaml::go_json_append_string(out, d.name);
  if (!d.version.empty()) {
    out += ",\"version\":";
    yaml::go_json_append_string(out, d.version);
  }
  out += ",\"repository\":";
  yaml::go_json_append_string(out, d.repository);
  if (!d.condition.empty()) {
    out += ",\"condition\":";
    yaml::go_json_append_string(out, d.condition);
  }
  if (!d.tags.empty()) {
    out += ",\"tags\":";
    go_json_any(out, Json(d.tags));
  }
  if (d.enabled) out += ",\"enabled\":true";
  if (d.import_values.is_array() && !d.import_values.empty()) {
    out += ",\"import-values\":";
    go_json_any(out, d.import_values);
  }
  if (!d.alias.empty()) {
    out += ",\"alias\":";
    yaml::go_json_append_string(out, d.alias);
  }
  out += '}';
}

void go_json_dependencies(std::string& out, const std::vector<Dependency>& deps, bool nil_when_empty) {
  if (deps.empty() && nil_when_empty) {
    out += "null";
    return;
  }
  out += '[';
  for (size_t i = 0; i < deps.size(); ++i) {
    if (i) out += ',';
    go_json_dependency(out, deps[i]);
  }
  out += ']';
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string string_field(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

}  // namespace

Json dependency_to_json(const Dependency& d) {
  Json j = Json::object();
  j["name"] = d.name;
  put_string(j, "version", d.version);
  j["repository"] = d.repository;
  put_string(j, "condition", d.condition);
  put_list(j, "tags", d.tags);
  if (d.enabled) j["enabled"] = true;
  if (d.import_values.is_array() && !d.import_values.empty()) j["import-values"] = d.import_values;
  put_string(j, "alias", d.alias);
  return j;
}

Json metadata_to_json(const Metadata& md) {
  Json j = Json::object();
  put_string(j, "name", md.name);
  put_string(j, "home", md.home);
  put_list(j, "sources", md.sources);
  put_string(j, "version", md.version);
  put_string(j, "description", md.description);
  put_list(j, "keywords", md.keywords);
  if (!md.maintainers.empty()) {
    Json list = Json::array();
    for (const auto& m : md.maintainers) {
      Json o = Json::object();
      put_string(o, "name", m.name);
      put_string(o, "email", m.email);
      put_string(o, "url", m.url);
      list.push_back(std::move(o));
    }
    j["maintainers"] = std::move(list);
  }
  put_string(j, "icon", md.icon);
  put_string(j, "apiVersion", md.api_version);
  put_string(j, "condition", md.condition);
  put_string(j, "tags", md.tags);
  put_string(j, "appVersion", md.app_version);
  if (md.deprecated) j["deprecated"] = true;
  if (md.annotations && !md.annotations->empty()) j["annotations"] = *md.annotations;
  put_string(j, "kubeVersion", md.kube_version);
  if (!md.dependencies.empty()) {
    Json list = Json::array();
    for (const auto& d : md.dependencies) list.push_back(dependency_to_json(d));
    j["dependencies"] = std::move(list);
  }
  put_string(j, "type", md.type);
  return j;
}

Result<std::string> marshal_metadata(const Metadata& md) { return marshal_yaml(metadata_to_json(md)); }

Result<Lock> parse_lock(const std::string& text, const std::string& source) {
  SKIFF_ASSIGN_OR_RETURN(Json doc, parse_yaml_json(text, source));
  Lock lock;
  if (!doc.is_object()) return lock;
  lock.generated = string_field(doc, "generated");
  lock.digest = string_field(doc, "digest");
  auto deps = doc.find("dependencies");
  if (deps != doc.end() && deps->is_array()) {
    for (const auto& d : *deps) {
      if (!d.is_object()) continue;
      Dependency dep;
      dep.name = string_field(d, "name");
      dep.version = string_field(d, "version");
      dep.repository = string_field(d, "repository");
      lock.dependencies.push_back(std::move(dep));
    }
  }
  return lock;
}

Result<std::string> marshal_lock(const Lock& lock) {
  Json j = Json::object();
  j["generated"] = lock.generated;
  j["digest"] = lock.digest;
  Json deps = Json::array();
  for (const auto& d : lock.dependencies) deps.push_back(dependency_to_json(d));
  j["dependencies"] = lock.dependencies.empty() ? Json(nullptr) : deps;
  return marshal_yaml(j);
}

std::string hash_requirements(const std::vector<Dependency>& req, const std::vector<Dependency>& lock) {
  std::string data = "[";
  go_json_dependencies(data, req, true);
  data += ',';
  go_json_dependencies(data, lock, true);
  data += ']';
  return "sha256:" + sha256_hex(data);
}

std::string local_rfc3339_nano(int64_t unix_ns) {
  time_t secs = static_cast<time_t>(unix_ns / 1000000000);
  long frac = static_cast<long>(unix_ns % 1000000000);
  struct tm tm {};
  localtime_r(&secs, &tm);
  char date[32];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = date;
  if (frac != 0) {
    char buf[16];
    snprintf(buf, sizeof buf, ".%09ld", frac);
    std::string f = buf;
    while (f.back() == '0') f.pop_back();  // RFC3339Nano trims trailing zeros
    out += f;
  }
  long off = tm.tm_gmtoff;
  if (off == 0) return out + "Z";
  char zone[8];
  snprintf(zone, sizeof zone, "%c%02ld:%02ld", off < 0 ? '-' : '+', std::abs(off) / 3600, (std::abs(off) % 3600) / 60);
  return out + zone;
}

std::string now_rfc3339_nano() {
  auto now = std::chrono::system_clock::now();
  return local_rfc3339_nano(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
}

}  // namespace skiff::chart

#include "chart/repo/index.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chart/chart/chartfile.h"
#include "chart/chart/loader.h"
#include "chart/chart/metadata.h"
#include "chart/chart/yaml_values.h"
#include "chart/funcs/semver.h"
#include "chart/repo/http_get.h"
#include "util/encoding.h"

namespace skiff::chart::repo {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> sorted_glob(const fs::path& dir, bool one_level_down) {
  std::vector<std::string> out;
  std::error_code ec;
  std::vector<fs::path> dirs;
  if (one_level_down) {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.is_directory(ec)) dirs.push_back(e.path());
    }
    std::sort(dirs.begin(), dirs.end());
  } else {
    dirs.push_back(dir);
  }
  for (const auto& d : dirs) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(d, ec)) {
      if (e.path().extension() == ".tgz") names.push_back(e.path().string());
    }
    std::sort(names.begin(), names.end());
    out.insert(out.end(), names.begin(), names.end());
  }
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string sha256_file_hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

Json new_index() {
  Json index = Json::object();
  index["apiVersion"] = "v1";
  index["entries"] = Json::object();
  index["generated"] = now_rfc3339_nano();
  return index;
}

Result<Json> index_directory(const std::string& dir, const std::string& base_url) {
  Json index = new_index();
  std::vector<std::string> archives = sorted_glob(dir, false);
  for (auto& a : sorted_glob(dir, true)) archives.push_back(std::move(a));
  for (const auto& arch : archives) {
    std::string rel = fs::path(arch).lexically_relative(dir).generic_string();
    std::string parent_dir, fname = rel;
    if (auto slash = rel.rfind('/'); slash != std::string::npos) {
      parent_dir = rel.substr(0, slash);
      fname = rel.substr(slash + 1);
    }
    std::string parent_url = parent_dir.empty() ? base_url : (base_url.empty() ? parent_dir : url_join(base_url, parent_dir));
    std::string bytes = read_all(arch);
    auto chart = load_chart_archive(bytes);
    if (!chart.ok()) continue;  // not a chart
    Metadata md = (*chart)->metadata;
    if (md.api_version.empty()) md.api_version = "v1";
    Json entry = metadata_to_json(md);
    entry["urls"] = Json::array({parent_url.empty() ? fname : url_join(parent_url, fname)});
    entry["created"] = now_rfc3339_nano();
    entry["digest"] = sha256_file_hex(bytes);
    index["entries"][md.name].push_back(std::move(entry));
  }
  return index;
}

void sort_index(Json& index) {
  if (!index.contains("entries") || !index["entries"].is_object()) return;
  for (auto& [name, versions] : index["entries"].items()) {
    if (!versions.is_array()) continue;
    std::vector<Json> list(versions.begin(), versions.end());
    auto parse = [](const Json& e) { return funcs::parse_semver(e.value("version", std::string())); };
    std::stable_sort(list.begin(), list.end(), [&](const Json& a, const Json& b) {
      auto va = parse(a), vb = parse(b);
      if (!va.ok() || !vb.ok()) return va.ok() && !vb.ok();
      return vb->compare(*va) < 0;
    });
    versions = Json(list);
  }
}

Result<Json> load_index(const std::string& text, const std::string& source) {
  SKIFF_ASSIGN_OR_RETURN(Json doc, parse_yaml_json(text, source));
  if (!doc.is_object()) return Error::invalid("error unmarshaling JSON: " + source + " is not an index file");
  if (doc.value("apiVersion", std::string()).empty()) return Error::invalid("no API version specified");
  if (!doc.contains("entries") || !doc["entries"].is_object()) doc["entries"] = Json::object();
  sort_index(doc);
  return doc;
}

void merge_index(Json& into, const Json& from) {
  if (!from.contains("entries")) return;
  for (const auto& [name, versions] : from["entries"].items()) {
    for (const auto& v : versions) {
      bool has = false;
      if (into["entries"].contains(name)) {
        for (const auto& existing : into["entries"][name]) has = has || existing.value("version", "") == v.value("version", "");
      }
      if (!has) into["entries"][name].push_back(v);
    }
  }
}

Result<std::string> marshal_index(const Json& index) { return marshal_yaml(index); }

Result<Json> find_chart_version(const Json& index, const std::string& name, const std::string& version) {
  const Json& entries = index.at("entries");
  if (!entries.contains(name)) return Error::not_found("no chart name found");
  const Json& versions = entries.at(name);
  if (versions.empty()) return Error::not_found("no chart version found");
  SKIFF_ASSIGN_OR_RETURN(auto constraint, funcs::SemConstraints::parse(version.empty() ? "*" : version));
  if (!version.empty()) {
    for (const auto& v : versions) {
      if (v.value("version", "") == version) return v;
    }
  }
  for (const auto& v : versions) {
    auto parsed = funcs::parse_semver(v.value("version", ""));
    if (parsed.ok() && constraint.check(*parsed)) return v;
  }
  return Error::not_found("no chart version found for " + name + "-" + version);
}

}  // namespace skiff::chart::repo

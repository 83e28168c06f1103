#include "chart/repo/repo_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chart/chart/yaml_values.h"
#include "util/json.h"

namespace skiff::chart::repo {

namespace fs = std::filesystem;

const RepoEntry* RepoFile::find(const std::string& name) const {
  for (const auto& e : repositories) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

void RepoFile::update(const RepoEntry& entry) {
  for (auto& e : repositories) {
    if (e.name == entry.name) {
      e = entry;
      return;
    }
  }
  repositories.push_back(entry);
}

bool RepoFile::remove(const std::string& name) {
  auto it = std::find_if(repositories.begin(), repositories.end(), [&](const auto& e) { return e.name == name; });
  if (it == repositories.end()) return false;
  repositories.erase(it);
  return true;
}

Result<RepoFile> load_repo_file(const std::string& path) {
  RepoFile file;
  std::error_code ec;
  if (!fs::exists(path, ec)) return file;
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = parse_yaml_json(ss.str(), path);
  if (!doc.ok()) return Error::invalid("couldn't load repositories file (" + path + "): " + doc.error().message);
  if (!doc->is_object()) return file;
  auto text = [](const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto flag = [](const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
  };
  file.api_version = text(*doc, "apiVersion");
  if (std::string g = text(*doc, "generated"); !g.empty()) file.generated = g;
  auto repos = doc->find("repositories");
  if (repos != doc->end() && repos->is_array()) {
    for (const auto& r : *repos) {
      if (!r.is_object()) continue;
      file.repositories.push_back({text(r, "name"), text(r, "url"), text(r, "username"), text(r, "password"),
                                   text(r, "certFile"), text(r, "keyFile"), text(r, "caFile"),
                                   flag(r, "insecure_skip_tls_verify"), flag(r, "pass_credentials_all")});
    }
  }
  return file;
}

Status save_repo_file(const RepoFile& file, const std::string& path) {
  Json repos = Json::array();
  for (const auto& e : file.repositories) {
    repos.push_back({{"name", e.name},
                     {"url", e.url},
                     {"username", e.username},
                     {"password", e.password},
                     {"certFile", e.cert_file},
                     {"keyFile", e.key_file},
                     {"caFile", e.ca_file},
                     {"insecure_skip_tls_verify", e.insecure_skip_tls_verify},
                     {"pass_credentials_all", e.pass_credentials_all}});
  }
  Json doc = {{"apiVersion", file.api_version}, {"generated", file.generated}, {"repositories", repos}};
  SKIFF_ASSIGN_OR_RETURN(std::string text, marshal_yaml(doc));
  std::error_code ec;
  if (fs::path parent = fs::path(path).parent_path(); !parent.empty()) fs::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error::internal("open " + path + ": cannot write the repositories file");
  out << text;
  out.close();
  if (!out) return Error::internal("write " + path + " failed");
  ::chmod(path.c_str(), 0600);
  return ok_status();
}

}  // namespace skiff::chart::repo

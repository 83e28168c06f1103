#include "chart/repo/chart_repository.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "chart/repo/helm_paths.h"
#include "chart/repo/http_get.h"
#include "chart/repo/index.h"

namespace skiff::chart::repo {

namespace fs = std::filesystem;

namespace {

Status write_cache_file(const std::string& path, const std::string& data) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  out.close();
  if (!out) return Error::internal("write " + path + " failed");
  return ok_status();
}

}  // namespace

Result<Json> download_index_file(const RepoEntry& entry) {
  std::string url = url_join(entry.url, "index.yaml");
  SKIFF_ASSIGN_OR_RETURN(std::string text, http_get(url, entry.username, entry.password));
  SKIFF_ASSIGN_OR_RETURN(Json index, load_index(text, url));
  std::set<std::string> names;
  for (const auto& [name, versions] : index["entries"].items()) names.insert(name);
  std::string charts;
  for (const auto& n : names) charts += n + "\n";
  SKIFF_TRY(write_cache_file(cached_charts_path(entry.name), charts));
  SKIFF_TRY(write_cache_file(cached_index_path(entry.name), text));
  return index;
}

Result<Json> load_cached_index(const std::string& repo_name) {
  std::string path = cached_index_path(repo_name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found("open " + path + ": no such file or directory");
  std::stringstream ss;
  ss << in.rdbuf();
  return load_index(ss.str(), path);
}

std::string resolve_chart_url(const std::string& repo_url, const std::string& chart_url) {
  std::string base = repo_url;
  if (base.empty() || base.back() != '/') base += '/';
  return url_resolve(base, chart_url);
}

}  // namespace skiff::chart::repo

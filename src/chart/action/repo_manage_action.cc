// `helm repo add|list|update|remove` (pkg/cmd/repo_*.go) over repositories.yaml and the
// repository cache shared with helm.
#include <filesystem>

#include "chart/action/release_context.h"
#include "chart/action/repo_commands.h"
#include "chart/chart/yaml_values.h"
#include "chart/repo/chart_repository.h"
#include "chart/repo/helm_paths.h"
#include "chart/repo/repo_file.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& s) { return dump_json(Json(s)); }

}  // namespace

Result<std::string> repo_add(const RepoAddOptions& opts) {
  if (opts.name.find('/') != std::string::npos) {
    return Error::invalid("repository name (" + opts.name + ") contains '/', please specify a different name without '/'");
  }
  if (opts.url.rfind("oci://", 0) == 0) {
    return Error::invalid("looks like " + quoted(opts.url) +
                          " is not a valid chart repository or cannot be reached: an OCI registry is not a chart "
                          "repository; use oci:// references with pull, install, upgrade, template or show");
  }
  std::string path = repo::repository_config_path();
  SKIFF_ASSIGN_OR_RETURN(repo::RepoFile file, repo::load_repo_file(path));
  repo::RepoEntry entry;
  entry.name = opts.name;
  entry.url = opts.url;
  entry.username = opts.username;
  entry.password = opts.password;
  entry.pass_credentials_all = opts.pass_credentials_all;
  if (!opts.force_update) {
    if (const repo::RepoEntry* existing = file.find(opts.name)) {
      if (!(*existing == entry)) {
        return Error::already_exists("repository name (" + opts.name +
                                     ") already exists, please specify a different name");
      }
      return quoted(opts.name) + " already exists with the same configuration, skipping\n";
    }
  }
  auto index = repo::download_index_file(entry);
  if (!index.ok()) {
    return Error::invalid("looks like " + quoted(opts.url) +
                          " is not a valid chart repository or cannot be reached: " + index.error().message);
  }
  file.update(entry);
  SKIFF_TRY(repo::save_repo_file(file, path));
  return quoted(opts.name) + " has been added to your repositories\n";
}

Result<std::string> repo_list(const std::string& output, std::string& notice) {
  SKIFF_ASSIGN_OR_RETURN(repo::RepoFile file, repo::load_repo_file(repo::repository_config_path()));
  if (file.repositories.empty() && output == "table") {
    notice = "no repositories to show\n";
    return std::string();
  }
  if (output == "json" || output == "yaml") {
    Json list = Json::array();
    for (const auto& e : file.repositories) list.push_back({{"name", e.name}, {"url", e.url}});
    if (output == "yaml") return marshal_yaml(list);
    return dump_json(list) + "\n";
  }
  if (output != "table") return Error::invalid("invalid format type");
  std::vector<std::vector<std::string>> rows = {{"NAME", "URL"}};
  for (const auto& e : file.repositories) rows.push_back({e.name, e.url});
  return detail::ui_table(rows);
}

Result<std::string> repo_update(const std::vector<std::string>& names) {
  SKIFF_ASSIGN_OR_RETURN(repo::RepoFile file, repo::load_repo_file(repo::repository_config_path()));
  if (file.repositories.empty()) return Error::not_found("no repositories found. You must add one before updating");
  std::vector<repo::RepoEntry> chosen;
  std::string missing;
  for (const auto& n : names) {
    const repo::RepoEntry* e = file.find(n);
    if (e == nullptr) {
      missing += (missing.empty() ? "" : ", ") + n;
    } else {
      chosen.push_back(*e);
    }
  }
  if (!missing.empty()) {
    return Error::not_found("no repositories found matching '" + missing + "'.  Nothing will be updated");
  }
  if (names.empty()) chosen = file.repositories;
  std::string out = "Hang tight while we grab the latest from your chart repositories...\n";
  for (const auto& e : chosen) {
    auto index = repo::download_index_file(e);
    if (index.ok()) {
      out += "...Successfully got an update from the " + quoted(e.name) + " chart repository\n";
    } else {
      out += "...Unable to get an update from the " + quoted(e.name) + " chart repository (" + e.url + "):\n\t" +
             index.error().message + "\n";
    }
  }
  out += "Update Complete. \u2388Happy Helming!\u2388\n";
  return out;
}

Result<std::string> repo_remove(const std::vector<std::string>& names) {
  std::string path = repo::repository_config_path();
  SKIFF_ASSIGN_OR_RETURN(repo::RepoFile file, repo::load_repo_file(path));
  if (file.repositories.empty()) return Error::not_found("no repositories configured");
  std::string out;
  for (const auto& n : names) {
    if (!file.remove(n)) return Error::not_found("no repo named " + quoted(n) + " found");
    SKIFF_TRY(repo::save_repo_file(file, path));
    std::error_code ec;
    fs::remove(repo::cached_index_path(n), ec);
    fs::remove(repo::cached_charts_path(n), ec);
    out += quoted(n) + " has been removed from your repositories\n";
  }
  return out;
}

}  // namespace skiff::chart

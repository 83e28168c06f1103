#include "chart/repo/helm_paths.h"

#include <cstdlib>
#include <filesystem>

namespace skiff::chart::repo {

namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// helmpath's lazypath: $HELM_<KIND>_HOME, else $XDG_<KIND>_HOME/helm, else ~/<fallback>/helm.
std::string helm_home(const char* helm_var, const char* xdg_var, const char* fallback) {
  if (std::string v = env(helm_var); !v.empty()) return v;
  if (std::string v = env(xdg_var); !v.empty()) return (fs::path(v) / "helm").string();
  return (fs::path(env("HOME")) / fallback / "helm").string();
}

std::string config_home() { return helm_home("HELM_CONFIG_HOME", "XDG_CONFIG_HOME", ".config"); }
std::string cache_home() { return helm_home("HELM_CACHE_HOME", "XDG_CACHE_HOME", ".cache"); }

}  // namespace

std::string repository_config_path() {
  if (std::string v = env("HELM_REPOSITORY_CONFIG"); !v.empty()) return v;
  return (fs::path(config_home()) / "repositories.yaml").string();
}

std::string repository_cache_dir() {
  if (std::string v = env("HELM_REPOSITORY_CACHE"); !v.empty()) return v;
  return (fs::path(cache_home()) / "repository").string();
}

std::string content_cache_dir() {
  if (std::string v = env("HELM_CONTENT_CACHE"); !v.empty()) return v;
  return (fs::path(cache_home()) / "content").string();
}

std::string registry_config_path() {
  if (std::string v = env("HELM_REGISTRY_CONFIG"); !v.empty()) return v;
  return (fs::path(config_home()) / "registry" / "config.json").string();
}

std::string cached_index_path(const std::string& repo_name) {
  return (fs::path(repository_cache_dir()) / (repo_name + "-index.yaml")).string();
}

std::string cached_charts_path(const std::string& repo_name) {
  return (fs::path(repository_cache_dir()) / (repo_name + "-charts.txt")).string();
}

}  // namespace skiff::chart::repo

// Where helm keeps its client-side state (pkg/helmpath and pkg/cli/environment.go), so that
// skiff and helm share repositories and caches: HELM_* variables, else XDG, else ~/.config
// and ~/.cache.
#pragma once

#include <string>

namespace skiff::chart::repo {

std::string repository_config_path();  // $HELM_REPOSITORY_CONFIG, ~/.config/helm/repositories.yaml
std::string repository_cache_dir();    // $HELM_REPOSITORY_CACHE, ~/.cache/helm/repository
std::string content_cache_dir();       // $HELM_CONTENT_CACHE, ~/.cache/helm/content
std::string registry_config_path();    // $HELM_REGISTRY_CONFIG, ~/.config/helm/registry/config.json

// NAME-index.yaml and NAME-charts.txt in the repository cache.
std::string cached_index_path(const std::string& repo_name);
std::string cached_charts_path(const std::string& repo_name);

}  // namespace skiff::chart::repo

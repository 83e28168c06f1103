// A named HTTP chart repository and its cached index (helm's pkg/repo/v1/chartrepo.go).
#pragma once

#include <string>

#include "chart/repo/repo_file.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::chart::repo {

// Fetches URL/index.yaml, checks it is an index, and writes NAME-index.yaml (the bytes as
// served) and NAME-charts.txt (chart names) into the repository cache.
Result<Json> download_index_file(const RepoEntry& entry);

// NAME-index.yaml from the repository cache, sorted newest first.
Result<Json> load_cached_index(const std::string& repo_name);

// helm's ResolveReferenceURL: a chart URL from an index, relative to the repository URL.
std::string resolve_chart_url(const std::string& repo_url, const std::string& chart_url);

}  // namespace skiff::chart::repo

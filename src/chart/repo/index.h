// Chart repository index files (helm's pkg/repo/v1/index.go): building one from a directory of
// archives, loading, merging, sorting, and looking a chart version up.
#pragma once

#include <string>

#include "util/json.h"
#include "util/result.h"

namespace skiff::chart::repo {

// IndexDirectory: DIR/*.tgz and DIR/*/*.tgz, each entry the chart metadata plus urls,
// created, digest (sha256 of the archive). Non-chart archives are skipped.
Result<Json> index_directory(const std::string& dir, const std::string& base_url);

// An index.yaml as text; entries sorted newest version first.
Result<Json> load_index(const std::string& text, const std::string& source);

// Adds `from`'s chart versions that `into` lacks.
void merge_index(Json& into, const Json& from);

// Each chart's versions, highest semver first (unparsable versions last).
void sort_index(Json& index);

// An empty index (apiVersion v1, generated now).
Json new_index();

Result<std::string> marshal_index(const Json& index);

// IndexFile.Get: an exact version match first, else the first version satisfying the
// constraint ("" means any).
Result<Json> find_chart_version(const Json& index, const std::string& name, const std::string& version);

std::string sha256_file_hex(const std::string& bytes);

}  // namespace skiff::chart::repo

// repositories.yaml (helm's pkg/repo/v1/repo.go File and Entry), read and written as helm
// does so both tools share the same list of repositories.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace skiff::chart::repo {

struct RepoEntry {
  std::string name;
  std::string url;
  std::string username;
  std::string password;
  std::string cert_file, key_file, ca_file;
  bool insecure_skip_tls_verify = false;
  bool pass_credentials_all = false;

  bool operator==(const RepoEntry&) const = default;
};

struct RepoFile {
  std::string api_version;
  std::string generated = "0001-01-01T00:00:00Z";
  std::vector<RepoEntry> repositories;

  const RepoEntry* find(const std::string& name) const;
  // Replaces the entry of the same name in place, else appends.
  void update(const RepoEntry& entry);
  bool remove(const std::string& name);
};

// A missing file is an empty RepoFile.
Result<RepoFile> load_repo_file(const std::string& path);
// Writes with mode 0600, creating the parent directory.
Status save_repo_file(const RepoFile& file, const std::string& path);

}  // namespace skiff::chart::repo

#include "chart/release/storage.h"

#include <algorithm>

namespace skiff::chart::release {

const std::vector<std::string>& system_labels() {
  static const std::vector<std::string> labels = {"name", "owner", "status", "version", "createdAt", "modifiedAt"};
  return labels;
}

bool is_not_found(const Error& e) { return e.code == 404; }

std::string release_key(const std::string& name, int version) {
  return "sh.helm.release.v1." + name + ".v" + std::to_string(version);
}

void sort_by_revision(std::vector<Release>& releases) {
  std::stable_sort(releases.begin(), releases.end(),
                   [](const Release& a, const Release& b) { return a.version < b.version; });
}

Status Storage::create(const Release& r) {
  if (max_history > 0) {
    Status pruned = remove_least_recent(r.name, max_history - 1);
    if (!pruned.ok() && !is_not_found(pruned.error())) return pruned;
  }
  return driver_->create(release_key(r.name, r.version), r);
}

Result<std::vector<Release>> Storage::history(const std::string& name) {
  return driver_->query({{"name", name}, {"owner", "helm"}});
}

Result<Release> Storage::last(const std::string& name) {
  auto h = history(name);
  if (!h.ok()) return h.error();
  if (h->empty()) return Error::not_found("no revision for release \"" + name + "\"");
  sort_by_revision(*h);
  return h->back();
}

Result<std::vector<Release>> Storage::deployed_all(const std::string& name) {
  auto ls = driver_->query({{"name", name}, {"owner", "helm"}, {"status", kStatusDeployed}});
  if (ls.ok()) return ls;
  if (ls.error().message.find("not found") != std::string::npos) {
    return Error::not_found("\"" + name + "\" " + kErrNoDeployedReleases);
  }
  return ls.error();
}

Result<Release> Storage::deployed(const std::string& name) {
  SKIFF_ASSIGN_OR_RETURN(auto ls, deployed_all(name));
  if (ls.empty()) return Error::not_found("\"" + name + "\" " + kErrNoDeployedReleases);
  sort_by_revision(ls);
  return ls.back();
}

Status Storage::remove_least_recent(const std::string& name, int maximum) {
  if (maximum < 0) return ok_status();
  SKIFF_ASSIGN_OR_RETURN(auto h, history(name));
  if (static_cast<int>(h.size()) <= maximum) return ok_status();
  sort_by_revision(h);
  auto last_deployed = deployed(name);
  if (!last_deployed.ok() && !is_not_found(last_deployed.error())) return last_deployed.error();
  std::vector<int> to_delete;
  for (const auto& rel : h) {
    if (static_cast<int>(h.size() - to_delete.size()) == maximum) break;
    if (last_deployed.ok() && rel.version == last_deployed->version) continue;
    to_delete.push_back(rel.version);
  }
  for (int v : to_delete) {
    auto removed = remove(name, v);
    if (!removed.ok()) return removed.error();
  }
  return ok_status();
}

}  // namespace skiff::chart::release

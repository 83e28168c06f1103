// `helm dependency list|update|build` (pkg/action/dependency.go, pkg/downloader/manager.go)
// for file:// and HTTP repositories.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "chart/action/repo_commands.h"
#include "chart/chart/archive_writer.h"
#include "chart/chart/chartfile.h"
#include "chart/chart/loader.h"
#include "chart/funcs/semver.h"
#include "chart/repo/http_get.h"
#include "chart/repo/index.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

bool version_matches(const std::string& constraint, const std::string& version) {
  if (constraint == version) return true;
  auto c = funcs::SemConstraints::parse(constraint);
  auto v = funcs::parse_semver(version);
  return c.ok() && v.ok() && c->check(*v);
}

// gosuri/uitable: cells padded to the column width, columns joined by a tab.
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()));
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (size_t n = 0; n < rows.size(); ++n) {
    if (n) out += "\n";
    for (size_t i = 0; i < rows[n].size(); ++i) {
      if (i) out += "\t";
      out += rows[n][i] + std::string(width[i] - rows[n][i].size(), ' ');
    }
  }
  return out;
}

std::string status_of(const fs::path& chart_dir, const Dependency& dep, const Chart& parent) {
  std::vector<fs::path> archives;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(chart_dir / "charts", ec)) {
    std::string n = e.path().filename().string();
    if (n.rfind(dep.name + "-", 0) == 0 && n.size() > 4 && n.compare(n.size() - 4, 4, ".tgz") == 0) {
      archives.push_back(e.path());
    }
  }
  std::sort(archives.begin(), archives.end());
  auto stat_archive = [&](const fs::path& a) -> std::string {
    auto c = load_chart(a.string());
    if (!c.ok()) return "corrupt";
    if ((*c)->name() != dep.name) return "misnamed";
    if ((*c)->metadata.version != dep.version) {
      if (!funcs::SemConstraints::parse(dep.version).ok() || !funcs::parse_semver((*c)->metadata.version).ok()) {
        return "invalid version";
      }
      if (!version_matches(dep.version, (*c)->metadata.version)) return "wrong version";
    }
    return "ok";
  };
  if (archives.size() == 1) return stat_archive(archives[0]);
  if (archives.size() > 1) {
    std::vector<fs::path> found;
    for (const auto& a : archives) {
      std::string stem = a.stem().string().substr(dep.name.size() + 1);
      if (funcs::parse_semver(stem).ok() && stem.find_first_not_of("0123456789.-+abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos) {
        found.push_back(a);
      }
    }
    if (found.size() == 1) return stat_archive(found[0]);
    if (found.size() > 1) return "too many matches";
  }
  const Chart* dep_chart = nullptr;
  for (const auto& d : parent.dependencies) {
    if (d->name() == dep.name) dep_chart = d.get();
  }
  if (dep_chart == nullptr) return "missing";
  if (dep_chart->metadata.version != dep.version) {
    if (!funcs::SemConstraints::parse(dep.version).ok() || !funcs::parse_semver(dep_chart->metadata.version).ok()) {
      return "invalid version";
    }
    if (!version_matches(dep.version, dep_chart->metadata.version)) return "wrong version";
  }
  return "unpacked";
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Resolved {
  Dependency locked;      // name, repository, version
  std::string url;        // download URL (HTTP repositories)
};

// The repository's index.yaml, fetched once per repository URL.
Result<Json> repo_index_for(const std::string& repo_url, std::map<std::string, Json>& cache, std::string& out) {
  auto it = cache.find(repo_url);
  if (it != cache.end()) return it->second;
  SKIFF_ASSIGN_OR_RETURN(std::string text, repo::http_get(repo::url_join(repo_url, "index.yaml")));
  SKIFF_ASSIGN_OR_RETURN(Json index, repo::load_index(text, repo_url));
  out += "...Successfully got an update from the \"" + repo_url + "\" chart repository\n";
  cache[repo_url] = index;
  return index;
}

bool is_http(const std::string& r) { return r.rfind("http://", 0) == 0 || r.rfind("https://", 0) == 0; }

Result<Resolved> resolve(const fs::path& chart_dir, const Dependency& dep, std::map<std::string, Json>& indexes,
                         std::string& out) {
  Resolved r;
  r.locked.name = dep.name;
  r.locked.repository = dep.repository;
  if (dep.repository.rfind("file://", 0) == 0) {
    fs::path local = (chart_dir / dep.repository.substr(7)).lexically_normal();
    std::error_code ec;
    if (!fs::exists(local, ec)) {
      return Error::not_found("directory " + local.string() + " not found");
    }
    SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(local.string()));
    if (!dep.version.empty() && !version_matches(dep.version, c->metadata.version)) {
      return Error::invalid("can't get a valid version for dependency " + dep.name);
    }
    r.locked.version = c->metadata.version;
    return r;
  }
  if (!is_http(dep.repository)) {
    return Error::invalid("no repository definition for " + dep.repository +
                          ". Please add the missing repos via 'helm repo add'");
  }
  SKIFF_ASSIGN_OR_RETURN(Json index, repo_index_for(dep.repository, indexes, out));
  auto found = repo::find_chart_version(index, dep.name, dep.version);
  if (!found.ok()) {
    return Error::not_found("can't get a valid version for repositories " + dep.name +
                            ". Try changing the version constraint in Chart.yaml");
  }
  r.locked.version = found->value("version", "");
  const Json& urls = (*found)["urls"];
  if (urls.is_array() && !urls.empty()) {
    r.url = urls[0].get<std::string>();
    if (r.url.find("://") == std::string::npos) r.url = repo::url_join(dep.repository, r.url);
  }
  return r;
}

// Writes each resolved dependency into charts/ and removes archives it replaces.
Result<std::string> download_all(const fs::path& chart_dir, const std::vector<Resolved>& deps, bool any_http) {
  std::string out;
  out += "Saving " + std::to_string(deps.size()) + " charts\n";
  fs::path charts = chart_dir / "charts";
  std::error_code ec;
  fs::create_directories(charts, ec);
  std::set<std::string> written;
  for (const auto& d : deps) {
    if (d.locked.repository.rfind("file://", 0) == 0) {
      fs::path local = (chart_dir / d.locked.repository.substr(7)).lexically_normal();
      SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(local.string()));
      SKIFF_ASSIGN_OR_RETURN(std::string path, save_chart_archive(*c, charts.string()));
      written.insert(fs::path(path).filename().string());
      continue;
    }
    out += "Downloading " + d.locked.name + " from repo " + d.locked.repository + "\n";
    SKIFF_ASSIGN_OR_RETURN(std::string bytes, repo::http_get(d.url));
    std::string name = d.url.substr(d.url.rfind('/') + 1);
    std::ofstream f(charts / name, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) return Error::internal("write " + (charts / name).string() + " failed");
    written.insert(name);
  }
  out += "Deleting outdated charts\n";
  for (const auto& e : fs::directory_iterator(charts, ec)) {
    std::string n = e.path().filename().string();
    if (e.path().extension() != ".tgz" || written.count(n)) continue;
    for (const auto& d : deps) {
      if (n.rfind(d.locked.name + "-", 0) == 0) fs::remove(e.path(), ec);
    }
  }
  (void)any_http;
  return out;
}

}  // namespace

Result<std::string> dependency_list(const std::string& chart_path) {
  SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(chart_path));
  if (c->metadata.dependencies.empty()) {
    return "WARNING: no dependencies at " + (fs::path(chart_path) / "charts").lexically_normal().string() + "\n";
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "VERSION", "REPOSITORY", "STATUS"}};
  for (const auto& d : c->metadata.dependencies) {
    rows.push_back({d.name, d.version, d.repository, status_of(chart_path, d, *c)});
  }
  std::string out = table(rows) + "\n\n";
  std::vector<fs::path> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(chart_path) / "charts", ec)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    if (!fs::is_directory(p, ec) && p.extension() != ".tgz") continue;
    std::string shown = (fs::path(chart_path) / "charts" / p.filename()).lexically_normal().string();
    auto sub = load_chart(p.string());
    if (!sub.ok()) {
      out += "WARNING: \"" + shown + "\" is not a chart.\n";
      continue;
    }
    bool found = false;
    for (const auto& d : c->metadata.dependencies) found = found || d.name == (*sub)->name();
    if (!found) out += "WARNING: \"" + shown + "\" is not in Chart.yaml.\n";
  }
  return out;
}

Result<std::string> dependency_update(const std::string& chart_path) {
  SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(chart_path));
  const auto& req = c->metadata.dependencies;
  if (req.empty()) return std::string("No dependencies found\n");
  std::string out;
  bool any_http = std::any_of(req.begin(), req.end(), [](const Dependency& d) { return is_http(d.repository); });
  if (any_http) out += "Getting updates for unmanaged Helm repositories...\n";
  std::map<std::string, Json> indexes;
  std::vector<Resolved> resolved;
  for (const auto& d : req) {
    SKIFF_ASSIGN_OR_RETURN(Resolved r, resolve(chart_path, d, indexes, out));
    resolved.push_back(std::move(r));
  }
  SKIFF_ASSIGN_OR_RETURN(std::string saved, download_all(chart_path, resolved, any_http));
  out += saved;
  Lock lock;
  for (const auto& r : resolved) lock.dependencies.push_back(r.locked);
  lock.digest = hash_requirements(req, lock.dependencies);
  lock.generated = now_rfc3339_nano();
  // An unchanged lock keeps its old generated time, as helm's writeLock does not run then.
  fs::path lock_path = fs::path(chart_path) / (c->metadata.api_version == "v1" ? "requirements.lock" : "Chart.lock");
  if (c->lock_file) {
    auto old = parse_lock(c->lock_file->data, "Chart.lock");
    if (old.ok() && old->digest == lock.digest) return out;
  }
  SKIFF_ASSIGN_OR_RETURN(std::string text, marshal_lock(lock));
  std::ofstream f(lock_path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) return Error::internal("write " + lock_path.string() + " failed");
  return out;
}

Result<std::string> dependency_build(const std::string& chart_path) {
  SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(chart_path));
  if (!c->lock_file) return dependency_update(chart_path);
  SKIFF_ASSIGN_OR_RETURN(Lock lock, parse_lock(c->lock_file->data, "Chart.lock"));
  if (hash_requirements(c->metadata.dependencies, lock.dependencies) != lock.digest) {
    return Error::invalid(
        "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the "
        "dependencies");
  }
  // helm's build resolves repository URLs through repositories.yaml only (update also
  // accepts unmanaged ones); skiff keeps no repository list.
  for (const auto& d : lock.dependencies) {
    if (is_http(d.repository)) {
      return Error::not_found("no repository definition for " + d.repository +
                              ". Please add the missing repos via 'helm repo add'");
    }
  }
  std::string out;
  bool any_http = false;
  if (any_http) out += "Getting updates for unmanaged Helm repositories...\n";
  std::map<std::string, Json> indexes;
  std::vector<Resolved> resolved;
  for (const auto& d : lock.dependencies) {
    SKIFF_ASSIGN_OR_RETURN(Resolved r, resolve(chart_path, d, indexes, out));
    resolved.push_back(std::move(r));
  }
  SKIFF_ASSIGN_OR_RETURN(std::string saved, download_all(chart_path, resolved, any_http));
  return out + saved;
}

}  // namespace skiff::chart

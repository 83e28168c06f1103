// `helm dependency list|update|build` (pkg/action/dependency.go, pkg/downloader/manager.go):
// local paths, HTTP repositories (named in repositories.yaml, by "@name", or by URL) and OCI.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "chart/action/repo_commands.h"
#include "chart/chart/archive_writer.h"
#include "chart/chart/chartfile.h"
#include "chart/chart/loader.h"
#include "chart/funcs/semver.h"
#include "chart/action/repo_fetch.h"
#include "chart/repo/chart_repository.h"
#include "chart/repo/helm_paths.h"
#include "chart/repo/http_get.h"
#include "chart/repo/index.h"
#include "chart/repo/repo_file.h"
#include "util/go_strconv.h"

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

struct Resolved {
  Dependency locked;      // name, repository (aliases resolved to URLs), version
  std::string url;        // download URL (HTTP repositories)
  detail::FetchedChart oci;  // fetched while resolving (OCI registries)
};

bool is_oci(const std::string& r) { return r.rfind("oci://", 0) == 0; }
bool is_local(const std::string& r) { return r.empty() || r.rfind("file://", 0) == 0; }

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Where each dependency's chart comes from, as helm's manager sorts them: a repository of
// repositories.yaml (named, or by "@name" / "alias:name", or by its URL), an HTTP repository
// helm does not manage, an OCI registry, or a local path.
struct RepoPlan {
  repo::RepoFile repos;
  std::map<std::string, std::string> managed;  // dependency name -> repository name
  std::vector<std::string> unmanaged;           // repository URLs, in first-use order
};

// helm's resolveRepoNames: rewrites aliases to URLs in deps and names the managed repositories.
Result<RepoPlan> plan_repositories(std::vector<Dependency>& deps) {
  RepoPlan plan;
  SKIFF_ASSIGN_OR_RETURN(plan.repos, repo::load_repo_file(repo::repository_config_path()));
  std::vector<std::string> missing;
  for (auto& d : deps) {
    if (is_local(d.repository) || is_oci(d.repository)) continue;
    const repo::RepoEntry* found = nullptr;
    for (const auto& e : plan.repos.repositories) {
      bool by_alias = (d.repository.rfind("@", 0) == 0 && d.repository.substr(1) == e.name) ||
                      (d.repository.rfind("alias:", 0) == 0 && d.repository.substr(6) == e.name);
      if (by_alias || trim_slash(e.url) == trim_slash(d.repository)) {
        found = &e;
        break;
      }
    }
    if (found) {
      d.repository = found->url;
      plan.managed[d.name] = found->name;
    } else if (d.repository.find("://") != std::string::npos) {
      if (std::find(plan.unmanaged.begin(), plan.unmanaged.end(), d.repository) == plan.unmanaged.end())
        plan.unmanaged.push_back(d.repository);
    } else {
      missing.push_back(d.repository);
    }
  }
  if (!missing.empty()) {
    std::string joined;
    bool non_url = false;
    for (const auto& m : missing) {
      joined += (joined.empty() ? "" : ", ") + m;
      non_url = non_url || (m.find("//") == std::string::npos && m.rfind("@", 0) != 0 && m.rfind("alias:", 0) != 0);
    }
    std::string message = "no repository definition for " + joined + ". Please add them via 'helm repo add'";
    if (non_url) {
      message +=
          "\nNote that repositories must be URLs or aliases. For example, to refer to the \"example\"\n"
          "repository, use \"https://charts.example.com/\" or \"@example\" instead of\n"
          "\"example\". Don't forget to add the repo, too ('helm repo add').";
    }
    return Error::invalid(message);
  }
  return plan;
}

// helm's UpdateRepositories: every repository of repositories.yaml, in file order.
void update_repositories(const repo::RepoFile& repos, std::string& out) {
  if (repos.repositories.empty()) return;
  out += "Hang tight while we grab the latest from your chart repositories...\n";
  for (const auto& e : repos.repositories) {
    auto index = repo::download_index_file(e);
    if (index.ok()) out += "...Successfully got an update from the \"" + e.name + "\" chart repository\n";
    else out += "...Unable to get an update from the \"" + e.name + "\" chart repository (" + e.url + "):\n\t" +
                index.error().message + "\n";
  }
  out += "Update Complete. \xE2\x8E\x88Happy Helming!\xE2\x8E\x88\n";
}

// The index of an unmanaged repository, fetched once per URL.
Result<Json> repo_index_for(const std::string& repo_url, std::map<std::string, Json>& cache, std::string& out) {
  auto it = cache.find(repo_url);
  if (it != cache.end()) return it->second;
  SKIFF_ASSIGN_OR_RETURN(std::string text, repo::http_get(repo::url_join(repo_url, "index.yaml")));
  SKIFF_ASSIGN_OR_RETURN(Json index, repo::load_index(text, repo_url));
  out += "...Successfully got an update from the \"" + repo_url + "\" chart repository\n";
  cache[repo_url] = index;
  return index;
}

// One dependency's version; nullopt when no version satisfies its constraint (helm's resolver
// lists every such dependency in one error).
Result<std::optional<Resolved>> resolve(const fs::path& chart_dir, const Dependency& dep, const RepoPlan& plan,
                                        std::map<std::string, Json>& indexes, std::string& out) {
  Resolved r;
  r.locked.name = dep.name;
  r.locked.repository = dep.repository;
  if (dep.repository.empty()) {  // already in charts/
    SKIFF_ASSIGN_OR_RETURN(auto c, load_chart((chart_dir / "charts" / dep.name).string()));
    if (!dep.version.empty() && !version_matches(dep.version, c->metadata.version)) {
      return Error::invalid("dependency " + dep.name + " at version " + c->metadata.version +
                            " does not satisfy the constraint " + dep.version);
    }
    r.locked.version = c->metadata.version;
    return std::optional<Resolved>(std::move(r));
  }
  if (dep.repository.rfind("file://", 0) == 0) {
    fs::path local = (chart_dir / dep.repository.substr(7)).lexically_normal();
    std::error_code ec;
    if (!fs::exists(local, ec)) {
      return Error::not_found("directory " + local.string() + " not found");
    }
    SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(local.string()));
    if (!dep.version.empty() && !version_matches(dep.version, c->metadata.version)) return std::optional<Resolved>();
    r.locked.version = c->metadata.version;
    return std::optional<Resolved>(std::move(r));
  }
  if (is_oci(dep.repository)) {
    auto fetched = detail::fetch_oci_chart(trim_slash(dep.repository) + "/" + dep.name, {"", dep.version, "", ""});
    if (!fetched.ok()) {
      return Error::not_found("can't get a valid version for dependency " + dep.name + ": " + fetched.error().message);
    }
    r.oci = std::move(*fetched);
    const std::string& file = r.oci.file_name;  // NAME-VERSION.tgz
    r.locked.version = file.substr(dep.name.size() + 1, file.size() - dep.name.size() - 5);
    return std::optional<Resolved>(std::move(r));
  }
  Json index;
  if (auto managed = plan.managed.find(dep.name); managed != plan.managed.end()) {
    auto cached = repo::load_cached_index(managed->second);
    if (!cached.ok()) {
      return Error::not_found("no cached repository for " + managed->second + " found. (try 'helm repo update'): " +
                              cached.error().message);
    }
    index = std::move(*cached);
  } else {
    SKIFF_ASSIGN_OR_RETURN(index, repo_index_for(dep.repository, indexes, out));
  }
  const Json* entries = index.is_object() && index.contains("entries") ? &index["entries"] : nullptr;
  if (!entries || !entries->is_object() || !entries->contains(dep.name)) {
    return Error::not_found(dep.name + " chart not found in repo " + dep.repository);
  }
  auto found = repo::find_chart_version(index, dep.name, dep.version);
  if (!found.ok()) return std::optional<Resolved>();
  r.locked.version = found->value("version", "");
  const Json& urls = (*found)["urls"];
  if (urls.is_array() && !urls.empty()) r.url = repo::resolve_chart_url(dep.repository, urls[0].get<std::string>());
  return std::optional<Resolved>(std::move(r));
}

// Resolves every dependency (after the repository updates helm prints first).
Result<std::vector<Resolved>> resolve_all(const fs::path& chart_dir, std::vector<Dependency>& deps, bool skip_refresh,
                                          std::string& out) {
  SKIFF_ASSIGN_OR_RETURN(RepoPlan plan, plan_repositories(deps));
  std::map<std::string, Json> indexes;
  if (!plan.unmanaged.empty()) {
    // With --skip-refresh helm reads the indexes it cached before; here they are fetched, quietly.
    std::string fetch_report;
    std::string& report = skip_refresh ? fetch_report : out;
    if (!skip_refresh) out += "Getting updates for unmanaged Helm repositories...\n";
    for (const auto& url : plan.unmanaged) {
      auto index = repo_index_for(url, indexes, report);
      if (!index.ok()) return index.error();
    }
  }
  if (!skip_refresh) update_repositories(plan.repos, out);
  std::vector<Resolved> resolved;
  std::vector<std::string> missing;
  for (const auto& d : deps) {
    SKIFF_ASSIGN_OR_RETURN(std::optional<Resolved> r, resolve(chart_dir, d, plan, indexes, out));
    if (r) {
      resolved.push_back(std::move(*r));
    } else {
      missing.push_back(go_quote(d.name) + " (repository " + go_quote(d.repository) + ", version " + go_quote(d.version) + ")");
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return Error::invalid("can't get a valid version for " + std::to_string(missing.size()) + " subchart(s): " + list +
                          ". Make sure a matching chart version exists in the repo, or change the version constraint "
                          "in Chart.yaml");
  }
  return resolved;
}

void write_file(const fs::path& path, const std::string& bytes, Status& status) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) status = Error::internal("write " + path.string() + " failed");
}

// helm's LoadFile of a charts/ entry, for deciding whether to delete it: its errors name
// the file as helm's do.
Result<std::shared_ptr<Chart>> load_chart_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string name = path.string();
  if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x1f || static_cast<unsigned char>(bytes[1]) != 0x8b) {
    if (name.ends_with(".yml") || name.ends_with(".yaml")) {
      return Error::invalid("file '" + name + "' seems to be a YAML file, but expected a gzipped archive");
    }
    // http.DetectContentType's verdict for what is not an archive: text unless it holds binary bytes.
    bool binary = false;
    for (unsigned char c : bytes.substr(0, 512)) binary |= c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f);
    return Error::invalid("file '" + name + "' does not appear to be a gzipped archive; got '" +
                          (binary ? "application/octet-stream" : "text/plain; charset=utf-8") + "'");
  }
  return load_chart_archive(bytes);
}

// Writes each resolved dependency into charts/, then deletes what charts/ held before and no
// longer should (helm's safeMoveDeps): every file not just written that loads as a chart other
// than a dependency without a repository.
Status download_all(const fs::path& chart_dir, const std::vector<Resolved>& deps, std::string& out) {
  out += "Saving " + std::to_string(deps.size()) + " charts\n";
  fs::path charts = chart_dir / "charts";
  std::error_code ec;
  fs::create_directories(charts, ec);
  std::vector<std::string> before;
  for (const auto& e : fs::directory_iterator(charts, ec))
    if (!e.is_directory(ec)) before.push_back(e.path().filename().string());
  std::sort(before.begin(), before.end());
  std::set<std::string> written;
  for (const auto& d : deps) {
    if (d.locked.repository.empty()) {
      out += "Dependency " + d.locked.name +
             " did not declare a repository. Assuming it exists in the charts directory\n";
      continue;
    }
    if (d.locked.repository.rfind("file://", 0) == 0) {
      fs::path local = (chart_dir / d.locked.repository.substr(7)).lexically_normal();
      SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(local.string()));
      SKIFF_ASSIGN_OR_RETURN(std::string path, save_chart_archive(*c, charts.string()));
      written.insert(fs::path(path).filename().string());
      continue;
    }
    out += "Downloading " + d.locked.name + " from repo " + d.locked.repository + "\n";
    std::string name, bytes;
    if (is_oci(d.locked.repository)) {
      name = d.oci.file_name;
      bytes = d.oci.bytes;
    } else {
      SKIFF_ASSIGN_OR_RETURN(bytes, repo::http_get(d.url));
      name = d.url.substr(d.url.rfind('/') + 1);
    }
    Status saved = ok_status();
    write_file(charts / name, bytes, saved);
    SKIFF_TRY(saved);
    written.insert(name);
  }
  out += "Deleting outdated charts\n";
  std::set<std::string> local;
  for (const auto& d : deps)
    if (d.locked.repository.empty()) local.insert(d.locked.name);
  for (const auto& name : before) {
    if (written.count(name)) continue;
    const fs::path path = (charts / name).lexically_normal();
    auto loaded = load_chart_file(path);
    if (!loaded.ok()) {
      out += "Could not verify " + path.string() + " for deletion: " + loaded.error().message + " (Skipping)\n";
      continue;
    }
    if (!local.count((*loaded)->name())) fs::remove(path, ec);
  }
  return ok_status();
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

Status dependency_update(const std::string& chart_path, bool skip_refresh, std::string& out) {
  SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(chart_path));
  std::vector<Dependency> req = c->metadata.dependencies;
  if (req.empty()) {
    out += "No dependencies found\n";
    return ok_status();
  }
  SKIFF_ASSIGN_OR_RETURN(std::vector<Resolved> resolved, resolve_all(chart_path, req, skip_refresh, out));
  SKIFF_TRY(download_all(chart_path, resolved, out));
  Lock lock;
  for (const auto& r : resolved) lock.dependencies.push_back(r.locked);
  lock.digest = hash_requirements(req, lock.dependencies);
  lock.generated = now_rfc3339_nano();
  // An unchanged lock keeps its old generated time, as helm's writeLock does not run then.
  fs::path lock_path = fs::path(chart_path) / (c->metadata.api_version == "v1" ? "requirements.lock" : "Chart.lock");
  if (c->lock_file) {
    auto old = parse_lock(c->lock_file->data, "Chart.lock");
    if (old.ok() && old->digest == lock.digest) return ok_status();
  }
  SKIFF_ASSIGN_OR_RETURN(std::string text, marshal_lock(lock));
  std::ofstream f(lock_path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) return Error::internal("write " + lock_path.string() + " failed");
  return ok_status();
}

Status dependency_build(const std::string& chart_path, bool skip_refresh, std::string& out) {
  SKIFF_ASSIGN_OR_RETURN(auto c, load_chart(chart_path));
  if (!c->lock_file) return dependency_update(chart_path, skip_refresh, out);
  SKIFF_ASSIGN_OR_RETURN(Lock lock, parse_lock(c->lock_file->data, "Chart.lock"));
  std::vector<Dependency> req = c->metadata.dependencies;
  if (auto planned = plan_repositories(req); !planned.ok()) return planned.error();  // aliases -> URLs, as locked
  if (hash_requirements(req, lock.dependencies) != lock.digest) {
    return Error::invalid(
        "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the "
        "dependencies");
  }
  // helm's hasAllRepos: a build downloads only from repositories helm manages.
  SKIFF_ASSIGN_OR_RETURN(repo::RepoFile repos, repo::load_repo_file(repo::repository_config_path()));
  std::vector<std::string> missing;
  for (const auto& d : lock.dependencies) {
    if (is_local(d.repository) || is_oci(d.repository)) continue;
    bool known = std::any_of(repos.repositories.begin(), repos.repositories.end(),
                             [&](const repo::RepoEntry& e) { return trim_slash(e.url) == trim_slash(d.repository); });
    if (!known) missing.push_back(d.repository);
  }
  if (!missing.empty()) {
    std::string joined;
    for (const auto& m : missing) joined += (joined.empty() ? "" : ", ") + m;
    return Error::not_found("no repository definition for " + joined +
                            ". Please add the missing repos via 'helm repo add'");
  }
  SKIFF_ASSIGN_OR_RETURN(std::vector<Resolved> resolved, resolve_all(chart_path, lock.dependencies, skip_refresh, out));
  return download_all(chart_path, resolved, out);
}

}  // namespace skiff::chart

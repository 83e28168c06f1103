// helm's ChartPathOptions.LocateChart and ChartDownloader (pkg/action/install.go,
// pkg/downloader/chart_downloader.go): chart references resolved through repositories.
#include <filesystem>
#include <fstream>

#include "chart/action/repo_fetch.h"
#include "chart/repo/chart_repository.h"
#include "chart/repo/helm_paths.h"
#include "chart/repo/http_get.h"
#include "chart/repo/index.h"
#include "chart/repo/oci_registry.h"
#include "chart/repo/repo_file.h"
#include "util/strings.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return url.substr(start, url.find('/', start) - start);
}

// The chart version's archive URL in the repository at `repo_url`.
Result<std::string> chart_url_in(const Json& index, const std::string& chart, const std::string& version,
                                 const std::string& repo_url, const std::string& not_found_suffix) {
  auto found = repo::find_chart_version(index, chart, version);
  if (!found.ok()) {
    return Error::not_found("chart \"" + chart + "\" matching " + version + " not found in " + not_found_suffix +
                            ": " + found.error().message);
  }
  const Json& urls = (*found)["urls"];
  if (!urls.is_array() || urls.empty()) return Error::invalid("chart \"" + chart + "\" has no downloadable URLs");
  return repo::resolve_chart_url(repo_url, urls[0].get<std::string>());
}

std::string file_name_of(const std::string& url) {
  std::string name = url.substr(url.rfind('/') + 1);
  if (auto q = name.find('?'); q != std::string::npos) name = name.substr(0, q);
  return name;
}

}  // namespace

namespace detail {

Result<FetchedChart> fetch_chart(const std::string& ref, const ChartSource& source) {
  if (repo::is_oci_reference(ref)) return fetch_oci_chart(ref, source);
  std::string url, username = source.username, password = source.password;
  if (!source.repo_url.empty()) {
    SKIFF_ASSIGN_OR_RETURN(std::string text,
                           repo::http_get(repo::url_join(source.repo_url, "index.yaml"), username, password));
    SKIFF_ASSIGN_OR_RETURN(Json index, repo::load_index(text, source.repo_url));
    auto found = chart_url_in(index, ref, source.version, source.repo_url, source.repo_url);
    if (!found.ok()) {
      if (source.version.empty()) {
        return Error::not_found("chart \"" + ref + "\" not found in " + source.repo_url + " repository");
      }
      return Error::not_found("chart \"" + ref + "\" version \"" + source.version + "\" not found in " +
                              source.repo_url + " repository");
    }
    url = *found;
    if (host_of(url) != host_of(source.repo_url)) username = password = "";
  } else if (ref.find("://") != std::string::npos) {
    url = ref;
  } else {
    auto slash = ref.find('/');
    if (slash == std::string::npos) {
      return Error::invalid("non-absolute URLs should be in form of repo_name/path_to_chart, got: " + ref);
    }
    std::string repo_name = ref.substr(0, slash), chart = ref.substr(slash + 1);
    SKIFF_ASSIGN_OR_RETURN(repo::RepoFile file, repo::load_repo_file(repo::repository_config_path()));
    const repo::RepoEntry* entry = file.find(repo_name);
    if (entry == nullptr) return Error::not_found("repo " + repo_name + " not found");
    auto index = repo::load_cached_index(repo_name);
    if (!index.ok()) return Error::not_found("no cached repo found. (try 'helm repo update'): " + index.error().message);
    SKIFF_ASSIGN_OR_RETURN(url, chart_url_in(*index, chart, source.version, entry->url,
                                             repo_name + " index. (try 'helm repo update')"));
    // Credentials go only to the repository's own host unless pass_credentials_all.
    if (username.empty() && (entry->pass_credentials_all || host_of(url) == host_of(entry->url))) {
      username = entry->username;
      password = entry->password;
    }
  }
  FetchedChart out;
  SKIFF_ASSIGN_OR_RETURN(out.bytes, repo::http_get(url, username, password));
  out.file_name = file_name_of(url);
  return out;
}

}  // namespace detail

Result<std::string> locate_chart(const std::string& ref_in, const ChartSource& source, std::string* transfer_notice) {
  std::string ref(trim(ref_in));
  std::error_code ec;
  if (!repo::is_oci_reference(ref) && source.repo_url.empty()) {
    if (fs::exists(ref, ec)) return ref;
    if (fs::path(ref).is_absolute() || ref.rfind(".", 0) == 0) return Error::not_found("path \"" + ref + "\" not found");
  }
  SKIFF_ASSIGN_OR_RETURN(detail::FetchedChart fetched, detail::fetch_chart(ref, source));
  if (transfer_notice != nullptr) *transfer_notice = fetched.printed;
  // helm 4's content cache: CACHE/content/<first two hex digits>/<sha256>.chart
  std::string hex = repo::sha256_file_hex(fetched.bytes);
  fs::path path = fs::path(repo::content_cache_dir()) / hex.substr(0, 2) / (hex + ".chart");
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(fetched.bytes.data(), static_cast<std::streamsize>(fetched.bytes.size()));
  out.close();
  if (!out) return Error::internal("write " + path.string() + " failed");
  return path.string();
}

std::string generated_release_name(const std::string& chart_ref) {
  std::string ref = chart_ref;
  while (ref.size() > 1 && ref.back() == '/') ref.pop_back();
  std::string base = ref.substr(ref.rfind('/') + 1);
  if (base == "." || base.empty()) base = "chart";
  if (auto colon = base.find(':'); colon != std::string::npos && repo::is_oci_reference(chart_ref)) {
    base = base.substr(0, colon);
  }
  if (auto dot = base.find('.'); dot != std::string::npos) base = base.substr(0, dot);
  return base + "-" + std::to_string(time(nullptr));
}

}  // namespace skiff::chart

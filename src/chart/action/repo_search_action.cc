// `helm search repo` (pkg/cmd/search_repo.go, pkg/cmd/search/search.go) over the cached
// repository indexes.
#include <algorithm>
#include <map>
#include <optional>
#include <regex>

#include "chart/action/release_context.h"
#include "chart/action/repo_commands.h"
#include "chart/chart/yaml_values.h"
#include "chart/funcs/semver.h"
#include "chart/repo/chart_repository.h"
#include "chart/repo/helm_paths.h"
#include "chart/repo/repo_file.h"

namespace skiff::chart {

namespace {

// helm's search line separator: a match's score is the number of separators before it.
constexpr char kSep = '\v';

struct SearchHit {
  std::string name;  // REPO/CHART
  int score = 0;
  Json chart;        // the index's chart version
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string search_line(const std::string& name, const Json& cv) {
  std::string keywords;
  if (cv.contains("keywords") && cv["keywords"].is_array()) {
    for (const auto& k : cv["keywords"]) keywords += (keywords.empty() ? "" : " ") + k.get<std::string>();
  }
  return cv.value("name", "") + kSep + name + kSep + cv.value("description", "") + kSep + keywords;
}

int score_at(size_t pos, const std::string& line) {
  int seps = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != kSep) continue;
    if (pos <= i) return seps;
    ++seps;
  }
  return seps;
}

int compare_versions(const std::string& a, const std::string& b) {
  auto va = funcs::parse_semver(a);
  auto vb = funcs::parse_semver(b);
  if (va.ok() && vb.ok()) return va->compare(*vb);
  return a.compare(b);
}

std::string truncate(const std::string& s, size_t width) {
  size_t runes = 0;
  for (unsigned char c : s) runes += (c & 0xC0) != 0x80;
  if (runes <= width) return s;
  // Cut at a rune boundary, leaving room for "...".
  size_t keep = width > 3 ? width - 3 : 0, seen = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == keep) break;
      ++seen;
    }
  }
  return s.substr(0, i) + "...";
}

}  // namespace

Result<std::string> search_repo(const SearchRepoOptions& opts, std::string& notice) {
  std::string version = opts.devel && opts.version.empty() ? ">0.0.0-0" : opts.version;
  SKIFF_ASSIGN_OR_RETURN(repo::RepoFile file, repo::load_repo_file(repo::repository_config_path()));
  if (file.repositories.empty()) return Error::not_found("no repositories configured");
  bool all_versions = opts.versions || !version.empty();
  std::vector<SearchHit> hits;
  std::optional<std::regex> re;
  if (opts.regexp) {
    try {
      re.emplace(opts.keyword, std::regex::icase);
    } catch (const std::regex_error& e) {
      return Error::invalid("error parsing regexp: " + std::string(e.what()));
    }
  }
  for (const auto& entry : file.repositories) {
    auto index = repo::load_cached_index(entry.name);
    if (!index.ok()) {
      notice += "WARNING: Repo \"" + entry.name + "\" is corrupt or missing. Try 'helm repo update'.\n";
      notice += "WARNING: " + index.error().message + "\n";
      continue;
    }
    for (const auto& [chart, versions] : (*index)["entries"].items()) {
      // Without --versions helm indexes only each chart's newest version.
      size_t limit = all_versions ? versions.size() : std::min<size_t>(1, versions.size());
      for (size_t i = 0; i < limit; ++i) {
        const Json& cv = versions[i];
        std::string name = entry.name + "/" + chart;
        std::string line = search_line(name, cv);
        SearchHit hit{name, 0, cv};
        if (opts.regexp) {
          std::smatch m;
          if (!std::regex_search(line, m, *re)) continue;
          hit.score = score_at(static_cast<size_t>(m.position(0)), line);
        } else if (!opts.keyword.empty()) {
          std::string l = lower(line);
          size_t pos = l.find(lower(opts.keyword));
          if (pos == std::string::npos) continue;
          hit.score = score_at(pos, l);
        }
        hits.push_back(std::move(hit));
      }
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
    if (a.score != b.score) return a.score < b.score;
    if (a.name != b.name) return a.name < b.name;
    return compare_versions(a.chart.value("version", ""), b.chart.value("version", "")) > 0;
  });
  if (!version.empty()) {
    auto constraint = funcs::SemConstraints::parse(version);
    if (!constraint.ok()) return Error::invalid("an invalid version/constraint format: " + constraint.error().message);
    std::vector<SearchHit> kept;
    std::map<std::string, bool> found;
    for (auto& h : hits) {
      if (!opts.versions && found[h.name]) continue;
      auto v = funcs::parse_semver(h.chart.value("version", ""));
      if (!v.ok() || !constraint->check(*v)) continue;
      found[h.name] = true;
      kept.push_back(std::move(h));
    }
    hits = std::move(kept);
  }
  if (opts.output == "json" || opts.output == "yaml") {
    Json list = Json::array();
    for (const auto& h : hits) {
      list.push_back({{"name", h.name},
                      {"version", h.chart.value("version", "")},
                      {"app_version", h.chart.value("appVersion", "")},
                      {"description", h.chart.value("description", "")}});
    }
    if (opts.output == "yaml") return marshal_yaml(list);
    // encoding/json order of helm's repoChartElement.
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i) {
      const Json& e = list[i];
      out += std::string(i ? "," : "") + "{\"name\":" + dump_json(e["name"]) + ",\"version\":" + dump_json(e["version"]) +
             ",\"app_version\":" + dump_json(e["app_version"]) + ",\"description\":" + dump_json(e["description"]) + "}";
    }
    return out + "]\n";
  }
  if (opts.output != "table") return Error::invalid("invalid format type");
  if (hits.empty()) return std::string("No results found\n");
  size_t width = static_cast<size_t>(std::max(opts.max_col_width, 4));
  std::vector<std::vector<std::string>> rows = {{"NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"}};
  for (const auto& h : hits) {
    rows.push_back({truncate(h.name, width), truncate(h.chart.value("version", ""), width),
                    truncate(h.chart.value("appVersion", ""), width), truncate(h.chart.value("description", ""), width)});
  }
  return detail::ui_table(rows);
}

}  // namespace skiff::chart

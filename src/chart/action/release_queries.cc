// `helm history`, `helm list`, `helm status`, `helm get` (pkg/action and pkg/cmd).
#include <algorithm>
#include <map>
#include <regex>

#include "chart/action/release_context.h"
#include "chart/template/value_json.h"
#include "chart/yaml/go_yaml.h"

namespace skiff::chart {

using release::Release;

namespace {

std::string chart_label(const Release& r) {
  if (r.chart.is_null()) return "MISSING";
  return r.chart_name() + "-" + r.chart_version();
}

std::string encode_as(const Json& j, const std::string& format) {
  if (format == "yaml") {
    auto y = yaml::to_yaml(tmpl::value_from_json(j));
    return y.ok() ? *y : "";
  }
  return dump_json(j) + "\n";
}

Result<Release> find_release(detail::ReleaseContext& ctx, const std::string& name, int revision) {
  if (revision > 0) return ctx.storage->get(name, revision);
  return ctx.storage->last(name);
}

}  // namespace

Result<std::string> run_history(const HistoryOptions& o) {
  SKIFF_ASSIGN_OR_RETURN(auto ctx, detail::connect(o.cluster));
  if (!detail::validate_release_name(o.name).ok()) return Error::invalid("release name is invalid: " + o.name);
  SKIFF_ASSIGN_OR_RETURN(auto history, ctx.storage->history(o.name));
  release::sort_by_revision(history);
  size_t start = o.max > 0 && history.size() > static_cast<size_t>(o.max) ? history.size() - o.max : 0;
  if (o.output == "json" || o.output == "yaml") {
    Json out = Json::array();
    for (size_t i = start; i < history.size(); ++i) {
      const auto& r = history[i];
      Json e = {{"revision", r.version}, {"status", r.info.status}, {"chart", chart_label(r)},
                {"app_version", r.app_version()}, {"description", r.info.description}};
      e["updated"] = r.info.last_deployed.empty() ? "0001-01-01T00:00:00Z" : r.info.last_deployed;
      out.push_back(e);
    }
    return encode_as(out, o.output);
  }
  std::vector<std::vector<std::string>> rows = {{"REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"}};
  for (size_t i = start; i < history.size(); ++i) {
    const auto& r = history[i];
    rows.push_back({std::to_string(r.version), release::format_ansic(r.info.last_deployed), r.info.status,
                    chart_label(r), r.app_version(), r.info.description});
  }
  return detail::ui_table(rows);
}

Result<std::string> run_list(const ListOptions& o) {
  SKIFF_ASSIGN_OR_RETURN(auto ctx, detail::connect(o.cluster, o.all_namespaces));
  std::optional<std::regex> filter;
  if (!o.filter.empty()) {
    try {
      filter.emplace(o.filter, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Error::invalid("error parsing regexp: " + std::string(e.what()));
    }
  }
  SKIFF_ASSIGN_OR_RETURN(auto all, ctx.storage->driver().list(
                                       [&](const Release& r) { return !filter || std::regex_search(r.name, *filter); }));
  std::vector<std::string> states;
  if (o.deployed) states.push_back(release::kStatusDeployed);
  if (o.failed) states.push_back(release::kStatusFailed);
  if (o.pending) {
    states.push_back(release::kStatusPendingInstall);
    states.push_back(release::kStatusPendingUpgrade);
    states.push_back(release::kStatusPendingRollback);
  }
  if (o.superseded) states.push_back(release::kStatusSuperseded);
  if (o.uninstalled) states.push_back(release::kStatusUninstalled);
  if (o.uninstalling) states.push_back(release::kStatusUninstalling);
  bool only_superseded = states.size() == 1 && o.superseded && !o.all;
  if (states.empty()) states = {release::kStatusDeployed, release::kStatusFailed};
  std::vector<Release> results;
  if (only_superseded) {
    results = std::move(all);
  } else {
    std::map<std::pair<std::string, std::string>, Release> latest;
    for (auto& r : all) {
      auto key = std::make_pair(r.name, r.namespace_);
      auto it = latest.find(key);
      if (it == latest.end() || it->second.version < r.version) latest[key] = std::move(r);
    }
    for (auto& [k, r] : latest) results.push_back(std::move(r));
  }
  if (!o.all) {
    std::erase_if(results, [&](const Release& r) {
      return std::find(states.begin(), states.end(), r.info.status) == states.end();
    });
  }
  if (o.by_date) {
    std::stable_sort(results.begin(), results.end(), [](const Release& a, const Release& b) {
      return release::timestamp_seconds(a.info.last_deployed) < release::timestamp_seconds(b.info.last_deployed);
    });
  } else {
    std::stable_sort(results.begin(), results.end(), [](const Release& a, const Release& b) { return a.name < b.name; });
  }
  if (o.reverse) std::reverse(results.begin(), results.end());
  if (o.offset > 0) results.erase(results.begin(), results.begin() + std::min<size_t>(o.offset, results.size()));
  if (o.max > 0 && results.size() > static_cast<size_t>(o.max)) results.resize(o.max);

  if (o.short_output) {
    std::string out;
    for (const auto& r : results) out += r.name + "\n";
    return out;
  }
  if (o.output == "json" || o.output == "yaml") {
    Json out = Json::array();
    for (const auto& r : results) {
      out.push_back({{"name", r.name}, {"namespace", r.namespace_}, {"revision", std::to_string(r.version)},
                     {"updated", release::format_go_time(r.info.last_deployed)}, {"status", r.info.status},
                     {"chart", chart_label(r)}, {"app_version", r.app_version()}});
    }
    return encode_as(out, o.output);
  }
  std::vector<std::vector<std::string>> rows;
  if (!o.no_headers) rows.push_back({"NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"});
  for (const auto& r : results) {
    rows.push_back({r.name, r.namespace_, std::to_string(r.version), release::format_go_time(r.info.last_deployed),
                    r.info.status, chart_label(r), r.app_version()});
  }
  return detail::ui_table(rows);
}

Result<std::string> run_status(const StatusOptions& o) {
  SKIFF_ASSIGN_OR_RETURN(auto ctx, detail::connect(o.cluster));
  SKIFF_ASSIGN_OR_RETURN(Release rel, find_release(ctx, o.name, o.revision));
  return detail::status_text(rel, false, false);
}

Result<std::string> run_get(const GetOptions& o) {
  SKIFF_ASSIGN_OR_RETURN(auto ctx, detail::connect(o.cluster));
  SKIFF_ASSIGN_OR_RETURN(Release rel, find_release(ctx, o.name, o.revision));
  switch (o.what) {
    case GetWhat::kAll:
      return detail::status_text(rel, true, true);
    case GetWhat::kManifest:
      return rel.manifest + "\n";
    case GetWhat::kNotes:
      return rel.info.notes.empty() ? std::string() : "NOTES:\n" + rel.info.notes + "\n";
    case GetWhat::kHooks: {
      std::string out;
      for (const auto& h : rel.hooks) out += "---\n# Source: " + h.path + "\n" + h.manifest + "\n";
      return out;
    }
    case GetWhat::kValues:
      if (o.all_values) {
        SKIFF_ASSIGN_OR_RETURN(Json computed, detail::computed_values(rel));
        return "COMPUTED VALUES:\n" + detail::values_yaml(computed, false);
      }
      return "USER-SUPPLIED VALUES:\n" + detail::values_yaml(rel.config, true);
  }
  return std::string();
}

Result<TestReport> run_test(const TestOptions& o) {
  SKIFF_ASSIGN_OR_RETURN(auto ctx, detail::connect(o.cluster));
  if (!detail::validate_release_name(o.name).ok()) return Error::invalid("releaseTest: Release name is invalid: " + o.name);
  SKIFF_ASSIGN_OR_RETURN(Release rel, ctx.storage->last(o.name));
  std::vector<std::string> include, exclude;
  for (const auto& f : o.filters) {
    if (f.rfind("name=", 0) == 0) include.push_back(f.substr(5));
    else if (f.rfind("!name=", 0) == 0) exclude.push_back(f.substr(6));
    else if (f.rfind("! name=", 0) == 0) exclude.push_back(f.substr(7));
  }
  auto wanted = [&](const release::ReleaseHook& h) {
    auto has = [&](const std::vector<std::string>& names) {
      return std::find(names.begin(), names.end(), h.name) != names.end();
    };
    return !has(exclude) && (include.empty() || has(include));
  };
  // Hooks filtered out keep their place and last run; the others run.
  std::vector<release::ReleaseHook> skipped, running;
  for (auto& h : rel.hooks) (wanted(h) ? running : skipped).push_back(std::move(h));
  rel.hooks = std::move(running);
  TestReport report;
  report.tests = detail::exec_hooks(ctx, rel, "test", std::chrono::seconds(o.timeout_seconds));
  for (auto& h : rel.hooks) skipped.push_back(std::move(h));
  rel.hooks = std::move(skipped);
  Status stored = ctx.storage->update(rel);
  if (report.tests.ok() && !stored.ok()) report.tests = stored;
  report.status = detail::status_text(rel, false, false, /*hide_notes=*/true);
  return report;
}

}  // namespace skiff::chart

// helm's printers for releases: the status block (pkg/cmd/status.go), uitable tables, values.
#include <algorithm>

#include "chart/action/release_context.h"
#include "chart/template/value_json.h"
#include "chart/yaml/go_yaml.h"
#include "util/strings.h"

namespace skiff::chart::detail {

namespace {

// Display width as uitable measures it (runes).
size_t rune_count(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string trim_space(const std::string& s) { return std::string(trim(s)); }

}  // namespace

std::string ui_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], rune_count(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += '\t';
      out += row[i] + std::string(widths[i] - rune_count(row[i]), ' ');
    }
    out += '\n';
  }
  return out;
}

std::string values_yaml(const Json& values, bool null_when_empty) {
  if (values.is_null() || (null_when_empty && values.is_object() && values.empty())) return "null\n";
  auto y = yaml::to_yaml(tmpl::value_from_json(values));
  return y.ok() ? *y : dump_json(values) + "\n";
}

std::string status_text(const release::Release& rel, bool show_metadata, bool debug, bool hide_notes) {
  std::string out = "NAME: " + rel.name + "\n";
  if (!rel.info.last_deployed.empty()) out += "LAST DEPLOYED: " + release::format_ansic(rel.info.last_deployed) + "\n";
  out += "NAMESPACE: " + rel.namespace_ + "\n";
  out += "STATUS: " + rel.info.status + "\n";
  out += "REVISION: " + std::to_string(rel.version) + "\n";
  if (show_metadata) {
    out += "CHART: " + rel.chart_name() + "\n";
    out += "VERSION: " + rel.chart_version() + "\n";
    out += "APP_VERSION: " + rel.app_version() + "\n";
  }
  out += "DESCRIPTION: " + rel.info.description + "\n";
  std::vector<const release::ReleaseHook*> tests;
  for (const auto& h : rel.hooks) {
    if (std::find(h.events.begin(), h.events.end(), "test") != h.events.end()) tests.push_back(&h);
  }
  if (tests.empty()) {
    out += "TEST SUITE: None\n";
  } else {
    for (const auto* h : tests) {
      if (h->last_run.started_at.empty()) continue;
      out += "TEST SUITE:     " + h->name + "\n";
      out += "Last Started:   " + release::format_ansic(h->last_run.started_at) + "\n";
      out += "Last Completed: " + release::format_ansic(h->last_run.completed_at) + "\n";
      out += "Phase:          " + h->last_run.phase + "\n";
    }
  }
  if (debug) {
    out += "USER-SUPPLIED VALUES:\n" + values_yaml(rel.config, true) + "\n";
    auto computed = computed_values(rel);
    out += "COMPUTED VALUES:\n" + values_yaml(computed.ok() ? *computed : Json::object(), false) + "\n";
  }
  if (to_lower(rel.info.description) == "dry run complete" || debug) {
    out += "HOOKS:\n";
    for (const auto& h : rel.hooks) out += "---\n# Source: " + h.path + "\n" + h.manifest + "\n";
    out += "MANIFEST:\n" + rel.manifest + "\n";
  }
  if (!hide_notes && !rel.info.notes.empty()) out += "NOTES:\n" + trim_space(rel.info.notes) + "\n";
  return out;
}

}  // namespace skiff::chart::detail

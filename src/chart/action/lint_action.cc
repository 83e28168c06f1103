#include "chart/action/lint_action.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "chart/action/lint_rules.h"
#include "chart/action/repo_commands.h"
#include "chart/chart/loader.h"
#include "chart/chart/metadata.h"
#include "chart/chart/yaml_values.h"
#include "chart/engine/engine.h"
#include "chart/funcs/semver.h"
#include "chart/values/coalesce.h"
#include "chart/values/dependencies.h"
#include "chart/values/schema.h"
#include "util/strings.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

constexpr LintSeverity kInfo = LintSeverity::kInfo;
constexpr LintSeverity kWarning = LintSeverity::kWarning;
constexpr LintSeverity kError = LintSeverity::kError;

struct Linter {
  std::string chart_dir;  // absolute
  KubeVersionInfo kube_version = default_kube_version();
  std::vector<LintMessage> messages;
  bool rule(LintSeverity s, const std::string& path, const std::string& err) {
    if (err.empty()) return true;
    messages.push_back({s, path, err});
    return false;
  }
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// semver.StrictNewVersion: MAJOR.MINOR.PATCH with optional -pre and +meta, no leading v or zeros.
bool strict_semver(const std::string& v) {
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    size_t start = i;
    while (i < v.size() && isdigit(static_cast<unsigned char>(v[i]))) ++i;
    if (i == start || (i - start > 1 && v[start] == '0')) return false;
    if (part < 2) {
      if (i >= v.size() || v[i] != '.') return false;
      ++i;
    }
  }
  return i == v.size() || v[i] == '-' || v[i] == '+';
}

const char* go_type_name(const Json& j) {
  if (j.is_number()) return "float64";
  if (j.is_boolean()) return "bool";
  if (j.is_array()) return "[]interface {}";
  if (j.is_object()) return "map[string]interface {}";
  return "<nil>";
}

bool is_request_url(const std::string& s) {
  auto colon = s.find("://");
  return colon != std::string::npos && colon > 0 && s.size() > colon + 3;
}

void lint_chartfile(Linter& l) {
  const std::string name = "Chart.yaml";
  fs::path path = fs::path(l.chart_dir) / name;
  std::error_code ec;
  if (fs::is_directory(path, ec)) l.rule(kError, name, "should be a file, not a directory");
  auto doc = parse_yaml_json(read_all(path), name);
  Metadata md;
  if (doc.ok()) {
    auto decoded = decode_metadata(*doc, md, name);
    if (!decoded.ok()) doc = std::move(decoded).error();
  }
  if (!l.rule(kError, name, doc.ok() ? "" : "unable to parse YAML\n\t" + doc.error().message)) return;
  if (md.name.empty()) {
    l.rule(kError, name, "name is required");
  } else if (md.name.find('/') != std::string::npos) {
    l.rule(kError, name, "chart name \"" + md.name + "\" is invalid");
  }
  if (md.api_version.empty()) {
    l.rule(kError, name, "apiVersion is required. The value must be either \"v1\" or \"v2\"");
  } else if (md.api_version != "v1" && md.api_version != "v2") {
    l.rule(kError, name, "apiVersion '" + md.api_version + "' is not valid. The value must be either \"v1\" or \"v2\"");
  }
  for (const char* key : {"version", "appVersion"}) {
    if (doc->is_object() && doc->contains(key) && !(*doc)[key].is_string()) {
      l.rule(kError, name, std::string(key) + " should be of type string but it's of type " + go_type_name((*doc)[key]));
      if (std::string(key) == "version") break;
    }
  }
  if (md.version.empty()) {
    l.rule(kError, name, "version is required");
  } else if (!funcs::parse_semver(md.version).ok()) {
    l.rule(kError, name, "version '" + md.version + "' is not a valid SemVer");
  }
  for (const auto& m : md.maintainers) {
    if (m.name.empty()) {
      l.rule(kError, name, "each maintainer requires a name");
      break;
    }
  }
  for (const auto& s : md.sources) {
    if (s.empty() || !is_request_url(s)) {
      l.rule(kError, name, "invalid source URL '" + s + "'");
      break;
    }
  }
  if (md.icon.empty()) l.rule(kInfo, name, "icon is recommended");
  if (!md.icon.empty() && !is_request_url(md.icon)) l.rule(kError, name, "invalid icon URL '" + md.icon + "'");
  if (!md.type.empty() && md.api_version != "v2") {
    l.rule(kError, name, "chart type is not valid in apiVersion '" + md.api_version + "'. It is valid in apiVersion 'v2'");
  }
  if (!md.dependencies.empty() && md.api_version != "v2") {
    l.rule(kError, name, "dependencies are not valid in the Chart file with apiVersion '" + md.api_version +
                             "'. They are valid in apiVersion 'v2'");
  }
  if (!strict_semver(md.version)) l.rule(kWarning, name, "version '" + md.version + "' is not a valid SemVerV2");
}

void lint_values(Linter& l, const Json& overrides, bool skip_schema) {
  const std::string name = "values.yaml";
  fs::path path = fs::path(l.chart_dir) / name;
  std::error_code ec;
  if (!l.rule(kInfo, name, fs::exists(path, ec) ? "" : "file does not exist")) return;
  auto values = load_values(read_all(path), name);
  if (!values.ok()) {
    std::string msg = values.error().message;
    const std::string doc_prefix = "cannot unmarshal yaml document: ";
    if (msg.rfind(doc_prefix, 0) == 0) msg = msg.substr(doc_prefix.size());
    l.rule(kError, name, "unable to parse YAML: " + msg);
    return;
  }
  Json coalesced = Json::object();
  coalesce_tables(coalesced, overrides);
  coalesce_tables(coalesced, *values);
  std::string schema = read_all(fs::path(l.chart_dir) / "values.schema.json");
  if (schema.empty() || skip_schema) return;
  Status valid = validate_against_schema(coalesced, schema);
  if (!valid.ok()) l.rule(kError, name, valid.error().message);
}

bool yaml_extension(const std::string& f) {
  const std::string ext = to_lower(fs::path(f).extension().string());
  return ext == ".yaml" || ext == ".yml";
}

void lint_templates(Linter& l, const Json& overrides, const std::string& ns, bool skip_schema) {
  const std::string dir = "templates/";
  fs::path path = fs::path(l.chart_dir) / "templates";
  std::error_code ec;
  if (!l.rule(kWarning, dir, fs::exists(path, ec) ? "" : "directory does not exist")) return;
  if (!l.rule(kError, dir, fs::is_directory(path, ec) ? "" : "not a directory")) return;
  auto loaded = load_chart(l.chart_dir);
  if (!l.rule(kError, dir, loaded.ok() ? "" : loaded.error().message)) return;
  auto chart = *loaded;
  if (!process_dependencies(*chart, overrides).ok()) return;
  auto coalesced = coalesce_values(*chart, overrides);
  if (!coalesced.ok()) return;
  // helm lint hands the coalesced values to ToRenderValues, which coalesces them once more:
  // a key whose chart default is null is then dropped rather than kept as null.
  auto values = coalesce_values(*chart, *coalesced);
  if (!values.ok()) return;
  if (!skip_schema) {
    Status valid = validate_values_against_schemas(*chart, *values);
    if (!valid.ok()) {
      l.rule(kError, dir, "values don't meet the specifications of the schema(s) in the following chart(s):\n" +
                              valid.error().message);
      return;
    }
  }
  RenderInput input;
  input.release.name = "test-release";
  input.release.namespace_ = ns;
  input.capabilities.kube_version = l.kube_version;
  input.values = *values;
  input.lint_mode = true;
  auto rendered = render_chart(*chart, input);
  if (!l.rule(kError, dir, rendered.ok() ? "" : rendered.error().message)) return;
  for (const auto& t : chart->templates) {
    auto ext = fs::path(t.name).extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".tpl" && ext != ".txt") {
      l.rule(kError, t.name, "file extension '" + ext + "' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt");
    }
    if (!yaml_extension(t.name)) continue;
    auto it = rendered->find(chart->name() + "/" + t.name);
    if (it == rendered->end()) continue;
    if (!lint_rendered_template(t.name, it->second, l.kube_version, l.messages)) return;
  }
}

// crds/ files of the chart and its subcharts (helm's rules.Crds).
void lint_crds(Linter& l) {
  const std::string dir = "crds/";
  std::error_code ec;
  fs::path path = fs::path(l.chart_dir) / "crds";
  if (!fs::exists(path, ec)) return;
  if (!l.rule(kError, dir, fs::is_directory(path, ec) ? "" : "not a directory")) return;
  auto loaded = load_chart(l.chart_dir);
  if (!l.rule(kError, dir, loaded.ok() ? "" : loaded.error().message)) return;
  for (const auto& crd : crd_objects(**loaded)) {
    if (!lint_crd_file(crd.file->name, read_deferred_contents(*crd.file), l.messages)) return;
  }
}

void lint_dependencies(Linter& l) {
  auto loaded = load_chart(l.chart_dir);
  if (!l.rule(kError, "", loaded.ok() ? "" : "unable to load chart\n\t" + loaded.error().message)) return;
  const Chart& c = **loaded;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
    return s;
  };
  std::vector<std::string> not_in_metadata, shadowing, missing;
  for (const auto& d : c.dependencies) {
    bool found = false;
    for (const auto& m : c.metadata.dependencies) found = found || m.name == d->name();
    if (!found) not_in_metadata.push_back(d->name());
  }
  std::map<std::string, int> seen;
  for (const auto& m : c.metadata.dependencies) {
    std::string key = m.alias.empty() ? m.name : m.alias;
    if (seen[key]++) shadowing.push_back(key);
    bool found = false;
    for (const auto& d : c.dependencies) found = found || m.name == d->name();
    if (!found) missing.push_back(m.name);
  }
  if (!not_in_metadata.empty()) l.rule(kError, l.chart_dir, "chart metadata is missing these dependencies: " + join(not_in_metadata));
  if (!shadowing.empty()) l.rule(kError, l.chart_dir, "multiple dependencies with name or alias: " + join(shadowing));
  if (!missing.empty()) l.rule(kWarning, l.chart_dir, "chart directory is missing these dependencies: " + join(missing));
}

const char* severity_name(LintSeverity s) {
  switch (s) {
    case LintSeverity::kInfo: return "INFO";
    case LintSeverity::kWarning: return "WARNING";
    case LintSeverity::kError: return "ERROR";
  }
  return "UNKNOWN";
}

// Go's filepath.Clean, for the paths lint prints.
std::string clean_path(const fs::path& p) {
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s.empty() ? "." : s;
}

// --with-subcharts: every directory holding a Chart.yaml and every chart archive under
// PATH/charts, in filepath.Walk order.
void add_subchart_paths(const fs::path& dir, std::vector<std::string>& paths) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& e : entries) {
    const std::string name = e.filename().string();
    if (name == "Chart.yaml") {
      paths.push_back(clean_path(e.parent_path()));
    } else if (e.string().ends_with(".tgz") || e.string().ends_with(".tar.gz")) {
      paths.push_back(clean_path(e));
    }
    if (fs::is_directory(fs::symlink_status(e, ec))) add_subchart_paths(e, paths);
  }
}

}  // namespace

LintReport lint_charts(const LintOptions& options) {
  LintOptions opts = options;
  if (opts.with_subcharts) {
    for (const auto& p : options.paths) add_subchart_paths(fs::path(clean_path(fs::path(p) / "charts")), opts.paths);
  }
  LintReport report;
  if (opts.paths.empty()) {
    report.error = "\"helm lint\" requires at least 1 argument\n\nUsage:  helm lint PATH [flags]";
    return report;
  }
  KubeVersionInfo kube_version = default_kube_version();
  if (!opts.kube_version.empty()) {
    auto parsed = parse_kube_version(opts.kube_version);
    if (!parsed.ok()) {
      report.error = "invalid kube version '" + opts.kube_version + "': " + parsed.error().message;
      return report;
    }
    kube_version = *parsed;
  }
  auto user_values = merge_value_options(opts.values);
  if (!user_values.ok()) {
    report.error = user_values.error().message;
    return report;
  }
  int failed = 0;
  int with_problems = 0;
  std::string message;
  for (const auto& path : opts.paths) {
    std::string chart_path = path;
    fs::path temp;
    std::string load_error;
    std::error_code ec;
    if (path.size() > 4 && (path.ends_with(".tgz") || path.ends_with(".tar.gz"))) {
      temp = fs::temp_directory_path() / ("skiff-lint-" + std::to_string(::getpid()));
      fs::remove_all(temp, ec);
      fs::create_directories(temp, ec);
      Status st = expand_chart_archive(read_all(path), temp.string());
      if (!st.ok()) load_error = "unable to extract tarball: " + st.error().message;
      for (const auto& e : fs::directory_iterator(temp, ec)) chart_path = e.path().string();
    }
    if (load_error.empty() && !fs::exists(fs::path(chart_path) / "Chart.yaml", ec)) {
      load_error = "unable to check Chart.yaml file in chart: stat " + (fs::path(chart_path) / "Chart.yaml").string() +
                   ": no such file or directory";
    }
    std::vector<LintMessage> messages;
    if (load_error.empty()) {
      Linter l;
      l.chart_dir = fs::absolute(chart_path).lexically_normal().string();
      l.kube_version = kube_version;
      lint_chartfile(l);
      lint_values(l, *user_values, opts.skip_schema_validation);
      lint_templates(l, *user_values, opts.namespace_, opts.skip_schema_validation);
      lint_dependencies(l);
      lint_crds(l);
      messages = std::move(l.messages);
    }
    if (!temp.empty()) fs::remove_all(temp, ec);
    bool has_errors = !load_error.empty();
    bool warnings = has_errors;
    for (const auto& m : messages) {
      if (m.severity >= (opts.strict ? kWarning : kError)) has_errors = true;
      if (m.severity > kInfo) warnings = true;
    }
    if (warnings) ++with_problems;
    if (opts.quiet && !warnings) continue;
    message += "==> Linting " + path + "\n";
    if (messages.empty() && !load_error.empty()) message += "Error " + load_error + "\n";
    for (const auto& m : messages) {
      if (!opts.quiet || m.severity > kInfo) {
        message += std::string("[") + severity_name(m.severity) + "] " + m.path + ": " + m.text + "\n";
      }
    }
    if (has_errors) ++failed;
    message += "\n";
  }
  report.out = message;
  std::string summary = std::to_string(opts.paths.size()) + " chart(s) linted, " + std::to_string(failed) + " chart(s) failed";
  if (failed > 0) {
    report.error = summary;
  } else if (!opts.quiet || with_problems > 0) {
    report.out += summary + "\n";
  }
  return report;
}

}  // namespace skiff::chart

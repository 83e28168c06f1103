#include "chart/action/template_action.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "chart/action/manifest_sort.h"
#include "chart/action/repo_commands.h"
#include "chart/chart/go_glob.h"
#include "chart/chart/helm_log.h"
#include "chart/chart/loader.h"
#include "chart/chart/semver_range.h"
#include "chart/engine/engine.h"
#include "chart/funcs/sprig.h"
#include "chart/template/template.h"
#include "chart/values/coalesce.h"
#include "chart/values/dependencies.h"
#include "chart/values/schema.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDebugHint = "\n\nUse --debug flag to render out invalid YAML";

std::string trim_space(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n\v\f");
  return std::string(s.substr(b, e - b + 1));
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The DNS-1123 subdomain rule of the regex in the error below, checked by hand: std::regex
// costs more to build than the rest of a small chart's render.
bool valid_release_name(std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back())) return false;
    for (char c : label) {
      if (!is_lower_alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

Status validate_release_name(const std::string& name) {
  if (name.empty() || name.size() > 53 || !valid_release_name(name)) {
    return Error::invalid("release name check failed: release name \"" + name +
                          "\": invalid release name, must match regex "
                          "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must "
                          "not be longer than 53");
  }
  return ok_status();
}

Status check_dependencies(const Chart& chart) {
  std::vector<std::string> missing;
  for (const auto& req : chart.metadata.dependencies) {
    bool found = false;
    for (const auto& d : chart.dependencies) {
      if (d->name() == req.name) found = true;
    }
    if (!found) missing.push_back(req.name);
  }
  if (missing.empty()) return ok_status();
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
  return Error::invalid(
      "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to "
      "fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: " + list);
}

Status write_to_file(const std::string& dir, const std::string& name, const std::string& data, bool append,
                     std::string& out) {
  std::string file = dir + "/" + name;
  std::error_code ec;
  fs::create_directories(fs::path(file).parent_path(), ec);
  if (ec) return Error::internal("mkdir " + fs::path(file).parent_path().string() + ": " + ec.message());
  std::ofstream f(file, append ? std::ios::app | std::ios::binary : std::ios::trunc | std::ios::binary);
  if (!f) return Error::internal("open " + file + ": cannot write");
  f << "---\n# Source: " << name << "\n" << data << "\n";
  out += "wrote " + file + "\n";
  return ok_status();
}

struct Rendered {
  std::string manifest;  // rel.Manifest
  std::vector<Hook> hooks;
};

// renderResources: the kubeVersion check, rendering, NOTES removal, sorting, CRDs.
Result<Rendered> render_resources(const Chart& chart, const RenderInput& input, const TemplateOptions& opts,
                                  const std::string& release_name, std::string& stdout_text) {
  const auto& kv = input.capabilities.kube_version;
  if (!chart.metadata.kube_version.empty() && !semver_satisfies(chart.metadata.kube_version, kv.normalized)) {
    return Error::invalid("chart requires kubeVersion: " + chart.metadata.kube_version +
                          " which is incompatible with Kubernetes " + kv.version);
  }
  SKIFF_ASSIGN_OR_RETURN(auto files, render_chart(chart, input));
  for (auto it = files.begin(); it != files.end();) {
    const std::string& k = it->first;
    if (k.size() >= 9 && k.compare(k.size() - 9, 9, "NOTES.txt") == 0) {
      it = files.erase(it);
    } else {
      ++it;
    }
  }
  SKIFF_ASSIGN_OR_RETURN(SortedManifests sorted, sort_manifests(files));
  Rendered out;
  std::set<std::string> written;
  if (opts.include_crds) {
    for (const auto& crd : crd_objects(chart)) {
      std::string data = read_deferred_contents(*crd.file);
      if (opts.output_dir.empty()) {
        out.manifest += "---\n# Source: " + crd.filename + "\n" + data + "\n";
      } else {
        SKIFF_TRY(write_to_file(opts.output_dir, crd.filename, data, written.count(crd.filename) > 0,
                                stdout_text));
        written.insert(crd.filename);
      }
    }
  }
  for (const auto& m : sorted.manifests) {
    if (opts.output_dir.empty()) {
      out.manifest += "---\n# Source: " + m.name + "\n" + m.content + "\n";
    } else {
      std::string dir = opts.use_release_name ? opts.output_dir + "/" + release_name : opts.output_dir;
      SKIFF_TRY(write_to_file(dir, m.name, m.content, written.count(m.name) > 0, stdout_text));
      written.insert(m.name);
    }
  }
  out.hooks = std::move(sorted.hooks);
  return out;
}

bool is_test_hook(const Hook& h) {
  for (const auto& e : h.events) {
    if (e == "test") return true;
  }
  return false;
}

Result<std::string> show_only(const std::string& manifests, const std::vector<std::string>& patterns) {
  std::vector<std::string> docs = split_manifests(manifests);
  static const std::regex source_re("# Source: [^/]+/(.+)");
  std::string out;
  std::vector<const std::string*> selected;
  for (const auto& f : patterns) {
    bool missing = true;
    for (const auto& doc : docs) {
      std::smatch m;
      if (!std::regex_search(doc, m, source_re)) continue;
      if (!go_path_match(f, m[1].str())) continue;
      selected.push_back(&doc);
      missing = false;
    }
    if (missing) return Error::invalid("could not find template " + f + " in chart");
  }
  for (const auto* doc : selected) out += "---\n" + *doc + "\n";
  return out;
}

// helm's TemplateName: --name-template executed with Sprig's functions and no data.
Result<std::string> template_name(const std::string& text) {
  tmpl::TemplateSet set("name-template");
  funcs::add_sprig_functions(set);
  SKIFF_TRY(set.parse("name-template", text));
  std::string name;
  SKIFF_TRY(set.execute("name-template", tmpl::Value(), name));
  return name;
}

}  // namespace

Result<std::string> run_template(const TemplateOptions& opts) {
  CapabilitiesInfo caps;
  if (!opts.kube_version.empty()) {
    auto kv = parse_kube_version(opts.kube_version);
    if (!kv.ok()) return Error::invalid("invalid kube version '" + opts.kube_version + "': " + kv.error().message);
    caps.kube_version = *kv;
  }
  for (const auto& a : opts.api_versions) caps.api_versions.push_back(a);

  // NameAndChart: `helm template` presets the name "release-name".
  if (opts.args.empty()) return Error::invalid("\"skiff chart template\" requires at least 1 argument");
  if (opts.args.size() > 2) {
    std::string extra;
    for (size_t i = 2; i < opts.args.size(); ++i) extra += (i > 2 ? ", " : "") + opts.args[i];
    return Error::invalid("expected at most two arguments, unexpected arguments: " + extra);
  }
  std::string release_name = "release-name";
  std::string chart_path = opts.args[0];
  if (opts.args.size() == 2) {
    if (opts.generate_name) return Error::invalid("cannot set --generate-name and also specify a name");
    if (!opts.name_template.empty()) return Error::invalid("cannot set --name-template and also specify a name");
    release_name = opts.args[0];
    chart_path = opts.args[1];
  } else if (!opts.name_template.empty()) {
    SKIFF_ASSIGN_OR_RETURN(release_name, template_name(opts.name_template));
  }
  if (!fs::exists(chart_path)) return Error::invalid("path \"" + chart_path + "\" not found");

  SKIFF_ASSIGN_OR_RETURN(Json user_values, merge_value_options(opts.values));
  // Files only .Files reads wait until a template asks for them.
  const LoadOptions load_options{.defer_file_contents = true};
  SKIFF_ASSIGN_OR_RETURN(std::shared_ptr<Chart> chart, load_chart_detecting_version(chart_path, load_options));
  if (!(chart->metadata.type.empty() || chart->metadata.type == "application")) {
    return Error::invalid(chart->metadata.type + " charts are not installable");
  }
  if (chart->metadata.deprecated) helm_log("WARN", "this chart is deprecated");
  std::string stdout_text;
  if (!chart->metadata.dependencies.empty()) {
    Status complete = check_dependencies(*chart);
    if (!complete.ok() && opts.dependency_update && fs::is_directory(chart_path)) {
      SKIFF_TRY(dependency_update(chart_path, false, stdout_text));
      auto reloaded = load_chart_detecting_version(chart_path, load_options);
      if (!reloaded.ok()) return Error::invalid("failed reloading chart after repo update: " + reloaded.error().message);
      chart = *reloaded;
      complete = check_dependencies(*chart);
    }
    SKIFF_TRY(complete);
  }
  SKIFF_TRY(validate_release_name(release_name));
  {
    auto processed = process_dependencies(*chart, user_values);
    if (!processed.ok()) {
      return Error::invalid("chart dependencies processing failed: " + processed.error().message);
    }
  }

  RenderInput input;
  input.capabilities = caps;
  input.release.name = release_name;
  input.release.namespace_ = opts.namespace_;
  input.release.is_upgrade = opts.is_upgrade;
  input.release.is_install = !opts.is_upgrade;
  SKIFF_ASSIGN_OR_RETURN(input.values, coalesce_values(*chart, user_values));
  if (!opts.skip_schema_validation) {
    Status valid = validate_values_against_schemas(*chart, input.values);
    if (!valid.ok()) {
      return Error::invalid("values don't meet the specifications of the schema(s) in the following chart(s):\n" +
                            valid.error().message);
    }
  }

  auto rendered = render_resources(*chart, input, opts, release_name, stdout_text);
  if (!rendered.ok()) return Error::invalid(rendered.error().message + kDebugHint);

  std::string manifests = trim_space(rendered->manifest) + "\n";
  if (!opts.no_hooks) {
    std::set<std::string> written;
    for (const auto& h : rendered->hooks) {
      if (opts.skip_tests && is_test_hook(h)) continue;
      if (opts.output_dir.empty()) {
        manifests += "---\n# Source: " + h.path + "\n" + h.manifest + "\n";
      } else {
        std::string dir = opts.use_release_name ? opts.output_dir + "/" + release_name : opts.output_dir;
        bool exists = fs::exists(dir + "/" + h.path);
        SKIFF_TRY(write_to_file(dir, h.path, h.manifest, exists || written.count(h.path) > 0, stdout_text));
        written.insert(h.path);
      }
    }
  }
  if (!opts.show_only.empty()) {
    SKIFF_ASSIGN_OR_RETURN(std::string shown, show_only(manifests, opts.show_only));
    return stdout_text + shown;
  }
  return stdout_text + manifests;
}

}  // namespace skiff::chart

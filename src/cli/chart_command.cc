// `skiff chart ...`: the offline Helm chart commands (template, create, lint, package, show,
// dependency, repo index, pull), with helm's flags and output.
#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>

#include "chart/action/lint_action.h"
#include "chart/action/package_show.h"
#include "chart/action/repo_commands.h"
#include "chart/action/scaffold.h"
#include "chart/action/template_action.h"
#include "cli/commands.h"

namespace skiff::cli {

namespace {

int print_result(const Result<std::string>& out) {
  if (!out.ok()) {
    std::cout.flush();
    std::cerr << "Error: " << out.error().message << "\n";
    return 1;
  }
  std::cout << *out;
  std::cout.flush();
  return 0;
}

}  // namespace

struct ChartFlags::Impl {
  chart::TemplateOptions tmpl;
  chart::PackageOptions package;
  chart::LintOptions lint;
  chart::RepoIndexOptions index;
  chart::PullOptions pull;
  std::string create_name;
  std::string show_path;
  std::string dep_path;
  // The parsed subcommand's action.
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
};

ChartFlags::ChartFlags() : impl(std::make_unique<Impl>()) {}
ChartFlags::~ChartFlags() = default;

CLI::App* add_chart_command(CLI::App& app, ChartFlags& flags) {
  CLI::App* chart = app.add_subcommand("chart", "Work with Helm charts offline (helm-compatible)");
  chart->require_subcommand(1);
  auto& impl = *flags.impl;
  auto& o = impl.tmpl;
  CLI::App* t = chart->add_subcommand("template", "Render chart templates locally and print them, like `helm template`");
  auto each = [](CLI::Option* opt) { return opt->allow_extra_args(false); };
  t->add_option("args", o.args, "[NAME] CHART")->required()->expected(1, 2);
  t->add_option("-n,--namespace", o.namespace_, "Namespace for .Release.Namespace")->capture_default_str();
  t->add_flag("-g,--generate-name", o.generate_name, "Generate the name (helm template still uses release-name)");
  each(t->add_option("-f,--values", o.values.value_files, "Values file (repeatable; later files win)"));
  each(t->add_option("--set", o.values.values, "Set values (a.b=c,d[0]=e)"));
  each(t->add_option("--set-string", o.values.string_values, "Set STRING values"));
  each(t->add_option("--set-file", o.values.file_values, "Set values from files (key=path)"));
  each(t->add_option("--set-json", o.values.json_values, "Set JSON values (key=json)"));
  each(t->add_option("--set-literal", o.values.literal_values, "Set a literal STRING value"));
  each(t->add_option("-s,--show-only", o.show_only, "Only show manifests rendered from the given templates"));
  t->add_flag("--include-crds", o.include_crds, "Include CRDs in the output");
  t->add_flag("--skip-tests", o.skip_tests, "Skip test hooks");
  t->add_flag("--is-upgrade", o.is_upgrade, "Set .Release.IsUpgrade instead of .Release.IsInstall");
  t->add_flag("--no-hooks", o.no_hooks, "Do not print hooks");
  t->add_flag("--skip-schema-validation", o.skip_schema_validation, "Skip values.schema.json validation");
  t->add_option("--kube-version", o.kube_version, "Kubernetes version for .Capabilities.KubeVersion");
  each(t->add_option("-a,--api-versions", o.api_versions, "Extra API versions for .Capabilities.APIVersions"))
      ->delimiter(',');
  t->add_option("--output-dir", o.output_dir, "Write each template to a file under this directory");
  t->add_flag("--release-name", o.use_release_name, "Use the release name in the --output-dir path");
  impl.actions.emplace_back(t, [&impl] { return print_result(chart::run_template(impl.tmpl)); });

  CLI::App* create = chart->add_subcommand("create", "Create a new chart with the given name, like `helm create`");
  create->add_option("name", impl.create_name, "NAME (a path; its last element names the chart)")->required();
  impl.actions.emplace_back(create, [&impl] {
    std::cout << "Creating " << impl.create_name << "\n";
    return print_result(chart::create_chart(impl.create_name));
  });

  CLI::App* lint = chart->add_subcommand("lint", "Examine a chart for possible issues, like `helm lint`");
  auto& lo = impl.lint;
  lint->add_option("paths", lo.paths, "PATH...");
  lint->add_flag("--strict", lo.strict, "Fail on lint warnings");
  lint->add_flag("--quiet", lo.quiet, "Print only warnings and errors");
  lint->add_flag("--skip-schema-validation", lo.skip_schema_validation, "Skip values.schema.json validation");
  lint->add_option("-n,--namespace", lo.namespace_, "Namespace");
  each(lint->add_option("-f,--values", lo.values.value_files, "Values file"));
  each(lint->add_option("--set", lo.values.values, "Set values"));
  each(lint->add_option("--set-string", lo.values.string_values, "Set STRING values"));
  each(lint->add_option("--set-file", lo.values.file_values, "Set values from files"));
  each(lint->add_option("--set-json", lo.values.json_values, "Set JSON values"));
  impl.actions.emplace_back(lint, [&impl] {
    if (impl.lint.paths.empty()) impl.lint.paths.push_back(".");
    auto report = chart::lint_charts(impl.lint);
    std::cout << report.out;
    std::cout.flush();
    if (report.error.empty()) return 0;
    std::cerr << "Error: " << report.error << "\n";
    return 1;
  });

  CLI::App* package = chart->add_subcommand("package", "Package a chart directory into a chart archive");
  package->add_option("path", impl.package.path, "CHART_PATH")->required();
  package->add_option("--version", impl.package.version, "Set the version on the chart to this semver version");
  package->add_option("--app-version", impl.package.app_version, "Set the appVersion on the chart");
  package->add_option("-d,--destination", impl.package.destination, "Location to write the chart");
  impl.actions.emplace_back(package, [&impl] {
    auto saved = chart::package_chart(impl.package);
    if (saved.ok()) return print_result("Successfully packaged chart and saved it to: " + *saved + "\n");
    return print_result(saved);
  });

  CLI::App* show = chart->add_subcommand("show", "Show information of a chart");
  show->require_subcommand(1);
  const std::pair<const char*, chart::ShowKind> kinds[] = {{"all", chart::ShowKind::kAll},
                                                           {"chart", chart::ShowKind::kChart},
                                                           {"values", chart::ShowKind::kValues},
                                                           {"readme", chart::ShowKind::kReadme},
                                                           {"crds", chart::ShowKind::kCrds}};
  for (const auto& [name, kind] : kinds) {
    CLI::App* s = show->add_subcommand(name, std::string("Show the chart's ") + name);
    s->add_option("chart", impl.show_path, "CHART (directory or .tgz)")->required();
    impl.actions.emplace_back(s, [&impl, k = kind] { return print_result(chart::show_chart(k, impl.show_path)); });
  }

  CLI::App* dep = chart->add_subcommand("dependency", "Manage a chart's dependencies");
  dep->alias("dep");
  dep->require_subcommand(1);
  using DepFn = Result<std::string> (*)(const std::string&);
  const std::pair<const char*, DepFn> dep_cmds[] = {{"list", chart::dependency_list},
                                                    {"update", chart::dependency_update},
                                                    {"build", chart::dependency_build}};
  for (const auto& [name, fn] : dep_cmds) {
    CLI::App* d = dep->add_subcommand(name, std::string("dependency ") + name);
    d->add_option("chart", impl.dep_path, "CHART")->default_val(".");
    impl.actions.emplace_back(d, [&impl, f = fn] { return print_result(f(impl.dep_path)); });
  }

  CLI::App* repo = chart->add_subcommand("repo", "Chart repositories");
  repo->require_subcommand(1);
  CLI::App* index = repo->add_subcommand("index", "Generate an index file for a directory of chart archives");
  index->add_option("dir", impl.index.dir, "DIR")->required();
  index->add_option("--url", impl.index.url, "URL of the chart repository");
  index->add_option("--merge", impl.index.merge, "Merge the generated index into the given index");
  impl.actions.emplace_back(index, [&impl] {
    Status st = chart::repo_index(impl.index);
    if (!st.ok()) return print_result(std::move(st).error());
    return 0;
  });

  CLI::App* pull = chart->add_subcommand("pull", "Download a chart from an HTTP repository");
  auto& po = impl.pull;
  pull->add_option("chart", po.chart, "CHART name (with --repo) or URL")->required();
  pull->add_option("--repo", po.repo_url, "Chart repository URL");
  pull->add_option("--version", po.version, "Version constraint");
  pull->add_option("-d,--destination", po.destination, "Directory to write the chart to");
  pull->add_flag("--untar", po.untar, "Untar the chart after downloading it");
  pull->add_option("--untardir", po.untar_dir, "Directory the chart is expanded into (with --untar)");
  impl.actions.emplace_back(pull, [&impl] { return print_result(chart::pull_chart(impl.pull)); });
  return chart;
}

int run_chart(const ChartFlags& flags) {
  for (const auto& [cmd, action] : flags.impl->actions) {
    if (cmd->parsed()) return action();
  }
  return 0;
}

}  // namespace skiff::cli

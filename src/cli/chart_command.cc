// `skiff chart ...`: the offline Helm chart commands (today: template).
#include <CLI/CLI.hpp>

#include <iostream>

#include "chart/action/template_action.h"
#include "cli/commands.h"

namespace skiff::cli {

struct ChartFlags::Impl {
  chart::TemplateOptions tmpl;
  CLI::App* template_cmd = nullptr;
};

ChartFlags::ChartFlags() : impl(std::make_unique<Impl>()) {}
ChartFlags::~ChartFlags() = default;

CLI::App* add_chart_command(CLI::App& app, ChartFlags& flags) {
  CLI::App* chart = app.add_subcommand("chart", "Work with Helm charts offline (helm-compatible)");
  chart->require_subcommand(1);
  auto& o = flags.impl->tmpl;
  CLI::App* t = chart->add_subcommand("template", "Render chart templates locally and print them, like `helm template`");
  flags.impl->template_cmd = t;
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
  return chart;
}

int run_chart(const ChartFlags& flags) {
  if (flags.impl->template_cmd != nullptr && flags.impl->template_cmd->parsed()) {
    auto out = chart::run_template(flags.impl->tmpl);
    if (!out.ok()) {
      std::cerr << "Error: " << out.error().message << "\n";
      return 1;
    }
    std::cout << *out;
    std::cout.flush();
    return 0;
  }
  return 0;
}

}  // namespace skiff::cli

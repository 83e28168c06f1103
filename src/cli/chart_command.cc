// `skiff chart ...`: helm's chart commands (template, create, lint, package, show, dependency,
// repo, search, pull, push, serve, and the release commands), with helm's flags and output.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <iterator>
#include <string_view>
#include <iostream>

#include "chart/action/lint_action.h"
#include "chart/action/package_show.h"
#include "chart/action/release_actions.h"
#include "chart/action/repo_commands.h"
#include "chart/action/scaffold.h"
#include "chart/action/template_action.h"
#include "chart/repo/static_server.h"
#include "cli/commands.h"
#include "cli/duration_flag.h"

namespace skiff::cli {

namespace {

// Chart references (REPO/CHART, oci://, --repo) become local archives before the action runs.
struct ChartRefFlags {
  chart::ChartSource source;
  bool plain_http = false;  // accepted for helm compatibility: skiff's registry client speaks only plain HTTP
  bool devel = false;
};

// helm's --devel: without a --version, pre-releases count too.
std::string devel_version(const std::string& version, bool devel) {
  return devel && version.empty() ? ">0.0.0-0" : version;
}

void chart_ref_flags(CLI::App* cmd, ChartRefFlags& f) {
  cmd->add_option("--version", f.source.version, "Chart version constraint (default: latest)");
  cmd->add_option("--repo", f.source.repo_url, "Chart repository URL where to locate the requested chart");
  cmd->add_option("--username", f.source.username, "Chart repository username");
  cmd->add_option("--password", f.source.password, "Chart repository password");
  cmd->add_flag("--plain-http", f.plain_http, "Use insecure HTTP connections for the chart download");
  cmd->add_flag("--devel", f.devel, "Use development versions too (equivalent to version '>0.0.0-0')");
}

// locate_chart, reporting registry pulls on stderr as helm does.
Result<std::string> locate(const std::string& ref, const ChartRefFlags& flags) {
  chart::ChartSource source = flags.source;
  source.version = devel_version(source.version, flags.devel);
  std::string notice;
  auto path = chart::locate_chart(ref, source, &notice);
  std::cerr << notice;
  return path;
}

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

// helm reports registry transfers ("Pulled: ...", "Pushed: ...") on stderr.
int print_to_stderr(const Result<std::string>& out) {
  if (out.ok()) {
    std::cerr << *out;
    return 0;
  }
  return print_result(out);
}

}  // namespace

static void add_repo_management_commands(CLI::App* repo, ChartFlags::Impl& impl);

struct ChartFlags::Impl {
  chart::TemplateOptions tmpl;
  chart::PackageOptions package;
  std::vector<std::string> package_paths;
  bool package_dependency_update = false;
  bool skip_refresh = false;
  chart::LintOptions lint;
  chart::RepoIndexOptions index;
  chart::PullOptions pull;
  chart::RepoAddOptions repo_add;
  std::string repo_output = "table";
  std::vector<std::string> repo_names;
  chart::SearchRepoOptions search;
  chart::PushOptions push;
  std::string serve_dir;
  std::string serve_address = "127.0.0.1:8879";
  ChartRefFlags template_ref, show_ref, install_ref, upgrade_ref;
  std::string create_name;
  std::string show_path;
  std::string dep_path;
  chart::InstallOptions install;
  chart::UpgradeOptions upgrade;
  chart::RollbackOptions rollback;
  chart::UninstallOptions uninstall;
  chart::HistoryOptions history;
  chart::ListOptions list;
  chart::StatusOptions status;
  chart::TestOptions test;
  chart::GetOptions get;
  bool pull_plain_http = false;
  bool pull_devel = false;
  std::string registry_host, registry_username, registry_password;
  bool password_stdin = false;
  // helm's global flags that reach a cluster other than through a kubeconfig (set: not supported).
  std::vector<std::string> unsupported_cluster_flags;
  // The parsed subcommand's action.
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
};

ChartFlags::ChartFlags() : impl(std::make_unique<Impl>()) {}
ChartFlags::~ChartFlags() = default;

namespace {

// A repeated flag takes one value each time (-f a.yaml -f b.yaml), never the words after it.
CLI::Option* one_value_each(CLI::Option* opt) { return opt->allow_extra_args(false); }

// Where the values of flags accepted for helm compatibility, and changing nothing here, go.
std::string ignored_value;
std::vector<std::string> ignored_values;

void ignored_flag(CLI::App* cmd, const std::string& name, const std::string& description) {
  cmd->add_flag(name, ignored_value, description)->group("Accepted for compatibility (no effect here)");
}
void ignored_option(CLI::App* cmd, const std::string& name, const std::string& description) {
  cmd->add_option(name, ignored_values, description)
      ->group("Accepted for compatibility (no effect here)")
      ->allow_extra_args(false);
}

// helm's global flags. The ones naming helm's files set the environment variables helm reads
// too; the ones that reach a cluster other than through a kubeconfig are refused by the
// commands that talk to one (run_chart).
void global_flags(CLI::App* chart, ChartFlags::Impl& impl) {
  ignored_flag(chart, "--debug", "Enable verbose output");
  for (const char* option : {"--burst-limit", "--qps", "--color", "--colour"}) {
    ignored_option(chart, option, "helm's global flag");
  }
  const std::pair<const char*, const char*> files[] = {{"--repository-config", "HELM_REPOSITORY_CONFIG"},
                                                       {"--repository-cache", "HELM_REPOSITORY_CACHE"},
                                                       {"--registry-config", "HELM_REGISTRY_CONFIG"},
                                                       {"--content-cache", "HELM_CONTENT_CACHE"}};
  for (const auto& [flag, env] : files) {
    chart->add_option_function<std::string>(
        flag, [variable = env](const std::string& path) { ::setenv(variable, path.c_str(), 1); },
        std::string("As $") + env);
  }
  for (const char* flag : {"--kube-apiserver", "--kube-token", "--kube-as-user", "--kube-as-group", "--kube-ca-file",
                           "--kube-tls-server-name"}) {
    chart->add_option_function<std::string>(
        flag, [&impl, name = std::string(flag)](const std::string&) { impl.unsupported_cluster_flags.push_back(name); },
        "Not supported: skiff reaches the cluster through a kubeconfig");
  }
  chart->add_flag_callback(
      "--kube-insecure-skip-tls-verify",
      [&impl] { impl.unsupported_cluster_flags.push_back("--kube-insecure-skip-tls-verify"); },
      "Not supported: skiff reaches the cluster through a kubeconfig");
}

// The kubeconfig flags of a command that renders offline (the commands that reach a cluster
// declare them for real).
void offline_cluster_flags(CLI::App* cmd) {
  for (const char* option : {"--kube-context", "--kubeconfig"}) {
    ignored_option(cmd, option, "helm's global flag; this command does not reach a cluster");
  }
}

// helm's install flags that `helm template` accepts and that change nothing in its output
// (they concern the cluster, the release record or chart downloads over TLS).
void install_only_flags(CLI::App* t) {
  offline_cluster_flags(t);
  for (const char* flag : {"--create-namespace", "--disable-openapi-validation", "--force-conflicts", "--force-replace",
                           "--hide-notes", "--insecure-skip-tls-verify", "--pass-credentials", "--render-subchart-notes",
                           "--replace", "--rollback-on-failure,--atomic", "--skip-crds", "--take-ownership",
                           "--wait-for-jobs"}) {
    ignored_flag(t, flag, "As helm install's; no effect on rendering");
  }
  for (const char* flag : {"--dry-run", "--server-side", "--wait"}) {
    ignored_flag(t, flag, "As helm install's (an optional value); no effect on rendering");
  }
  for (const char* option : {"--description", "--ca-file", "--cert-file", "--key-file", "--keyring", "--timeout",
                             "-l,--labels", "--post-renderer-args"}) {
    ignored_option(t, option, "As helm install's; no effect on rendering");
  }
}

void cluster_flags(CLI::App* cmd, chart::ClusterOptions& c) {
  cmd->add_option("--kubeconfig", c.kubeconfig, "Path to the kubeconfig file");
  cmd->add_option("--kube-context", c.kube_context, "Name of the kubeconfig context to use");
  cmd->add_option("-n,--namespace", c.namespace_, "Namespace scope for this request");
}

void value_flags(CLI::App* cmd, chart::ValueOptions& v) {
  auto each = [](CLI::Option* opt) { return opt->allow_extra_args(false); };
  // -f is a string slice in helm: "a.yaml,b.yaml" names two files.
  each(cmd->add_option("-f,--values", v.value_files, "Values files or URLs (repeatable or comma-separated; later files win)"))
      ->delimiter(',');
  each(cmd->add_option("--set", v.values, "Set values (a.b=c,d[0]=e)"));
  each(cmd->add_option("--set-string", v.string_values, "Set STRING values"));
  each(cmd->add_option("--set-file", v.file_values, "Set values from files (key=path)"));
  each(cmd->add_option("--set-json", v.json_values, "Set JSON values (key=json)"));
  each(cmd->add_option("--set-literal", v.literal_values, "Set a literal STRING value"));
}

// helm's --timeout takes a Go duration ("5m0s", "300s", "90"); whole seconds here.
void timeout_flag(CLI::App* cmd, int& seconds) {
  cmd->add_option_function<std::string>(
      "--timeout",
      [&seconds](const std::string& text) {
        auto d = parse_duration_flag("--timeout", text);
        if (!d.ok()) throw CLI::ValidationError("--timeout", d.error().message);
        seconds = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(*d).count());
      },
      "Time to wait for any individual Kubernetes operation (like Jobs for hooks)");
}


void declare_template(CLI::App* chart, ChartFlags::Impl& impl) {
  auto& o = impl.tmpl;
  CLI::App* t = chart->add_subcommand("template", "Render chart templates locally and print them, like `helm template`");
  t->add_option("args", o.args, "[NAME] CHART")->required()->expected(1, 2);
  t->add_option("-n,--namespace", o.namespace_, "Namespace for .Release.Namespace")->capture_default_str();
  t->add_flag("-g,--generate-name", o.generate_name, "Generate the name (helm template still uses release-name)");
  value_flags(t, o.values);
  one_value_each(t->add_option("-s,--show-only", o.show_only, "Only show manifests rendered from the given templates"));
  t->add_flag("--include-crds", o.include_crds, "Include CRDs in the output");
  t->add_flag("--skip-tests", o.skip_tests, "Skip test hooks");
  t->add_flag("--is-upgrade", o.is_upgrade, "Set .Release.IsUpgrade instead of .Release.IsInstall");
  t->add_flag("--no-hooks", o.no_hooks, "Do not print hooks");
  t->add_flag("--skip-schema-validation", o.skip_schema_validation, "Skip values.schema.json validation");
  t->add_option("--kube-version", o.kube_version, "Kubernetes version for .Capabilities.KubeVersion");
  one_value_each(t->add_option("-a,--api-versions", o.api_versions, "Extra API versions for .Capabilities.APIVersions"))
      ->delimiter(',');
  t->add_option("--output-dir", o.output_dir, "Write each template to a file under this directory");
  t->add_flag("--release-name", o.use_release_name, "Use the release name in the --output-dir path");
  t->add_option("--name-template", o.name_template, "Template used to name the release");
  t->add_flag("--dependency-update", o.dependency_update, "Update dependencies if they are missing before rendering");
  install_only_flags(t);
  chart_ref_flags(t, impl.template_ref);
  impl.actions.emplace_back(t, [&impl] {
    auto& args = impl.tmpl.args;
    if (!args.empty() && args.size() <= 2) {
      auto path = locate(args.back(), impl.template_ref);
      if (!path.ok()) return print_result(path.error());
      args.back() = *path;
    }
    return print_result(chart::run_template(impl.tmpl));
  });
}

void declare_create(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* create = chart->add_subcommand("create", "Create a new chart with the given name, like `helm create`");
  create->add_option("name", impl.create_name, "NAME (a path; its last element names the chart)")->required();
  impl.actions.emplace_back(create, [&impl] {
    std::cout << "Creating " << impl.create_name << "\n";
    return print_result(chart::create_chart(impl.create_name));
  });
}

void declare_lint(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* lint = chart->add_subcommand("lint", "Examine a chart for possible issues, like `helm lint`");
  auto& lo = impl.lint;
  lint->add_option("paths", lo.paths, "PATH...");
  lint->add_flag("--strict", lo.strict, "Fail on lint warnings");
  lint->add_flag("--quiet", lo.quiet, "Print only warnings and errors");
  lint->add_flag("--skip-schema-validation", lo.skip_schema_validation, "Skip values.schema.json validation");
  lint->add_flag("--with-subcharts", lo.with_subcharts, "Lint dependent charts");
  lint->add_option("--kube-version", lo.kube_version, "Kubernetes version used for capabilities and deprecation checks");
  offline_cluster_flags(lint);
  lint->add_option("-n,--namespace", lo.namespace_, "Namespace");
  value_flags(lint, lo.values);
  impl.actions.emplace_back(lint, [&impl] {
    auto report = chart::lint_charts(impl.lint);
    std::cout << report.out;
    std::cout.flush();
    if (report.error.empty()) return 0;
    std::cerr << "Error: " << report.error << "\n";
    return 1;
  });
}

void declare_package(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* package = chart->add_subcommand("package", "Package chart directories into chart archives");
  package->add_option("paths", impl.package_paths, "CHART_PATH...")->required();
  package->add_option("--version", impl.package.version, "Set the version on the chart to this semver version");
  package->add_option("--app-version", impl.package.app_version, "Set the appVersion on the chart");
  package->add_option("-d,--destination", impl.package.destination, "Location to write the chart");
  package->add_flag("-u,--dependency-update", impl.package_dependency_update,
                    "Update dependencies from Chart.yaml to charts/ before packaging");
  for (const char* option : {"--ca-file", "--cert-file", "--key-file", "--keyring", "--username", "--password"}) {
    ignored_option(package, option, "As helm package's (dependency downloads); no effect here");
  }
  for (const char* flag : {"--insecure-skip-tls-verify", "--plain-http"}) ignored_flag(package, flag, "As helm package's");
  impl.actions.emplace_back(package, [&impl] {
    for (const auto& path : impl.package_paths) {
      if (impl.package_dependency_update) {
        std::string discarded;  // helm discards the update's report here
        Status updated = chart::dependency_update(path, false, discarded);
        if (!updated.ok()) return print_result(std::move(updated).error());
      }
      impl.package.path = path;
      auto saved = chart::package_chart(impl.package);
      if (!saved.ok()) return print_result(saved);
      std::cout << "Successfully packaged chart and saved it to: " << *saved << "\n";
    }
    std::cout.flush();
    return 0;
  });
}

void declare_show(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* show = chart->add_subcommand("show", "Show information of a chart");
  show->alias("inspect");
  show->require_subcommand(1);
  const std::pair<const char*, chart::ShowKind> kinds[] = {{"all", chart::ShowKind::kAll},
                                                           {"chart", chart::ShowKind::kChart},
                                                           {"values", chart::ShowKind::kValues},
                                                           {"readme", chart::ShowKind::kReadme},
                                                           {"crds", chart::ShowKind::kCrds}};
  for (const auto& [name, kind] : kinds) {
    CLI::App* s = show->add_subcommand(name, std::string("Show the chart's ") + name);
    s->add_option("chart", impl.show_path, "CHART (directory, .tgz, REPO/CHART or oci://)")->required();
    chart_ref_flags(s, impl.show_ref);
    impl.actions.emplace_back(s, [&impl, k = kind] {
      auto path = locate(impl.show_path, impl.show_ref);
      if (!path.ok()) return print_result(path.error());
      return print_result(chart::show_chart(k, *path));
    });
  }
}

void declare_dependency(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* dep = chart->add_subcommand("dependency", "Manage a chart's dependencies");
  dep->alias("dep");
  dep->require_subcommand(1);
  CLI::App* list = dep->add_subcommand("list", "List the dependencies of a chart");
  list->alias("ls");
  list->add_option("chart", impl.dep_path, "CHART")->default_val(".");
  impl.actions.emplace_back(list, [&impl] { return print_result(chart::dependency_list(impl.dep_path)); });
  using DepFn = Status (*)(const std::string&, bool, std::string&);
  const std::pair<const char*, DepFn> fetching[] = {{"update", chart::dependency_update},
                                                    {"build", chart::dependency_build}};
  for (const auto& [name, fn] : fetching) {
    CLI::App* d = dep->add_subcommand(name, std::string("dependency ") + name);
    if (std::string_view(name) == "update") d->alias("up");
    d->add_option("chart", impl.dep_path, "CHART")->default_val(".");
    d->add_flag("--skip-refresh", impl.skip_refresh, "Do not refresh the local repository cache");
    for (const char* option : {"--ca-file", "--cert-file", "--key-file", "--keyring", "--username", "--password"}) {
      ignored_option(d, option, "As helm's (chart downloads over TLS or with credentials)");
    }
    for (const char* flag : {"--insecure-skip-tls-verify", "--plain-http"}) ignored_flag(d, flag, "As helm's");
    impl.actions.emplace_back(d, [&impl, f = fn] {
      std::string out;
      Status done = f(impl.dep_path, impl.skip_refresh, out);
      std::cout << out;
      return print_result(done.ok() ? Result<std::string>(std::string()) : Result<std::string>(std::move(done).error()));
    });
  }
}

void declare_repo(CLI::App* chart, ChartFlags::Impl& impl) {
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

  add_repo_management_commands(repo, impl);
}

void declare_pull(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* pull = chart->add_subcommand("pull", "Download a chart from a repository or OCI registry");
  auto& po = impl.pull;
  pull->add_option("chart", po.chart, "REPO/CHART, a chart URL, oci://HOST/REPO/CHART, or CHART with --repo")
      ->required();
  pull->add_option("--repo", po.repo_url, "Chart repository URL");
  pull->add_option("--version", po.version, "Version constraint");
  pull->add_option("--username", po.username, "Chart repository username");
  pull->add_option("--password", po.password, "Chart repository password");
  pull->add_flag("--plain-http", impl.pull_plain_http, "Use insecure HTTP connections (the only kind skiff speaks)");
  pull->add_option("-d,--destination", po.destination, "Directory to write the chart to");
  pull->add_flag("--devel", impl.pull_devel, "Use development versions too (equivalent to version '>0.0.0-0')");
  pull->add_flag("--untar", po.untar, "Untar the chart after downloading it");
  pull->add_option("--untardir", po.untar_dir, "Directory the chart is expanded into (with --untar)");
  impl.actions.emplace_back(pull, [&impl] {
    impl.pull.version = devel_version(impl.pull.version, impl.pull_devel);
    return print_to_stderr(chart::pull_chart(impl.pull));
  });
}

void declare_push(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* push = chart->add_subcommand("push", "Push a chart archive to an OCI registry, like `helm push`");
  push->add_option("chart", impl.push.archive, "CHART.tgz")->required();
  push->add_option("remote", impl.push.remote, "oci://HOST[:PORT]/REPO")->required();
  push->add_option("--username", impl.push.username, "Registry username");
  push->add_option("--password", impl.push.password, "Registry password");
  push->add_flag("--plain-http", impl.pull_plain_http, "Use insecure HTTP connections (the only kind skiff speaks)");
  impl.actions.emplace_back(push, [&impl] { return print_to_stderr(chart::push_chart(impl.push)); });
}

void declare_registry(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* registry = chart->add_subcommand("registry", "Login to or logout from an OCI registry");
  registry->require_subcommand(1);
  CLI::App* login = registry->add_subcommand("login", "Login to a registry (plain HTTP, Basic auth)");
  login->add_option("host", impl.registry_host, "HOST[:PORT]")->required();
  login->add_option("-u,--username", impl.registry_username, "Registry username");
  login->add_option("-p,--password", impl.registry_password, "Registry password");
  login->add_flag("--password-stdin", impl.password_stdin, "Read the password from stdin");
  login->add_flag("--plain-http", impl.pull_plain_http, "Use insecure HTTP connections (the only kind skiff speaks)");
  impl.actions.emplace_back(login, [&impl] {
    std::string& password = impl.registry_password;
    if (impl.password_stdin) {
      std::getline(std::cin, password);
      while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
    }
    return print_to_stderr(chart::registry_login(impl.registry_host, impl.registry_username, password));
  });
  CLI::App* logout = registry->add_subcommand("logout", "Logout from a registry");
  logout->add_option("host", impl.registry_host, "HOST[:PORT]")->required();
  impl.actions.emplace_back(logout, [&impl] { return print_to_stderr(chart::registry_logout(impl.registry_host)); });
}

void declare_search(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* search = chart->add_subcommand("search", "Search for a keyword in charts");
  search->require_subcommand(1);
  CLI::App* search_repo = search->add_subcommand("repo", "Search repositories for a keyword in charts");
  auto& so = impl.search;
  search_repo->add_option("keyword", so.keyword, "KEYWORD");
  search_repo->add_option("--version", so.version, "Search using semantic versioning constraints");
  search_repo->add_flag("-l,--versions", so.versions, "Show the long listing, with each version of each chart");
  search_repo->add_flag("-r,--regexp", so.regexp, "Use regular expressions for searching");
  search_repo->add_flag("--devel", so.devel, "Use development versions (alpha, beta, release candidates) too");
  search_repo->add_option("--max-col-width", so.max_col_width, "Maximum column width for output table");
  search_repo->add_option("-o,--output", so.output, "table, json or yaml");
  impl.actions.emplace_back(search_repo, [&impl] {
    std::string notice;
    auto out = chart::search_repo(impl.search, notice);
    std::cerr << notice;
    return print_result(out);
  });
}

void declare_serve(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* serve = chart->add_subcommand("serve", "Serve a directory of chart archives as a chart repository");
  serve->add_option("dir", impl.serve_dir, "DIR (index.yaml is generated when it has none)")->default_val(".");
  serve->add_option("--address", impl.serve_address, "Address to listen on (HOST:PORT; port 0 picks one)");
  impl.actions.emplace_back(serve, [&impl] {
    Status st = chart::repo::serve_directory({impl.serve_dir, impl.serve_address}, [](const std::string& addr) {
      std::cout << "Now serving you on http://" << addr << "/" << std::endl;
    });
    return print_result(std::move(st).error());
  });
}

void declare_install(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* in = chart->add_subcommand("install", "Install a chart, like `helm install`");
  auto& io = impl.install;
  in->add_option("args", io.args, "[NAME] CHART")->required()->expected(1, 3);
  cluster_flags(in, io.cluster);
  value_flags(in, io.values);
  in->add_flag("-g,--generate-name", io.generate_name, "Generate the name (and omit the NAME parameter)");
  in->add_flag("--create-namespace", io.create_namespace, "Create the release namespace if not present");
  in->add_flag("--dry-run", io.dry_run, "Simulate an install");
  in->add_flag("--wait", io.wait, "Wait until all resources are ready");
  timeout_flag(in, io.timeout_seconds);
  in->add_flag("--atomic,--rollback-on-failure", io.rollback_on_failure, "Uninstall the release if the install fails");
  in->add_flag("--no-hooks", io.no_hooks, "Prevent hooks from running during install");
  in->add_flag("--skip-crds", io.skip_crds, "Do not install CRDs");
  in->add_flag("--force-conflicts", io.force_conflicts, "Force server-side apply changes against conflicts");
  in->add_flag("--skip-schema-validation", io.skip_schema_validation, "Skip values.schema.json validation");
  in->add_option("--description", io.description, "Add a custom description");
  chart_ref_flags(in, impl.install_ref);
  impl.actions.emplace_back(in, [&impl] {
    auto& o = impl.install;
    if (!o.args.empty() && o.args.size() <= (o.generate_name ? 1u : 2u)) {
      std::string ref = o.args.back();
      auto path = locate(ref, impl.install_ref);
      if (!path.ok()) return print_result(Error(path.error().code, path.error().reason,
                                                "INSTALLATION FAILED: " + path.error().message));
      if (*path != ref && o.generate_name) {
        // The generated name comes from the reference, not from the downloaded file.
        o.args = {chart::generated_release_name(ref), *path};
        o.generate_name = false;
      } else {
        o.args.back() = *path;
      }
    }
    return print_result(chart::run_install(o));
  });
}

void declare_upgrade(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* up = chart->add_subcommand("upgrade", "Upgrade a release, like `helm upgrade`");
  auto& uo = impl.upgrade;
  up->add_option("args", uo.args, "RELEASE CHART")->required()->expected(2);
  cluster_flags(up, uo.cluster);
  value_flags(up, uo.values);
  up->add_flag("-i,--install", uo.install, "Install the release if it does not exist");
  up->add_flag("--create-namespace", uo.create_namespace, "With --install, create the release namespace");
  up->add_flag("--reuse-values", uo.reuse_values, "Reuse the last release's values and merge in overrides");
  up->add_flag("--reset-values", uo.reset_values, "Reset the values to the ones built into the chart");
  up->add_flag("--reset-then-reuse-values", uo.reset_then_reuse_values,
               "Reset to the chart's values, then apply the last release's values and overrides");
  up->add_option("--history-max", uo.history_max, "Maximum number of revisions saved per release (0: no limit)");
  up->add_flag("--dry-run", uo.dry_run, "Simulate an upgrade");
  up->add_flag("--wait", uo.wait, "Wait until all resources are ready");
  timeout_flag(up, uo.timeout_seconds);
  up->add_flag("--atomic,--rollback-on-failure", uo.rollback_on_failure, "Roll back if the upgrade fails");
  up->add_flag("--no-hooks", uo.no_hooks, "Disable pre/post upgrade hooks");
  up->add_flag("--force-conflicts", uo.force_conflicts, "Force server-side apply changes against conflicts");
  up->add_flag("--skip-schema-validation", uo.skip_schema_validation, "Skip values.schema.json validation");
  up->add_option("--description", uo.description, "Add a custom description");
  chart_ref_flags(up, impl.upgrade_ref);
  impl.actions.emplace_back(up, [&impl] {
    auto path = locate(impl.upgrade.args[1], impl.upgrade_ref);
    if (!path.ok()) return print_result(path.error());
    impl.upgrade.args[1] = *path;
    return print_result(chart::run_upgrade(impl.upgrade));
  });
}

void declare_rollback(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* rb = chart->add_subcommand("rollback", "Roll back a release to a previous revision");
  auto& ro = impl.rollback;
  rb->add_option("args", ro.args, "RELEASE [REVISION]")->required()->expected(1, 2);
  cluster_flags(rb, ro.cluster);
  rb->add_flag("--wait", ro.wait, "Wait until all resources are ready");
  timeout_flag(rb, ro.timeout_seconds);
  rb->add_flag("--no-hooks", ro.no_hooks, "Prevent hooks from running during rollback");
  rb->add_flag("--dry-run", ro.dry_run, "Simulate a rollback");
  rb->add_flag("--force-conflicts", ro.force_conflicts, "Force server-side apply changes against conflicts");
  rb->add_option("--history-max", ro.history_max, "Maximum number of revisions saved per release");
  impl.actions.emplace_back(rb, [&impl] { return print_result(chart::run_rollback(impl.rollback)); });
}

void declare_uninstall(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* un = chart->add_subcommand("uninstall", "Uninstall a release");
  un->alias("delete");
  auto& uno = impl.uninstall;
  un->add_option("names", uno.names, "RELEASE_NAME...")->required();
  cluster_flags(un, uno.cluster);
  un->add_flag("--keep-history", uno.keep_history, "Keep the release history (status uninstalled)");
  un->add_flag("--no-hooks", uno.no_hooks, "Prevent hooks from running during uninstallation");
  un->add_flag("--dry-run", uno.dry_run, "Simulate an uninstall");
  un->add_flag("--wait", uno.wait, "Wait until all resources are deleted");
  un->add_flag("--ignore-not-found", uno.ignore_not_found, "Treat \"release not found\" as a successful uninstall");
  timeout_flag(un, uno.timeout_seconds);
  impl.actions.emplace_back(un, [&impl] { return print_result(chart::run_uninstall(impl.uninstall)); });
}

void declare_history(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* hist = chart->add_subcommand("history", "Fetch release history");
  hist->alias("hist");
  auto& ho = impl.history;
  hist->add_option("name", ho.name, "RELEASE_NAME")->required();
  cluster_flags(hist, ho.cluster);
  hist->add_option("--max", ho.max, "Maximum number of revisions to include in history");
  hist->add_option("-o,--output", ho.output, "table, json or yaml");
  impl.actions.emplace_back(hist, [&impl] { return print_result(chart::run_history(impl.history)); });
}

void declare_list(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* ls = chart->add_subcommand("list", "List releases");
  ls->alias("ls");
  auto& lo = impl.list;
  cluster_flags(ls, lo.cluster);
  ls->add_flag("-a,--all", lo.all, "Show all releases without any filter applied");
  ls->add_flag("-A,--all-namespaces", lo.all_namespaces, "List releases across all namespaces");
  ls->add_option("-f,--filter", lo.filter, "A regular expression; releases whose names match are listed");
  ls->add_flag("--deployed", lo.deployed, "Show deployed releases");
  ls->add_flag("--failed", lo.failed, "Show failed releases");
  ls->add_flag("--pending", lo.pending, "Show pending releases");
  ls->add_flag("--superseded", lo.superseded, "Show superseded releases");
  ls->add_flag("--uninstalled", lo.uninstalled, "Show uninstalled releases");
  ls->add_flag("--uninstalling", lo.uninstalling, "Show releases being uninstalled");
  ls->add_flag("-q,--short", lo.short_output, "Output short (quiet) listing format");
  ls->add_flag("--no-headers", lo.no_headers, "Don't print headers");
  ls->add_flag("-d,--date", lo.by_date, "Sort by release date");
  ls->add_flag("-r,--reverse", lo.reverse, "Reverse the sort order");
  ls->add_option("-m,--max", lo.max, "Maximum number of releases to fetch");
  ls->add_option("--offset", lo.offset, "Next release index in the list");
  ls->add_option("-o,--output", lo.output, "table, json or yaml");
  impl.actions.emplace_back(ls, [&impl] { return print_result(chart::run_list(impl.list)); });
}

void declare_status(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* st = chart->add_subcommand("status", "Display the status of the named release");
  auto& so = impl.status;
  st->add_option("name", so.name, "RELEASE_NAME")->required();
  cluster_flags(st, so.cluster);
  st->add_option("--revision", so.revision, "Show the status of this revision");
  st->add_flag("--show-desc", so.show_desc, "Show the description (always shown by helm 4)");
  impl.actions.emplace_back(st, [&impl] { return print_result(chart::run_status(impl.status)); });
}

void declare_test(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* te = chart->add_subcommand("test", "Run tests for a release, like `helm test`");
  auto& to = impl.test;
  te->add_option("name", to.name, "RELEASE_NAME")->required();
  cluster_flags(te, to.cluster);
  timeout_flag(te, to.timeout_seconds);
  te->add_option("--filter", to.filters, "Tests by name=NAME, or !name=NAME to exclude (repeatable)")->delimiter(',');
  impl.actions.emplace_back(te, [&impl] {
    auto report = chart::run_test(impl.test);
    if (!report.ok()) return print_result(report.error());
    std::cout << report->status;
    return print_result(report->tests.ok() ? Result<std::string>(std::string()) : Result<std::string>(report->tests.error()));
  });
}

void declare_get(CLI::App* chart, ChartFlags::Impl& impl) {
  CLI::App* get = chart->add_subcommand("get", "Download extended information of a named release");
  get->require_subcommand(1);
  const std::pair<const char*, chart::GetWhat> gets[] = {{"all", chart::GetWhat::kAll},
                                                         {"values", chart::GetWhat::kValues},
                                                         {"manifest", chart::GetWhat::kManifest},
                                                         {"notes", chart::GetWhat::kNotes},
                                                         {"hooks", chart::GetWhat::kHooks}};
  for (const auto& [name, what] : gets) {
    CLI::App* g = get->add_subcommand(name, std::string("Download the named release's ") + name);
    auto& go = impl.get;
    g->add_option("name", go.name, "RELEASE_NAME")->required();
    cluster_flags(g, go.cluster);
    g->add_option("--revision", go.revision, "Get the named release with revision");
    if (what == chart::GetWhat::kValues) g->add_flag("-a,--all", go.all_values, "Dump all (computed) values");
    impl.actions.emplace_back(g, [&impl, w = what] {
      impl.get.what = w;
      return print_result(chart::run_get(impl.get));
    });
  }
}

// A single-value flag given twice takes the last value, as with helm's pflag.
void last_value_wins(CLI::App* app) {
  for (CLI::Option* opt : app->get_options()) {
    if (opt->get_items_expected_max() == 1) opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  for (CLI::App* sub : app->get_subcommands({})) last_value_wins(sub);
}

// The subcommands of `skiff chart`, in the order help lists them, with an alias if any.
struct ChartSubcommand {
  std::string_view name;
  std::string_view alias;
  void (*declare)(CLI::App* chart, ChartFlags::Impl& impl);

  bool invoked_as(std::string_view word) const { return word == name || (!alias.empty() && word == alias); }
};

constexpr ChartSubcommand kChartSubcommands[] = {
    {"template", "", declare_template},
    {"create", "", declare_create},
    {"lint", "", declare_lint},
    {"package", "", declare_package},
    {"show", "inspect", declare_show},
    {"dependency", "dep", declare_dependency},
    {"repo", "", declare_repo},
    {"pull", "", declare_pull},
    {"push", "", declare_push},
    {"registry", "", declare_registry},
    {"search", "", declare_search},
    {"serve", "", declare_serve},
    {"install", "", declare_install},
    {"upgrade", "", declare_upgrade},
    {"rollback", "", declare_rollback},
    {"uninstall", "delete", declare_uninstall},
    {"history", "hist", declare_history},
    {"list", "ls", declare_list},
    {"status", "", declare_status},
    {"test", "", declare_test},
    {"get", "", declare_get},
};

}  // namespace

CLI::App* add_chart_command(CLI::App& app, ChartFlags& flags, std::string_view invoked) {
  CLI::App* chart = app.add_subcommand("chart", "Work with Helm charts offline (helm-compatible)");
  chart->require_subcommand(1);
  chart->fallthrough();  // inherited by the subcommands: helm's global flags go anywhere
  global_flags(chart, *flags.impl);
  // Only the invoked subcommand is declared (each one's options cost time at every start),
  // unless the word names none: then all are, so that CLI11 lists them or names the unknown one.
  bool known = std::any_of(std::begin(kChartSubcommands), std::end(kChartSubcommands),
                           [&](const ChartSubcommand& c) { return c.invoked_as(invoked); });
  for (const auto& c : kChartSubcommands) {
    if (!known || c.invoked_as(invoked)) c.declare(chart, *flags.impl);
  }
  last_value_wins(chart);
  return chart;
}

static void add_repo_management_commands(CLI::App* repo, ChartFlags::Impl& impl) {
  CLI::App* add = repo->add_subcommand("add", "Add a chart repository");
  auto& ao = impl.repo_add;
  add->add_option("name", ao.name, "NAME")->required();
  add->add_option("url", ao.url, "URL")->required();
  add->add_option("--username", ao.username, "Chart repository username");
  add->add_option("--password", ao.password, "Chart repository password");
  add->add_flag("--force-update", ao.force_update, "Replace (overwrite) the repo if it already exists");
  add->add_flag("--pass-credentials", ao.pass_credentials_all, "Pass credentials to all domains");
  impl.actions.emplace_back(add, [&impl] { return print_result(chart::repo_add(impl.repo_add)); });

  CLI::App* list = repo->add_subcommand("list", "List chart repositories");
  list->alias("ls");
  list->add_option("-o,--output", impl.repo_output, "table, json or yaml");
  impl.actions.emplace_back(list, [&impl] {
    std::string notice;
    auto out = chart::repo_list(impl.repo_output, notice);
    std::cerr << notice;
    return print_result(out);
  });

  CLI::App* update = repo->add_subcommand("update", "Update information of available charts locally from repositories");
  update->alias("up");
  update->add_option("names", impl.repo_names, "[REPO1 [REPO2 ...]]");
  impl.actions.emplace_back(update, [&impl] { return print_result(chart::repo_update(impl.repo_names)); });

  CLI::App* remove = repo->add_subcommand("remove", "Remove one or more chart repositories");
  remove->alias("rm");
  remove->add_option("names", impl.repo_names, "[REPO1 [REPO2 ...]]")->required();
  impl.actions.emplace_back(remove, [&impl] { return print_result(chart::repo_remove(impl.repo_names)); });
}

int run_chart(const ChartFlags& flags) {
  for (const auto& [cmd, action] : flags.impl->actions) {
    if (!cmd->parsed()) continue;
    const auto& unsupported = flags.impl->unsupported_cluster_flags;
    if (!unsupported.empty() && cmd->get_option_no_throw("--kubeconfig") != nullptr) {
      std::cerr << "Error: " << unsupported.front()
                << " is not supported: skiff reaches the cluster through a kubeconfig (--kubeconfig, --kube-context)\n";
      return 1;
    }
    return action();
  }
  return 0;
}

}  // namespace skiff::cli

#include "chart/action/package_show.h"

#include <strings.h>

#include <filesystem>

#include "chart/chart/archive_writer.h"
#include "chart/chart/chartfile.h"
#include "chart/chart/loader.h"
#include "chart/funcs/semver.h"

namespace skiff::chart {

namespace fs = std::filesystem;

Result<std::string> package_chart(const PackageOptions& opts) {
  std::error_code ec;
  if (!fs::exists(opts.path, ec)) return Error::not_found("stat " + opts.path + ": no such file or directory");
  if (!fs::is_directory(opts.path, ec)) {
    return Error::invalid("\"" + opts.path + "\" is not a directory");  // LoadDir refuses archives
  }
  SKIFF_ASSIGN_OR_RETURN(auto chart, load_chart(fs::absolute(opts.path).string()));
  if (!opts.version.empty()) chart->metadata.version = opts.version;
  auto parsed = funcs::parse_semver(chart->metadata.version);
  if (!parsed.ok()) return std::move(parsed).error();
  if (!opts.app_version.empty()) chart->metadata.app_version = opts.app_version;
  std::vector<std::string> missing;
  for (const auto& req : chart->metadata.dependencies) {
    bool found = false;
    for (const auto& d : chart->dependencies) found = found || d->name() == req.name;
    if (!found) missing.push_back(req.name);
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
    return Error::invalid("found in Chart.yaml, but missing in charts/ directory: " + list);
  }
  std::string dest = opts.destination == "." ? fs::current_path().string() : opts.destination;
  auto saved = save_chart_archive(*chart, dest);
  if (!saved.ok()) return Error::internal("failed to save: " + saved.error().message);
  return saved;
}

Result<std::string> show_chart(ShowKind kind, const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec) && path.find('/') == std::string::npos) {
    return Error::not_found("non-absolute URLs should be in form of repo_name/path_to_chart, got: " + path);
  }
  SKIFF_ASSIGN_OR_RETURN(auto chart, load_chart(path));
  std::string out;
  bool all = kind == ShowKind::kAll;
  if (kind == ShowKind::kChart || all) {
    SKIFF_ASSIGN_OR_RETURN(std::string cf, marshal_metadata(chart->metadata));
    out += cf + "\n";
  }
  if ((kind == ShowKind::kValues || all) && chart->values_file) {
    if (all) out += "---\n";
    out += chart->values_file->data + "\n";
  }
  if (kind == ShowKind::kReadme || all) {
    static const char* kReadmeNames[] = {"readme.md", "readme.txt", "readme"};
    const ChartFile* readme = nullptr;
    for (const auto& f : chart->files) {
      for (const char* n : kReadmeNames) {
        if (readme == nullptr && strcasecmp(f.name.c_str(), n) == 0) readme = &f;
      }
    }
    if (readme != nullptr) {
      if (all) out += "---\n";
      out += readme->data + "\n";
    }
  }
  if (kind == ShowKind::kCrds || all) {
    for (const auto& crd : crd_objects(*chart)) {
      if (crd.file->data.rfind("---", 0) != 0) out += "---\n";
      out += crd.file->data + "\n";
    }
  }
  return out;
}

}  // namespace skiff::chart

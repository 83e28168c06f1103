#include "chart/chart/chart.h"

#include <strings.h>

namespace skiff::chart {

bool Chart::is_library() const { return strcasecmp(metadata.type.c_str(), "library") == 0; }

std::string Chart::full_path() const {
  if (parent == nullptr) return name();
  return parent->full_path() + "/charts/" + name();
}

std::string Chart::path() const {
  if (parent == nullptr) return name();
  return parent->path() + "." + name();
}

void Chart::set_dependencies(std::vector<std::shared_ptr<Chart>> deps) {
  dependencies = std::move(deps);
  for (auto& d : dependencies) d->parent = this;
}

std::shared_ptr<Chart> Chart::clone_for_alias() const {
  auto out = std::make_shared<Chart>(*this);
  std::vector<std::shared_ptr<Chart>> deps;
  for (const auto& d : dependencies) deps.push_back(std::make_shared<Chart>(*d));
  out->set_dependencies(std::move(deps));
  return out;
}

static bool has_manifest_extension(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot);
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

static void collect_crds(const Chart& chart, std::vector<CrdObject>& out) {
  for (const auto& f : chart.files) {
    if (f.name.rfind("crds/", 0) == 0 && has_manifest_extension(f.name)) {
      out.push_back({chart.full_path() + "/" + f.name, &f});
    }
  }
  for (const auto& d : chart.dependencies) collect_crds(*d, out);
}

std::vector<CrdObject> crd_objects(const Chart& chart) {
  std::vector<CrdObject> out;
  collect_crds(chart, out);
  return out;
}

}  // namespace skiff::chart

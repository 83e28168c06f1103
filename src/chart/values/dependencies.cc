#include "chart/values/dependencies.h"

#include <set>

#include "chart/chart/semver_range.h"
#include "chart/values/coalesce.h"

namespace skiff::chart {

namespace {

// Values.PathValue: a non-table value at a dotted path.
const Json* path_value(const Json& values, const std::string& path) {
  auto dot = path.rfind('.');
  const Json* table = &values;
  std::string key = path;
  if (dot != std::string::npos) {
    table = values_table(values, std::string_view(path).substr(0, dot));
    key = path.substr(dot + 1);
    if (table == nullptr) return nullptr;
  }
  if (!table->is_object()) return nullptr;
  auto it = table->find(key);
  if (it == table->end() || it->is_object()) return nullptr;
  return &*it;
}

void process_tags(std::vector<Dependency>& reqs, const Json& cvals) {
  const Json* tags = values_table(cvals, "tags");
  if (tags == nullptr) return;
  for (auto& r : reqs) {
    bool has_true = false, has_false = false;
    for (const auto& k : r.tags) {
      auto it = tags->find(k);
      if (it != tags->end() && it->is_boolean()) (it->get<bool>() ? has_true : has_false) = true;
    }
    if (!has_true && has_false) {
      r.enabled = false;
    } else {
      r.enabled = true;
    }
  }
}

void process_conditions(std::vector<Dependency>& reqs, const Json& cvals, const std::string& cpath) {
  for (auto& r : reqs) {
    std::string cond = r.condition;
    size_t b = cond.find_first_not_of(" \t\r\n");
    size_t e = cond.find_last_not_of(" \t\r\n");
    cond = b == std::string::npos ? "" : cond.substr(b, e - b + 1);
    size_t start = 0;
    while (true) {
      size_t comma = cond.find(',', start);
      std::string c = cond.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!c.empty()) {
        const Json* v = path_value(cvals, cpath + c);
        if (v != nullptr && v->is_boolean()) {
          r.enabled = v->get<bool>();
          break;
        }
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
}

bool matches(const Chart& c, const Dependency& dep) {
  return c.name() == dep.name && semver_satisfies(dep.version, c.metadata.version);
}

// helm copies the chart struct shallowly (its files are shared pointers). Here files are
// values, so a chart that only its parent owns, and that no later entry of `reqs` can
// pick again, is moved rather than copied: the caller drops the original either way, so
// nobody can see the difference. Charts shared with anyone else are copied.
std::shared_ptr<Chart> alias_dependency(const std::vector<std::shared_ptr<Chart>>& charts,
                                        const std::vector<Dependency>& reqs, size_t index) {
  const Dependency& dep = reqs[index];
  for (const auto& c : charts) {
    if (!matches(*c, dep)) continue;
    bool must_copy = c.use_count() > 1;
    for (size_t later = index + 1; later < reqs.size(); ++later) {
      if (matches(*c, reqs[later])) must_copy = true;
    }
    std::shared_ptr<Chart> out;
    if (must_copy) {
      out = c->clone_for_alias();
    } else {
      out = std::make_shared<Chart>(std::move(*c));
      c->metadata.name.clear();  // the husk left behind must not match again
      out->set_dependencies(std::move(out->dependencies));
    }
    if (!dep.alias.empty()) out->metadata.name = dep.alias;
    return out;
  }
  return nullptr;
}

Status process_enabled(Chart& c, const Json& v, const std::string& path) {
  if (c.metadata.dependencies.empty()) return ok_status();
  std::vector<std::shared_ptr<Chart>> chart_deps;
  for (const auto& existing : c.dependencies) {
    bool claimed = false;
    for (const auto& req : c.metadata.dependencies) {
      if (existing->name() == req.name && semver_satisfies(req.version, existing->metadata.version)) claimed = true;
    }
    if (!claimed) chart_deps.push_back(existing);
  }
  auto& reqs = c.metadata.dependencies;
  for (size_t i = 0; i < reqs.size(); ++i) {
    if (auto aliased = alias_dependency(c.dependencies, reqs, i)) chart_deps.push_back(aliased);
    if (!reqs[i].alias.empty()) reqs[i].name = reqs[i].alias;
  }
  c.set_dependencies(chart_deps);
  for (auto& req : c.metadata.dependencies) req.enabled = true;
  SKIFF_ASSIGN_OR_RETURN(Json cvals, coalesce_values(c, v));
  process_tags(c.metadata.dependencies, cvals);
  process_conditions(c.metadata.dependencies, cvals, path);
  std::set<std::string> removed;
  for (const auto& r : c.metadata.dependencies) {
    if (!r.enabled) removed.insert(r.name);
  }
  std::vector<std::shared_ptr<Chart>> kept;
  for (const auto& d : c.dependencies) {
    if (!removed.count(d->name())) kept.push_back(d);
  }
  std::vector<Dependency> kept_meta;
  for (const auto& r : c.metadata.dependencies) {
    if (!removed.count(r.name)) kept_meta.push_back(r);
  }
  for (const auto& t : kept) {
    SKIFF_TRY(process_enabled(*t, cvals, path + t->name() + "."));
  }
  c.metadata.dependencies = std::move(kept_meta);
  c.set_dependencies(std::move(kept));
  return ok_status();
}

Json path_to_map(const std::string& path, const Json& data) {
  if (path == ".") return data;
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  Json cur = data;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    Json wrapped = Json::object();
    wrapped[*it] = std::move(cur);
    cur = std::move(wrapped);
  }
  return cur;
}

// fmt's %v of an import-values field.
std::string go_sprint(const Json& j) {
  if (j.is_null()) return "<nil>";
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

Status process_import_values(Chart& c) {
  if (c.metadata.dependencies.empty()) return ok_status();
  SKIFF_ASSIGN_OR_RETURN(Json cvals, merge_values(c, Json::object()));
  Json b = Json::object();
  for (auto& r : c.metadata.dependencies) {
    Json outiv = Json::array();
    for (const auto& riv : r.import_values) {
      if (riv.is_object()) {
        std::string child = go_sprint(riv.contains("child") ? riv["child"] : Json());
        std::string parent = go_sprint(riv.contains("parent") ? riv["parent"] : Json());
        outiv.push_back({{"child", child}, {"parent", parent}});
        const Json* vv = values_table(cvals, r.name + "." + child);
        if (vv == nullptr) continue;
        merge_tables(b, path_to_map(parent, *vv));
      } else if (riv.is_string()) {
        std::string child = "exports." + riv.get<std::string>();
        outiv.push_back({{"child", child}, {"parent", "."}});
        const Json* vm = values_table(cvals, r.name + "." + child);
        if (vm == nullptr) continue;
        merge_tables(b, *vm);
      }
    }
    r.import_values = outiv;
  }
  merge_tables(cvals, b);
  c.values = std::move(cvals);
  return ok_status();
}

Status process_import_values_recursive(Chart& c) {
  for (auto& d : c.dependencies) SKIFF_TRY(process_import_values_recursive(*d));
  return process_import_values(c);
}

}  // namespace

Status process_dependencies(Chart& chart, const Json& user_values) {
  SKIFF_TRY(process_enabled(chart, user_values, ""));
  return process_import_values_recursive(chart);
}

}  // namespace skiff::chart

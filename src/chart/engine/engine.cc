#include "chart/engine/engine.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "chart/engine/exec_error.h"
#include "chart/funcs/sprig.h"
#include "chart/engine/helm_funcs.h"
#include "chart/template/template.h"
#include "chart/template/value_json.h"

namespace skiff::chart {

using tmpl::Value;

namespace {

struct Renderable {
  const std::string* text = nullptr;
  Value vals;  // the chart's scope map, shared by its templates
  std::string base_path;
};

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Value entry(const Value& map, const char* key) {
  const auto& entries = map.map_entries();
  auto it = entries.find(key);
  return it == entries.end() ? Value() : it->second;
}

// helm 4's .Values and .Template are common.Values (a named map type): typeOf prints
// that name and Sprig's dig, which asserts map[string]interface{}, rejects them.
Value common_values(const Value& map) {
  static const auto kType = [] {
    auto t = std::make_shared<tmpl::TypeInfo>();
    t->name = "common.Values";
    return std::shared_ptr<const tmpl::TypeInfo>(t);
  }();
  return map.unboxed().with_type(kType);
}

// recAllTpls: builds each chart's scope and collects its templates.
Value collect_templates(const Chart& c, std::map<std::string, Renderable>& out, const Value& parent) {
  Value subcharts = Value::map();
  Value values = common_values(Value::map());
  if (c.is_root()) {
    values = entry(parent, "Values");
  } else {
    Value parent_values = entry(parent, "Values").unboxed();
    if (parent_values.kind() == tmpl::Kind::kMap) {
      Value table = entry(parent_values, c.name().c_str()).unboxed();
      if (table.kind() == tmpl::Kind::kMap && !table.is_nil_container()) values = common_values(table);
    }
  }
  Value next = Value::map({{"Chart", make_chart_value(c)},
                           {"Files", make_files_value(c.files)},
                           {"Release", entry(parent, "Release")},
                           {"Capabilities", entry(parent, "Capabilities")},
                           {"Values", values},
                           {"Subcharts", subcharts}});
  for (const auto& child : c.dependencies) {
    subcharts.map_data()->entries[child->name()] = collect_templates(*child, out, next);
  }
  std::string full = c.full_path();
  for (const auto& t : c.templates) {
    if (c.is_library() && base_name(t.name).rfind('_', 0) != 0) continue;
    out[full + "/" + t.name] = Renderable{&t.data, next, full + "/templates"};
  }
  return next;
}

// helm's sortTemplates: deeper paths first; within a depth, reverse lexical order.
std::vector<std::string> parse_order(const std::map<std::string, Renderable>& tpls) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : tpls) keys.push_back(k);
  auto depth = [](const std::string& s) { return std::count(s.begin(), s.end(), '/'); };
  std::sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
    auto da = depth(a), db = depth(b);
    if (da != db) return da > db;
    return a > b;
  });
  return keys;
}

std::string remove_no_value(std::string s) {
  static const std::string marker = "<no value>";
  size_t pos = 0;
  while ((pos = s.find(marker, pos)) != std::string::npos) s.erase(pos, marker.size());
  return s;
}

}  // namespace

Result<std::map<std::string, std::string>> render_chart(const Chart& chart, const RenderInput& input) {
  Value top = Value::map({{"Release", make_release_value(input.release)},
                          {"Capabilities", make_capabilities_value(input.capabilities)},
                          {"Values", common_values(tmpl::value_from_json(input.values, tmpl::JsonNumbers::kInt64))}});
  std::map<std::string, Renderable> tpls;
  collect_templates(chart, tpls, top);

  tmpl::TemplateSet set("gotpl");
  set.set_missing_key(tmpl::MissingKey::kZero);
  funcs::add_sprig_functions(set);
  add_helm_functions(set, std::make_shared<IncludeCounts>(), input.lint_mode);

  std::vector<std::string> keys = parse_order(tpls);
  for (const auto& name : keys) {
    // The set views the chart's text rather than copying it: the chart outlives the set.
    std::shared_ptr<const std::string> text(std::shared_ptr<void>(), tpls[name].text);
    Status parsed = set.parse(name, std::move(text));
    if (!parsed.ok()) return Error::invalid(cleanup_parse_error(name, parsed.error().message));
  }
  std::map<std::string, std::string> rendered;
  for (const auto& name : keys) {
    if (base_name(name).rfind('_', 0) == 0) continue;
    const Renderable& r = tpls[name];
    r.vals.map_data()->entries["Template"] =
        common_values(Value::map({{"Name", Value::string(name)}, {"BasePath", Value::string(r.base_path)}}));
    std::string out;
    Status run = set.execute(name, r.vals, out);
    if (!run.ok()) return Error::invalid(reformat_exec_error(name, run.error().message));
    rendered[name] = remove_no_value(std::move(out));
  }
  return rendered;
}

}  // namespace skiff::chart

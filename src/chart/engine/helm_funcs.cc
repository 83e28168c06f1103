#include "chart/engine/helm_funcs.h"

#include "chart/chart/helm_log.h"

#include "chart/funcs/toml.h"
#include "chart/funcs/yaml_pretty.h"
#include "chart/template/function.h"
#include "chart/template/go_strconv.h"
#include "chart/yaml/go_yaml.h"

namespace skiff::chart {

using tmpl::Kind;
using tmpl::ParamKind;
using tmpl::Value;

namespace {

constexpr int kRecursionMax = 1000;

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

std::string trim_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

Error wrapped(const std::string& msg) { return Error::invalid(std::string(kWarnStart) + msg + kWarnEnd); }

void add(tmpl::TemplateSet& set, const char* name, std::vector<ParamKind> params, tmpl::Function fn) {
  set.add_function(name, tmpl::make_function(std::move(params), false, std::move(fn)));
}

tmpl::Function include_function(std::shared_ptr<IncludeCounts> counts) {
  return [counts](std::vector<Value>& args, tmpl::CallContext& ctx) -> Result<Value> {
    const std::string& name = args[0].as_string();
    auto it = counts->find(name);
    if (it == counts->end()) {
      it = counts->emplace(name, 0).first;
    } else if (it->second > kRecursionMax) {
      return Error::invalid("rendering template has a nested reference name: " + name +
                            ": unable to execute template");
    }
    int& count = it->second;  // stays valid while nested includes add names
    ++count;
    auto out = ctx.execute_template(name, args[1]);
    --count;
    if (!out.ok()) return std::move(out).error();
    return Value::string(std::move(out).value());
  };
}

tmpl::Function tpl_function(std::shared_ptr<IncludeCounts> counts) {
  return [counts](std::vector<Value>& args, tmpl::CallContext& ctx) -> Result<Value> {
    const std::string& text = args[0].as_string();
    tmpl::TemplateSet clone = ctx.templates();
    clone.set_missing_key(tmpl::MissingKey::kZero);
    // Parsed under the set's name, as helm's t.New(parent.Name()).Parse(tpl).
    Status parsed = clone.parse(clone.name(), text);
    if (!parsed.ok()) {
      return Error::invalid("cannot parse template " + tmpl::go_quote(text) + ": " + parsed.error().message);
    }
    std::string out;
    Status run = clone.execute(clone.name(), args[1], out);
    if (!run.ok()) {
      return Error::invalid("error during tpl function execution for " + tmpl::go_quote(text) + ": " +
                            run.error().message);
    }
    return Value::string(replace_all(std::move(out), "<no value>", ""));
  };
}

Value error_map(const std::string& msg) { return Value::map({{"Error", Value::string(msg)}}); }

}  // namespace

void add_helm_functions(tmpl::TemplateSet& set, std::shared_ptr<IncludeCounts> counts, bool lint_mode) {
  add(set, "toYaml", {ParamKind::kAny}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto y = yaml::to_yaml(a[0]);
    return Value::string(y.ok() ? trim_newline(std::move(y).value()) : "");
  });
  add(set, "mustToYaml", {ParamKind::kAny}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto y = yaml::to_yaml(a[0]);
    if (!y.ok()) return std::move(y).error();
    return Value::string(trim_newline(std::move(y).value()));
  });
  add(set, "toYamlPretty", {ParamKind::kAny}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto y = funcs::to_yaml_pretty(a[0]);
    return Value::string(y.ok() ? trim_newline(std::move(y).value()) : "");
  });
  add(set, "fromYaml", {ParamKind::kString}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto v = yaml::parse_yaml_into(a[0].as_string(), yaml::DecodeTarget::kMap);
    if (!v.ok()) return error_map(v.error().message);
    return std::move(v).value();
  });
  add(set, "fromYamlArray", {ParamKind::kString}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto v = yaml::parse_yaml_into(a[0].as_string(), yaml::DecodeTarget::kList);
    if (!v.ok()) return Value::list({Value::string(v.error().message)});
    return std::move(v).value();
  });
  add(set, "toJson", {ParamKind::kAny}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto j = yaml::to_json(a[0]);
    return Value::string(j.ok() ? std::move(j).value() : "");
  });
  add(set, "mustToJson", {ParamKind::kAny}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto j = yaml::to_json(a[0]);
    if (!j.ok()) return std::move(j).error();
    return Value::string(std::move(j).value());
  });
  add(set, "fromJson", {ParamKind::kString}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto v = yaml::from_json_into(a[0].as_string(), yaml::DecodeTarget::kMap);
    if (!v.ok()) return error_map(v.error().message);
    return std::move(v).value();
  });
  add(set, "fromJsonArray", {ParamKind::kString}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto v = yaml::from_json_into(a[0].as_string(), yaml::DecodeTarget::kList);
    if (!v.ok()) return Value::list({Value::string(v.error().message)});
    return std::move(v).value();
  });
  // helm 4.1.4 has no mustToToml; toToml returns the encoder's error text as its result.
  add(set, "toToml", {ParamKind::kAny}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto t = funcs::toml_encode(a[0]);
    if (!t.ok() && t.error().code == 500) return Error::invalid(t.error().message);
    return Value::string(t.ok() ? std::move(t).value() : t.error().message);
  });
  add(set, "fromToml", {ParamKind::kString}, [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    auto v = funcs::toml_decode(a[0].as_string());
    if (!v.ok()) return error_map(v.error().message);
    return std::move(v).value();
  });
  set.add_function("include", tmpl::make_function({ParamKind::kString, ParamKind::kAny}, false, include_function(counts)));
  set.add_function("tpl", tmpl::make_function({ParamKind::kString, ParamKind::kAny}, false, tpl_function(counts)));
  add(set, "required", {ParamKind::kString, ParamKind::kAny},
      [lint_mode](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
        const Value& v = a[1];
        const bool nil = !v.is_valid();
        const bool empty = !nil && v.kind() == Kind::kString && !v.type_info() && v.as_string().empty();
        if (!nil && !empty) return v;
        if (!lint_mode) return wrapped(a[0].as_string());
        helm_log("WARN", nil ? "missing required value" : "missing required values", {{"message", a[0].as_string()}});
        return Value::string("");
      });
  add(set, "fail", {ParamKind::kString}, [lint_mode](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
    if (!lint_mode) return wrapped(a[0].as_string());
    helm_log("INFO", "funcMap fail", {{"message", a[0].as_string()}});
    return Value::string("");
  });
  add(set, "lookup", {ParamKind::kString, ParamKind::kString, ParamKind::kString, ParamKind::kString},
      [](std::vector<Value>&, tmpl::CallContext&) -> Result<Value> { return Value::map(); });
  add(set, "getHostByName", {ParamKind::kString},
      [](std::vector<Value>&, tmpl::CallContext&) -> Result<Value> { return Value::string(""); });
}

}  // namespace skiff::chart

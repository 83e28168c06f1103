#include "chart/engine/render_objects.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <memory>

#include "chart/chart/go_glob.h"
#include "chart/chart/loader.h"
#include "chart/chart/yaml_values.h"
#include "chart/template/function.h"
#include "util/encoding.h"
#include "util/go_strconv.h"

namespace skiff::chart {

using tmpl::Kind;
using tmpl::ParamKind;
using tmpl::TypeInfo;
using tmpl::Value;
using tmpl::ValueList;
using tmpl::ValueMap;

namespace {

Value str(const std::string& s) { return Value::string(s); }

Value string_list(const std::vector<std::string>& items) {
  ValueList out;
  for (const auto& s : items) out.push_back(str(s));
  return Value::list(std::move(out));
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::shared_ptr<const TypeInfo> files_type();

Value files_from(ValueMap entries) { return Value::map(std::move(entries), Kind::kString).with_type(files_type()); }

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// toYAML of a map[string]string with the trailing newline trimmed.
std::string yaml_of_string_map(const std::map<std::string, std::string>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = v;
  auto y = marshal_yaml(j);
  if (!y.ok()) return "";
  std::string s = std::move(y).value();
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// A file the loader left unread, read when a template first asks for its text.
class DeferredFileText final : public tmpl::DeferredText {
 public:
  explicit DeferredFileText(const ChartFile& file) : file_{file.name, "", 0, file.deferred_path} {}
  const std::string& get() const override {
    if (!read_) {
      text_ = read_deferred_contents(file_);
      read_ = true;
    }
    return text_;
  }

 private:
  ChartFile file_;
  mutable bool read_ = false;
  mutable std::string text_;
};

std::shared_ptr<const TypeInfo> files_type() {
  static const std::shared_ptr<const TypeInfo> type = [] {
    auto t = std::make_shared<TypeInfo>();
    t->name = "engine.files";
    // A file's entry (a string value, possibly not read yet), or "" for none.
    auto get = [](std::vector<Value>& args) -> Value {
      const auto& entries = args[0].map_entries();
      auto it = entries.find(args[1].as_string());
      return it == entries.end() ? str("") : it->second.unboxed();
    };
    t->methods["Get"] = tmpl::make_function({ParamKind::kString}, false,
                                             [get](std::vector<Value>& args, tmpl::CallContext&) -> Result<Value> {
                                               return get(args);
                                             });
    t->methods["GetBytes"] = tmpl::make_function(
        {ParamKind::kString}, false, [get](std::vector<Value>& args, tmpl::CallContext&) -> Result<Value> {
          ValueList bytes;
          for (unsigned char c : get(args).as_string()) bytes.push_back(Value::unsigned_integer(c, Kind::kUint8));
          return Value::list(std::move(bytes), Kind::kUint8);
        });
    t->methods["Glob"] = tmpl::make_function(
        {ParamKind::kString}, false, [](std::vector<Value>& args, tmpl::CallContext&) -> Result<Value> {
          ValueMap matched;
          for (const auto& [k, v] : args[0].map_entries()) {
            if (gobwas_glob_match(args[1].as_string(), k)) matched.emplace(k, v);
          }
          return files_from(std::move(matched));
        });
    t->methods["AsConfig"] = tmpl::make_function(
        {}, false, [](std::vector<Value>& args, tmpl::CallContext&) -> Result<Value> {
          std::map<std::string, std::string> m;
          for (const auto& [k, v] : args[0].map_entries()) m[base_name(k)] = v.unboxed().as_string();
          return str(yaml_of_string_map(m));
        });
    t->methods["AsSecrets"] = tmpl::make_function(
        {}, false, [](std::vector<Value>& args, tmpl::CallContext&) -> Result<Value> {
          std::map<std::string, std::string> m;
          for (const auto& [k, v] : args[0].map_entries()) m[base_name(k)] = base64_encode(v.unboxed().as_string());
          return str(yaml_of_string_map(m));
        });
    t->methods["Lines"] = tmpl::make_function(
        {ParamKind::kString}, false, [get](std::vector<Value>& args, tmpl::CallContext&) -> Result<Value> {
          std::string s = get(args).as_string();
          if (s.empty()) return Value::list({}, Kind::kString);
          if (s.back() == '\n') s.pop_back();
          ValueList lines;
          size_t start = 0;
          while (true) {
            size_t nl = s.find('\n', start);
            lines.push_back(str(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start)));
            if (nl == std::string::npos) break;
            start = nl + 1;
          }
          return Value::list(std::move(lines), Kind::kString);
        });
    return t;
  }();
  return type;
}

Value struct_value(ValueMap fields, std::shared_ptr<const TypeInfo> type) {
  return Value::map(std::move(fields)).with_type(std::move(type));
}

}  // namespace

Result<KubeVersionInfo> parse_kube_version(std::string_view text) {
  // k8s.io/apimachinery's version.ParseGeneric: blanks, an optional "v", then two or more
  // dot-separated numbers; whatever follows them is ignored.
  const std::string quoted = go_quote(text);
  std::string_view s = text;
  while (!s.empty() && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f' || s[0] == '\v'))
    s.remove_prefix(1);
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return Error::invalid("could not parse " + quoted + " as version");  // only before the first
    parts.push_back(s.substr(start, i - start));
    if (i + 1 < s.size() && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
      ++i;
      continue;
    }
    break;
  }
  if (parts.size() < 2) return Error::invalid("illegal version string " + quoted);
  if (parts[0].size() > 1 && parts[0][0] == '0') {
    return Error::invalid("illegal zero-prefixed version component " + go_quote(parts[0]) + " in " + quoted);
  }
  std::vector<unsigned long long> numbers;
  for (auto p : parts) {
    errno = 0;
    unsigned long long n = std::strtoull(std::string(p).c_str(), nullptr, 10);
    if (errno == ERANGE) {
      return Error::invalid("illegal non-numeric version component " + go_quote(p) + " in " + quoted +
                            ": strconv.ParseUint: parsing " + go_quote(p) + ": value out of range");
    }
    numbers.push_back(n);
  }
  KubeVersionInfo kv;
  kv.version = text.substr(0, 1) == "v" ? std::string(text) : "v" + std::string(text);
  kv.major = std::to_string(numbers[0]);
  kv.minor = std::to_string(numbers[1]);
  kv.normalized = "v";
  for (size_t n = 0; n < numbers.size(); ++n) kv.normalized += (n ? "." : "") + std::to_string(numbers[n]);
  return kv;
}

KubeVersionInfo default_kube_version() { return {"v1.35.0", "v1.35.0", "1", "35"}; }

std::vector<std::string> default_api_versions() {
  // client-go v0.35's scheme (PrioritizedVersionsAllGroups) plus apiextensions.
  return {
      "v1",
      "admissionregistration.k8s.io/v1",
      "admissionregistration.k8s.io/v1beta1",
      "admissionregistration.k8s.io/v1alpha1",
      "internal.apiserver.k8s.io/v1alpha1",
      "apps/v1",
      "apps/v1beta2",
      "apps/v1beta1",
      "authentication.k8s.io/v1",
      "authentication.k8s.io/v1beta1",
      "authentication.k8s.io/v1alpha1",
      "authorization.k8s.io/v1",
      "authorization.k8s.io/v1beta1",
      "autoscaling/v1",
      "autoscaling/v2",
      "autoscaling/v2beta1",
      "autoscaling/v2beta2",
      "batch/v1",
      "batch/v1beta1",
      "certificates.k8s.io/v1",
      "certificates.k8s.io/v1beta1",
      "certificates.k8s.io/v1alpha1",
      "coordination.k8s.io/v1",
      "coordination.k8s.io/v1beta1",
      "coordination.k8s.io/v1alpha2",
      "discovery.k8s.io/v1",
      "discovery.k8s.io/v1beta1",
      "events.k8s.io/v1",
      "events.k8s.io/v1beta1",
      "extensions/v1beta1",
      "flowcontrol.apiserver.k8s.io/v1",
      "flowcontrol.apiserver.k8s.io/v1beta3",
      "flowcontrol.apiserver.k8s.io/v1beta2",
      "flowcontrol.apiserver.k8s.io/v1beta1",
      "networking.k8s.io/v1",
      "networking.k8s.io/v1beta1",
      "node.k8s.io/v1",
      "node.k8s.io/v1beta1",
      "node.k8s.io/v1alpha1",
      "policy/v1",
      "policy/v1beta1",
      "rbac.authorization.k8s.io/v1",
      "rbac.authorization.k8s.io/v1beta1",
      "rbac.authorization.k8s.io/v1alpha1",
      "resource.k8s.io/v1",
      "resource.k8s.io/v1beta2",
      "resource.k8s.io/v1beta1",
      "resource.k8s.io/v1alpha3",
      "scheduling.k8s.io/v1",
      "scheduling.k8s.io/v1beta1",
      "scheduling.k8s.io/v1alpha1",
      "storage.k8s.io/v1",
      "storage.k8s.io/v1beta1",
      "storage.k8s.io/v1alpha1",
      "storagemigration.k8s.io/v1beta1",
      "apiextensions.k8s.io/v1",
      "apiextensions.k8s.io/v1beta1",
  };
}

Value make_capabilities_value(const CapabilitiesInfo& caps) {
  static const auto kube_type = [] {
    auto t = std::make_shared<TypeInfo>();
    t->name = "common.KubeVersion";
    t->is_struct = true;
    auto field = [](const Value& v, const char* name) {
      auto it = v.map_entries().find(name);
      return it == v.map_entries().end() ? std::string() : it->second.unboxed().as_string();
    };
    // String() reports the normalized version, kept in a hidden field.
    t->stringer = [field](const Value& v) { return field(v, "\x01normalized"); };
    t->methods["String"] = tmpl::make_function({}, false, [field](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
      return Value::string(field(a[0], "\x01normalized"));
    });
    t->methods["GitVersion"] = tmpl::make_function({}, false, [field](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
      return Value::string(field(a[0], "Version"));
    });
    return std::shared_ptr<const TypeInfo>(t);
  }();
  static const auto versions_type = [] {
    auto t = std::make_shared<TypeInfo>();
    t->name = "common.VersionSet";
    t->methods["Has"] = tmpl::make_function({ParamKind::kString}, false,
                                             [](std::vector<Value>& a, tmpl::CallContext&) -> Result<Value> {
                                               for (const auto& v : a[0].list_items()) {
                                                 if (v.unboxed().as_string() == a[1].as_string()) return Value::boolean(true);
                                               }
                                               return Value::boolean(false);
                                             });
    return std::shared_ptr<const TypeInfo>(t);
  }();
  static const auto build_type = [] {
    auto t = std::make_shared<TypeInfo>();
    t->name = "version.BuildInfo";
    t->is_struct = true;
    return std::shared_ptr<const TypeInfo>(t);
  }();
  static const auto caps_type = [] {
    auto t = std::make_shared<TypeInfo>();
    t->name = "*common.Capabilities";
    t->is_struct = true;
    return std::shared_ptr<const TypeInfo>(t);
  }();
  const auto& kv = caps.kube_version;
  Value kube = struct_value({{"Version", str(kv.version)},
                             {"Major", str(kv.major)},
                             {"Minor", str(kv.minor)},
                             {"\x01normalized", str(kv.normalized)}},
                            kube_type);
  ValueList apis;
  for (const auto& a : caps.api_versions) apis.push_back(str(a));
  Value api_versions = Value::list(std::move(apis), Kind::kString).with_type(versions_type);
  Value helm = struct_value({{"Version", str("v4.1.4")},
                             {"GitCommit", str("")},
                             {"GitTreeState", str("clean")},
                             {"GoVersion", str("go1.25.5")},
                             {"KubeClientVersion", str("v1.35")}},
                            build_type);
  return struct_value({{"KubeVersion", kube}, {"APIVersions", api_versions}, {"HelmVersion", helm}}, caps_type);
}

Value make_chart_value(const Chart& chart) {
  const Metadata& md = chart.metadata;
  ValueList maintainers;
  for (const auto& m : md.maintainers) {
    maintainers.push_back(Value::map({{"Name", str(m.name)}, {"Email", str(m.email)}, {"URL", str(m.url)}}));
  }
  ValueList deps;
  for (const auto& d : md.dependencies) {
    ValueList imports;
    for (const auto& iv : d.import_values) {
      if (iv.is_object()) {
        ValueMap m;
        for (auto it = iv.begin(); it != iv.end(); ++it) {
          m.emplace(it.key(), str(it->is_string() ? it->get<std::string>() : it->dump()));
        }
        imports.push_back(Value::map(std::move(m), Kind::kString));
      } else if (iv.is_string()) {
        imports.push_back(str(iv.get<std::string>()));
      }
    }
    deps.push_back(Value::map({{"Name", str(d.name)},
                               {"Version", str(d.version)},
                               {"Repository", str(d.repository)},
                               {"Condition", str(d.condition)},
                               {"Tags", string_list(d.tags)},
                               {"Enabled", Value::boolean(d.enabled)},
                               {"ImportValues", Value::list(std::move(imports))},
                               {"Alias", str(d.alias)}}));
  }
  Value annotations = Value::nil_map(Kind::kString);
  if (md.annotations) {
    ValueMap m;
    for (const auto& [k, v] : *md.annotations) m.emplace(k, str(v));
    annotations = Value::map(std::move(m), Kind::kString);
  }
  return Value::map({{"Name", str(md.name)},
                     {"Home", str(md.home)},
                     {"Sources", string_list(md.sources)},
                     {"Version", str(md.version)},
                     {"Description", str(md.description)},
                     {"Keywords", string_list(md.keywords)},
                     {"Maintainers", Value::list(std::move(maintainers))},
                     {"Icon", str(md.icon)},
                     {"APIVersion", str(md.api_version)},
                     {"Condition", str(md.condition)},
                     {"Tags", str(md.tags)},
                     {"AppVersion", str(md.app_version)},
                     {"Deprecated", Value::boolean(md.deprecated)},
                     {"Annotations", annotations},
                     {"KubeVersion", str(md.kube_version)},
                     {"Dependencies", Value::list(std::move(deps))},
                     {"Type", str(md.type)},
                     {"IsRoot", Value::boolean(chart.is_root())}});
}

Value make_files_value(const std::vector<ChartFile>& files) {
  ValueMap entries;
  for (const auto& f : files) {
    Value text = f.deferred_path.empty() ? str(f.data) : Value::deferred_string(std::make_shared<DeferredFileText>(f));
    entries.insert_or_assign(f.name, std::move(text));
  }
  return files_from(std::move(entries));
}

Value make_release_value(const ReleaseInfo& r) {
  return Value::map({{"Name", str(r.name)},
                     {"Namespace", str(r.namespace_)},
                     {"IsUpgrade", Value::boolean(r.is_upgrade)},
                     {"IsInstall", Value::boolean(r.is_install)},
                     {"Revision", Value::integer(r.revision, Kind::kInt)},
                     {"Service", str("Helm")}});
}

}  // namespace skiff::chart

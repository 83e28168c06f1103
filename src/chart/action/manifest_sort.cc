#include "chart/action/manifest_sort.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "chart/template/value.h"
#include "chart/yaml/go_yaml.h"

namespace skiff::chart {

namespace {

const std::vector<std::string>& install_order() {
  static const std::vector<std::string> order = {
      "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
      "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
      "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
      "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
      "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
      "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
      "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"};
  return order;
}

const std::unordered_map<std::string, int>& order_index() {
  static const std::unordered_map<std::string, int> index = [] {
    std::unordered_map<std::string, int> m;
    for (size_t i = 0; i < install_order().size(); ++i) m[install_order()[i]] = static_cast<int>(i);
    return m;
  }();
  return index;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim_space(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower_trim(std::string_view s) {
  std::string out(trim_space(s));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// encoding/json's name for a decoded value's type (in "cannot unmarshal X into ...").
const char* json_kind(const tmpl::Value& v) {
  switch (v.kind()) {
    case tmpl::Kind::kString: return "string";
    case tmpl::Kind::kBool: return "bool";
    case tmpl::Kind::kSlice: return "array";
    case tmpl::Kind::kMap: return "object";
    default: return "number";
  }
}

const tmpl::Value* entry(const tmpl::Value& map, std::string_view key) {
  const auto& entries = map.map_entries();
  auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

Error head_type_error(const std::string& path, const tmpl::Value& v, const std::string& field,
                      const std::string& type) {
  return Error::invalid("YAML parse error on " + path +
                        ": error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " + json_kind(v) +
                        " into Go struct field " + field + " of type " + type);
}

}  // namespace

std::vector<std::string> split_manifests(std::string_view big_file) {
  std::string_view s = trim_space(big_file);
  std::vector<std::string> docs;
  size_t doc_start = 0;
  size_t search = 0;
  auto emit = [&](size_t end) {
    std::string_view d = s.substr(doc_start, end - doc_start);
    if (!d.empty()) {
      std::string_view t = trim_space(d);
      docs.emplace_back(t);
    }
  };
  if (s.substr(0, 3) == "---") {
    size_t after = 3;
    while (after < s.size() && is_space(s[after])) ++after;
    doc_start = search = after;
  }
  while (true) {
    size_t nl = s.find("\n---", search);
    if (nl == std::string_view::npos) break;
    // The separator starts at the whitespace run before the newline.
    size_t sep_start = nl;
    while (sep_start > doc_start && is_space(s[sep_start - 1])) --sep_start;
    emit(sep_start);
    size_t after = nl + 4;
    while (after < s.size() && is_space(s[after])) ++after;
    doc_start = search = after;
  }
  emit(s.size());
  // Go's Split keeps empty pieces only when untrimmed text is empty; those are skipped.
  docs.erase(std::remove_if(docs.begin(), docs.end(), [](const std::string& d) { return d.empty(); }), docs.end());
  return docs;
}

bool install_order_less(const std::string& a, const std::string& b) {
  const auto& idx = order_index();
  auto ia = idx.find(a), ib = idx.find(b);
  bool aok = ia != idx.end(), bok = ib != idx.end();
  if (!aok && !bok) return a < b;
  if (!aok) return false;
  if (!bok) return true;
  return ia->second < ib->second;
}

Result<SortedManifests> sort_manifests(const std::map<std::string, std::string>& files) {
  static const std::unordered_map<std::string, std::string> events = {
      {"pre-install", "pre-install"},   {"post-install", "post-install"},   {"pre-delete", "pre-delete"},
      {"post-delete", "post-delete"},   {"pre-upgrade", "pre-upgrade"},     {"post-upgrade", "post-upgrade"},
      {"pre-rollback", "pre-rollback"}, {"post-rollback", "post-rollback"}, {"test", "test"},
      {"test-success", "test"}};
  SortedManifests result;
  for (const auto& [path, content] : files) {
    auto slash = path.rfind('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (!base.empty() && base[0] == '_') continue;
    if (trim_space(content).empty()) continue;
    for (auto& doc : split_manifests(content)) {
      // sigs.k8s.io/yaml into util.SimpleHead: the whole document must parse; only the
      // head's fields are kept.
      auto parsed = yaml::parse_yaml(doc, path);
      if (!parsed.ok()) return Error::invalid("YAML parse error on " + path + ": " + parsed.error().message);
      const tmpl::Value& head = *parsed;
      bool is_map = head.kind() == tmpl::Kind::kMap;
      if (head.is_valid() && !is_map) {
        return Error::invalid("YAML parse error on " + path +
                              ": error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                              json_kind(head) + " into Go value of type util.SimpleHead");
      }
      std::string kind, api_version, name;
      std::map<std::string, std::string> annotations;
      if (is_map) {
        if (const auto* k = entry(head, "kind"); k != nullptr && k->is_valid()) {
          if (k->kind() != tmpl::Kind::kString) return head_type_error(path, *k, "SimpleHead.kind", "string");
          kind = k->as_string();
        }
        if (const auto* v = entry(head, "apiVersion"); v != nullptr && v->kind() == tmpl::Kind::kString) {
          api_version = v->as_string();
        }
        if (const auto* md = entry(head, "metadata"); md != nullptr && md->kind() == tmpl::Kind::kMap) {
          if (const auto* n = entry(*md, "name"); n != nullptr && n->kind() == tmpl::Kind::kString) {
            name = n->as_string();
          }
          if (const auto* an = entry(*md, "annotations"); an != nullptr && an->kind() == tmpl::Kind::kMap) {
            for (const auto& [key, value] : an->map_entries()) {
              if (!value.is_valid()) continue;
              if (value.kind() != tmpl::Kind::kString) {
                return head_type_error(path, value, "SimpleHead.metadata.annotations", "string");
              }
              annotations[key] = value.as_string();
            }
          }
        }
      }
      auto hook_it = annotations.find("helm.sh/hook");
      if (hook_it == annotations.end()) {
        result.manifests.push_back({path, doc, kind, api_version});
        continue;
      }
      Hook h{name, kind, path, doc, {}, 0};
      if (auto w = annotations.find("helm.sh/hook-weight"); w != annotations.end()) {
        // strconv.Atoi: optional sign and digits only.
        const std::string& ws = w->second;
        size_t i = (!ws.empty() && (ws[0] == '+' || ws[0] == '-')) ? 1 : 0;
        bool digits = i < ws.size() && std::all_of(ws.begin() + static_cast<long>(i), ws.end(), ::isdigit);
        if (digits) {
          try {
            h.weight = std::stoi(ws);
          } catch (...) {
            h.weight = 0;
          }
        }
      }
      bool unknown = false;
      std::string_view types = hook_it->second;
      size_t start = 0;
      while (true) {
        size_t comma = types.find(',', start);
        std::string t = lower_trim(types.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        auto e = events.find(t);
        if (e == events.end()) {
          unknown = true;
          break;
        }
        h.events.push_back(e->second);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      if (unknown) continue;  // helm skips documents with unknown hook types
      result.hooks.push_back(std::move(h));
    }
  }
  std::stable_sort(result.manifests.begin(), result.manifests.end(),
                   [](const Manifest& a, const Manifest& b) { return install_order_less(a.kind, b.kind); });
  std::stable_sort(result.hooks.begin(), result.hooks.end(),
                   [](const Hook& a, const Hook& b) { return install_order_less(a.kind, b.kind); });
  return result;
}

}  // namespace skiff::chart

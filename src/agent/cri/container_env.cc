#include "agent/cri/container_env.h"

#include "api/quantity.h"
#include "util/encoding.h"

namespace skiff::agent::cri {
namespace {

Error config_error(std::string message) { return Error(400, "CreateContainerConfigError", std::move(message)); }

bool is_true(const Json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && obj[key].is_boolean() && obj[key].get<bool>();
}

// The string data of a ConfigMap or Secret (Secret values are base64).
Result<std::map<std::string, std::string>> object_data(const Json& obj, bool secret) {
  std::map<std::string, std::string> out;
  if (obj.contains("data") && obj["data"].is_object())
    for (const auto& [k, v] : obj["data"].items()) {
      if (!v.is_string()) continue;
      if (!secret) {
        out[k] = v.get<std::string>();
        continue;
      }
      auto decoded = base64_decode(v.get<std::string>());
      if (!decoded) return config_error("secret key " + k + " is not valid base64");
      out[k] = *decoded;
    }
  if (secret && obj.contains("stringData") && obj["stringData"].is_object())
    for (const auto& [k, v] : obj["stringData"].items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

struct SourceRef {
  const char* resource;
  const char* kind;  // for messages
  bool secret;
};
constexpr SourceRef kConfigMap{"configmaps", "ConfigMap", false};
constexpr SourceRef kSecret{"secrets", "Secret", true};

// nullopt: optional source absent.
Result<std::optional<std::map<std::string, std::string>>> fetch(const EnvContext& context, const SourceRef& source,
                                                                const std::string& ns, const std::string& name,
                                                                bool optional) {
  auto obj = context.get(source.resource, ns, name);
  if (!obj.ok()) {
    if (obj.error().code == 404) {
      if (optional) return std::optional<std::map<std::string, std::string>>();
      return config_error(std::string(source.secret ? "secret" : "configmap") + " \"" + name + "\" not found");
    }
    return config_error(std::string("reading ") + source.kind + " " + ns + "/" + name + ": " + obj.error().message);
  }
  SKIFF_ASSIGN_OR_RETURN(auto data, object_data(*obj, source.secret));
  return std::optional(std::move(data));
}

std::string label_or_annotation(const Json& map, const std::string& key) {
  if (!map.is_object() || !map.contains(key) || !map[key].is_string()) return "";
  return map[key].get<std::string>();
}

Result<std::string> field_value(const Json& pod, const std::string& path, const EnvContext& context) {
  const Json& meta = pod["metadata"];
  if (path == "metadata.name") return get_string(meta, "name");
  if (path == "metadata.namespace") return get_string(meta, "namespace");
  if (path == "metadata.uid") return get_string(meta, "uid");
  if (path == "spec.nodeName") return context.node_name;
  if (path == "spec.serviceAccountName") return get_string(pod["spec"], "serviceAccountName");
  if (path == "status.hostIP") return context.host_ip;
  if (path == "status.hostIPs") return context.host_ip;
  if (path == "status.podIP") return context.pod_ips.empty() ? std::string() : context.pod_ips.front();
  if (path == "status.podIPs") {
    std::string joined;
    for (const auto& ip : context.pod_ips) joined += (joined.empty() ? "" : ",") + ip;
    return joined;
  }
  for (const char* map : {"labels", "annotations"}) {
    std::string prefix = std::string("metadata.") + map + "['";
    if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size() + 2 && path.substr(path.size() - 2) == "']")
      return label_or_annotation(meta.value(map, Json::object()),
                                 path.substr(prefix.size(), path.size() - prefix.size() - 2));
  }
  return config_error("unsupported fieldRef fieldPath " + path);
}

Result<std::string> resource_value(const Json& container, const Json& ref) {
  std::string resource = get_string(ref, "resource");
  auto dot = resource.find('.');
  if (dot == std::string::npos) return config_error("unsupported resourceFieldRef resource " + resource);
  std::string kind = resource.substr(0, dot), name = resource.substr(dot + 1);
  const Json* q = find_path(container, "resources." + kind + "." + name);
  if (!q) return std::string("0");
  auto value = api::Quantity::from_json(*q);
  if (!value.ok()) return config_error(value.error().message);
  int64_t divisor = 1;
  if (ref.contains("divisor")) {
    auto d = api::Quantity::from_json(ref["divisor"]);
    if (d.ok() && !d->is_zero()) {
      if (name == "cpu") {
        int64_t milli = d->milli_value();
        return std::to_string((value->milli_value() + milli - 1) / milli);
      }
      divisor = d->value();
    }
  }
  if (name == "cpu") return std::to_string((value->milli_value() + 999) / 1000);  // rounded up to whole cores
  return std::to_string((value->value() + divisor - 1) / divisor);
}

}  // namespace

Result<EnvList> resolve_env(const Json& pod, const Json& container, const EnvContext& context) {
  std::string ns = get_string(pod["metadata"], "namespace");
  EnvList env;
  auto set = [&](const std::string& name, std::string value) {
    for (auto& kv : env)
      if (kv.first == name) {
        kv.second = std::move(value);
        return;
      }
    env.emplace_back(name, std::move(value));
  };

  if (container.contains("envFrom") && container["envFrom"].is_array())
    for (const auto& from : container["envFrom"]) {
      std::string prefix = get_string(from, "prefix");
      for (const auto& [key, source] : {std::pair{"configMapRef", kConfigMap}, std::pair{"secretRef", kSecret}}) {
        if (!from.contains(key)) continue;
        const Json& ref = from[key];
        SKIFF_ASSIGN_OR_RETURN(auto data, fetch(context, source, ns, get_string(ref, "name"), is_true(ref, "optional")));
        if (data)
          for (const auto& [k, v] : *data) set(prefix + k, v);
      }
    }

  if (container.contains("env") && container["env"].is_array())
    for (const auto& var : container["env"]) {
      std::string name = get_string(var, "name");
      if (var.contains("valueFrom") && var["valueFrom"].is_object()) {
        const Json& from = var["valueFrom"];
        if (from.contains("fieldRef")) {
          SKIFF_ASSIGN_OR_RETURN(std::string v, field_value(pod, get_string(from["fieldRef"], "fieldPath"), context));
          set(name, v);
        } else if (from.contains("resourceFieldRef")) {
          SKIFF_ASSIGN_OR_RETURN(std::string v, resource_value(container, from["resourceFieldRef"]));
          set(name, v);
        } else {
          for (const auto& [key, source] :
               {std::pair{"configMapKeyRef", kConfigMap}, std::pair{"secretKeyRef", kSecret}}) {
            if (!from.contains(key)) continue;
            const Json& ref = from[key];
            std::string object = get_string(ref, "name"), k = get_string(ref, "key");
            bool optional = is_true(ref, "optional");
            SKIFF_ASSIGN_OR_RETURN(auto data, fetch(context, source, ns, object, optional));
            if (!data) continue;
            auto it = data->find(k);
            if (it != data->end()) set(name, it->second);
            else if (!optional)
              return config_error("couldn't find key " + k + " in " + source.kind + " " + ns + "/" + object);
          }
        }
      } else {
        set(name, expand_vars(get_string(var, "value"), env));
      }
    }
  return env;
}

}  // namespace skiff::agent::cri

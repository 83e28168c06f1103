#include "agent/cri/container_env.h"

#include "agent/cri/downward_api.h"
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

Result<std::string> field_value(const Json& pod, const std::string& path, const EnvContext& context) {
  if (auto metadata = metadata_field_value(pod, path)) return *metadata;
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
  return config_error("unsupported fieldRef fieldPath " + path);
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
          SKIFF_ASSIGN_OR_RETURN(std::string v,
                                 resource_field_value(pod, &container, from["resourceFieldRef"], context.node));
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

#include "client/kubeconfig.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/encoding.h"
#include "util/json.h"
#include "util/yaml.h"

namespace skiff::client {
namespace {

Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::bad_request("kubeconfig: cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const Json* named_entry(const Json& config, const char* list, const std::string& name, const char* field) {
  auto it = config.find(list);
  if (it == config.end() || !it->is_array()) return nullptr;
  for (const auto& entry : *it)
    if (entry.is_object() && entry.value("name", "") == name) {
      auto inner = entry.find(field);
      return inner != entry.end() && inner->is_object() ? &*inner : nullptr;
    }
  return nullptr;
}

// "<key>-data" (base64) or "<key>" (a file path).
Result<std::string> inline_or_file(const Json& section, const std::string& key, const std::string& base_dir) {
  std::string data = section.value(key + "-data", "");
  if (!data.empty()) {
    auto decoded = base64_decode(data);
    if (!decoded) return Error::bad_request("kubeconfig: " + key + "-data is not valid base64");
    return *decoded;
  }
  std::string path = section.value(key, "");
  if (path.empty()) return std::string();
  if (std::filesystem::path(path).is_relative() && !base_dir.empty()) path = base_dir + "/" + path;
  return read_whole_file(path);
}

}  // namespace

Result<KubeConfig> parse_kubeconfig(std::string_view text, const std::string& base_dir, const std::string& context) {
  SKIFF_ASSIGN_OR_RETURN(Json config, parse_yaml(text));
  if (!config.is_object()) return Error::bad_request("kubeconfig: not a mapping");
  std::string name = context.empty() ? config.value("current-context", "") : context;
  if (name.empty()) return Error::bad_request("kubeconfig: no current-context and no context given");
  const Json* ctx = named_entry(config, "contexts", name, "context");
  if (!ctx) return Error::bad_request("kubeconfig: context \"" + name + "\" not found");
  const Json* cluster = named_entry(config, "clusters", ctx->value("cluster", ""), "cluster");
  if (!cluster) return Error::bad_request("kubeconfig: cluster \"" + ctx->value("cluster", "") + "\" not found");
  static const Json kNoUser = Json::object();
  const Json* user = named_entry(config, "users", ctx->value("user", ""), "user");
  if (!user) user = &kNoUser;

  KubeConfig out;
  out.server = cluster->value("server", "");
  if (out.server.empty()) return Error::bad_request("kubeconfig: cluster \"" + ctx->value("cluster", "") + "\" has no server");
  out.tls_server_name = cluster->value("tls-server-name", "");
  out.insecure_skip_tls_verify = cluster->value("insecure-skip-tls-verify", false);
  SKIFF_ASSIGN_OR_RETURN(out.ca_pem, inline_or_file(*cluster, "certificate-authority", base_dir));
  SKIFF_ASSIGN_OR_RETURN(out.client_certificate_pem, inline_or_file(*user, "client-certificate", base_dir));
  SKIFF_ASSIGN_OR_RETURN(out.client_key_pem, inline_or_file(*user, "client-key", base_dir));
  out.token = user->value("token", "");
  if (out.token.empty() && !user->value("tokenFile", "").empty()) {
    std::string path = user->value("tokenFile", "");
    if (std::filesystem::path(path).is_relative() && !base_dir.empty()) path = base_dir + "/" + path;
    SKIFF_ASSIGN_OR_RETURN(out.token, read_whole_file(path));
    while (!out.token.empty() && (out.token.back() == '\n' || out.token.back() == '\r')) out.token.pop_back();
  }
  if (out.client_certificate_pem.empty() != out.client_key_pem.empty())
    return Error::bad_request("kubeconfig: user \"" + ctx->value("user", "") +
                              "\" needs both a client certificate and a client key");
  return out;
}

Result<KubeConfig> load_kubeconfig(const std::string& path, const std::string& context) {
  SKIFF_ASSIGN_OR_RETURN(std::string text, read_whole_file(path));
  std::string dir = std::filesystem::path(path).parent_path().string();
  return parse_kubeconfig(text, dir, context);
}

}  // namespace skiff::client

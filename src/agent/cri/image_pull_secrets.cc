#include "agent/cri/image_pull_secrets.h"

#include <fnmatch.h>

#include <algorithm>

#include "util/encoding.h"

namespace skiff::agent::cri {
namespace {

constexpr const char* kDockerHub = "docker.io";
constexpr const char* kDockerHubKey = "index.docker.io";

// A registry location without scheme: "host[:port]" and a path that is empty or starts with '/'.
struct Location {
  std::string host;
  std::string path;
};

bool is_registry_host(const std::string& component) {
  return component.find_first_of(".:") != std::string::npos || component == "localhost";
}

// Where an image reference pulls from, as Docker names it ("busybox" is docker.io/library/busybox).
Location image_location(std::string image) {
  image = image.substr(0, image.find('@'));
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) image.resize(colon);
  auto first = image.find('/');
  if (first != std::string::npos && is_registry_host(image.substr(0, first)))
    return {image.substr(0, first), image.substr(first)};
  std::string path = first == std::string::npos ? "/library/" + image : "/" + image;
  return {kDockerHub, path};
}

// A docker config key: "https://index.docker.io/v1/", "registry.example.com:5000/team", "*.example.com".
Location key_location(std::string key) {
  for (const char* scheme : {"https://", "http://"})
    if (key.rfind(scheme, 0) == 0) key = key.substr(std::string(scheme).size());
  auto slash = key.find('/');
  Location location{key.substr(0, slash), slash == std::string::npos ? "" : key.substr(slash)};
  // Docker treats /v1/ and /v2/ as the host itself.
  if (location.path.rfind("/v1/", 0) == 0 || location.path.rfind("/v2/", 0) == 0)
    location.path = location.path.substr(3);
  if (location.path == "/") location.path.clear();
  return location;
}

std::pair<std::string, std::string> host_and_port(const std::string& host) {
  auto colon = host.rfind(':');
  if (colon == std::string::npos) return {host, ""};
  return {host.substr(0, colon), host.substr(colon + 1)};
}

std::vector<std::string> labels_of(const std::string& host) {
  std::vector<std::string> labels;
  size_t start = 0;
  for (size_t dot; (dot = host.find('.', start)) != std::string::npos; start = dot + 1)
    labels.push_back(host.substr(start, dot - start));
  labels.push_back(host.substr(start));
  return labels;
}

bool matches(const Location& key, const Location& image) {
  auto [key_host, key_port] = host_and_port(key.host);
  auto [image_host, image_port] = host_and_port(image.host);
  if (key_port != image_port) return false;
  std::vector<std::string> patterns = labels_of(key_host), labels = labels_of(image_host);
  if (patterns.size() != labels.size()) return false;
  for (size_t i = 0; i < patterns.size(); ++i)
    if (fnmatch(patterns[i].c_str(), labels[i].c_str(), 0) != 0) return false;
  return image.path.rfind(key.path, 0) == 0;
}

AuthConfig credential_of(const Json& entry) {
  AuthConfig auth;
  auth.username = get_string(entry, "username");
  auth.password = get_string(entry, "password");
  auth.identity_token = get_string(entry, "identitytoken");
  auth.registry_token = get_string(entry, "registrytoken");
  // As the kubelet: "auth" (base64 user:password), when present, is what counts.
  if (auto decoded = base64_decode(get_string(entry, "auth")); decoded && !decoded->empty()) {
    auto colon = decoded->find(':');
    auth.username = decoded->substr(0, colon);
    auth.password = colon == std::string::npos ? "" : decoded->substr(colon + 1);
  }
  return auth;
}

// The registry entries a Secret holds, by key; empty for other Secret types or unreadable data.
Json docker_config_entries(const Json& secret) {
  std::string type = get_string(secret, "type");
  const char* field = type == "kubernetes.io/dockerconfigjson" ? ".dockerconfigjson"
                      : type == "kubernetes.io/dockercfg"      ? ".dockercfg"
                                                               : nullptr;
  const Json* data = field ? find_path(secret, "data") : nullptr;
  if (!data || !data->is_object() || !data->contains(field) || !(*data)[field].is_string()) return Json::object();
  auto decoded = base64_decode((*data)[field].get<std::string>());
  if (!decoded) return Json::object();
  auto config = parse_json(*decoded);
  if (!config.ok() || !config->is_object()) return Json::object();
  Json entries = field == std::string(".dockerconfigjson") ? config->value("auths", Json::object()) : *config;
  return entries.is_object() ? entries : Json::object();
}

// One Secret's credentials for the image, the most specific key first.
std::vector<AuthConfig> secret_credentials(const Json& secret, const Location& image) {
  Json entries = docker_config_entries(secret);
  std::vector<std::pair<std::string, AuthConfig>> matched;  // normalized key -> credential
  std::vector<AuthConfig> docker_hub;
  for (const auto& [key, entry] : entries.items()) {
    if (!entry.is_object()) continue;
    Location location = key_location(key);
    if (matches(location, image)) matched.emplace_back(location.host + location.path, credential_of(entry));
    else if (location.host == kDockerHubKey && location.path.empty()) docker_hub.push_back(credential_of(entry));
  }
  std::stable_sort(matched.begin(), matched.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<AuthConfig> out;
  for (auto& [key, auth] : matched) out.push_back(std::move(auth));
  if (out.empty() && image.host == kDockerHub) return docker_hub;
  return out;
}

}  // namespace

std::vector<AuthConfig> registry_credentials(const std::string& image, const std::vector<Json>& secrets) {
  Location location = image_location(image);
  std::vector<AuthConfig> out;
  for (const auto& secret : secrets)
    for (auto& auth : secret_credentials(secret, location)) out.push_back(std::move(auth));
  return out;
}

}  // namespace skiff::agent::cri

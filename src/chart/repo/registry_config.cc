#include "chart/repo/registry_config.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "chart/repo/helm_paths.h"
#include "util/encoding.h"
#include "util/json.h"

namespace skiff::chart::repo {

namespace fs = std::filesystem;

namespace {

Json load_config() {
  std::ifstream in(registry_config_path(), std::ios::binary);
  if (!in) return Json::object();
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_json(ss.str());
  return parsed.ok() && parsed->is_object() ? *parsed : Json::object();
}

// encoding/json.MarshalIndent(config, "", "\t"), as the docker credential store writes it.
Status save_config(const Json& config) {
  std::string path = registry_config_path();
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << config.dump(1, '\t');
  out.close();
  if (!out) return Error::internal("write " + path + " failed");
  ::chmod(path.c_str(), 0600);
  return ok_status();
}

}  // namespace

OciCredentials stored_credentials(const std::string& host) {
  Json config = load_config();
  if (!config.contains("auths") || !config["auths"].is_object() || !config["auths"].contains(host)) return {};
  const Json& entry = config["auths"][host];
  auto decoded = base64_decode(entry.is_object() ? entry.value("auth", "") : "");
  if (!decoded) return {};
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return {};
  return {decoded->substr(0, colon), decoded->substr(colon + 1)};
}

Status store_credentials(const std::string& host, const OciCredentials& credentials) {
  Json config = load_config();
  if (!config.contains("auths") || !config["auths"].is_object()) config["auths"] = Json::object();
  config["auths"][host] = {{"auth", base64_encode(credentials.username + ":" + credentials.password)}};
  return save_config(config);
}

Status remove_credentials(const std::string& host) {
  Json config = load_config();
  if (!config.contains("auths") || !config["auths"].is_object()) config["auths"] = Json::object();
  config["auths"].erase(host);
  return save_config(config);
}

}  // namespace skiff::chart::repo

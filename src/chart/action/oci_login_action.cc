// `helm registry login|logout` for registries spoken to over plain HTTP with Basic auth.
#include "chart/action/repo_commands.h"
#include "chart/repo/http_get.h"
#include "chart/repo/registry_config.h"

namespace skiff::chart {

Result<std::string> registry_login(const std::string& host, const std::string& username, const std::string& password) {
  if (username.empty()) return Error::invalid("username is required (--username)");
  std::string url = "http://" + host + "/v2/";
  repo::HttpRequest req;
  req.url = url;
  req.username = username;
  req.password = password;
  SKIFF_ASSIGN_OR_RETURN(repo::HttpResponse resp, repo::http_send(req));
  if (resp.status != 200) {
    std::string why = resp.status == 401 ? "unauthorized: authentication required" : resp.status_text;
    return Error::unauthorized("authenticating to \"" + host + "\": GET \"" + url + "\": response status code " +
                               std::to_string(resp.status) + ": " + why);
  }
  SKIFF_TRY(repo::store_credentials(host, {username, password}));
  return std::string("Login Succeeded\n");
}

Result<std::string> registry_logout(const std::string& host) {
  SKIFF_TRY(repo::remove_credentials(host));
  return "Removing login credentials for " + host + "\n";
}

}  // namespace skiff::chart

#include "chart/repo/oci_registry.h"

#include "chart/repo/http_get.h"
#include "chart/repo/index.h"
#include "util/json.h"
#include "util/strings.h"

namespace skiff::chart::repo {

namespace {

// The registry's own words for a failed request ({"errors":[{"message":...}]}).
Error registry_error(const std::string& what, const HttpResponse& resp) {
  std::string detail = resp.status_text;
  auto body = parse_json(resp.body);
  if (body.ok() && body->is_object() && body->contains("errors") && (*body)["errors"].is_array() &&
      !(*body)["errors"].empty()) {
    detail = (*body)["errors"][0].value("message", detail);
  }
  std::string message = what + ": response status code " + std::to_string(resp.status) + ": " + detail;
  if (resp.status == 404) return Error::not_found(message);
  if (resp.status == 401 || resp.status == 403) return Error::unauthorized(message);
  return Error::service_unavailable(message);
}

}  // namespace

std::string OciReference::str() const { return host + "/" + repository + (tag.empty() ? "" : ":" + tag); }

bool is_oci_reference(const std::string& ref) { return ref.rfind("oci://", 0) == 0; }

Result<OciReference> parse_oci_reference(const std::string& ref) {
  if (!is_oci_reference(ref)) return Error::invalid("invalid OCI reference \"" + ref + "\": missing oci:// prefix");
  std::string rest = ref.substr(6);
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) {
    return Error::invalid("invalid reference: missing repository in \"" + ref + "\"");
  }
  OciReference out;
  out.host = rest.substr(0, slash);
  out.repository = rest.substr(slash + 1);
  while (!out.repository.empty() && out.repository.back() == '/') out.repository.pop_back();
  // A tag follows the last ':' after the last '/'.
  auto colon = out.repository.rfind(':');
  if (colon != std::string::npos && out.repository.find('/', colon) == std::string::npos) {
    out.tag = out.repository.substr(colon + 1);
    out.repository = out.repository.substr(0, colon);
  }
  return out;
}

std::string oci_digest(const std::string& bytes) { return "sha256:" + sha256_file_hex(bytes); }

OciRegistry::OciRegistry(std::string host, OciCredentials credentials)
    : host_(std::move(host)), credentials_(std::move(credentials)) {}

std::string OciRegistry::url(const std::string& path) const { return "http://" + host_ + path; }

Result<std::vector<std::string>> OciRegistry::tags(const std::string& repository) const {
  HttpRequest req{"GET", url("/v2/" + repository + "/tags/list"), {}, "", credentials_.username, credentials_.password};
  SKIFF_ASSIGN_OR_RETURN(HttpResponse resp, http_send(req));
  if (resp.status != 200) return registry_error(host_ + "/" + repository, resp);
  SKIFF_ASSIGN_OR_RETURN(Json body, parse_json(resp.body));
  std::vector<std::string> out;
  if (body.contains("tags") && body["tags"].is_array()) {
    for (const auto& t : body["tags"]) out.push_back(t.get<std::string>());
  }
  return out;
}

Result<std::pair<std::string, std::string>> OciRegistry::manifest(const std::string& repository,
                                                                  const std::string& tag) const {
  HttpRequest req{"GET",
                  url("/v2/" + repository + "/manifests/" + tag),
                  {{"Accept", kOciManifestMediaType}},
                  "",
                  credentials_.username,
                  credentials_.password};
  SKIFF_ASSIGN_OR_RETURN(HttpResponse resp, http_send(req));
  if (resp.status != 200) return registry_error(host_ + "/" + repository + ":" + tag, resp);
  return std::make_pair(resp.body, oci_digest(resp.body));
}

Result<std::string> OciRegistry::blob(const std::string& repository, const std::string& digest) const {
  HttpRequest req{"GET", url("/v2/" + repository + "/blobs/" + digest), {}, "", credentials_.username,
                  credentials_.password};
  SKIFF_ASSIGN_OR_RETURN(HttpResponse resp, http_send(req));
  // Registries backed by object stores redirect blob reads.
  for (int hops = 0; hops < 3 && (resp.status == 307 || resp.status == 302 || resp.status == 301); ++hops) {
    req.url = url_resolve(req.url, resp.header("location"));
    SKIFF_ASSIGN_OR_RETURN(resp, http_send(req));
  }
  if (resp.status != 200) return registry_error(host_ + "/" + repository + "@" + digest, resp);
  if (oci_digest(resp.body) != digest) {
    return Error::invalid(host_ + "/" + repository + "@" + digest + ": content digest mismatch");
  }
  return std::move(resp.body);
}

Status OciRegistry::push_blob(const std::string& repository, const std::string& digest,
                              const std::string& bytes) const {
  std::string what = host_ + "/" + repository + "@" + digest;
  HttpRequest head{"HEAD", url("/v2/" + repository + "/blobs/" + digest), {}, "", credentials_.username,
                   credentials_.password};
  SKIFF_ASSIGN_OR_RETURN(HttpResponse exists, http_send(head));
  if (exists.status == 200) return ok_status();
  HttpRequest start{"POST", url("/v2/" + repository + "/blobs/uploads/"), {}, "", credentials_.username,
                    credentials_.password};
  SKIFF_ASSIGN_OR_RETURN(HttpResponse started, http_send(start));
  if (started.status != 202) return registry_error(what, started);
  std::string location = url_resolve(start.url, started.header("location"));
  location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + url_encode(digest);
  HttpRequest put{"PUT", location, {{"Content-Type", "application/octet-stream"}}, bytes, credentials_.username,
                  credentials_.password};
  SKIFF_ASSIGN_OR_RETURN(HttpResponse done, http_send(put));
  if (done.status != 201) return registry_error(what, done);
  return ok_status();
}

Status OciRegistry::push_manifest(const std::string& repository, const std::string& tag,
                                  const std::string& manifest) const {
  HttpRequest put{"PUT",
                  url("/v2/" + repository + "/manifests/" + tag),
                  {{"Content-Type", kOciManifestMediaType}},
                  manifest,
                  credentials_.username,
                  credentials_.password};
  SKIFF_ASSIGN_OR_RETURN(HttpResponse resp, http_send(put));
  if (resp.status != 201) return registry_error(host_ + "/" + repository + ":" + tag, resp);
  return ok_status();
}

}  // namespace skiff::chart::repo

// Charts in OCI registries as helm stores them (pkg/registry/client.go): a manifest with one
// config blob (the Chart.yaml metadata as JSON) and one layer (the chart archive).
#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>

#include "chart/action/repo_fetch.h"
#include "chart/chart/chartfile.h"
#include "chart/chart/loader.h"
#include "chart/funcs/semver.h"
#include "chart/repo/oci_registry.h"
#include "chart/repo/registry_config.h"
#include "util/json.h"

namespace skiff::chart {

namespace {

// OCI tags cannot hold '+', so helm writes semver build metadata with '_'.
std::string tag_to_version(std::string tag) {
  std::replace(tag.begin(), tag.end(), '_', '+');
  return tag;
}
std::string version_to_tag(std::string version) {
  std::replace(version.begin(), version.end(), '+', '_');
  return version;
}

// helm's GetTagMatchingVersionOrConstraint over the tags, highest version first.
Result<std::string> pick_tag(std::vector<std::string> tags, const std::string& version) {
  std::vector<std::pair<funcs::SemVersion, std::string>> versions;
  for (const auto& t : tags) {
    auto v = funcs::parse_semver(tag_to_version(t));
    if (v.ok()) versions.emplace_back(*v, t);
  }
  std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) { return a.first.compare(b.first) > 0; });
  if (!version.empty()) {
    for (const auto& [v, t] : versions) {
      if (tag_to_version(t) == version) return t;
    }
  }
  auto constraint = funcs::SemConstraints::parse(version.empty() ? "*" : version);
  if (!constraint.ok()) return constraint.error();
  for (const auto& [v, t] : versions) {
    if (constraint->check(v)) return t;
  }
  return Error::not_found("could not locate a version matching provided version string " + version);
}

std::string descriptor(const char* media_type, const std::string& digest, size_t size) {
  return std::string("{\"mediaType\":\"") + media_type + "\",\"digest\":\"" + digest +
         "\",\"size\":" + std::to_string(size) + "}";
}

// encoding/json of chart.Metadata: the struct's field order, empty fields omitted.
std::string config_json(const Metadata& md) {
  static const char* const kOrder[] = {"name",      "home",         "sources",    "version",     "description",
                                       "keywords",  "maintainers",  "icon",       "apiVersion",  "condition",
                                       "tags",      "appVersion",   "deprecated", "annotations", "kubeVersion",
                                       "dependencies", "type"};
  Json fields = metadata_to_json(md);
  std::string out = "{";
  for (const char* key : kOrder) {
    if (!fields.contains(key)) continue;
    if (out.size() > 1) out += ",";
    out += dump_json(Json(key)) + ":" + dump_json(fields[key]);
  }
  return out + "}";
}

// Explicit --username/--password, else what `registry login` stored for the host.
repo::OciCredentials credentials_for(const std::string& host, const std::string& username,
                                     const std::string& password) {
  if (!username.empty()) return {username, password};
  return repo::stored_credentials(host);
}

std::string utc_now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

namespace detail {

Result<FetchedChart> fetch_oci_chart(const std::string& ref, const ChartSource& source) {
  SKIFF_ASSIGN_OR_RETURN(repo::OciReference r, repo::parse_oci_reference(ref));
  repo::OciRegistry registry(r.host, credentials_for(r.host, source.username, source.password));
  if (!r.tag.empty() && !source.version.empty() && tag_to_version(r.tag) != source.version) {
    return Error::invalid("chart reference and version mismatch: " + source.version + " is not " + r.tag);
  }
  if (r.tag.empty()) {
    SKIFF_ASSIGN_OR_RETURN(std::vector<std::string> tags, registry.tags(r.repository));
    SKIFF_ASSIGN_OR_RETURN(r.tag, pick_tag(tags, source.version));
  }
  SKIFF_ASSIGN_OR_RETURN(auto manifest, registry.manifest(r.repository, r.tag));
  SKIFF_ASSIGN_OR_RETURN(Json doc, parse_json(manifest.first));
  std::string layer_digest;
  if (doc.contains("layers") && doc["layers"].is_array()) {
    for (const auto& l : doc["layers"]) {
      if (l.value("mediaType", "") == repo::kHelmChartLayerMediaType) layer_digest = l.value("digest", "");
    }
  }
  if (layer_digest.empty()) {
    return Error::invalid("manifest of " + r.str() + " does not contain a layer with mediatype " +
                          repo::kHelmChartLayerMediaType);
  }
  FetchedChart out;
  SKIFF_ASSIGN_OR_RETURN(out.bytes, registry.blob(r.repository, layer_digest));
  std::string chart = r.repository.substr(r.repository.rfind('/') + 1);
  out.file_name = chart + "-" + tag_to_version(r.tag) + ".tgz";
  out.printed = "Pulled: " + r.str() + "\nDigest: " + manifest.second + "\n";
  return out;
}

}  // namespace detail

Result<std::string> push_chart(const PushOptions& opts) {
  std::ifstream in(opts.archive, std::ios::binary);
  if (!in) return Error::not_found("stat " + opts.archive + ": no such file or directory");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string archive = ss.str();
  SKIFF_ASSIGN_OR_RETURN(auto chart, load_chart_archive(archive));
  SKIFF_ASSIGN_OR_RETURN(repo::OciReference remote, repo::parse_oci_reference(opts.remote));
  if (!remote.tag.empty()) return Error::invalid("the remote \"" + opts.remote + "\" must not contain a tag");
  const Metadata& md = chart->metadata;
  repo::OciReference target{remote.host, remote.repository + "/" + md.name, version_to_tag(md.version)};
  repo::OciRegistry registry(remote.host, credentials_for(remote.host, opts.username, opts.password));

  std::string config = config_json(md);
  std::string config_digest = repo::oci_digest(config);
  std::string layer_digest = repo::oci_digest(archive);
  SKIFF_TRY(registry.push_blob(target.repository, layer_digest, archive));
  SKIFF_TRY(registry.push_blob(target.repository, config_digest, config));

  Json annotations = {{"org.opencontainers.image.created", utc_now_rfc3339()},
                      {"org.opencontainers.image.title", md.name},
                      {"org.opencontainers.image.version", md.version}};
  if (!md.description.empty()) annotations["org.opencontainers.image.description"] = md.description;
  if (!md.home.empty()) annotations["org.opencontainers.image.url"] = md.home;
  if (!md.sources.empty()) annotations["org.opencontainers.image.source"] = md.sources.front();
  std::string manifest = "{\"schemaVersion\":2,\"config\":" +
                         descriptor(repo::kHelmConfigMediaType, config_digest, config.size()) + ",\"layers\":[" +
                         descriptor(repo::kHelmChartLayerMediaType, layer_digest, archive.size()) +
                         "],\"annotations\":" + dump_json(annotations) + "}";
  SKIFF_TRY(registry.push_manifest(target.repository, target.tag, manifest));
  return "Pushed: " + target.str() + "\nDigest: " + repo::oci_digest(manifest) + "\n";
}

}  // namespace skiff::chart

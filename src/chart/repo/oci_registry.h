// An OCI distribution (registry v2 API) client for helm charts over plain HTTP: the tags of a
// repository, manifests and blobs, and pushing them (what helm does with --plain-http).
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace skiff::chart::repo {

inline constexpr char kOciManifestMediaType[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kHelmConfigMediaType[] = "application/vnd.cncf.helm.config.v1+json";
inline constexpr char kHelmChartLayerMediaType[] = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

// oci://HOST[:PORT]/REPOSITORY[:TAG]
struct OciReference {
  std::string host;        // "127.0.0.1:5000"
  std::string repository;  // "charts/mychart"
  std::string tag;         // may be empty

  std::string str() const;  // HOST/REPOSITORY[:TAG], as helm prints it
};

Result<OciReference> parse_oci_reference(const std::string& ref);
bool is_oci_reference(const std::string& ref);

struct OciCredentials {
  std::string username, password;
};

class OciRegistry {
 public:
  OciRegistry(std::string host, OciCredentials credentials);

  // The tags, as the registry lists them.
  Result<std::vector<std::string>> tags(const std::string& repository) const;
  // The manifest's bytes and its digest.
  Result<std::pair<std::string, std::string>> manifest(const std::string& repository, const std::string& tag) const;
  // The blob's bytes, checked against the digest.
  Result<std::string> blob(const std::string& repository, const std::string& digest) const;

  // A monolithic upload unless the registry already has the blob.
  Status push_blob(const std::string& repository, const std::string& digest, const std::string& bytes) const;
  Status push_manifest(const std::string& repository, const std::string& tag, const std::string& manifest) const;

 private:
  std::string url(const std::string& path) const;

  std::string host_;
  OciCredentials credentials_;
};

// "sha256:<hex>"
std::string oci_digest(const std::string& bytes);

}  // namespace skiff::chart::repo

// Registry credentials as helm keeps them after `helm registry login`: a docker config.json
// ({"auths": {"HOST": {"auth": base64("user:password")}}}) at registry_config_path().
#pragma once

#include <string>

#include "chart/repo/oci_registry.h"
#include "util/result.h"

namespace skiff::chart::repo {

// Empty credentials when the host has none (or the file does not exist).
OciCredentials stored_credentials(const std::string& host);

Status store_credentials(const std::string& host, const OciCredentials& credentials);
Status remove_credentials(const std::string& host);

}  // namespace skiff::chart::repo

// kubeconfig files (as kubectl reads them): the server and credentials of one context.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace skiff::client {

struct KubeConfig {
  std::string server;               // "https://127.0.0.1:6443" (an optional path prefix is kept)
  std::string tls_server_name;      // overrides the host name the server certificate is checked against
  std::string ca_pem;               // empty: the system's trust store
  bool insecure_skip_tls_verify = false;
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::string token;                // bearer token (token or tokenFile)
};

// The named context, or current-context when context is empty. Relative file paths in the
// config resolve against base_dir (the file's directory).
Result<KubeConfig> parse_kubeconfig(std::string_view text, const std::string& base_dir = "",
                                    const std::string& context = "");
Result<KubeConfig> load_kubeconfig(const std::string& path, const std::string& context = "");

}  // namespace skiff::client

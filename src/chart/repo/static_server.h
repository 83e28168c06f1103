// `skiff chart serve`: a chart repository over plain HTTP from a directory of archives, like
// helm 2's `helm serve`. index.yaml is served from the directory, or generated from its
// archives on each request when the directory has none.
#pragma once

#include <functional>
#include <string>

#include "util/result.h"

namespace skiff::chart::repo {

struct ServeOptions {
  std::string dir;
  std::string address = "127.0.0.1:8879";  // port 0 picks a free port
};

// Binds, calls on_listening with the bound "HOST:PORT", then serves until the process ends.
Status serve_directory(const ServeOptions& opts, const std::function<void(const std::string&)>& on_listening);

}  // namespace skiff::chart::repo

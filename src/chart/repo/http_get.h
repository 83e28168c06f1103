// A minimal HTTP/1.1 GET for chart repositories (http:// only; TLS is not built in).
#pragma once

#include <string>

#include "util/result.h"

namespace skiff::chart::repo {

// The body of a 200 response; other statuses are errors naming the URL and status line.
Result<std::string> http_get(const std::string& url);

// urlutil.URLJoin: the base URL with `path` joined onto its path.
std::string url_join(const std::string& base, const std::string& path);

}  // namespace skiff::chart::repo

#include "apiserver/http.h"

#include "util/strings.h"

namespace skiff::apiserver {

const std::string* HttpRequest::query_param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return &v;
  return nullptr;
}

std::string HttpRequest::query_or(std::string_view name, std::string_view fallback) const {
  const std::string* v = query_param(name);
  return v ? *v : std::string(fallback);
}

const std::string& HttpRequest::header(std::string_view lower_name) const {
  static const std::string kEmpty;
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? kEmpty : it->second;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> out;
  if (raw.empty()) return out;
  for (const auto& part : split(raw, '&')) {
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string::npos) {
      out.emplace_back(url_decode(part, true), "");
    } else {
      out.emplace_back(url_decode(part.substr(0, eq), true), url_decode(part.substr(eq + 1), true));
    }
  }
  return out;
}

}  // namespace skiff::apiserver

// Group/version/kind and group/version/resource identities.
#pragma once

#include <string>
#include <string_view>

namespace skiff::api {

struct GroupVersion {
  std::string group;    // "" for the core group
  std::string version;
  // "v1" or "apps/v1"
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  static GroupVersion parse(std::string_view api_version);
  bool operator==(const GroupVersion&) const = default;
};

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  bool operator==(const GroupVersionKind&) const = default;
};

struct GroupVersionResource {
  std::string group;
  std::string version;
  std::string resource;  // plural, lower case: "deployments"
  bool operator==(const GroupVersionResource&) const = default;
};

inline GroupVersion GroupVersion::parse(std::string_view av) {
  auto slash = av.find('/');
  if (slash == std::string_view::npos) return {"", std::string(av)};
  return {std::string(av.substr(0, slash)), std::string(av.substr(slash + 1))};
}

}  // namespace skiff::api

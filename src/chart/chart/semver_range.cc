#include "chart/chart/semver_range.h"

#include "chart/funcs/semver.h"

namespace skiff::chart {

bool is_valid_semver(const std::string& version) { return funcs::parse_semver(version).ok(); }

bool semver_satisfies(const std::string& constraint, const std::string& version) {
  auto c = funcs::SemConstraints::parse(constraint);
  if (!c.ok()) return false;
  auto v = funcs::parse_semver(version);
  if (!v.ok()) return false;
  return c->check(*v);
}

}  // namespace skiff::chart

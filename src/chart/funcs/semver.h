// Masterminds/semver v3 (as helm 4 uses it): lenient version parsing (NewVersion with
// coercion), precedence, and constraints (^ ~ ranges || , wildcards, prereleases).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

namespace skiff::chart::funcs {

struct SemVersion {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::string pre;
  std::string metadata;
  std::string original;

  std::string str() const;  // "1.2.3-pre+meta"
  int compare(const SemVersion& o) const;
};

// semver.NewVersion; errors carry the library's messages ("invalid semantic version").
Result<SemVersion> parse_semver(const std::string& v);

class SemConstraints {
 public:
  // semver.NewConstraint ("improper constraint: X").
  static Result<SemConstraints> parse(const std::string& c);
  bool check(const SemVersion& v) const;

  struct Constraint {
    SemVersion con;
    std::string orig;
    std::string op;
    bool minor_dirty = false;
    bool patch_dirty = false;
    bool dirty = false;
  };

 private:
  std::vector<std::vector<Constraint>> groups_;
  std::vector<bool> contains_pre_;
};

}  // namespace skiff::chart::funcs

// .helmignore rules (helm's pkg/ignore): gitignore-like patterns over slash paths.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace skiff::chart {

class IgnoreRules {
 public:
  // Parses .helmignore text. Errors: "double-star (**) syntax is not supported",
  // "syntax error in pattern".
  static Result<IgnoreRules> parse(std::string_view text);
  // helm's AddDefaults: templates/.?* (hidden files under templates/).
  void add_defaults();
  bool ignore(std::string_view path, bool is_dir) const;

 private:
  struct Pattern {
    std::string rule;
    bool negate = false;
    bool must_dir = false;
    enum class Mode { kRooted, kPath, kBase } mode = Mode::kBase;
    // Most rules are a plain name or "*" and a plain suffix: those match without a glob.
    enum class Shape { kGlob, kLiteral, kStarSuffix } shape = Shape::kGlob;
    bool matches(std::string_view subject) const;
  };
  Status add_rule(std::string rule);
  std::vector<Pattern> patterns_;
};

}  // namespace skiff::chart

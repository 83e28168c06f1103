#include "chart/chart/helmignore.h"

#include "chart/chart/go_glob.h"
#include "util/strings.h"

namespace skiff::chart {

namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n\v\f");
  return std::string(s.substr(b, e - b + 1));
}

bool has_glob_syntax(std::string_view s) { return s.find_first_of("*?[\\") != std::string_view::npos; }

}  // namespace

bool IgnoreRules::Pattern::matches(std::string_view subject) const {
  switch (shape) {
    case Shape::kLiteral: return subject == rule;
    case Shape::kStarSuffix: {
      // '*' stands for any run of characters other than '/'.
      std::string_view suffix = std::string_view(rule).substr(1);
      return subject.size() >= suffix.size() && subject.substr(subject.size() - suffix.size()) == suffix &&
             subject.substr(0, subject.size() - suffix.size()).find('/') == std::string_view::npos;
    }
    case Shape::kGlob: break;
  }
  return go_path_match(rule, subject);
}

Result<IgnoreRules> IgnoreRules::parse(std::string_view text) {
  IgnoreRules rules;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    SKIFF_TRY(rules.add_rule(std::string(text.substr(pos, eol - pos))));
    pos = eol + 1;
  }
  return rules;
}

void IgnoreRules::add_defaults() { (void)add_rule("templates/.?*"); }

Status IgnoreRules::add_rule(std::string rule) {
  rule = trim(rule);
  if (rule.empty() || rule[0] == '#') return ok_status();
  if (rule.find("**") != std::string::npos) return Error::invalid("double-star (**) syntax is not supported");
  bool bad = false;
  go_path_match(rule, "abc", &bad);
  if (bad) return Error::invalid("syntax error in pattern");
  Pattern p;
  if (rule[0] == '!') {
    p.negate = true;
    rule.erase(0, 1);
  }
  if (!rule.empty() && rule.back() == '/') {
    p.must_dir = true;
    rule.pop_back();
  }
  if (!rule.empty() && rule[0] == '/') {
    p.mode = Pattern::Mode::kRooted;
    rule.erase(0, 1);
  } else if (rule.find('/') != std::string::npos) {
    p.mode = Pattern::Mode::kPath;
  }
  if (!has_glob_syntax(rule)) {
    p.shape = Pattern::Shape::kLiteral;
  } else if (rule[0] == '*' && !has_glob_syntax(std::string_view(rule).substr(1))) {
    p.shape = Pattern::Shape::kStarSuffix;
  }
  p.rule = std::move(rule);
  patterns_.push_back(std::move(p));
  return ok_status();
}

bool IgnoreRules::ignore(std::string_view path, bool is_dir) const {
  if (path.empty() || path == "." || path == "./") return false;
  for (const auto& p : patterns_) {
    std::string_view subject = path;
    if (p.mode == Pattern::Mode::kBase) {
      size_t slash = path.rfind('/');
      if (slash != std::string_view::npos) subject = path.substr(slash + 1);
    }
    bool matched = p.matches(subject);
    if (p.negate) {
      if (p.must_dir && !is_dir) return true;
      if (!matched) return true;
      continue;
    }
    if (p.must_dir && !is_dir) continue;
    if (matched) return true;
  }
  return false;
}

}  // namespace skiff::chart

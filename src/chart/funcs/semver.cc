#include "chart/funcs/semver.h"

#include <re2/re2.h>

#include <cstdlib>
#include <initializer_list>
#include <string_view>

namespace skiff::chart::funcs {

namespace {

const std::string kNum = "0123456789";
const std::string kAllowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

const char kLooseVersion[] =
    R"(v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?)"
    R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
    R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)";

const char kCv[] =
    R"(v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?)"
    R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
    R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)";

const char kOps[] = R"(=||!=|>|<|>=|=>|<=|=<|~|~>|\^)";

RE2::Options quiet() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

std::string join_pattern(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p.data(), p.size());
  return out;
}

const RE2& loose_version_re() {
  static const RE2 re(join_pattern({"^", kLooseVersion, "$"}), quiet());
  return re;
}
const RE2& constraint_re() {
  static const RE2 re(join_pattern({R"(^\s*()", kOps, R"()\s*()", kCv, R"()\s*$)"}), quiet());
  return re;
}
const RE2& range_re() {
  static const RE2 re(join_pattern({R"(\s*()", kCv, R"()\s+-\s+()", kCv, R"()\s*)"}), quiet());
  return re;
}
const RE2& find_constraint_re() {
  static const RE2 re(join_pattern({"(", kOps, R"()\s*()", kCv, ")"}), quiet());
  return re;
}
const RE2& valid_constraint_re() {
  static const RE2 re(join_pattern({R"(^(\s*()", kOps, R"()\s*()", kCv, R"()\s*)((?:\s+|,\s*)()", kOps,
                                    R"()\s*()", kCv, R"()\s*)*$)"}),
                      quiet());
  return re;
}

// Hand-written matchers for the common case, which spare compiling the regexes above
// (a third of a millisecond per process). They accept only texts that the regexes match,
// with the same captures; on anything else the regexes decide.

bool is_re_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }  // RE2's \s

bool is_ident_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// kLooseVersion's [0-9], or kCv's [0-9|x|X|\*] without the '|' (texts with '|' go to RE2).
bool is_number_char(char c, bool wild) {
  return (c >= '0' && c <= '9') || (wild && (c == 'x' || c == 'X' || c == '*'));
}

// The capture groups of kLooseVersion / kCv.
struct VersionMatch {
  std::string major;
  std::string minor;  // ".N" or empty
  std::string patch;  // ".N" or empty
  std::string pre_part;  // "-PRE" or empty
  std::string pre;
  std::string meta;
};

// kLooseVersion (wild = false) or kCv (wild = true) from s[pos]: every part is greedy and
// none can end where another begins, so the one way to match a whole text is this one.
bool match_version(std::string_view s, size_t& pos, bool wild, VersionMatch& m) {
  auto run = [&](auto is_char) {
    size_t start = pos;
    while (pos < s.size() && is_char(s[pos])) ++pos;
    return s.substr(start, pos - start);
  };
  auto number = [&](char c) { return is_number_char(c, wild); };
  if (pos < s.size() && s[pos] == 'v') ++pos;
  m.major = std::string(run(number));
  if (m.major.empty()) return false;
  for (std::string* part : {&m.minor, &m.patch}) {
    if (pos + 1 < s.size() && s[pos] == '.' && number(s[pos + 1])) {
      size_t start = pos++;
      run(number);
      *part = std::string(s.substr(start, pos - start));
    }
  }
  // ([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*) after a '-' or '+'.
  auto identifiers = [&](char lead, std::string& out) {
    if (pos + 1 >= s.size() || s[pos] != lead || !is_ident_char(s[pos + 1])) return;
    size_t start = ++pos;
    run(is_ident_char);
    while (pos + 1 < s.size() && s[pos] == '.' && is_ident_char(s[pos + 1])) {
      ++pos;
      run(is_ident_char);
    }
    out = std::string(s.substr(start, pos - start));
  };
  identifiers('-', m.pre);
  if (!m.pre.empty()) m.pre_part = "-" + m.pre;
  identifiers('+', m.meta);
  return true;
}

// FullMatch of loose_version_re.
bool match_loose_version(std::string_view s, VersionMatch& m) {
  size_t pos = 0;
  return match_version(s, pos, false, m) && pos == s.size();
}

// FullMatch of constraint_re (^\s*(ops)\s*(cv)\s*$), trying the operators in kOps' order.
bool match_constraint(std::string_view s, std::string& op, std::string& cv, VersionMatch& m) {
  if (s.find('|') != std::string_view::npos) return false;
  static constexpr std::string_view kOpsInOrder[] = {"=", "", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"};
  size_t start = 0;
  while (start < s.size() && is_re_space(s[start])) ++start;
  for (std::string_view candidate : kOpsInOrder) {
    if (s.substr(start, candidate.size()) != candidate) continue;
    size_t pos = start + candidate.size();
    while (pos < s.size() && is_re_space(s[pos])) ++pos;
    size_t version_start = pos;
    VersionMatch vm;
    if (!match_version(s, pos, true, vm)) continue;
    size_t version_end = pos;
    while (pos < s.size() && is_re_space(s[pos])) ++pos;
    if (pos != s.size()) continue;
    op = std::string(candidate);
    cv = std::string(s.substr(version_start, version_end - version_start));
    m = std::move(vm);
    return true;
  }
  return false;
}

// A text that is one constraint and nothing else: no "||" alternatives, no ", " or space
// separated list, no "A - B" range. The regexes then find exactly that constraint.
bool is_single_constraint(std::string_view s) {
  if (s.find_first_of("|,") != std::string_view::npos) return false;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (is_re_space(s[i]) && s[i + 1] == '-') return false;
  }
  std::string op, cv;
  VersionMatch m;
  return match_constraint(s, op, cv, m);
}

bool contains_only(const std::string& s, const std::string& set) {
  return s.find_first_not_of(set) == std::string::npos;
}

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

Status validate_prerelease(const std::string& p) {
  for (const auto& part : split_dots(p)) {
    if (part.empty()) return Error::invalid("invalid prerelease string");
    if (contains_only(part, kNum)) {
      if (part.size() > 1 && part[0] == '0') return Error::invalid("version segment starts with 0");
    } else if (!contains_only(part, kAllowed)) {
      return Error::invalid("invalid prerelease string");
    }
  }
  return ok_status();
}

Status validate_metadata(const std::string& m) {
  for (const auto& part : split_dots(m)) {
    if (part.empty() || !contains_only(part, kAllowed)) return Error::invalid("invalid metadata string");
  }
  return ok_status();
}

Result<uint64_t> parse_segment(const std::string& digits) {
  uint64_t v = 0;
  for (char c : digits) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return Error::invalid("error parsing version segment: strconv.ParseUint: parsing \"" + digits +
                            "\": value out of range");
    }
    v = v * 10 + d;
  }
  return v;
}

int compare_pre_part(const std::string& s, const std::string& o) {
  if (s == o) return 0;
  if (s.empty()) return o.empty() ? 1 : -1;
  if (o.empty()) return 1;
  // strconv.ParseUint succeeds: digits only, within uint64.
  auto is_uint = [](const std::string& x) {
    if (x.empty() || !contains_only(x, kNum)) return false;
    return x.size() < 20 || (x.size() == 20 && x <= "18446744073709551615");
  };
  bool s_num = is_uint(s);
  bool o_num = is_uint(o);
  if (!s_num && !o_num) return s > o ? 1 : -1;
  if (!o_num) return -1;
  if (!s_num) return 1;
  uint64_t si = std::strtoull(s.c_str(), nullptr, 10);
  uint64_t oi = std::strtoull(o.c_str(), nullptr, 10);
  return si > oi ? 1 : -1;
}

int compare_prerelease(const std::string& v, const std::string& o) {
  auto sp = split_dots(v);
  auto op = split_dots(o);
  size_t l = std::max(sp.size(), op.size());
  for (size_t i = 0; i < l; ++i) {
    int d = compare_pre_part(i < sp.size() ? sp[i] : "", i < op.size() ? op[i] : "");
    if (d != 0) return d;
  }
  return 0;
}

int cmp(uint64_t a, uint64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

bool is_x(const std::string& x) { return x == "x" || x == "*" || x == "X"; }

std::string trim_dot(const std::string& s) { return !s.empty() && s[0] == '.' ? s.substr(1) : s; }

using C = SemConstraints::Constraint;

bool check_one(const SemVersion& v, const C& c, bool include_pre);

bool tilde(const SemVersion& v, const C& c, bool include_pre) {
  if (!v.pre.empty() && !include_pre) return false;
  if (v.compare(c.con) < 0) return false;
  if (c.con.major == 0 && c.con.minor == 0 && c.con.patch == 0 && !c.minor_dirty && !c.patch_dirty) return true;
  if (v.major != c.con.major) return false;
  if (v.minor != c.con.minor && !c.minor_dirty) return false;
  return true;
}

bool check_one(const SemVersion& v, const C& c, bool include_pre) {
  if (!v.pre.empty() && !include_pre) return false;
  const std::string& op = c.op;
  if (op.empty() || op == "=") {
    if (c.dirty) return tilde(v, c, include_pre);
    return v.compare(c.con) == 0;
  }
  if (op == "!=") {
    if (c.dirty) {
      if (c.con.major != v.major) return true;
      if (c.con.minor != v.minor && !c.minor_dirty) return true;
      if (c.minor_dirty) return false;
      if (c.con.patch != v.patch && !c.patch_dirty) return true;
      if (c.patch_dirty) {
        if (!v.pre.empty() || !c.con.pre.empty()) return compare_prerelease(v.pre, c.con.pre) != 0;
        return false;
      }
    }
    return v.compare(c.con) != 0;
  }
  if (op == ">") {
    if (!c.dirty) return v.compare(c.con) == 1;
    if (v.major > c.con.major) return true;
    if (v.major < c.con.major) return false;
    if (c.minor_dirty) return false;
    if (c.patch_dirty) return v.minor > c.con.minor;
    return v.compare(c.con) == 1;
  }
  if (op == "<") return v.compare(c.con) < 0;
  if (op == ">=" || op == "=>") return v.compare(c.con) >= 0;
  if (op == "<=" || op == "=<") {
    if (!c.dirty) return v.compare(c.con) <= 0;
    if (v.major > c.con.major) return false;
    if (v.major == c.con.major && v.minor > c.con.minor && !c.minor_dirty) return false;
    return true;
  }
  if (op == "~" || op == "~>") return tilde(v, c, include_pre);
  if (op == "^") {
    if (v.compare(c.con) < 0) return false;
    if (c.con.major > 0 || c.minor_dirty) return v.major == c.con.major;
    if (c.con.major == 0 && v.major > 0) return false;
    if (c.con.minor > 0 || c.patch_dirty) return v.minor == c.con.minor;
    if (c.con.minor == 0 && v.minor > 0) return false;
    return c.con.patch == v.patch;
  }
  return false;
}

Result<C> parse_constraint(const std::string& s) {
  if (s.empty()) {
    C c;
    c.dirty = true;
    return c;
  }
  std::string m[10];
  VersionMatch vm;
  if (match_constraint(s, m[1], m[2], vm)) {
    m[3] = vm.major;
    m[4] = vm.minor;
    m[5] = vm.patch;
    m[6] = vm.pre_part;
  } else if (!RE2::FullMatch(s, constraint_re(), &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7], &m[8], &m[9])) {
    return Error::invalid("improper constraint: " + s);
  }
  C c;
  c.orig = m[2];
  c.op = m[1];
  std::string ver = m[2];
  if (is_x(m[3]) || m[3].empty()) {
    ver = "0.0.0" + m[6];
    c.dirty = true;
  } else if (is_x(trim_dot(m[4])) || m[4].empty()) {
    c.minor_dirty = true;
    c.dirty = true;
    ver = m[3] + ".0.0" + m[6];
  } else if (is_x(trim_dot(m[5])) || m[5].empty()) {
    c.dirty = true;
    c.patch_dirty = true;
    ver = m[3] + m[4] + ".0" + m[6];
  }
  auto parsed = parse_semver(ver);
  if (!parsed.ok()) return Error::invalid("constraint parser error");
  c.con = std::move(parsed).value();
  return c;
}

// Every non-overlapping match of `re` in `text`, each as its capture groups
// (group 0 is the whole match).
std::vector<std::vector<std::string>> find_all(const RE2& re, const std::string& text) {
  std::vector<std::vector<std::string>> out;
  int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(n);
  size_t pos = 0;
  while (pos <= text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, sub.data(), n)) {
    std::vector<std::string> groups;
    for (const auto& g : sub) groups.emplace_back(g.data() ? std::string(g.data(), g.size()) : std::string());
    out.push_back(std::move(groups));
    size_t end = sub[0].data() - text.data() + sub[0].size();
    pos = end > pos ? end : pos + 1;
  }
  return out;
}

std::string rewrite_range(const std::string& in) {
  std::string out = in;
  // Go replaces the first occurrence of each range found in the original text.
  for (const auto& m : find_all(range_re(), in)) {
    size_t at = out.find(m[0]);
    if (at != std::string::npos) out.replace(at, m[0].size(), ">= " + m[1] + ", <= " + m[11] + " ");
  }
  return out;
}

}  // namespace

std::string SemVersion::str() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!pre.empty()) s += "-" + pre;
  if (!metadata.empty()) s += "+" + metadata;
  return s;
}

int SemVersion::compare(const SemVersion& o) const {
  if (int d = cmp(major, o.major)) return d;
  if (int d = cmp(minor, o.minor)) return d;
  if (int d = cmp(patch, o.patch)) return d;
  if (pre.empty() && o.pre.empty()) return 0;
  if (pre.empty()) return 1;
  if (o.pre.empty()) return -1;
  return compare_prerelease(pre, o.pre);
}

Result<SemVersion> parse_semver(const std::string& v) {
  std::string m[9];
  VersionMatch vm;
  if (match_loose_version(v, vm)) {
    m[1] = vm.major;
    m[2] = vm.minor;
    m[3] = vm.patch;
    m[5] = vm.pre;
    m[8] = vm.meta;
  } else if (!RE2::FullMatch(v, loose_version_re(), &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7], &m[8])) {
    return Error::invalid("invalid semantic version");
  }
  SemVersion sv;
  sv.metadata = m[8];
  sv.pre = m[5];
  sv.original = v;
  SKIFF_ASSIGN_OR_RETURN(sv.major, parse_segment(m[1]));
  if (!m[2].empty()) {
    SKIFF_ASSIGN_OR_RETURN(sv.minor, parse_segment(m[2].substr(1)));
  }
  if (!m[3].empty()) {
    SKIFF_ASSIGN_OR_RETURN(sv.patch, parse_segment(m[3].substr(1)));
  }
  if (!sv.pre.empty()) SKIFF_TRY(validate_prerelease(sv.pre));
  if (!sv.metadata.empty()) SKIFF_TRY(validate_metadata(sv.metadata));
  return sv;
}

Result<SemConstraints> SemConstraints::parse(const std::string& c_in) {
  SemConstraints out;
  if (is_single_constraint(c_in)) {
    SKIFF_ASSIGN_OR_RETURN(Constraint pc, parse_constraint(c_in));
    out.contains_pre_.push_back(!pc.con.pre.empty());
    out.groups_.push_back({std::move(pc)});
    return out;
  }
  std::string c = rewrite_range(c_in);
  size_t start = 0;
  for (;;) {
    size_t bar = c.find("||", start);
    std::string part = c.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    if (!RE2::FullMatch(part, valid_constraint_re())) return Error::invalid("improper constraint: " + part);
    std::vector<std::string> pieces;
    for (auto& m : find_all(find_constraint_re(), part)) pieces.push_back(std::move(m[0]));
    if (pieces.empty()) pieces.push_back(part);
    std::vector<Constraint> group;
    bool has_pre = false;
    for (const auto& p : pieces) {
      SKIFF_ASSIGN_OR_RETURN(Constraint pc, parse_constraint(p));
      if (!pc.con.pre.empty()) has_pre = true;
      group.push_back(std::move(pc));
    }
    out.groups_.push_back(std::move(group));
    out.contains_pre_.push_back(has_pre);
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  return out;
}

bool SemConstraints::check(const SemVersion& v) const {
  for (size_t i = 0; i < groups_.size(); ++i) {
    bool joy = true;
    for (const auto& c : groups_[i]) {
      if (!check_one(v, c, contains_pre_[i])) {
        joy = false;
        break;
      }
    }
    if (joy) return true;
  }
  return false;
}

}  // namespace skiff::chart::funcs

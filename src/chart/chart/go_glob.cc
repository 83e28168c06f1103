#include "chart/chart/go_glob.h"

#include <string>
#include <vector>

namespace skiff::chart {

namespace {

// Matches a [...] class at pattern[p] (just past '['); advances p past ']'.
// Returns nullopt-like -1 for a malformed class, 1 for match, 0 for no match.
int match_class(std::string_view pattern, size_t& p, char c) {
  bool negate = false;
  if (p < pattern.size() && (pattern[p] == '^' || pattern[p] == '!')) {
    negate = true;
    ++p;
  }
  bool matched = false;
  bool first = true;
  while (true) {
    if (p >= pattern.size()) return -1;
    if (pattern[p] == ']' && !first) {
      ++p;
      break;
    }
    first = false;
    char lo = pattern[p];
    if (lo == '\\') {
      if (++p >= pattern.size()) return -1;
      lo = pattern[p];
    }
    ++p;
    char hi = lo;
    if (p + 1 < pattern.size() && pattern[p] == '-' && pattern[p + 1] != ']') {
      hi = pattern[p + 1];
      p += 2;
      if (hi == '\\') {
        if (p >= pattern.size()) return -1;
        hi = pattern[p++];
      }
    }
    if (lo <= c && c <= hi) matched = true;
  }
  return matched != negate ? 1 : 0;
}

// Recursive matcher; `double_star` enables '**', `braces` enables {a,b}.
bool match_from(std::string_view pat, size_t p, std::string_view name, size_t n, bool double_star, bool* bad) {
  while (p < pat.size()) {
    char pc = pat[p];
    if (pc == '*') {
      bool cross = false;
      size_t q = p + 1;
      if (double_star && q < pat.size() && pat[q] == '*') {
        cross = true;
        while (q < pat.size() && pat[q] == '*') ++q;
      }
      for (size_t k = n;; ++k) {
        if (match_from(pat, q, name, k, double_star, bad)) return true;
        if (k >= name.size()) return false;
        if (!cross && name[k] == '/') return false;
      }
    }
    if (pc == '{' && double_star) {
      // Alternatives up to the matching '}'.
      int depth = 0;
      size_t end = p;
      std::vector<std::string> alts(1);
      for (size_t q = p + 1; q < pat.size(); ++q) {
        char c = pat[q];
        if (c == '{') ++depth;
        if (c == '}') {
          if (depth == 0) {
            end = q;
            break;
          }
          --depth;
        }
        if (c == ',' && depth == 0) {
          alts.emplace_back();
          continue;
        }
        alts.back() += c;
      }
      if (end == p) {
        if (bad) *bad = true;
        return false;
      }
      std::string rest(pat.substr(end + 1));
      for (const auto& alt : alts) {
        std::string candidate = alt + rest;
        if (match_from(candidate, 0, name, n, double_star, bad)) return true;
      }
      return false;
    }
    if (n >= name.size()) {
      return false;
    }
    if (pc == '?') {
      if (name[n] == '/') return false;
      ++p;
      ++n;
      continue;
    }
    if (pc == '[') {
      ++p;
      int r = match_class(pat, p, name[n]);
      if (r < 0) {
        if (bad) *bad = true;
        return false;
      }
      if (r == 0 || name[n] == '/') return false;
      ++n;
      continue;
    }
    if (pc == '\\' && !double_star) {
      if (++p >= pat.size()) {
        if (bad) *bad = true;
        return false;
      }
      pc = pat[p];
    }
    if (pc != name[n]) return false;
    ++p;
    ++n;
  }
  return n == name.size();
}

}  // namespace

bool go_path_match(std::string_view pattern, std::string_view name, bool* bad_pattern) {
  bool bad = false;
  bool ok = match_from(pattern, 0, name, 0, false, &bad);
  if (bad_pattern) *bad_pattern = bad;
  return ok && !bad;
}

bool gobwas_glob_match(std::string_view pattern, std::string_view name) {
  bool bad = false;
  bool ok = match_from(pattern, 0, name, 0, true, &bad);
  if (bad) return true;
  return ok;
}

}  // namespace skiff::chart

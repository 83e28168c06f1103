// Sprig's regular-expression functions (regex.go) with Go's regexp semantics over RE2:
// leftmost-first matching, FindAll's empty-match rules, ReplaceAll's $-expansion and
// Split. regexX panics (MustCompile) where mustRegexX returns the error.
#include <re2/re2.h>

#include <map>
#include <memory>

#include "util/go_unicode.h"
#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

const char* go_error_code(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorUnexpectedParen: return "unexpected )";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "internal error";
  }
}

struct Compiled {
  std::shared_ptr<RE2> re;
  std::string error;  // Go's regexp.Compile error text when re is null
};

Compiled compile_uncached(const std::string& expr) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<RE2>(expr, opts);
  if (re->ok()) return {re, ""};
  return {nullptr, std::string("error parsing regexp: ") + go_error_code(re->error_code()) + ": `" +
                       re->error_arg() + "`"};
}

// Charts call the same few patterns in loops; compiled patterns are kept per thread.
Compiled compile(const std::string& expr) {
  constexpr size_t kMaxCached = 256;
  thread_local std::map<std::string, Compiled> cache;
  auto it = cache.find(expr);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxCached) cache.clear();
  Compiled c = compile_uncached(expr);
  cache.emplace(expr, c);
  return c;
}

// MustCompile's panic text.
Error must_compile_error(const std::string& expr, const std::string& error) {
  std::string quoted = tmpl::go_can_backquote(expr) ? "`" + expr + "`" : tmpl::go_quote(expr);
  return func_error("regexp: Compile(" + quoted + "): " + error);
}

using Match = std::vector<int64_t>;  // [start0, end0, start1, end1, ...], -1 when unset

bool execute(const RE2& re, const std::string& s, size_t pos, Match* m) {
  int groups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(groups);
  if (!re.Match(s, pos, s.size(), RE2::UNANCHORED, sub.data(), groups)) return false;
  m->assign(2 * groups, -1);
  for (int i = 0; i < groups; ++i) {
    if (sub[i].data() == nullptr) continue;
    (*m)[2 * i] = sub[i].data() - s.data();
    (*m)[2 * i + 1] = (*m)[2 * i] + static_cast<int64_t>(sub[i].size());
  }
  return true;
}

// Go's allMatches: at most n matches (all when n < 0), no empty match right after a
// previous match.
std::vector<Match> find_all(const RE2& re, const std::string& s, int64_t n) {
  std::vector<Match> out;
  if (n < 0) n = static_cast<int64_t>(s.size()) + 1;
  size_t pos = 0;
  int64_t prev_end = -1;
  while (static_cast<int64_t>(out.size()) < n && pos <= s.size()) {
    Match m;
    if (!execute(re, s, pos, &m)) break;
    bool accept = true;
    if (m[1] == static_cast<int64_t>(pos)) {
      if (m[0] == prev_end) accept = false;
      if (pos < s.size()) {
        int w;
        tmpl::decode_rune(std::string_view(s).substr(pos), &w);
        pos += w;
      } else {
        pos = s.size() + 1;
      }
    } else {
      pos = m[1];
    }
    prev_end = m[1];
    if (accept) out.push_back(std::move(m));
  }
  return out;
}

// Go's Regexp.Expand for ReplaceAllString templates.
void expand(const RE2& re, const std::string& tmpl_text, const std::string& src, const Match& m, std::string* dst) {
  std::string_view t = tmpl_text;
  const auto& names = re.NamedCapturingGroups();
  while (!t.empty()) {
    size_t dollar = t.find('$');
    if (dollar == std::string_view::npos) break;
    dst->append(t.substr(0, dollar));
    t.remove_prefix(dollar + 1);
    if (!t.empty() && t[0] == '$') {
      *dst += '$';
      t.remove_prefix(1);
      continue;
    }
    // extract(): a name of letters, digits and '_', optionally in braces.
    std::string_view str = t;
    bool brace = !str.empty() && str[0] == '{';
    if (brace) str.remove_prefix(1);
    size_t i = 0;
    while (i < str.size()) {
      int w;
      int32_t r = tmpl::decode_rune(str.substr(i), &w);
      if (!u_is_letter(r) && !u_is_digit(r) && r != '_') break;
      i += w;
    }
    bool ok = i > 0;
    std::string name(str.substr(0, i));
    if (ok && brace) {
      if (i >= str.size() || str[i] != '}') {
        ok = false;
      } else {
        ++i;
      }
    }
    if (!ok) {
      *dst += '$';
      continue;
    }
    int64_t num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name[0] == '0' && name.size() > 1) num = -1;
    t = str.substr(i);
    int64_t group = num;
    if (num < 0) {
      auto it = names.find(name);
      group = it == names.end() ? -1 : it->second;
    }
    if (group >= 0 && 2 * group + 1 < static_cast<int64_t>(m.size()) && m[2 * group] >= 0) {
      dst->append(src, m[2 * group], m[2 * group + 1] - m[2 * group]);
    }
  }
  dst->append(t);
}

std::string replace_all(const RE2& re, const std::string& src, const std::string& repl, bool literal) {
  std::string buf;
  size_t last_end = 0;
  size_t search = 0;
  while (search <= src.size()) {
    Match m;
    if (!execute(re, src, search, &m)) break;
    buf.append(src, last_end, m[0] - last_end);
    if (m[1] > static_cast<int64_t>(last_end) || m[0] == 0) {
      if (literal) {
        buf += repl;
      } else {
        expand(re, repl, src, m, &buf);
      }
    }
    last_end = m[1];
    size_t width = 0;
    if (search < src.size()) {
      int w;
      tmpl::decode_rune(std::string_view(src).substr(search), &w);
      width = w;
    }
    if (search + width > static_cast<size_t>(m[1])) {
      search += width;
    } else if (search + 1 > static_cast<size_t>(m[1])) {
      ++search;
    } else {
      search = m[1];
    }
  }
  buf.append(src, last_end, std::string::npos);
  return buf;
}

Value split(const RE2& re, const std::string& expr, const std::string& s, int64_t n) {
  if (n == 0) return Value::nil_list(Kind::kString);
  if (!expr.empty() && s.empty()) return string_list({""});
  std::vector<std::string> parts;
  size_t beg = 0;
  size_t end = 0;
  for (const auto& m : find_all(re, s, n)) {
    if (n > 0 && static_cast<int64_t>(parts.size()) == n - 1) break;
    end = m[0];
    if (m[1] != 0) parts.push_back(s.substr(beg, end - beg));
    beg = m[1];
  }
  if (end != s.size()) parts.push_back(s.substr(beg));
  return string_list(std::move(parts));
}

std::string quote_meta(const std::string& s) {
  static const std::string kSpecial = "\\.+*?()|[]{}^$";
  std::string out;
  for (char c : s) {
    if (kSpecial.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

// Registers regexX (compile errors panic, i.e. fail the call) and mustRegexX (compile
// errors returned): both fail the template with the respective text.
template <class F>
void add_regex(tmpl::TemplateSet& set, const std::string& name, std::vector<ParamKind> params, F body) {
  add(set, name, params, false, [body](Args& a, CallContext&) -> Result<Value> {
    Compiled c = compile(a[0].as_string());
    if (!c.re) return must_compile_error(a[0].as_string(), c.error);
    return body(*c.re, a);
  });
  std::string must = "mustR" + name.substr(1);
  add(set, must, params, false, [body](Args& a, CallContext&) -> Result<Value> {
    Compiled c = compile(a[0].as_string());
    if (!c.re) return func_error(c.error);
    return body(*c.re, a);
  });
}

}  // namespace

void register_regex_functions(tmpl::TemplateSet& set) {
  add(set, "regexMatch", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    Compiled c = compile(a[0].as_string());
    if (!c.re) return Value::boolean(false);
    Match m;
    return Value::boolean(execute(*c.re, a[1].as_string(), 0, &m));
  });
  add(set, "mustRegexMatch", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    Compiled c = compile(a[0].as_string());
    if (!c.re) return func_error(c.error);
    Match m;
    return Value::boolean(execute(*c.re, a[1].as_string(), 0, &m));
  });
  add_regex(
      set, "regexFindAll", {P::kString, P::kString, P::kInt},
      [](const RE2& re, Args& a) -> Result<Value> {
        const std::string& s = a[1].as_string();
        std::vector<std::string> out;
        for (const auto& m : find_all(re, s, a[2].as_int())) out.push_back(s.substr(m[0], m[1] - m[0]));
        if (out.empty()) return Value::nil_list(Kind::kString);
        return string_list(std::move(out));
      });
  add_regex(
      set, "regexFind", {P::kString, P::kString},
      [](const RE2& re, Args& a) -> Result<Value> {
        const std::string& s = a[1].as_string();
        Match m;
        if (!execute(re, s, 0, &m)) return Value::string("");
        return Value::string(s.substr(m[0], m[1] - m[0]));
      });
  add_regex(
      set, "regexReplaceAll", {P::kString, P::kString, P::kString},
      [](const RE2& re, Args& a) -> Result<Value> {
        return Value::string(replace_all(re, a[1].as_string(), a[2].as_string(), false));
      });
  add_regex(
      set, "regexReplaceAllLiteral", {P::kString, P::kString, P::kString},
      [](const RE2& re, Args& a) -> Result<Value> {
        return Value::string(replace_all(re, a[1].as_string(), a[2].as_string(), true));
      });
  add_regex(
      set, "regexSplit", {P::kString, P::kString, P::kInt},
      [](const RE2& re, Args& a) -> Result<Value> {
        return split(re, a[0].as_string(), a[1].as_string(), a[2].as_int());
      });
  add(set, "regexQuoteMeta", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::string(quote_meta(a[0].as_string())); });
}

}  // namespace skiff::chart::funcs

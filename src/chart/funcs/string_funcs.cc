// Sprig's string functions (strings.go and the string entries of functions.go).
#include <algorithm>

#include "chart/funcs/case_convert.h"
#include "util/go_unicode.h"
#include "chart/funcs/go_values.h"
#include "chart/funcs/random.h"
#include "chart/funcs/registry.h"
#include "chart/template/go_fmt.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

const std::string& str(const Args& a, size_t i) { return a[i].as_string(); }
int64_t num(const Args& a, size_t i) { return a[i].as_int(); }

Value text(std::string s) { return Value::string(std::move(s)); }

Result<Value> substring(Args& a, CallContext&) {
  int64_t start = num(a, 0);
  int64_t end = num(a, 1);
  const std::string& s = str(a, 2);
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0) {
    if (end < 0) return func_error("runtime error: slice bounds out of range [:" + std::to_string(end) + "]");
    if (end > len) {
      return func_error("runtime error: slice bounds out of range [:" + std::to_string(end) + "] with length " +
                        std::to_string(len));
    }
    return text(s.substr(0, end));
  }
  if (end < 0 || end > len) {
    if (start > len) {
      return func_error("runtime error: slice bounds out of range [" + std::to_string(start) + ":" +
                        std::to_string(len) + "]");
    }
    return text(s.substr(start));
  }
  if (start > end) {
    return func_error("runtime error: slice bounds out of range [" + std::to_string(start) + ":" +
                      std::to_string(end) + "]");
  }
  return text(s.substr(start, end - start));
}

std::string trunc(int64_t c, const std::string& s) {
  int64_t len = static_cast<int64_t>(s.size());
  if (c < 0 && len + c > 0) return s.substr(len + c);
  if (c >= 0 && len > c) return s.substr(0, c);
  return s;
}

Result<std::string> indent(int64_t spaces, const std::string& v) {
  if (spaces < 0) return func_error("strings: negative Repeat count");
  std::string pad(spaces, ' ');
  return pad + go_replace_all(v, "\n", "\n" + pad);
}

// Sprig's strslice: a list's non-nil items through strval; nil is empty; anything
// else a one-item list.
std::vector<std::string> strslice(const Value& v_in) {
  Value v = v_in.unboxed();
  std::vector<std::string> out;
  if (v.kind() == Kind::kSlice) {
    for (const auto& item : v.list_items()) {
      if (item.is_valid()) out.push_back(strval(item));
    }
    return out;
  }
  if (!v.is_valid()) return out;
  out.push_back(strval(v));
  return out;
}

std::string join_strings(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

Value indexed_map(const std::vector<std::string>& parts) {
  std::vector<std::pair<std::string, std::string>> items;
  for (size_t i = 0; i < parts.size(); ++i) items.emplace_back("_" + std::to_string(i), parts[i]);
  return string_map(items);
}

// goutils' CryptoRandom over a character set given as a predicate on [start, end).
std::string random_string(int64_t count, int32_t start, int32_t end, bool letters, bool numbers) {
  std::string out;
  if (count <= 0) return out;
  while (count > 0) {
    int32_t r = start + static_cast<int32_t>(random_below(static_cast<uint64_t>(end - start)));
    bool ok = (letters && u_is_letter(r)) || (numbers && u_is_digit(r)) || (!letters && !numbers);
    if (!ok) continue;
    out += static_cast<char>(r);
    --count;
  }
  return out;
}

std::string go_repeat_error(int64_t count, size_t len) {
  if (count < 0) return "strings: negative Repeat count";
  return "strings: Repeat output length overflow";
}

}  // namespace

void register_string_functions(tmpl::TemplateSet& set) {
  add(set, "abbrev", {P::kInt, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    if (num(a, 0) < 4) return text(str(a, 1));
    bool ok;
    return text(abbreviate_full(str(a, 1), 0, num(a, 0), &ok));
  });
  add(set, "abbrevboth", {P::kInt, P::kInt, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    int64_t left = num(a, 0);
    int64_t right = num(a, 1);
    if (right < 4 || (left > 0 && right < 7)) return text(str(a, 2));
    bool ok;
    return text(abbreviate_full(str(a, 2), left, right, &ok));
  });
  add(set, "trunc", {P::kInt, P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(trunc(num(a, 0), str(a, 1))); });
  add(set, "trim", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(go_trim_space(str(a, 0))); });
  add(set, "upper", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(go_to_upper(str(a, 0))); });
  add(set, "lower", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(go_to_lower(str(a, 0))); });
  add(set, "title", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(go_title(str(a, 0))); });
  add(set, "untitle", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(uncapitalize(str(a, 0))); });
  add(set, "substr", {P::kInt, P::kInt, P::kString}, false, substring);
  add(set, "repeat", {P::kInt, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    int64_t count = num(a, 0);
    const std::string& s = str(a, 1);
    // Beyond 1 GiB Go's allocation would fail the render anyway.
    if (count < 0 || (!s.empty() && static_cast<uint64_t>(count) > (uint64_t{1} << 30) / s.size())) {
      return func_error(go_repeat_error(count, s.size()));
    }
    std::string out;
    out.reserve(s.size() * count);
    for (int64_t i = 0; i < count; ++i) out += s;
    return text(std::move(out));
  });
  auto trim_all = [](Args& a, CallContext&) -> Result<Value> { return text(go_trim(str(a, 1), str(a, 0))); };
  add(set, "trimall", {P::kString, P::kString}, false, trim_all);
  add(set, "trimAll", {P::kString, P::kString}, false, trim_all);
  add(set, "trimSuffix", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    const std::string& suffix = str(a, 0);
    const std::string& s = str(a, 1);
    if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return text(s.substr(0, s.size() - suffix.size()));
    }
    return text(s);
  });
  add(set, "trimPrefix", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    const std::string& prefix = str(a, 0);
    const std::string& s = str(a, 1);
    if (s.compare(0, prefix.size(), prefix) == 0) return text(s.substr(prefix.size()));
    return text(s);
  });
  add(set, "nospace", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(delete_white_space(str(a, 0))); });
  add(set, "initials", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(initials(str(a, 0))); });
  add(set, "randAlphaNum", {P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    return text(random_string(num(a, 0), ' ', 'z' + 1, true, true));
  });
  add(set, "randAlpha", {P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    return text(random_string(num(a, 0), ' ', 'z' + 1, true, false));
  });
  add(set, "randAscii", {P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    return text(random_string(num(a, 0), 32, 127, false, false));
  });
  add(set, "randNumeric", {P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    return text(random_string(num(a, 0), ' ', 'z' + 1, false, true));
  });
  add(set, "swapcase", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(swap_case(str(a, 0))); });
  add(set, "shuffle", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(shuffle_runes(str(a, 0))); });
  add(set, "snakecase", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(to_snake_case(str(a, 0))); });
  add(set, "camelcase", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(to_pascal_case(str(a, 0))); });
  add(set, "kebabcase", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(to_kebab_case(str(a, 0))); });
  add(set, "wrap", {P::kInt, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return text(wrap_custom(str(a, 1), num(a, 0), "", false));
  });
  add(set, "wrapWith", {P::kInt, P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return text(wrap_custom(str(a, 2), num(a, 0), str(a, 1), true));
  });
  add(set, "contains", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::boolean(str(a, 1).find(str(a, 0)) != std::string::npos);
  });
  add(set, "hasPrefix", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::boolean(str(a, 1).compare(0, str(a, 0).size(), str(a, 0)) == 0);
  });
  add(set, "hasSuffix", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    const std::string& s = str(a, 1);
    const std::string& suffix = str(a, 0);
    return Value::boolean(s.size() >= suffix.size() &&
                          s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0);
  });
  add(set, "quote", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    std::vector<std::string> out;
    for (const auto& v : a) {
      if (v.is_valid()) out.push_back(tmpl::go_quote(strval(v)));
    }
    return text(join_strings(out, " "));
  });
  add(set, "squote", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    std::vector<std::string> out;
    for (const auto& v : a) {
      if (v.is_valid()) out.push_back("'" + tmpl::go_format_value(v) + "'");
    }
    return text(join_strings(out, " "));
  });
  add(set, "cat", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    std::vector<std::string> out;
    for (const auto& v : a) {
      if (v.is_valid()) out.push_back(tmpl::go_format_value(v));
    }
    return text(join_strings(out, " "));
  });
  add(set, "indent", {P::kInt, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(std::string s, indent(num(a, 0), str(a, 1)));
    return text(std::move(s));
  });
  add(set, "nindent", {P::kInt, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(std::string s, indent(num(a, 0), str(a, 1)));
    return text("\n" + s);
  });
  add(set, "replace", {P::kString, P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return text(go_replace_all(str(a, 2), str(a, 0), str(a, 1)));
  });
  add(set, "plural", {P::kString, P::kString, P::kInt}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(num(a, 2) == 1 ? str(a, 0) : str(a, 1)); });
  add(set, "split", {P::kString, P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return indexed_map(go_split(str(a, 1), str(a, 0))); });
  add(set, "splitn", {P::kString, P::kInt, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return indexed_map(go_split(str(a, 2), str(a, 0), num(a, 1)));
  });
  add(set, "splitList", {P::kString, P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return string_list(go_split(str(a, 1), str(a, 0))); });
  add(set, "toStrings", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return string_list(strslice(a[0])); });
  add(set, "join", {P::kString, P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return text(join_strings(strslice(a[1]), str(a, 0))); });
  add(set, "sortAlpha", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    if (a[0].kind() != Kind::kSlice) return string_list({strval(a[0])});
    std::vector<std::string> items = strslice(a[0]);
    std::sort(items.begin(), items.end());
    return string_list(std::move(items));
  });
}

}  // namespace skiff::chart::funcs

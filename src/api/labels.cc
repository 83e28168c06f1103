#include "api/labels.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "api/field_errors.h"
#include "api/name_validation.h"
#include "api/utf8.h"
#include "util/go_strconv.h"
#include "util/strings.h"

namespace skiff::api {
namespace {

using Op = LabelRequirement::Op;

// ---- Requirement construction (labels.NewRequirement) ----

// Go's %#v of a []string.
std::string go_string_slice(const std::vector<std::string>& values) {
  std::string out = "[]string{";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + go_quote(values[i]);
  return out + "}";
}

bool parses_as_int64(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+') return false;
  int64_t v;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::optional<int64_t> to_int64(std::string_view s) {
  if (!parses_as_int64(s)) return std::nullopt;
  if (s[0] == '+') s.remove_prefix(1);
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string field_error(std::string field, std::string_view value, std::string_view detail) {
  return field_error_text(field_invalid(std::move(field), value, detail));
}

// Validates a requirement as labels.NewRequirement does; values are sorted (as Kubernetes prints them).
Result<LabelRequirement> new_requirement(std::string key, Op op, std::vector<std::string> values) {
  std::vector<std::string> errs;
  if (auto msgs = qualified_name_errors(key); !msgs.empty()) errs.push_back(field_error("key", key, join(msgs, "; ")));
  switch (op) {
    case Op::kIn:
    case Op::kNotIn:
      if (values.empty()) {
        errs.push_back("values: Invalid value: " + go_string_slice(values) +
                       ": for 'in', 'notin' operators, values set can't be empty");
      }
      break;
    case Op::kEquals:
    case Op::kNotEquals:
      if (values.size() != 1) {
        errs.push_back("values: Invalid value: " + go_string_slice(values) +
                       ": exact-match compatibility requires one single value");
      }
      break;
    case Op::kExists:
    case Op::kDoesNotExist:
      if (!values.empty()) {
        errs.push_back("values: Invalid value: " + go_string_slice(values) +
                       ": values set must be empty for exists and does not exist");
      }
      break;
    case Op::kGreaterThan:
    case Op::kLessThan:
      if (values.size() != 1) {
        errs.push_back("values: Invalid value: " + go_string_slice(values) +
                       ": for 'Gt', 'Lt' operators, exactly one value is required");
      }
      for (size_t i = 0; i < values.size(); ++i) {
        if (!parses_as_int64(values[i])) {
          errs.push_back(field_error("values[" + std::to_string(i) + "]", values[i],
                                     "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      }
      break;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (auto msgs = label_value_errors(values[i]); !msgs.empty()) {
      errs.push_back(field_error("values[" + std::to_string(i) + "][" + key + "]", values[i], join(msgs, "; ")));
    }
  }
  if (!errs.empty()) return Error::bad_request(aggregate_error_text(errs));
  std::sort(values.begin(), values.end());
  return LabelRequirement{std::move(key), op, std::move(values)};
}

// ---- Lexer (labels.Lexer): bytes, maximal munch over operator symbols ----

enum class Token {
  kError, kEnd, kClosePar, kComma, kDoesNotExist, kDoubleEquals, kEquals, kGreaterThan,
  kIdentifier, kIn, kLessThan, kNotEquals, kNotIn, kOpenPar,
};

std::optional<Token> keyword(std::string_view s) {
  static constexpr std::pair<std::string_view, Token> kTokens[] = {
      {")", Token::kClosePar}, {",", Token::kComma}, {"!", Token::kDoesNotExist}, {"==", Token::kDoubleEquals},
      {"=", Token::kEquals}, {">", Token::kGreaterThan}, {"in", Token::kIn}, {"<", Token::kLessThan},
      {"!=", Token::kNotEquals}, {"notin", Token::kNotIn}, {"(", Token::kOpenPar}};
  for (auto [text, tok] : kTokens)
    if (s == text) return tok;
  return std::nullopt;
}

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

struct Item {
  Token tok;
  std::string literal;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Item lex() {
    char c = read();
    while (is_whitespace(c)) c = read();
    if (c == 0) return {Token::kEnd, ""};  // Like Go, a NUL byte ends the input.
    unread();
    return is_special(c) ? scan_special() : scan_identifier();
  }

 private:
  char read() { return pos_ < s_.size() ? s_[pos_++] : (pos_++, '\0'); }
  void unread() { --pos_; }

  Item scan_identifier() {
    std::string buf;
    while (true) {
      char c = read();
      if (c == 0) break;
      if (is_special(c) || is_whitespace(c)) {
        unread();
        break;
      }
      buf += c;
    }
    if (auto tok = keyword(buf)) return {*tok, buf};
    return {Token::kIdentifier, buf};
  }

  Item scan_special() {
    std::string buf;
    std::optional<Item> last;
    while (true) {
      char c = read();
      if (c == 0) break;
      if (!is_special(c)) {
        unread();
        break;
      }
      buf += c;
      if (auto tok = keyword(buf)) {
        last = Item{*tok, buf};
      } else if (last) {
        unread();
        break;
      }
    }
    if (!last) return {Token::kError, "error expected: keyword found '" + buf + "'"};
    return *last;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// ---- Parser (labels.Parser) ----

class Parser {
 public:
  explicit Parser(std::string_view s) {
    Lexer lexer(s);
    while (true) {
      items_.push_back(lexer.lex());
      if (items_.back().tok == Token::kEnd) break;
    }
  }

  Result<std::vector<LabelRequirement>> parse() {
    std::vector<LabelRequirement> reqs;
    while (true) {
      auto [tok, lit] = lookahead(true);
      if (tok == Token::kEnd) return reqs;
      if (tok != Token::kIdentifier && tok != Token::kDoesNotExist) {
        return Error::bad_request("found '" + lit + "', expected: !, identifier, or 'end of string'");
      }
      auto r = parse_requirement();
      if (!r.ok()) return Error::bad_request("unable to parse requirement: " + r.error().message);
      reqs.push_back(std::move(*r));
      auto [t, l] = consume(true);
      if (t == Token::kEnd) return reqs;
      if (t != Token::kComma) return Error::bad_request("found '" + l + "', expected: ',' or 'end of string'");
      auto [t2, l2] = lookahead(true);
      if (t2 != Token::kIdentifier && t2 != Token::kDoesNotExist) {
        return Error::bad_request("found '" + l2 + "', expected: identifier after ','");
      }
    }
  }

 private:
  // In value context the keywords "in" and "notin" are plain identifiers.
  static Item in_context(Item item, bool values) {
    if (values && (item.tok == Token::kIn || item.tok == Token::kNotIn)) item.tok = Token::kIdentifier;
    return item;
  }
  Item lookahead(bool values) const { return in_context(items_[pos_], values); }
  Item consume(bool values) { return in_context(items_[pos_++], values); }

  Result<LabelRequirement> parse_requirement() {
    bool does_not_exist = false;
    Item item = consume(true);
    if (item.tok == Token::kDoesNotExist) {
      does_not_exist = true;
      item = consume(true);
    }
    const std::string& key = item.literal;
    if (item.tok != Token::kIdentifier) return Error::bad_request("found '" + key + "', expected: identifier");
    if (auto msgs = qualified_name_errors(key); !msgs.empty()) {
      return Error::bad_request(field_error("<nil>", key, join(msgs, "; ")));
    }
    Token next = lookahead(true).tok;
    if (does_not_exist || next == Token::kEnd || next == Token::kComma) {
      // "!key" always means DoesNotExist, even when an operator follows.
      return new_requirement(key, does_not_exist ? Op::kDoesNotExist : Op::kExists, {});
    }
    auto [op_tok, op_lit] = consume(false);
    Op op;
    switch (op_tok) {
      case Token::kIn: op = Op::kIn; break;
      case Token::kNotIn: op = Op::kNotIn; break;
      case Token::kEquals:
      case Token::kDoubleEquals: op = Op::kEquals; break;
      case Token::kNotEquals: op = Op::kNotEquals; break;
      case Token::kGreaterThan: op = Op::kGreaterThan; break;
      case Token::kLessThan: op = Op::kLessThan; break;
      default:
        return Error::bad_request("found '" + op_lit + "', expected: in, notin, =, ==, !=, gt, lt");
    }
    std::set<std::string> values;
    Status st = (op == Op::kIn || op == Op::kNotIn) ? parse_values(values) : parse_exact_value(values);
    if (!st.ok()) return std::move(st).error();
    return new_requirement(key, op, {values.begin(), values.end()});
  }

  Status parse_values(std::set<std::string>& out) {
    auto [tok, lit] = consume(true);
    if (tok != Token::kOpenPar) return Error::bad_request("found '" + lit + "' expected: '('");
    auto [next, next_lit] = lookahead(true);
    if (next == Token::kIdentifier || next == Token::kComma) {
      SKIFF_TRY(parse_identifiers(out));
      if (consume(true).tok != Token::kClosePar) {
        return Error::bad_request("found '" + next_lit + "', expected: ')'");
      }
      return ok_status();
    }
    if (next == Token::kClosePar) {
      consume(true);
      out.insert("");
      return ok_status();
    }
    return Error::bad_request("found '" + next_lit + "', expected: ',', ')' or identifier");
  }

  // Empty entries ("(,a)", "(a,,b)", "(a,)") stand for the empty value.
  Status parse_identifiers(std::set<std::string>& out) {
    while (true) {
      auto [tok, lit] = consume(true);
      if (tok == Token::kIdentifier) {
        out.insert(lit);
        auto [t2, l2] = lookahead(true);
        if (t2 == Token::kComma) continue;
        if (t2 == Token::kClosePar) return ok_status();
        return Error::bad_request("found '" + l2 + "', expected: ',' or ')'");
      }
      if (tok != Token::kComma) return Error::bad_request("found '" + lit + "', expected: ',', or identifier");
      if (out.empty()) out.insert("");
      Token t2 = lookahead(true).tok;
      if (t2 == Token::kClosePar) {
        out.insert("");
        return ok_status();
      }
      if (t2 == Token::kComma) {
        consume(true);  // Kubernetes 1.33 skips the second comma here
        out.insert("");
      }
    }
  }

  Status parse_exact_value(std::set<std::string>& out) {
    Token next = lookahead(true).tok;
    if (next == Token::kEnd || next == Token::kComma) {
      out.insert("");
      return ok_status();
    }
    auto [tok, lit] = consume(true);
    if (tok != Token::kIdentifier) return Error::bad_request("found '" + lit + "', expected: identifier");
    out.insert(lit);
    return ok_status();
  }

  std::vector<Item> items_;
  size_t pos_ = 0;
};

void sort_by_key(std::vector<LabelRequirement>& reqs) {
  std::stable_sort(reqs.begin(), reqs.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
}

std::string requirement_string(const LabelRequirement& r) {
  std::string out = r.op == Op::kDoesNotExist ? "!" : "";
  out += r.key;
  switch (r.op) {
    case Op::kExists:
    case Op::kDoesNotExist: return out;
    case Op::kEquals: out += "="; break;
    case Op::kNotEquals: out += "!="; break;
    case Op::kIn: out += " in ("; break;
    case Op::kNotIn: out += " notin ("; break;
    case Op::kGreaterThan: out += ">"; break;
    case Op::kLessThan: out += "<"; break;
  }
  out += join(r.values, ",");
  if (r.op == Op::kIn || r.op == Op::kNotIn) out += ")";
  return out;
}

const std::string* label_value(const Json& labels, const std::string& key) {
  if (!labels.is_object()) return nullptr;
  auto it = labels.find(key);
  if (it == labels.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

bool requirement_matches(const LabelRequirement& r, const Json& labels) {
  const std::string* value = label_value(labels, r.key);
  auto has = [&](const std::string& v) { return std::binary_search(r.values.begin(), r.values.end(), v); };
  switch (r.op) {
    case Op::kIn:
    case Op::kEquals: return value && has(*value);
    case Op::kNotIn:
    case Op::kNotEquals: return !value || !has(*value);
    case Op::kExists: return value != nullptr;
    case Op::kDoesNotExist: return value == nullptr;
    case Op::kGreaterThan:
    case Op::kLessThan: {
      if (!value || r.values.size() != 1) return false;
      auto have = to_int64(*value), want = to_int64(r.values[0]);
      if (!have || !want) return false;
      return r.op == Op::kGreaterThan ? *have > *want : *have < *want;
    }
  }
  return false;
}

// ---- Field selectors (fields.ParseSelector) ----

std::vector<std::string_view> split_terms(std::string_view s) {
  std::vector<std::string_view> terms;
  if (s.empty()) return terms;
  size_t start = 0;
  bool escaped = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (escaped) {
      escaped = false;
    } else if (s[i] == '\\') {
      escaped = true;
    } else if (s[i] == ',') {
      terms.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(s.substr(start));
  return terms;
}

// fields.UnescapeValue; like Go it re-encodes the value rune by rune once any escape is involved.
Result<std::string> unescape_value(std::string_view s) {
  if (s.find_first_of("\\,=") == std::string_view::npos) return std::string(s);
  std::string out;
  bool escaped = false;
  for (size_t i = 0; i < s.size();) {
    auto [r, width] = decode_utf8(s.substr(i));
    i += width;
    if (escaped) {
      if (r != '\\' && r != ',' && r != '=') {
        std::string seq = "\\";
        append_rune(seq, static_cast<int32_t>(r));
        return Error::bad_request("invalid field selector: invalid escape sequence: " + seq);
      }
      out += static_cast<char>(r);
      escaped = false;
    } else if (r == '\\') {
      escaped = true;
    } else if (r == ',' || r == '=') {
      return Error::bad_request("invalid field selector: unescaped character in value: " + std::to_string(r));
    } else {
      append_rune(out, static_cast<int32_t>(r));
    }
  }
  if (escaped) return Error::bad_request("invalid field selector: invalid escape sequence: \\");
  return out;
}

std::string escape_value(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ',' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  Parser parser(text);
  SKIFF_ASSIGN_OR_RETURN(auto reqs, parser.parse());
  sort_by_key(reqs);
  LabelSelector sel;
  sel.requirements_ = std::move(reqs);
  return sel;
}

Result<LabelSelector> LabelSelector::from_json(const Json& selector) {
  LabelSelector sel;
  if (selector.is_null()) return sel;
  if (!selector.is_object()) return Error::bad_request("a label selector must be a JSON object");
  auto string_list = [](const Json& j, std::vector<std::string>& out) {
    if (j.is_null()) return true;
    if (!j.is_array()) return false;
    for (const auto& v : j) {
      if (!v.is_string()) return false;
      out.push_back(v.get<std::string>());
    }
    return true;
  };
  if (auto it = selector.find("matchLabels"); it != selector.end() && !it->is_null()) {
    if (!it->is_object()) return Error::bad_request("matchLabels must be an object of strings");
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) return Error::bad_request("matchLabels must be an object of strings");
      SKIFF_ASSIGN_OR_RETURN(auto r, new_requirement(key, Op::kEquals, {value.get<std::string>()}));
      sel.requirements_.push_back(std::move(r));
    }
  }
  if (auto it = selector.find("matchExpressions"); it != selector.end() && !it->is_null()) {
    if (!it->is_array()) return Error::bad_request("matchExpressions must be a list");
    for (const auto& expr : *it) {
      if (!expr.is_object()) return Error::bad_request("matchExpressions entries must be objects");
      std::string key = get_string(expr, "key");
      std::string op_name = get_string(expr, "operator");
      Op op;
      if (op_name == "In") op = Op::kIn;
      else if (op_name == "NotIn") op = Op::kNotIn;
      else if (op_name == "Exists") op = Op::kExists;
      else if (op_name == "DoesNotExist") op = Op::kDoesNotExist;
      else return Error::bad_request(go_quote(op_name) + " is not a valid label selector operator");
      std::vector<std::string> values;
      if (auto v = expr.find("values"); v != expr.end() && !string_list(*v, values)) {
        return Error::bad_request("matchExpressions values must be a list of strings");
      }
      SKIFF_ASSIGN_OR_RETURN(auto r, new_requirement(std::move(key), op, std::move(values)));
      sel.requirements_.push_back(std::move(r));
    }
  }
  sort_by_key(sel.requirements_);
  return sel;
}

bool LabelSelector::matches(const Json& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const LabelRequirement& r) { return requirement_matches(r, labels); });
}

std::string LabelSelector::to_string() const {
  std::vector<std::string> parts;
  for (const auto& r : requirements_) parts.push_back(requirement_string(r));
  return join(parts, ",");
}

Result<FieldSelector> FieldSelector::parse(std::string_view text) {
  auto terms = split_terms(text);
  std::sort(terms.begin(), terms.end());
  FieldSelector sel;
  for (std::string_view term : terms) {
    if (term.empty()) continue;
    size_t at = std::string_view::npos, op_len = 0;
    for (size_t i = 0; i < term.size() && at == std::string_view::npos; ++i) {
      for (std::string_view op : {"!=", "==", "="}) {
        if (term.substr(i, op.size()) == op) {
          at = i;
          op_len = op.size();
          break;
        }
      }
    }
    if (at == std::string_view::npos) {
      return Error::bad_request("invalid selector: '" + std::string(text) + "'; can't understand '" +
                                std::string(term) + "'");
    }
    SKIFF_ASSIGN_OR_RETURN(auto value, unescape_value(term.substr(at + op_len)));
    sel.requirements_.push_back({std::string(term.substr(0, at)), term[at] == '!', std::move(value)});
  }
  return sel;
}

bool FieldSelector::matches(const std::function<std::optional<std::string>(std::string_view)>& lookup) const {
  for (const auto& r : requirements_) {
    // Like fields.Set.Get, a field the object does not have reads as "".
    std::string actual = lookup(r.field).value_or("");
    if ((actual == r.value) == r.negate) return false;
  }
  return true;
}

std::string FieldSelector::to_string() const {
  std::vector<std::string> parts;
  for (const auto& r : requirements_) parts.push_back(r.field + (r.negate ? "!=" : "=") + escape_value(r.value));
  return join(parts, ",");
}

std::optional<std::string> validate_label_key(std::string_view key) {
  auto msgs = qualified_name_errors(key);
  if (msgs.empty()) return std::nullopt;
  return join(msgs, "; ");
}

std::optional<std::string> validate_label_value(std::string_view value) {
  auto msgs = label_value_errors(value);
  if (msgs.empty()) return std::nullopt;
  return join(msgs, "; ");
}

}  // namespace skiff::api

namespace skiff::api {

std::vector<StatusCause> validate_labels(const Json& labels, const std::string& field_path) {
  std::vector<StatusCause> causes;
  if (labels.is_null()) return causes;
  if (!labels.is_object()) {
    causes.push_back(field_invalid_rendered(field_path, dump_json(labels), "must be an object of strings"));
    return causes;
  }
  for (const auto& [key, value] : labels.items()) {
    for (auto& msg : qualified_name_errors(key)) causes.push_back(field_invalid(field_path, key, msg));
    if (!value.is_string()) {
      causes.push_back(field_invalid_rendered(field_path, dump_json(value), "label values must be strings"));
      continue;
    }
    const auto& v = value.get_ref<const std::string&>();
    for (auto& msg : label_value_errors(v)) causes.push_back(field_invalid(field_path, v, msg));
  }
  return causes;
}

std::vector<StatusCause> validate_label_selector(const Json& selector, const std::string& field_path) {
  std::vector<StatusCause> causes;
  if (selector.is_null()) return causes;
  if (!selector.is_object()) {
    causes.push_back(field_invalid_rendered(field_path, dump_json(selector), "must be a label selector object"));
    return causes;
  }
  if (auto it = selector.find("matchLabels"); it != selector.end()) {
    auto more = validate_labels(*it, field_path + ".matchLabels");
    causes.insert(causes.end(), more.begin(), more.end());
  }
  auto exprs = selector.find("matchExpressions");
  if (exprs == selector.end() || exprs->is_null()) return causes;
  if (!exprs->is_array()) {
    causes.push_back(field_invalid_rendered(field_path + ".matchExpressions", dump_json(*exprs), "must be a list"));
    return causes;
  }
  for (size_t i = 0; i < exprs->size(); ++i) {
    const Json& expr = (*exprs)[i];
    std::string path = field_path + ".matchExpressions[" + std::to_string(i) + "]";
    if (!expr.is_object()) {
      causes.push_back(field_invalid_rendered(path, dump_json(expr), "must be an object"));
      continue;
    }
    std::string op = get_string(expr, "operator");
    const Json* values = expr.contains("values") ? &expr["values"] : nullptr;
    size_t count = values && values->is_array() ? values->size() : 0;
    if (op == "In" || op == "NotIn") {
      if (count == 0) {
        causes.push_back(field_required(path + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (count > 0) {
        causes.push_back(
            field_forbidden(path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
    } else {
      causes.push_back(field_invalid(path + ".operator", op, "not a valid selector operator"));
    }
    std::string key = get_string(expr, "key");
    for (auto& msg : qualified_name_errors(key)) causes.push_back(field_invalid(path + ".key", key, msg));
    for (size_t j = 0; j < count; ++j) {
      const Json& v = (*values)[j];
      std::string vpath = path + ".values[" + std::to_string(j) + "]";
      if (!v.is_string()) {
        causes.push_back(field_invalid_rendered(vpath, dump_json(v), "must be a string"));
        continue;
      }
      for (auto& msg : label_value_errors(v.get_ref<const std::string&>())) {
        causes.push_back(field_invalid(vpath, v.get_ref<const std::string&>(), msg));
      }
    }
  }
  return causes;
}

}  // namespace skiff::api

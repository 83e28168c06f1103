// A TOML 1.1 reader with BurntSushi/toml v1.6.0's bookkeeping (parse.go): one global
// mapping that tables, dotted keys and inline tables are registered in, a set of
// implicitly created tables that may later be defined once, and the "last key" its
// errors report. The lexing is a direct recursive descent; error texts follow lex.go
// for the common mistakes.
#include <cmath>
#include <set>

#include "chart/funcs/go_time.h"
#include "chart/funcs/time_value.h"
#include "chart/funcs/toml.h"
#include "chart/template/function.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {
namespace {

using tmpl::Kind;
using tmpl::Value;
using tmpl::ValueList;
using Key = std::vector<std::string>;

struct ParseFailure {
  int line;
  std::string message;
  std::string last_key;
};

enum class TomlType { kOther, kArray, kHash, kArrayHash };

bool is_bare_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::string key_string(const Key& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i > 0) out += '.';
    const std::string& k = key[i];
    bool bare = !k.empty();
    for (char c : k) bare = bare && is_bare_char(c);
    if (k.empty()) {
      out += "\"\"";
    } else if (bare) {
      out += k;
    } else {
      std::string q = tmpl::go_quote(k);  // close to dblQuotedReplacer for printable text
      out += q;
    }
  }
  return out;
}

bool is_list_of_tables(const Value& v) { return v.kind() == Kind::kSlice && v.elem_kind() == Kind::kMap; }

// []map[string]interface{} has no Kind of its own; a named type carries Go's spelling.
Value table_array() {
  static const auto kType = [] {
    auto t = std::make_shared<tmpl::TypeInfo>();
    t->name = "[]map[string]interface {}";
    return std::shared_ptr<const tmpl::TypeInfo>(t);
  }();
  return Value::list({}, Kind::kMap).with_type(kType);
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) { mapping_ = Value::map(); }

  Value run() {
    while (true) {
      skip_ws();
      if (eof()) break;
      char c = peek();
      if (c == '\n' || (c == '\r' && peek(1) == '\n')) {
        newline();
        continue;
      }
      if (c == '#') {
        comment();
        continue;
      }
      if (c == '[') {
        table_header();
      } else {
        top_key_value();
      }
      end_of_line();
    }
    return mapping_;
  }

 private:
  // ---- errors ---------------------------------------------------------------------
  std::string current() const {
    if (current_key_.empty()) return key_string(context_);
    if (context_.empty()) return current_key_;
    return key_string(context_) + "." + current_key_;
  }
  [[noreturn]] void fail_at(int line, std::string msg) { throw ParseFailure{line, std::move(msg), current()}; }
  [[noreturn]] void fail(std::string msg) { fail_at(line_, std::move(msg)); }
  [[noreturn]] void fail_got(const std::string& what) {
    if (eof()) fail("unexpected EOF; " + what);
    int w = 1;
    int32_t r = tmpl::decode_rune(in_.substr(pos_), &w);
    fail("expected " + what + " but found " + tmpl::go_quote_rune(r) + " instead");
  }

  // ---- characters -----------------------------------------------------------------
  bool eof() const { return pos_ >= in_.size(); }
  char peek(size_t ahead = 0) const { return pos_ + ahead < in_.size() ? in_[pos_ + ahead] : '\0'; }
  void skip_ws() {
    while (!eof() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }
  void newline() {
    pos_ += peek() == '\r' ? 2 : 1;
    ++line_;
  }
  void comment() {
    while (!eof() && peek() != '\n' && !(peek() == '\r' && peek(1) == '\n')) {
      unsigned char c = static_cast<unsigned char>(peek());
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        char buf[64];
        snprintf(buf, sizeof buf, "TOML files cannot contain control characters: '0x%02x'", c);
        fail(buf);
      }
      ++pos_;
    }
  }
  // Blank space, newlines and comments inside arrays and inline tables.
  void skip_ws_comments_newlines() {
    while (true) {
      skip_ws();
      if (peek() == '\n' || (peek() == '\r' && peek(1) == '\n')) {
        newline();
      } else if (peek() == '#') {
        comment();
      } else {
        return;
      }
    }
  }
  void end_of_line() {
    skip_ws();
    if (peek() == '#') comment();
    if (eof()) return;
    if (peek() == '\n' || (peek() == '\r' && peek(1) == '\n')) {
      newline();
      return;
    }
    int w = 1;
    int32_t r = tmpl::decode_rune(in_.substr(pos_), &w);
    fail("expected a top-level item to end with a newline, comment, or EOF, but got " + tmpl::go_quote_rune(r) +
         " instead");
  }

  // ---- keys -----------------------------------------------------------------------
  std::string key_part() {
    char c = peek();
    if (c == '"') {
      if (peek(1) == '"' && peek(2) == '"') fail("multi-line strings are not allowed as keys");
      return basic_string();
    }
    if (c == '\'') return literal_string();
    size_t start = pos_;
    while (!eof() && is_bare_char(peek())) ++pos_;
    if (pos_ == start) {
      if (c == '=') fail("unexpected '=': key name appears blank");
      if (c == '.') fail("unexpected '.': keys cannot start with a '.'");
      if (eof()) fail("unexpected EOF; expected key name");
      fail_got("key name");
    }
    return std::string(in_.substr(start, pos_ - start));
  }
  Key dotted_key(char terminator) {
    Key key;
    while (true) {
      skip_ws();
      key.push_back(key_part());
      skip_ws();
      if (peek() == '.') {
        ++pos_;
        continue;
      }
      if (peek() == terminator) return key;
      if (eof()) {
        fail(terminator == '=' ? "unexpected EOF; expected key separator '='" : "unexpected EOF");
      }
      int w = 1;
      int32_t r = tmpl::decode_rune(in_.substr(pos_), &w);
      if (terminator == '=') fail("expected '.' or '=', but got " + tmpl::go_quote_rune(r) + " instead");
      fail("expected '.' or ']' to end table name, but got " + tmpl::go_quote_rune(r) + " instead");
    }
  }

  // ---- the bookkeeping of parse.go --------------------------------------------------
  void set_type(const std::string& key, TomlType t) {
    Key k = context_;
    if (!key.empty()) k.push_back(key);
    if (k.empty()) k.push_back("");
    types_[key_string(k)] = t;
  }
  bool is_array(const Key& k) const {
    auto it = types_.find(key_string(k));
    return it != types_.end() && it->second == TomlType::kArray;
  }
  bool is_implicit(const Key& k) const { return implicits_.count(key_string(k)) > 0; }

  // The table a key path leads to (the last element of an array of tables).
  static Value descend(const Value& v) {
    if (is_list_of_tables(v)) return v.list_items().back();
    return v;
  }

  void add_context(Key key, bool array) {  // by value: callers pass context_
    Value hash = mapping_;
    Key key_context;
    for (size_t i = 0; i + 1 < key.size(); ++i) {
      const std::string& k = key[i];
      key_context.push_back(k);
      auto& entries = hash.map_data()->entries;
      if (!entries.count(k)) {
        implicits_.insert(key_string(key_context));
        entries[k] = Value::map();
      }
      const Value& next = entries[k];
      if (is_list_of_tables(next)) {
        hash = next.list_items().back();
      } else if (next.kind() == Kind::kMap) {
        hash = next;
      } else {
        fail_at(key_line_, "Key '" + key_string(key_context) + "' was already created as a hash.");
      }
    }
    context_ = key_context;
    if (array) {
      auto& entries = hash.map_data()->entries;
      const std::string& k = key.back();
      if (!entries.count(k)) entries[k] = table_array();
      if (is_list_of_tables(entries[k])) {
        entries[k].list_data()->items.push_back(Value::map());
      } else {
        fail_at(key_line_, "Key '" + key_string(key) + "' was already created and cannot be used as an array.");
      }
    } else {
      set_value(key.back(), Value::map());
    }
    context_.push_back(key.back());
  }

  void set_value(const std::string& key, Value value) {
    Value hash = mapping_;
    Key key_context;
    for (const std::string& k : context_) {
      key_context.push_back(k);
      const Value& next = hash.map_entries().at(k);
      if (is_list_of_tables(next)) {
        hash = next.list_items().back();
      } else if (next.kind() == Kind::kMap) {
        hash = next;
      } else {
        fail_at(key_line_, "Key '" + key_string(key_context) + "' has already been defined.");
      }
    }
    key_context.push_back(key);
    auto& entries = hash.map_data()->entries;
    if (entries.count(key)) {
      if (is_array(key_context)) {
        if (!is_implicit(key_context)) fail_at(key_line_, "Key '" + key_string(key_context) + "' has already been defined.");
        implicits_.erase(key_string(key_context));
        entries[key] = std::move(value);
        return;
      }
      if (is_implicit(key_context)) {
        implicits_.erase(key_string(key_context));
        return;
      }
      fail_at(key_line_, "Key '" + key_string(key_context) + "' has already been defined.");
    }
    entries[key] = std::move(value);
  }

  void add_implicit_context(const Key& key) {
    implicits_.insert(key_string(key));
    add_context(key, false);
  }

  // ---- statements -----------------------------------------------------------------
  void table_header() {
    bool array = peek(1) == '[';
    pos_ += array ? 2 : 1;
    skip_ws();
    if (peek() == ']') fail("unexpected end of table name (table names cannot be empty)");
    if (peek() == '.') fail("unexpected table separator (table names cannot be empty)");
    key_line_ = line_;
    Key key = dotted_key(']');
    ++pos_;
    if (array) {
      if (peek() != ']') {
        int w = 1;
        fail("expected end of table array name delimiter ']', but got " +
             (eof() ? std::string("EOF") : tmpl::go_quote_rune(tmpl::decode_rune(in_.substr(pos_), &w))) + " instead");
      }
      ++pos_;
    }
    add_context(key, array);
    set_type("", array ? TomlType::kArrayHash : TomlType::kHash);
  }

  void top_key_value() {
    Key outer = context_;
    key_line_ = line_;
    Key key = dotted_key('=');
    ++pos_;
    key_value(key);
    context_ = outer;
    current_key_.clear();
  }

  // A key = value inside the current context; the caller restores the context.
  Value key_value(const Key& key) {
    current_key_ = key.back();
    for (size_t i = 0; i + 1 < key.size(); ++i) {
      Key k = context_;
      k.push_back(key[i]);
      add_implicit_context(k);
    }
    skip_ws();
    auto [val, type] = value(false);
    set_value(current_key_, val);
    set_type(current_key_, type);
    return val;
  }

  // ---- values ---------------------------------------------------------------------
  std::pair<Value, TomlType> value(bool parent_is_array) {
    if (eof()) fail("unexpected EOF; expected value");
    char c = peek();
    if (c == '\n' || c == '\r') {
      int w = 1;
      fail_at(line_, "expected value but found " + tmpl::go_quote_rune(tmpl::decode_rune(in_.substr(pos_), &w)) +
                         " instead");
    }
    if (c == '"') {
      if (peek(1) == '"' && peek(2) == '"') return {Value::string(multiline_basic_string()), TomlType::kOther};
      return {Value::string(basic_string()), TomlType::kOther};
    }
    if (c == '\'') {
      if (peek(1) == '\'' && peek(2) == '\'') return {Value::string(multiline_literal_string()), TomlType::kOther};
      return {Value::string(literal_string()), TomlType::kOther};
    }
    if (c == '[') return array();
    if (c == '{') return inline_table(parent_is_array);
    if (in_.substr(pos_, 4) == "true" && !is_bare_char(peek(4))) {
      pos_ += 4;
      return {Value::boolean(true), TomlType::kOther};
    }
    if (in_.substr(pos_, 5) == "false" && !is_bare_char(peek(5))) {
      pos_ += 5;
      return {Value::boolean(false), TomlType::kOther};
    }
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'i' || c == 'n' || c == '.') return number_or_date();
    fail_got("value");
  }

  std::pair<Value, TomlType> array() {
    set_type(current_key_, TomlType::kArray);
    ++pos_;
    ValueList items;
    while (true) {
      skip_ws_comments_newlines();
      if (peek() == ']') {
        ++pos_;
        break;
      }
      if (peek() == ',') fail("unexpected comma");
      items.push_back(value(true).first);
      skip_ws_comments_newlines();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') continue;
      int w = 1;
      fail("expected a comma (',') or array terminator (']'), but got " +
           (eof() ? std::string("EOF") : tmpl::go_quote_rune(tmpl::decode_rune(in_.substr(pos_), &w))));
    }
    return {Value::list(std::move(items)), TomlType::kArray};
  }

  std::pair<Value, TomlType> inline_table(bool parent_is_array) {
    ++pos_;
    Value top = Value::map();
    Key outer_context = context_;
    std::string outer_key = current_key_;
    context_.push_back(current_key_);
    Key prev_context = context_;
    current_key_.clear();
    implicits_.insert(key_string(context_));
    add_context(context_, parent_is_array);
    while (true) {
      skip_ws_comments_newlines();
      if (peek() == '}') {
        ++pos_;
        break;
      }
      if (peek() == ',') fail("unexpected comma");
      key_line_ = line_;
      Key key = dotted_key('=');
      ++pos_;
      Value val = key_value(key);
      Value hash = top;
      for (size_t i = 0; i + 1 < key.size(); ++i) {
        auto& entries = hash.map_data()->entries;
        if (!entries.count(key[i])) entries[key[i]] = Value::map();
        hash = entries[key[i]];
        if (hash.kind() != Kind::kMap) fail(tmpl::go_quote(key_string(context_)) + " is not a table");
      }
      hash.map_data()->entries[current_key_] = val;
      context_ = prev_context;
      skip_ws_comments_newlines();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') continue;
      int w = 1;
      fail("expected a comma or an inline table terminator '}', but got " +
           (eof() ? std::string("EOF") : tmpl::go_quote_rune(tmpl::decode_rune(in_.substr(pos_), &w))) + " instead");
    }
    context_ = outer_context;
    current_key_ = outer_key;
    return {top, TomlType::kHash};
  }

  // ---- strings --------------------------------------------------------------------
  void append_rune(std::string& out, uint32_t r) {
    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) {
      char buf[32];
      snprintf(buf, sizeof buf, "%X", r);
      fail("Escaped character '\\u" + std::string(buf) + "' is not valid UTF-8.");
    }
    tmpl::append_rune(out, static_cast<int32_t>(r));
  }
  void escape(std::string& out) {
    ++pos_;  // the backslash
    char c = peek();
    ++pos_;
    auto hex = [&](int n, const char* what) {
      uint32_t r = 0;
      for (int i = 0; i < n; ++i) {
        char h = peek();
        int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
        if (d < 0) {
          fail(std::string("expected ") + what + " hexadecimal digits after '\\" + c + "', but got " +
               tmpl::go_quote(std::string(in_.substr(pos_ - 2 - i, i + 2))) + " instead");
        }
        r = r * 16 + static_cast<uint32_t>(d);
        ++pos_;
      }
      append_rune(out, r);
    };
    switch (c) {
      case 'b': out += '\b'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'f': out += '\f'; break;
      case 'r': out += '\r'; break;
      case 'e': out += '\x1b'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'x': hex(2, "two"); break;
      case 'u': hex(4, "four"); break;
      case 'U': hex(8, "eight"); break;
      default: fail(std::string("invalid escape in string '\\") + c + "'");
    }
  }
  std::string basic_string() {
    ++pos_;
    std::string out;
    while (true) {
      if (eof()) fail("unexpected EOF; expected '\"'");
      char c = peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\n' || c == '\r') fail("strings cannot contain newlines");
      if (c == '\\') {
        escape(out);
        continue;
      }
      out += c;
      ++pos_;
    }
  }
  std::string literal_string() {
    ++pos_;
    std::string out;
    while (true) {
      if (eof()) fail("unexpected EOF; expected \"'\"");
      char c = peek();
      if (c == '\'') {
        ++pos_;
        return out;
      }
      if (c == '\n' || c == '\r') fail("strings cannot contain newlines");
      out += c;
      ++pos_;
    }
  }
  void skip_first_newline() {
    if (peek() == '\n') {
      ++pos_;
      ++line_;
    } else if (peek() == '\r' && peek(1) == '\n') {
      pos_ += 2;
      ++line_;
    }
  }
  std::string multiline_basic_string() {
    pos_ += 3;
    skip_first_newline();
    std::string out;
    while (true) {
      if (eof()) fail("unexpected EOF; expected '\"\"\"'");
      if (in_.substr(pos_, 3) == "\"\"\"") {
        // Up to two quotes may end the content.
        size_t q = 3;
        while (peek(q) == '"' && q < 5) ++q;
        out.append(q - 3, '"');
        pos_ += q;
        return out;
      }
      char c = peek();
      if (c == '\\') {
        // A line-ending backslash trims the newline and following blank space.
        size_t j = pos_ + 1;
        while (j < in_.size() && (in_[j] == ' ' || in_[j] == '\t')) ++j;
        if (j < in_.size() && (in_[j] == '\n' || in_[j] == '\r')) {
          pos_ = j;
          while (!eof() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
            if (peek() == '\n') ++line_;
            ++pos_;
          }
          continue;
        }
        escape(out);
        continue;
      }
      if (c == '\n') ++line_;
      out += c;
      ++pos_;
    }
  }
  std::string multiline_literal_string() {
    pos_ += 3;
    skip_first_newline();
    std::string out;
    while (true) {
      if (eof()) fail("unexpected EOF; expected \"'''\"");
      if (in_.substr(pos_, 3) == "'''") {
        size_t q = 3;
        while (peek(q) == '\'' && q < 5) ++q;
        out.append(q - 3, '\'');
        pos_ += q;
        return out;
      }
      if (peek() == '\n') ++line_;
      out += peek();
      ++pos_;
    }
  }

  // ---- numbers and datetimes ------------------------------------------------------
  static bool num_underscores_ok(std::string_view s) {
    if (s == "nan" || s == "+nan" || s == "-nan" || s == "inf" || s == "-inf" || s == "+inf") return true;
    bool accept = false;
    for (char r : s) {
      if (r == '_' && !accept) return false;
      accept = std::isxdigit(static_cast<unsigned char>(r)) != 0;
    }
    return accept;
  }
  static bool num_has_leading_zero(std::string_view s) {
    if (s.size() > 1 && s[0] == '0' && !(s[1] == 'b' || s[1] == 'o' || s[1] == 'x')) return true;
    return s.size() > 2 && (s[0] == '-' || s[0] == '+') && s[1] == '0';
  }

  std::pair<Value, TomlType> number_or_date() {
    size_t start = pos_;
    int line = line_;
    while (!eof()) {
      char c = peek();
      if (is_bare_char(c) || c == '+' || c == '.' || c == ':') {
        ++pos_;
      } else if (c == ' ' && pos_ - start == 10 && in_[start + 4] == '-' && std::isdigit(static_cast<unsigned char>(peek(1)))) {
        ++pos_;  // "1979-05-27 07:32:00"
      } else {
        break;
      }
    }
    std::string tok(in_.substr(start, pos_ - start));
    bool date = (tok.size() >= 5 && tok[4] == '-' && std::isdigit(static_cast<unsigned char>(tok[0]))) ||
                (tok.size() >= 3 && tok[2] == ':');
    if (date) return {datetime(tok, line), TomlType::kOther};
    std::string body = tok;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) body = body.substr(1);
    bool prefixed = body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o' || body[1] == 'b');
    if (prefixed && (tok[0] == '+' || tok[0] == '-')) {
      fail_at(line, "cannot use sign with non-decimal numbers: '" + tok.substr(0, 3) + "'");
    }
    bool is_float = !prefixed && (tok.find_first_of(".eE") != std::string::npos || body == "inf" || body == "nan");
    if (!is_float) {
      if (!num_underscores_ok(tok)) fail_at(line, "Invalid integer " + tmpl::go_quote(tok) + ": underscores must be surrounded by digits");
      if (num_has_leading_zero(tok)) fail_at(line, "Invalid integer " + tmpl::go_quote(tok) + ": cannot have leading zeroes");
      std::string digits;
      for (char c : tok) if (c != '_') digits += c;
      bool neg = false;
      size_t i = 0;
      if (digits[0] == '+' || digits[0] == '-') {
        neg = digits[0] == '-';
        i = 1;
      }
      int base = 10;
      if (prefixed) {
        base = digits[i + 1] == 'x' ? 16 : digits[i + 1] == 'o' ? 8 : 2;
        i += 2;
      }
      if (i >= digits.size()) fail_at(line, "expected value but found " + tmpl::go_quote(tok) + " instead");
      unsigned __int128 n = 0;
      for (; i < digits.size(); ++i) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[i])));
        int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
        if (d >= base) {
          const char* what = base == 16 ? "hexadecimal" : base == 8 ? "octal" : base == 2 ? "binary" : nullptr;
          if (what) fail_at(line, std::string("not a ") + what + " number: '" + tok + "'");
          fail_at(line, "expected value but found " + tmpl::go_quote(tok) + " instead");
        }
        n = n * static_cast<unsigned>(base) + static_cast<unsigned>(d);
        if (n > (static_cast<unsigned __int128>(1) << 64)) break;
      }
      unsigned __int128 limit = neg ? (static_cast<unsigned __int128>(1) << 63) : ((static_cast<unsigned __int128>(1) << 63) - 1);
      if (n > limit) fail_at(line, tok + " is out of range for int64");
      int64_t v = neg ? static_cast<int64_t>(-static_cast<__int128>(n)) : static_cast<int64_t>(n);
      return {Value::integer(v, Kind::kInt64), TomlType::kOther};
    }
    // Floats.
    std::vector<std::string> parts;
    std::string part;
    for (char c : tok) {
      if (c == '.' || c == 'e' || c == 'E') {
        if (!part.empty()) parts.push_back(part);
        part.clear();
      } else {
        part += c;
      }
    }
    if (!part.empty()) parts.push_back(part);
    for (const auto& p : parts) {
      if (!num_underscores_ok(p)) fail_at(line, "Invalid float " + tmpl::go_quote(tok) + ": underscores must be surrounded by digits");
    }
    if (!parts.empty() && num_has_leading_zero(parts[0])) {
      fail_at(line, "Invalid float " + tmpl::go_quote(tok) + ": cannot have leading zeroes");
    }
    if (tok[0] == '.') fail_at(line, "floats must start with a digit, not '.'");
    bool period = false;
    for (char c : tok) {
      if (period && !std::isdigit(static_cast<unsigned char>(c))) {
        fail_at(line, "Invalid float " + tmpl::go_quote(tok) + ": '.' must be followed by one or more digits");
      }
      period = c == '.';
    }
    if (period) fail_at(line, "Invalid float " + tmpl::go_quote(tok) + ": '.' must be followed by one or more digits");
    std::string val;
    for (char c : tok) if (c != '_') val += c;
    if (body == "nan") return {Value::float64(tok[0] == '-' ? -std::nan("") : std::nan("")), TomlType::kOther};
    if (body == "inf") return {Value::float64(tok[0] == '-' ? -INFINITY : INFINITY), TomlType::kOther};
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(val.c_str(), &end);
    if (end != val.c_str() + val.size()) fail_at(line, "Invalid float value: " + tmpl::go_quote(tok));
    if (errno == ERANGE && std::isinf(d)) fail_at(line, tok + " is out of range for float64");
    return {Value::float64(d), TomlType::kOther};
  }

  Value datetime(std::string tok, int line) {
    for (char& c : tok) {
      if (c == 'z') c = 'Z';
      if (c == 't' || c == ' ') c = 'T';
    }
    struct Layout {
      const char* layout;
      const char* zone;  // nullptr: Local
    };
    static const Layout layouts[] = {
        {"2006-01-02T15:04:05.999999999Z07:00", nullptr}, {"2006-01-02T15:04:05.999999999", "datetime-local"},
        {"2006-01-02", "date-local"},                     {"15:04:05.999999999", "time-local"},
        {"2006-01-02T15:04Z07:00", nullptr},              {"2006-01-02T15:04", "datetime-local"},
        {"15:04", "time-local"},
    };
    for (const Layout& l : layouts) {
      auto t = parse_time_in_location(l.layout, tok, l.zone ? "UTC" : "Local");
      if (!t.ok()) continue;
      std::string_view layout = l.layout;
      for (size_t i = 0; i < layout.size() && i < tok.size(); ++i) {
        char c = layout[i];
        if (c == '.' || c == 'Z') break;
        if ((c < '0' || c > '9') && tok[i] != c) fail_at(line, "invalid datetime: " + tmpl::go_quote(tok));
      }
      GoTime g = *t;
      if (l.zone) {
        int32_t offset = zone_at(time_in(time_now(), "Local")).offset;
        g.unix_sec -= offset;
        g.loc = "";
        g.fixed_offset = offset;
        g.fixed_abbr = l.zone;
      }
      return time_value(g);
    }
    fail_at(line, "invalid datetime: " + tmpl::go_quote(tok));
  }

  std::string_view in_;
  size_t pos_ = 0;
  int line_ = 1;
  int key_line_ = 1;
  Value mapping_;
  Key context_;
  std::string current_key_;
  std::set<std::string> implicits_;
  std::map<std::string, TomlType> types_;
};

}  // namespace

Result<tmpl::Value> toml_decode(std::string_view text) {
  if (text.substr(0, 2) == "\xff\xfe" || text.substr(0, 2) == "\xfe\xff") {
    text.remove_prefix(2);
  } else if (text.substr(0, 3) == "\xef\xbb\xbf") {
    text.remove_prefix(3);
  }
  if (text.substr(0, 6).find('\0') != std::string_view::npos) {
    return Error::invalid("toml: line 1: files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8");
  }
  try {
    return Parser(text).run();
  } catch (const ParseFailure& f) {
    std::string prefix = "toml: line " + std::to_string(f.line);
    if (!f.last_key.empty()) prefix += " (last key " + tmpl::go_quote(f.last_key) + ")";
    return Error::invalid(prefix + ": " + f.message);
  }
}

}  // namespace skiff::chart::funcs

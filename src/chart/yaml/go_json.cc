#include "chart/yaml/go_json.h"

#include <cmath>

#include "chart/template/function.h"
#include "chart/template/go_strconv.h"
#include "util/encoding.h"

namespace skiff::chart::yaml {

using tmpl::Kind;
using tmpl::Value;

std::string go_json_coerce_utf8(std::string_view s) {
  if (tmpl::valid_utf8(s)) return std::string(s);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    int w = 1;
    int32_t r = tmpl::decode_rune(s.substr(i), &w);
    if (r == tmpl::kRuneError && w == 1) {
      tmpl::append_rune(out, tmpl::kRuneError);
    } else {
      out.append(s.substr(i, w));
    }
    i += w;
  }
  return out;
}

std::string go_json_float(double v, int bits) {
  double a = std::fabs(v);
  char fmt = 'f';
  if (a != 0) {
    if (bits == 64 && (a < 1e-6 || a >= 1e21)) fmt = 'e';
    if (bits == 32 && (static_cast<float>(a) < 1e-6f || static_cast<float>(a) >= 1e21f)) fmt = 'e';
  }
  std::string s = tmpl::go_format_float(v, fmt, -1, bits);
  if (fmt == 'e') {
    size_t n = s.size();
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
      s[n - 2] = s[n - 1];
      s.pop_back();
    }
  }
  return s;
}

void go_json_append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\b': out += "\\b"; continue;
        case '\f': out += "\\f"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        default: break;
      }
      if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      } else {
        out += static_cast<char>(c);
      }
      continue;
    }
    int w = 1;
    int32_t r = tmpl::decode_rune(s.substr(i), &w);
    if (r == tmpl::kRuneError && w == 1) {
      out += "\\ufffd";
    } else if (r == 0x2028 || r == 0x2029) {
      out += r == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, w));
    }
    i += w;
  }
  out += '"';
}

namespace {

// Types with a MarshalJSON/MarshalText that yields their string form.
bool is_textual_struct(const Value& v) {
  const auto& t = v.type_info();
  return t && t->is_struct && t->stringer;
}

Status marshal(const Value& v, std::string& out) {
  Kind k = v.kind();
  if (is_textual_struct(v)) {
    go_json_append_string(out, v.type_info()->stringer(v));
    return ok_status();
  }
  if (k == Kind::kInvalid) {
    out += "null";
  } else if (k == Kind::kBool) {
    out += v.as_bool() ? "true" : "false";
  } else if (tmpl::is_signed_int_kind(k)) {
    out += std::to_string(v.as_int());
  } else if (tmpl::is_unsigned_int_kind(k)) {
    out += std::to_string(v.as_uint());
  } else if (tmpl::is_float_kind(k)) {
    double f = v.as_float();
    int bits = k == Kind::kFloat32 ? 32 : 64;
    if (std::isnan(f) || std::isinf(f)) {
      return Error::invalid("json: unsupported value: " + tmpl::go_format_float(f, 'g', -1, bits));
    }
    out += go_json_float(f, bits);
  } else if (k == Kind::kString) {
    go_json_append_string(out, v.as_string());
  } else if (k == Kind::kMap) {
    if (v.is_nil_container()) {
      out += "null";
      return ok_status();
    }
    out += '{';
    bool first = true;
    for (const auto& [key, item] : v.map_entries()) {  // byte-wise sorted, as Go sorts
      if (!first) out += ',';
      first = false;
      go_json_append_string(out, key);
      out += ':';
      SKIFF_TRY(marshal(item, out));
    }
    out += '}';
  } else if (k == Kind::kSlice) {
    if (v.is_nil_container()) {
      out += "null";
      return ok_status();
    }
    if (v.elem_kind() == Kind::kUint8) {  // []byte marshals as base64
      std::string bytes;
      for (const auto& b : v.list_items()) bytes += static_cast<char>(b.as_uint());
      go_json_append_string(out, base64_encode(bytes));
      return ok_status();
    }
    out += '[';
    bool first = true;
    for (const auto& item : v.list_items()) {
      if (!first) out += ',';
      first = false;
      SKIFF_TRY(marshal(item, out));
    }
    out += ']';
  } else {
    return Error::invalid("json: unsupported type: " + v.type_name());
  }
  return ok_status();
}

// ---- decoding ----

std::string quote_char(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string rune;
  tmpl::append_rune(rune, c);
  std::string q = tmpl::go_quote(rune);
  return "'" + q.substr(1, q.size() - 2) + "'";
}

std::string go_json_range_error(const std::string& number) {
  return "json: cannot unmarshal number " + number + " into Go value of type float64";
}

class JsonDecoder {
 public:
  explicit JsonDecoder(std::string_view text) : s_(text) {}

  // The value, with any number out of float64's range left in range_error().
  Result<Value> decode_syntax() {
    skip_space();
    auto v = value();
    if (!v.ok()) return v;
    skip_space();
    if (pos_ < s_.size()) return syntax(s_[pos_], "after top-level value");
    return v;
  }
  const std::string& range_error() const { return range_error_; }

 private:
  Error syntax(char c, std::string_view context) {
    return Error::invalid("invalid character " + quote_char(static_cast<unsigned char>(c)) + " " +
                          std::string(context));
  }
  static Error eof() { return Error::invalid("unexpected end of JSON input"); }
  // At the end of input Go's scanner steps a space through the current state.
  char at_or_space() const { return pos_ < s_.size() ? s_[pos_] : ' '; }

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
      ++pos_;
    }
  }

  Result<Value> value() {
    if (pos_ >= s_.size()) return eof();
    char c = s_[pos_];
    switch (c) {
      case '{': return object();
      case '[': return array();
      case '"': {
        SKIFF_ASSIGN_OR_RETURN(std::string str, string());
        return Value::string(std::move(str));
      }
      case 't': return literal("true", Value::boolean(true));
      case 'f': return literal("false", Value::boolean(false));
      case 'n': return literal("null", Value());
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        return syntax(c, "looking for beginning of value");
    }
  }

  Result<Value> literal(std::string_view word, Value v) {
    for (size_t i = 0; i < word.size(); ++i, ++pos_) {
      if (pos_ >= s_.size() || s_[pos_] != word[i]) {
        return syntax(at_or_space(), "in literal " + std::string(word) + " (expecting " +
                                    quote_char(static_cast<unsigned char>(word[i])) + ")");
      }
    }
    return v;
  }

  Result<Value> number() {
    size_t start = pos_;
    auto digit = [&]() { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; };
    if (s_[pos_] == '-') {
      ++pos_;
      if (!digit()) return syntax(at_or_space(), "in numeric literal");
    }
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (digit()) ++pos_;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digit()) return syntax(at_or_space(), "after decimal point in numeric literal");
      while (digit()) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digit()) return syntax(at_or_space(), "in exponent of numeric literal");
      while (digit()) ++pos_;
    }
    std::string_view text = s_.substr(start, pos_ - start);
    auto f = tmpl::go_parse_float(text);
    if (!f) {
      // Go validates the whole document first, then reports the first number out of range.
      if (range_error_.empty()) range_error_ = std::string(text);
      return Value::float64(0);
    }
    return Value::float64(*f);
  }

  Result<std::string> string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) return eof();
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return syntax(static_cast<char>(c), "in string literal");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) return syntax(' ', "in string escape code");
        char e = s_[pos_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            SKIFF_ASSIGN_OR_RETURN(int32_t r, hex4());
            if (r >= 0xD800 && r < 0xDC00 && pos_ + 1 < s_.size() && s_[pos_] == '\\' &&
                s_[pos_ + 1] == 'u') {
              size_t save = pos_;
              pos_ += 2;
              SKIFF_ASSIGN_OR_RETURN(int32_t r2, hex4());
              if (r2 >= 0xDC00 && r2 < 0xE000) {
                tmpl::append_rune(out, 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00));
                break;
              }
              pos_ = save;
              tmpl::append_rune(out, tmpl::kRuneError);
              break;
            }
            if (r >= 0xD800 && r < 0xE000) r = tmpl::kRuneError;
            tmpl::append_rune(out, r);
            break;
          }
          default:
            return syntax(e, "in string escape code");
        }
        continue;
      }
      if (c < 0x80) {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      int w = 1;
      int32_t r = tmpl::decode_rune(s_.substr(pos_), &w);
      if (r == tmpl::kRuneError && w == 1) {
        tmpl::append_rune(out, tmpl::kRuneError);
      } else {
        out.append(s_.substr(pos_, w));
      }
      pos_ += w;
    }
  }

  Result<int32_t> hex4() {
    int32_t r = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      char c = at_or_space();
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return syntax(c, "in \\u hexadecimal character escape");
      }
      r = r * 16 + d;
    }
    return r;
  }

  Result<Value> object() {
    ++pos_;
    tmpl::ValueMap entries;
    skip_space();
    if (pos_ >= s_.size()) return eof();
    if (s_[pos_] == '}') {
      ++pos_;
      return Value::map(std::move(entries));
    }
    while (true) {
      skip_space();
      if (pos_ >= s_.size()) return eof();
      if (s_[pos_] != '"') return syntax(s_[pos_], "looking for beginning of object key string");
      SKIFF_ASSIGN_OR_RETURN(std::string key, string());
      skip_space();
      if (pos_ >= s_.size()) return eof();
      if (s_[pos_] != ':') return syntax(s_[pos_], "after object key");
      ++pos_;
      skip_space();
      SKIFF_ASSIGN_OR_RETURN(Value item, value());
      entries.insert_or_assign(std::move(key), std::move(item));
      skip_space();
      if (pos_ >= s_.size()) return eof();
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        return Value::map(std::move(entries));
      }
      return syntax(s_[pos_], "after object key:value pair");
    }
  }

  Result<Value> array() {
    ++pos_;
    tmpl::ValueList items;
    skip_space();
    if (pos_ >= s_.size()) return eof();
    if (s_[pos_] == ']') {
      ++pos_;
      return Value::list(std::move(items));
    }
    while (true) {
      skip_space();
      SKIFF_ASSIGN_OR_RETURN(Value item, value());
      items.push_back(std::move(item));
      skip_space();
      if (pos_ >= s_.size()) return eof();
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return Value::list(std::move(items));
      }
      return syntax(s_[pos_], "after array element");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string range_error_;
};

}  // namespace

Result<std::string> go_json_marshal(const Value& v) {
  std::string out;
  SKIFF_TRY(marshal(v, out));
  return out;
}

Result<Value> go_json_unmarshal(std::string_view text) {
  JsonDecoder decoder(text);
  SKIFF_ASSIGN_OR_RETURN(Value v, decoder.decode_syntax());
  if (!decoder.range_error().empty()) return Error::invalid(go_json_range_error(decoder.range_error()));
  return v;
}

Result<Value> go_json_unmarshal_into(std::string_view text, bool want_map) {
  JsonDecoder decoder(text);
  SKIFF_ASSIGN_OR_RETURN(Value v, decoder.decode_syntax());
  if (!v.is_valid()) return want_map ? Value::nil_map() : Value::nil_list();  // null leaves a nil target
  bool matches = want_map ? v.kind() == Kind::kMap : v.kind() == Kind::kSlice;
  if (!matches) {
    return Error::invalid("json: cannot unmarshal " + std::string(go_json_kind_name(v)) + " into Go value of type " +
                          (want_map ? "map[string]interface {}" : "[]interface {}"));
  }
  if (!decoder.range_error().empty()) return Error::invalid(go_json_range_error(decoder.range_error()));
  return v;
}

std::string_view go_json_kind_name(const Value& v) {
  switch (v.kind()) {
    case Kind::kInvalid: return "null";
    case Kind::kBool: return "bool";
    case Kind::kString: return "string";
    case Kind::kMap: return "object";
    case Kind::kSlice: return "array";
    default: return "number";
  }
}

}  // namespace skiff::chart::yaml

#include "chart/values/strvals.h"

#include <strings.h>

#include <cerrno>
#include <cstdlib>
#include <optional>

namespace skiff::chart {

namespace {

constexpr int kMaxIndex = 65536;
constexpr int kMaxNestedNameLevel = 30;

// Parse outcomes that are not errors in the usual sense (Go's io.EOF, ErrNotList).
struct Eof {};

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool at_end() const { return pos_ >= s_.size(); }
  bool read(char& c) {
    if (at_end()) return false;
    c = s_[pos_++];
    return true;
  }
  void unread() { --pos_; }
  std::string_view rest() const { return s_.substr(pos_); }
  void skip(size_t n) { pos_ += n; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// runesUntil: reads up to a stop character, handling backslash escapes. `eof` is set
// when input ran out.
std::string runes_until(Scanner& sc, std::string_view stop, char& last, bool& eof, bool escapes = true) {
  std::string v;
  eof = false;
  last = 0;
  char c;
  while (true) {
    if (!sc.read(c)) {
      eof = true;
      return v;
    }
    if (stop.find(c) != std::string_view::npos) {
      last = c;
      return v;
    }
    if (c == '\\' && escapes) {
      char next;
      if (!sc.read(next)) {
        eof = true;
        return v;
      }
      v += next;
      continue;
    }
    v += c;
  }
}

void numbers_to_float(Json& j) {
  if (j.is_number_integer() || j.is_number_unsigned()) {
    j = Json(j.get<double>());
  } else if (j.is_object() || j.is_array()) {
    for (auto& item : j) numbers_to_float(item);
  }
}

Json typed_val(const std::string& val, bool as_string) {
  if (as_string) return val;
  auto iequals = [&](const char* w) { return strcasecmp(val.c_str(), w) == 0; };
  if (iequals("true")) return true;
  if (iequals("false")) return false;
  if (iequals("null")) return nullptr;
  if (val == "0") return int64_t{0};
  if (!val.empty() && val[0] != '0') {
    // strconv.ParseInt(val, 10, 64): optional sign, decimal digits, no overflow.
    size_t i = (val[0] == '+' || val[0] == '-') ? 1 : 0;
    bool digits = i < val.size();
    for (size_t k = i; k < val.size(); ++k) if (val[k] < '0' || val[k] > '9') digits = false;
    if (digits) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(val.c_str(), &end, 10);
      if (errno == 0 && end == val.c_str() + val.size()) return int64_t{v};
    }
  }
  return val;
}

class Parser {
 public:
  Parser(std::string_view text, Json& data, StrvalsMode mode,
         const std::function<Result<std::string>(const std::string&)>& read_file)
      : sc_(text), data_(data), mode_(mode), read_file_(read_file) {}

  Status parse() {
    while (true) {
      bool eof = false;
      Status st = key(data_, 0, eof);
      if (eof) return ok_status();
      if (!st.ok()) return st;
    }
  }

 private:
  Result<Json> reader(const std::string& rs) {
    if (mode_ == StrvalsMode::kFile) {
      SKIFF_ASSIGN_OR_RETURN(std::string content, read_file_(rs));
      return Json(content);
    }
    return typed_val(rs, mode_ == StrvalsMode::kString);
  }

  static Error fail(std::string msg) { return Error::invalid(std::move(msg)); }

  // emptyVal: true at end of input or a comma (consumed); skips spaces.
  bool empty_val() {
    char c;
    while (sc_.read(c)) {
      if (c == ',') return true;
      if (!isspace(static_cast<unsigned char>(c))) {
        sc_.unread();
        return false;
      }
    }
    return true;
  }

  Result<Json> json_value() {
    // Decode one JSON value from the rest of the input, as Go's json.Decoder: the value's extent
    // is found first (a bracketed or quoted value to its closing character, a number or literal
    // to the first character that cannot continue it), then parsed.
    std::string_view rest = sc_.rest();
    size_t consumed = json_value_extent(rest);
    if (consumed == std::string_view::npos) return fail("unexpected end of JSON input");
    Json value;
    try {
      value = Json::parse(rest.substr(0, consumed));
    } catch (const std::exception& e) {
      return fail(e.what());
    }
    sc_.skip(consumed);
    numbers_to_float(value);  // encoding/json decodes numbers as float64
    return value;
  }

  static size_t json_value_extent(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i == s.size()) return std::string_view::npos;
    auto skip_string = [&](size_t at) {  // at: the opening quote; returns the index after the closing one
      for (size_t k = at + 1; k < s.size(); ++k) {
        if (s[k] == '\\') {
          ++k;
        } else if (s[k] == '"') {
          return k + 1;
        }
      }
      return std::string_view::npos;
    };
    if (s[i] == '"') return skip_string(i);
    if (s[i] == '{' || s[i] == '[') {
      int depth = 0;
      for (size_t k = i; k < s.size(); ++k) {
        if (s[k] == '"') {
          k = skip_string(k);
          if (k == std::string_view::npos) return k;
          --k;
        } else if (s[k] == '{' || s[k] == '[') {
          ++depth;
        } else if ((s[k] == '}' || s[k] == ']') && --depth == 0) {
          return k + 1;
        }
      }
      return std::string_view::npos;
    }
    size_t k = i;
    while (k < s.size() && (isalnum(static_cast<unsigned char>(s[k])) || s[k] == '+' || s[k] == '-' || s[k] == '.')) ++k;
    return k == i ? i + 1 : k;  // a stray character: parsing it fails with the parser's message
  }

  // valList: "{a,b}" lists. Returns nullopt (ErrNotList) when the value is not a list.
  Result<std::optional<Json>> val_list(bool& eof) {
    eof = false;
    char c;
    if (!sc_.read(c)) {
      eof = true;
      return std::optional<Json>(Json::array());
    }
    if (c != '{') {
      sc_.unread();
      return std::optional<Json>();
    }
    Json list = Json::array();
    while (true) {
      char last;
      bool end;
      std::string rs = runes_until(sc_, ",}", last, end);
      if (end) return fail("list must terminate with '}'");
      if (last == '}') {
        char next;
        if (sc_.read(next) && next != ',') sc_.unread();
        SKIFF_ASSIGN_OR_RETURN(Json v, reader(rs));
        list.push_back(v);
        return std::optional<Json>(list);
      }
      SKIFF_ASSIGN_OR_RETURN(Json v, reader(rs));
      list.push_back(v);
    }
  }

  static Status set_index(Json& list, int index, Json val) {
    if (index < 0) return fail("negative " + std::to_string(index) + " index not allowed");
    if (index > kMaxIndex) {
      return fail("index of " + std::to_string(index) + " is greater than maximum supported index of " +
                  std::to_string(kMaxIndex));
    }
    if (!list.is_array()) list = Json::array();
    while (static_cast<int>(list.size()) <= index) list.push_back(nullptr);
    list[index] = std::move(val);
    return ok_status();
  }

  Result<int> key_index() {
    char last;
    bool eof;
    std::string v = runes_until(sc_, "]", last, eof);
    if (eof) return fail("EOF");
    char* end = nullptr;
    errno = 0;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0) {
      return fail("strconv.Atoi: parsing \"" + v + "\": invalid syntax");
    }
    return static_cast<int>(n);
  }

  // The value after '=' for a key or a list slot.
  Result<Json> value_after_equals(bool& eof) {
    eof = false;
    if (mode_ == StrvalsMode::kJson) {
      if (empty_val()) return Json(nullptr);
      SKIFF_ASSIGN_OR_RETURN(Json v, json_value());
      empty_val();
      return v;
    }
    bool list_eof = false;
    SKIFF_ASSIGN_OR_RETURN(std::optional<Json> vl, val_list(list_eof));
    if (list_eof) {
      eof = true;
      return Json("");
    }
    if (vl) return *vl;
    char last;
    bool end;
    std::string rs = runes_until(sc_, ",", last, end);
    SKIFF_ASSIGN_OR_RETURN(Json v, reader(rs));
    eof = end;
    return v;
  }

  Status key(Json& data, int nested, bool& eof) {
    eof = false;
    while (true) {
      char last;
      bool end;
      std::string k = runes_until(sc_, "=[,.", last, end);
      if (end) {
        if (k.empty()) {
          eof = true;
          return ok_status();
        }
        return fail("key \"" + k + "\" has no value");
      }
      if (last == '[') {
        auto i = key_index();
        if (!i.ok()) return fail("error parsing index: " + i.error().message);
        Json list = Json::array();
        if (auto it = data.find(k); it != data.end()) {
          if (!it->is_array()) {
            return fail("unable to parse key: interface conversion: interface {} is " + go_type(*it) +
                        ", not []interface {}");
          }
          list = *it;
        }
        Status st = list_item(list, *i, nested);
        if (!k.empty()) data[k] = list;
        return st;
      }
      if (last == '=') {
        bool value_eof = false;
        SKIFF_ASSIGN_OR_RETURN(Json v, value_after_equals(value_eof));
        if (!k.empty()) data[k] = v;
        if (value_eof && mode_ != StrvalsMode::kJson) eof = true;
        return ok_status();
      }
      if (last == ',') {
        if (!k.empty()) data[k] = "";
        return fail("key \"" + k + "\" has no value (cannot end with ,)");
      }
      // last == '.'
      ++nested;
      if (nested > kMaxNestedNameLevel) {
        return fail("value name nested level is greater than maximum supported nested level of " +
                    std::to_string(kMaxNestedNameLevel));
      }
      Json inner = Json::object();
      if (auto it = data.find(k); it != data.end()) {
        if (!it->is_object()) {
          return fail("unable to parse key: interface conversion: interface {} is " + go_type(*it) +
                      ", not map[string]interface {}");
        }
        inner = *it;
      }
      bool inner_eof = false;
      Status e = key(inner, nested, inner_eof);
      if (e.ok() && !inner_eof && inner.empty()) return fail("key map \"" + k + "\" has no value");
      if (!inner.empty() && !k.empty()) data[k] = inner;
      eof = inner_eof;
      return e;
    }
  }

  Status list_item(Json& list, int i, int nested) {
    if (i < 0) return fail("negative " + std::to_string(i) + " index not allowed");
    char last;
    bool end;
    std::string k = runes_until(sc_, "[.=", last, end);
    if (!k.empty()) return fail("unexpected data at end of array index: \"" + k + "\"");
    if (end) return fail("EOF");
    if (last == '=') {
      bool value_eof = false;
      SKIFF_ASSIGN_OR_RETURN(Json v, value_after_equals(value_eof));
      return set_index(list, i, v);
    }
    if (last == '[') {
      auto next = key_index();
      if (!next.ok()) return fail("error parsing index: " + next.error().message);
      Json crt = Json::array();
      if (list.is_array() && static_cast<int>(list.size()) > i && !list[i].is_null()) {
        if (!list[i].is_array()) return fail("unable to parse key: interface conversion");
        crt = list[i];
      }
      SKIFF_TRY(list_item(crt, *next, nested));
      return set_index(list, i, crt);
    }
    // last == '.'
    Json inner = Json::object();
    if (list.is_array() && static_cast<int>(list.size()) > i && list[i].is_object()) inner = list[i];
    bool inner_eof = false;
    SKIFF_TRY(key(inner, nested, inner_eof));
    return set_index(list, i, inner);
  }

  static std::string go_type(const Json& j) {
    if (j.is_string()) return "string";
    if (j.is_boolean()) return "bool";
    if (j.is_number_integer()) return "int64";
    if (j.is_number()) return "float64";
    if (j.is_object()) return "map[string]interface {}";
    if (j.is_array()) return "[]interface {}";
    return "nil";
  }

  Scanner sc_;
  Json& data_;
  StrvalsMode mode_;
  const std::function<Result<std::string>(const std::string&)>& read_file_;
};

}  // namespace

Status parse_strvals_into(std::string_view text, Json& dest, StrvalsMode mode,
                          const std::function<Result<std::string>(const std::string&)>& read_file) {
  if (!dest.is_object()) dest = Json::object();
  Parser p(text, dest, mode, read_file);
  return p.parse();
}

Status parse_literal_into(std::string_view text, Json& dest) {
  // Keys as in --set (dots, [i]); everything after the first '=' is the value verbatim.
  if (!dest.is_object()) dest = Json::object();
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) return Error::invalid("key \"" + std::string(text) + "\" has no value");
  std::string_view path = text.substr(0, eq);
  std::string value(text.substr(eq + 1));
  Json* cur = &dest;
  size_t start = 0;
  int nested = 0;
  while (true) {
    size_t sep = path.find_first_of(".[", start);
    std::string k(path.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start));
    if (sep == std::string_view::npos) {
      (*cur)[k] = value;
      return ok_status();
    }
    if (path[sep] == '.') {
      if (++nested > kMaxNestedNameLevel) {
        return Error::invalid("value name nested level is greater than maximum supported nested level of " +
                              std::to_string(kMaxNestedNameLevel));
      }
      Json& next = (*cur)[k];
      if (!next.is_object()) next = Json::object();
      cur = &next;
      start = sep + 1;
      continue;
    }
    // [index] (possibly repeated)
    Json* slot = &(*cur)[k];
    size_t p = sep;
    while (p < path.size() && path[p] == '[') {
      size_t close = path.find(']', p);
      if (close == std::string_view::npos) return Error::invalid("error parsing index: EOF");
      int idx = std::atoi(std::string(path.substr(p + 1, close - p - 1)).c_str());
      if (idx < 0) return Error::invalid("negative " + std::to_string(idx) + " index not allowed");
      if (idx > kMaxIndex) return Error::invalid("index of " + std::to_string(idx) + " is greater than maximum supported index of 65536");
      if (!slot->is_array()) *slot = Json::array();
      while (static_cast<int>(slot->size()) <= idx) slot->push_back(nullptr);
      slot = &(*slot)[idx];
      p = close + 1;
    }
    if (p >= path.size()) {
      *slot = value;
      return ok_status();
    }
    if (path[p] != '.') return Error::invalid("unexpected data at end of array index");
    if (!slot->is_object()) *slot = Json::object();
    cur = slot;
    start = p + 1;
  }
}

}  // namespace skiff::chart

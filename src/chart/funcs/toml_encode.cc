// BurntSushi/toml's Encoder over template values (encode.go): a table writes its plain
// keys first, then its sub-tables, each group sorted byte-wise; nil values are skipped.
#include <algorithm>
#include <cmath>

#include "chart/funcs/toml.h"
#include "chart/template/go_strconv.h"
#include "util/json.h"

namespace skiff::chart::funcs {
namespace {

using tmpl::Kind;
using tmpl::Value;
using Key = std::vector<std::string>;

enum class TomlType { kNone, kInteger, kFloat, kString, kBool, kArray, kHash, kArrayHash };

struct EncodeError {
  std::string message;
};

// dblQuotedReplacer: quotes, backslashes and control characters escaped (as JSON escapes them).
std::string escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') append_json_escape(out, c);
    else out += static_cast<char>(c);
  }
  return out;
}

bool is_bare(std::string_view k) {
  return !k.empty() && std::all_of(k.begin(), k.end(), [](char r) {
    return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' || r == '-';
  });
}

std::string maybe_quoted(std::string_view k) {
  if (k.empty()) return "\"\"";
  return is_bare(k) ? std::string(k) : "\"" + escape(k) + "\"";
}

std::string key_string(const Key& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i > 0) out += '.';
    out += maybe_quoted(key[i]);
  }
  return out;
}

// isNil: a nil interface, map or slice.
bool is_nil(const Value& v) { return !v.is_valid() || v.is_nil_container(); }

TomlType toml_type(const Value& v);

bool is_table_array(const Value& v) {
  if (is_nil(v) || v.size() == 0) return false;
  bool all = true;
  for (const Value& item : v.list_items()) {
    TomlType t = toml_type(item.unboxed());
    if (t == TomlType::kNone) throw EncodeError{"toml: cannot encode array with nil element"};
    if (t != TomlType::kHash) all = false;
  }
  return all;
}

TomlType toml_type(const Value& v) {
  if (is_nil(v)) return TomlType::kNone;
  Kind k = v.kind();
  if (k == Kind::kBool) return TomlType::kBool;
  if (tmpl::is_signed_int_kind(k) || tmpl::is_unsigned_int_kind(k)) return TomlType::kInteger;
  if (tmpl::is_float_kind(k)) return TomlType::kFloat;
  if (k == Kind::kString) return TomlType::kString;
  if (k == Kind::kSlice) return is_table_array(v) ? TomlType::kArrayHash : TomlType::kArray;
  if (k == Kind::kMap) return TomlType::kHash;
  throw EncodeError{"unsupported type: " + std::string(k == Kind::kFunc ? "func" : tmpl::basic_type_name(k))};
}

bool is_table(TomlType t) { return t == TomlType::kHash || t == TomlType::kArrayHash; }

std::string float_text(double f, int bits) {
  if (std::isnan(f)) return std::signbit(f) ? "-nan" : "nan";
  if (std::isinf(f)) return f < 0 ? "-inf" : "inf";
  std::string s = tmpl::go_format_float(f, 'g', -1, bits);
  if (s.find_first_of("e.") == std::string::npos) s += ".0";
  return s;
}

class Encoder {
 public:
  std::string run(const Value& v) {
    encode({}, v.unboxed());
    return std::move(out_);
  }

 private:
  void write(std::string_view s) {
    out_ += s;
    has_written_ = true;
  }
  void newline() {
    if (has_written_) write("\n");
  }
  static std::string indent(const Key& key) {
    std::string s;
    for (size_t i = 1; i < key.size(); ++i) s += "  ";
    return s;
  }

  void encode(const Key& key, const Value& v) {
    if (!v.is_valid()) return;
    Kind k = v.kind();
    if (k == Kind::kSlice) {
      if (toml_type(v) == TomlType::kArrayHash) {
        array_of_tables(key, v);
      } else {
        key_value(key, v, false);
      }
      return;
    }
    if (k == Kind::kMap) {
      if (v.is_nil_container()) return;
      table(key, v);
      return;
    }
    if (k == Kind::kFunc || k == Kind::kInvalid) {
      throw EncodeError{"unsupported type for key '" + key_string(key) + "': func"};
    }
    key_value(key, v, false);
  }

  void element(const Value& v) {
    Kind k = v.kind();
    if (k == Kind::kString) {
      write("\"" + escape(v.as_string()) + "\"");
    } else if (k == Kind::kBool) {
      write(v.as_bool() ? "true" : "false");
    } else if (tmpl::is_signed_int_kind(k)) {
      write(std::to_string(v.as_int()));
    } else if (tmpl::is_unsigned_int_kind(k)) {
      write(std::to_string(v.as_uint()));
    } else if (k == Kind::kFloat32) {
      write(float_text(v.as_float(), 32));
    } else if (k == Kind::kFloat64) {
      write(float_text(v.as_float(), 64));
    } else if (k == Kind::kSlice) {
      write("[");
      const auto& items = v.list_items();
      for (size_t i = 0; i < items.size(); ++i) {
        const Value item = items[i].unboxed();
        if (!item.is_valid()) throw EncodeError{"reflect: call of reflect.Value.Interface on zero Value"};
        element(item);
        if (i + 1 != items.size()) write(", ");
      }
      write("]");
    } else if (k == Kind::kMap) {
      map({}, v, true);
    } else {
      throw EncodeError{"unexpected type: " + v.type_name()};
    }
  }

  void array_of_tables(const Key& key, const Value& v) {
    if (key.empty()) throw EncodeError{"toml: top-level values must be Go maps or structs"};
    for (const Value& item : v.list_items()) {
      Value t = item.unboxed();
      if (is_nil(t)) continue;
      newline();
      write(indent(key) + "[[" + key_string(key) + "]]");
      newline();
      map(key, t, false);
    }
  }

  void table(const Key& key, const Value& v) {
    if (key.size() == 1) newline();
    if (!key.empty()) {
      write(indent(key) + "[" + key_string(key) + "]");
      newline();
    }
    map(key, v, false);
  }

  void map(const Key& key, const Value& v, bool inline_table) {
    std::vector<std::pair<std::string, Value>> direct, sub;
    for (const auto& [k, item] : v.map_entries()) {
      Value val = item.unboxed();
      (is_table(toml_type(val)) ? sub : direct).emplace_back(k, val);
    }
    auto write_keys = [&](const std::vector<std::pair<std::string, Value>>& keys, bool trailing_comma) {
      for (size_t i = 0; i < keys.size(); ++i) {
        const auto& [k, val] = keys[i];
        if (is_nil(val)) continue;
        if (inline_table) {
          key_value({k}, val, true);
          if (trailing_comma || i + 1 != keys.size()) write(", ");
        } else {
          Key child = key;
          child.push_back(k);
          encode(child, val);
        }
      }
    };
    if (inline_table) write("{");
    write_keys(direct, !sub.empty());
    write_keys(sub, false);
    if (inline_table) write("}");
  }

  void key_value(const Key& key, const Value& v, bool inline_value) {
    if (key.empty()) {
      element(v);
      return;
    }
    write(indent(key) + maybe_quoted(key.back()) + " = ");
    element(v);
    if (!inline_value) newline();
  }

  std::string out_;
  bool has_written_ = false;
};

}  // namespace

Result<std::string> toml_encode(const tmpl::Value& v) {
  // Encode(nil) panics in reflect (isMarshaler of the zero Value); the panic is not an
  // encoder error, so the template call fails instead of returning its text.
  if (!v.is_valid()) return Error::internal("reflect: call of reflect.Value.Type on zero Value");
  try {
    return Encoder().run(v);
  } catch (const EncodeError& e) {
    return Error::invalid(e.message);
  }
}

}  // namespace skiff::chart::funcs

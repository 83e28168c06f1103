#include "api/cel/schema_values.h"

#include <cctype>
#include <set>

#include "api/cel/format.h"
#include "api/crd_schema.h"
#include "util/encoding.h"

namespace skiff::api::cel {
namespace {

const std::set<std::string, std::less<>>& reserved_words() {
  static const std::set<std::string, std::less<>> words = {
      "true", "false",  "null", "in",   "as",      "break",     "const",  "continue", "else", "for",  "function",
      "if",   "import", "let",  "loop", "package", "namespace", "return", "var",      "void", "while"};
  return words;
}

bool plain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The properties WithTypeAndObjectMeta gives a resource: apiVersion, kind, metadata.{name,generateName}.
const StructuralSchema& string_schema() {
  static const StructuralSchema s = [] {
    StructuralSchema out;
    out.type = "string";
    return out;
  }();
  return s;
}

const StructuralSchema& metadata_schema() {
  static const StructuralSchema* s = [] {
    auto* out = new StructuralSchema();
    out->type = "object";
    for (const char* name : {"name", "generateName"}) {
      auto prop = std::make_unique<StructuralSchema>();
      prop->type = "string";
      out->properties[name] = std::move(prop);
    }
    return out;
  }();
  return *s;
}

const StructuralSchema* property_schema(const StructuralSchema& s, bool with_meta, std::string_view name) {
  if (with_meta) {
    if (name == "metadata") return &metadata_schema();
    if (name == "apiVersion" || name == "kind") {
      const StructuralSchema* declared = s.property(name);
      return declared && declared->type == "string" ? declared : &string_schema();
    }
  }
  return s.property(name);
}

bool is_object_schema(const StructuralSchema& s, bool with_meta) { return with_meta || s.type == "object"; }

Value invalid(const std::string& message) { return Value::error("invalid data, " + message); }

// Values under x-kubernetes-preserve-unknown-fields without a type: plain JSON.
Value generic_value(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return Value();
    case Json::value_t::boolean: return Value::boolean(v.get<bool>());
    case Json::value_t::number_integer: return Value::integer(v.get<int64_t>());
    case Json::value_t::number_unsigned: {
      uint64_t u = v.get<uint64_t>();
      return u > static_cast<uint64_t>(INT64_MAX) ? Value::real(static_cast<double>(u))
                                                  : Value::integer(static_cast<int64_t>(u));
    }
    case Json::value_t::number_float: return Value::real(v.get<double>());
    case Json::value_t::string: return Value::string(v.get<std::string>());
    case Json::value_t::array: {
      std::vector<Value> items;
      for (const auto& item : v) items.push_back(generic_value(item));
      return make_list(std::move(items));
    }
    case Json::value_t::object: {
      std::vector<std::pair<Value, Value>> entries;
      for (const auto& [k, item] : v.items()) entries.emplace_back(Value::string(k), generic_value(item));
      return Value::map(std::make_shared<OwnedMap>(std::move(entries)));
    }
    default: return Value();
  }
}

class JsonObject final : public MapValue {
 public:
  enum class Mode { kObject, kMap, kOpaque };
  JsonObject(const Json& obj, const StructuralSchema& s, bool with_meta)
      : obj_(obj),
        schema_(s),
        with_meta_(with_meta),
        mode_(with_meta || !s.properties.empty() ? Mode::kObject
              : s.additional_properties          ? Mode::kMap
                                                 : Mode::kOpaque) {}

  size_t size() const override { return obj_.size(); }

  std::optional<Value> find(const Value& key) const override {
    if (!key.is(ValueKind::kString)) return std::nullopt;
    std::string name = key.as_string();
    if (mode_ == Mode::kOpaque) return std::nullopt;
    if (mode_ == Mode::kObject) {
      auto unescaped = unescape_field_name(name);
      if (!unescaped) return std::nullopt;
      name = std::move(*unescaped);
    }
    auto it = obj_.find(name);
    if (it == obj_.end()) return std::nullopt;
    if (mode_ == Mode::kMap) return schema_value(*it, *schema_.additional_properties, false);
    if (it->is_null()) return std::nullopt;  // null fields are absent, as Kubernetes has it
    const StructuralSchema* prop = property_schema(schema_, with_meta_, name);
    if (!prop) return std::nullopt;
    return schema_value(*it, *prop, false);
  }

  std::vector<Value> keys() const override {
    std::vector<Value> out;
    if (mode_ == Mode::kOpaque) return out;
    for (const auto& [k, v] : obj_.items()) {
      if (mode_ == Mode::kMap) {
        out.push_back(Value::string(k));
        continue;
      }
      if (!property_schema(schema_, with_meta_, k)) continue;
      auto escaped = escape_field_name(k);
      out.push_back(Value::string(escaped ? *escaped : k));
    }
    return out;
  }

 private:
  const Json& obj_;
  const StructuralSchema& schema_;
  bool with_meta_;
  Mode mode_;
};

class JsonArray final : public ListValue {
 public:
  JsonArray(const Json& arr, const StructuralSchema& s) : arr_(arr), items_(*s.items) {
    if (s.list_type == "set") semantics_ = ListSemantics::kSet;
    if (s.list_type == "map") {
      semantics_ = ListSemantics::kMap;
      for (const auto& k : s.list_map_keys) keys_.push_back(escape_field_name(k).value_or(k));
    }
  }
  size_t size() const override { return arr_.size(); }
  Value get(size_t i) const override { return schema_value(arr_[i], items_, items_.embedded_resource); }
  ListSemantics semantics() const override { return semantics_; }
  const std::vector<std::string>* map_keys() const override {
    return semantics_ == ListSemantics::kMap ? &keys_ : nullptr;
  }

 private:
  const Json& arr_;
  const StructuralSchema& items_;
  ListSemantics semantics_ = ListSemantics::kAtomic;
  std::vector<std::string> keys_;
};

// kube-openapi's strfmt.ParseDuration: Go's form, else "<n> <unit>" groups with units such as
// "d", "day", "wk" or "hours".
std::optional<Duration> parse_schema_duration(const std::string& str) {
  if (auto d = parse_duration(str)) return d;
  static const std::vector<std::pair<std::vector<std::string>, int64_t>> kUnits = {
      {{"ns", "nano"}, 1},
      {{"us", "\u00b5s", "micro"}, 1000},
      {{"ms", "milli"}, 1000000},
      {{"s", "sec"}, 1000000000},
      {{"m", "min"}, 60000000000},
      {{"h", "hr", "hour"}, 3600000000000},
      {{"d", "day"}, 86400000000000},
      {{"w", "wk", "week"}, 604800000000000},
  };
  int64_t total = 0;
  bool ok = false;
  size_t i = 0;
  while (i < str.size()) {
    if (!(str[i] >= '0' && str[i] <= '9')) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < str.size() && str[i] >= '0' && str[i] <= '9') ++i;
    if (i - start > 18) return std::nullopt;
    int64_t factor = std::stoll(str.substr(start, i - start));
    while (i < str.size() && (str[i] == ' ' || str[i] == '\t')) ++i;
    size_t unit_start = i;
    while (i < str.size() && (std::isalpha(static_cast<unsigned char>(str[i])) || str.compare(i, 2, "\u00b5") == 0))
      i += str.compare(i, 2, "\u00b5") == 0 ? 2 : 1;
    std::string unit = str.substr(unit_start, i - unit_start);
    for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit.empty()) continue;
    for (const auto& [variants, multiplier] : kUnits) {
      for (size_t v = 0; v < variants.size(); ++v) {
        bool last = v + 1 == variants.size();
        if ((last && unit.rfind(variants[v], 0) == 0) || unit == variants[v]) {
          int64_t add;
          if (__builtin_mul_overflow(factor, multiplier, &add) || __builtin_add_overflow(total, add, &total))
            return std::nullopt;
          ok = true;
        }
      }
    }
  }
  if (!ok) return std::nullopt;
  return Duration{total};
}

Value string_value(const std::string& str, const std::string& format) {
  if (format == "duration") {
    if (auto d = parse_schema_duration(str)) return Value::duration(*d);
    return Value::error("Invalid duration " + str);
  }
  if (format == "date") {
    if (auto t = parse_date(str)) return Value::timestamp(*t);
    return Value::error("Invalid date formatted string " + str);
  }
  if (format == "date-time") {
    std::string upper = str;  // strfmt also takes a lower-case "t" and "z"
    for (char& c : upper)
      if (c == 't' || c == 'z') c = static_cast<char>(c - 'a' + 'A');
    if (auto t = parse_timestamp(upper)) return Value::timestamp(*t);
    return Value::error("Invalid date-time formatted string " + str);
  }
  if (format == "byte") {
    if (auto b = base64_decode(str)) return Value::bytes(*b);
    return Value::error("Invalid byte formatted string " + str);
  }
  return Value::string(str);
}

TypePtr object_type(const StructuralSchema& s, bool with_meta, const std::string& name);

TypePtr type_of(const StructuralSchema& s, bool resource_root, const std::string& name) {
  if (s.int_or_string) return Type::of(TypeKind::kDyn);
  const bool with_meta = resource_root || s.embedded_resource;
  if (is_object_schema(s, with_meta)) {
    if (s.additional_properties && !with_meta) {
      TypePtr value = type_of(*s.additional_properties, false, name + ".@elem");
      return value ? Type::map(Type::of(TypeKind::kString), value) : nullptr;
    }
    return object_type(s, with_meta, name);
  }
  if (s.type == "array") {
    if (!s.items) return nullptr;
    TypePtr elem = type_of(*s.items, false, name + ".@idx");
    return elem ? Type::list(elem) : nullptr;
  }
  if (s.type == "string") {
    if (s.format == "byte") return Type::of(TypeKind::kBytes);
    if (s.format == "duration") return Type::of(TypeKind::kDuration);
    if (s.format == "date" || s.format == "date-time") return Type::of(TypeKind::kTimestamp);
    return Type::of(TypeKind::kString);
  }
  if (s.type == "boolean") return Type::of(TypeKind::kBool);
  if (s.type == "number") return Type::of(TypeKind::kDouble);
  if (s.type == "integer") return Type::of(TypeKind::kInt);
  return nullptr;
}

TypePtr object_type(const StructuralSchema& s, bool with_meta, const std::string& name) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kObject;
  t->name = name;
  std::vector<std::string> names;
  for (const auto& [prop, _] : s.properties) names.push_back(prop);
  if (with_meta)
    for (const char* meta : {"apiVersion", "kind", "metadata"})
      if (!s.property(meta)) names.push_back(meta);
  for (const auto& prop : names) {
    auto escaped = escape_field_name(prop);
    if (!escaped) continue;
    TypePtr field = type_of(*property_schema(s, with_meta, prop), false, name + "." + *escaped);
    if (field) t->fields[*escaped] = std::move(field);
  }
  return t;
}

}  // namespace

std::optional<std::string> escape_field_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return std::nullopt;
  if (reserved_words().count(name)) return "__" + std::string(name) + "__";
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '_' && i + 1 < name.size() && name[i + 1] == '_') {
      out += "__underscores__";
      ++i;
    } else if (c == '.') {
      out += "__dot__";
    } else if (c == '-') {
      out += "__dash__";
    } else if (c == '/') {
      out += "__slash__";
    } else if (plain_char(c)) {
      out += c;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::string> unescape_field_name(std::string_view name) {
  if (name.size() > 4 && name.substr(0, 2) == "__" && name.substr(name.size() - 2) == "__") {
    std::string_view inner = name.substr(2, name.size() - 4);
    if (reserved_words().count(inner)) return std::string(inner);
  }
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    // A match of (__[^_]+__) starting here?
    if (name.substr(i, 2) == "__") {
      size_t j = i + 2;
      while (j < name.size() && name[j] != '_') ++j;
      if (j > i + 2 && name.substr(j, 2) == "__") {
        std::string_view word = name.substr(i + 2, j - i - 2);
        if (word == "dash")
          out += '-';
        else if (word == "dot")
          out += '.';
        else if (word == "slash")
          out += '/';
        else if (word == "underscores")
          out += "__";
        else
          return std::nullopt;
        i = j + 2;
        continue;
      }
    }
    out += name[i++];
  }
  return out;
}

TypePtr schema_type(const StructuralSchema& s, bool resource_root) { return type_of(s, resource_root, "selfType"); }

Value schema_value(const Json& v, const StructuralSchema& s, bool resource_root) {
  if (v.is_null()) return s.nullable ? Value() : invalid("got null for schema with nullable=false");
  if (s.int_or_string) {
    if (v.is_string()) return Value::string(v.get<std::string>());
    if (v.is_number_integer()) return generic_value(v);
    return invalid("expected XIntOrString value to be either a string or integer");
  }
  const bool with_meta = resource_root || s.embedded_resource;
  if (is_object_schema(s, with_meta)) {
    if (!v.is_object()) return invalid("expected a map for the provided schema with type=object");
    return Value::map(std::make_shared<JsonObject>(v, s, with_meta));
  }
  if (s.type == "array") {
    if (!v.is_array()) return invalid("expected an array for the provided schema with type=array");
    if (!s.items) return Value::error("invalid array type, expected Items with a non-empty Schema");
    return Value::list(std::make_shared<JsonArray>(v, s));
  }
  if (s.type == "string") {
    if (!v.is_string()) return invalid("expected string");
    return string_value(v.get_ref<const std::string&>(), s.format);
  }
  if (s.type == "number") {
    if (!v.is_number()) return invalid("expected float");
    return Value::real(v.get<double>());
  }
  if (s.type == "integer") {
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)))
      return invalid("expected int");
    return Value::integer(v.get<int64_t>());
  }
  if (s.type == "boolean") {
    if (!v.is_boolean()) return invalid("expected bool");
    return Value::boolean(v.get<bool>());
  }
  if (s.preserve_unknown_fields) return generic_value(v);
  return Value::error(
      "invalid type, expected object, array, number, integer, boolean or string, or no type with "
      "x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields is true, got " +
      s.type);
}

}  // namespace skiff::api::cel

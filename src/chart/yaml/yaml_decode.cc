// sigs.k8s.io/yaml.Unmarshal into interface{}: go-yaml v2 decodes the node tree into
// Go values, sigs.k8s.io/yaml makes the keys strings, and the JSON round trip turns every
// number into float64. This applies those three steps in one walk.
#include <cmath>
#include <map>
#include <set>

#include "chart/template/go_strconv.h"
#include "chart/yaml/go_json.h"
#include "chart/yaml/go_yaml.h"
#include "util/yaml_parser.h"
#include "util/yaml_resolve.h"
#include "util/encoding.h"

namespace skiff::chart::yaml {

// The YAML reader and writer live in util; this file adds helm's Value conversions.
using namespace skiff::yaml;  // NOLINT(google-build-using-namespace)
namespace {

using tmpl::Value;

class Decoder {
 public:
  Result<Value> decode(const YamlNode* n) {
    ++decode_count_;
    if (alias_depth_ > 0) ++alias_count_;
    if (alias_count_ > 100 && decode_count_ > 1000 &&
        static_cast<double>(alias_count_) / decode_count_ > allowed_alias_ratio(decode_count_)) {
      return Error::invalid("yaml: document contains excessive aliasing");
    }
    switch (n->kind) {
      case YamlNode::Kind::kAlias:
        return decode_alias(n, [&](const YamlNode* target) { return decode(target); });
      case YamlNode::Kind::kScalar: {
        SKIFF_ASSIGN_OR_RETURN(DecodedScalar s, decode_scalar(*n));
        return json_value(s);
      }
      case YamlNode::Kind::kSequence: {
        tmpl::ValueList items;
        for (const YamlNode* child : n->children) {
          SKIFF_ASSIGN_OR_RETURN(Value item, decode(child));
          items.push_back(std::move(item));
        }
        return Value::list(std::move(items));
      }
      case YamlNode::Kind::kMapping: {
        tmpl::ValueMap entries;
        SKIFF_TRY(mapping(n, entries));
        return Value::map(std::move(entries));
      }
    }
    return Value();
  }

 private:
  static double allowed_alias_ratio(long count) {
    constexpr long kLow = 400000, kHigh = 4000000;
    if (count <= kLow) return 0.99;
    if (count >= kHigh) return 0.10;
    return 0.99 - 0.89 * (static_cast<double>(count - kLow) / static_cast<double>(kHigh - kLow));
  }

  template <class F>
  auto decode_alias(const YamlNode* n, F&& f) -> decltype(f(n)) {
    if (active_aliases_.count(n) != 0) {
      return Error::invalid("yaml: anchor '" + n->value + "' value contains itself");
    }
    active_aliases_.insert(n);
    ++alias_depth_;
    auto result = f(n->alias);
    --alias_depth_;
    active_aliases_.erase(n);
    return result;
  }

  // The JSON round trip of a decoded scalar.
  static Result<Value> json_value(const DecodedScalar& s) {
    switch (s.tag) {
      case ResolvedTag::kBool:
        return Value::boolean(s.resolved.boolean);
      case ResolvedTag::kInt:
        return Value::float64(s.resolved.is_unsigned ? static_cast<double>(s.resolved.uint)
                                                     : static_cast<double>(s.resolved.integer));
      case ResolvedTag::kFloat:
        if (std::isnan(s.resolved.floating) || std::isinf(s.resolved.floating)) {
          return Error::invalid("json: unsupported value: " +
                                tmpl::go_format_float(s.resolved.floating, 'g', -1, 64));
        }
        return Value::float64(s.resolved.floating);
      case ResolvedTag::kNull:
        return Value();
      default:
        return Value::string(go_json_coerce_utf8(s.text));
    }
  }

  // fmt's %+#v of the value go-yaml decoded from a node (for sigs.k8s.io/yaml's errors).
  static std::string go_syntax(const YamlNode* n, int depth = 0) {
    if (n->kind == YamlNode::Kind::kAlias) return depth > 20 ? "..." : go_syntax(n->alias, depth + 1);
    if (n->kind == YamlNode::Kind::kSequence) {
      std::string out = "[]interface {}{";
      for (size_t k = 0; k < n->children.size(); ++k) {
        if (k > 0) out += ", ";
        out += go_syntax(n->children[k], depth + 1);
      }
      return out + "}";
    }
    if (n->kind == YamlNode::Kind::kMapping) {
      std::map<std::string, std::string> entries;  // fmt prints maps in key order
      for (size_t k = 0; k + 1 < n->children.size(); k += 2) {
        entries[go_syntax(n->children[k], depth + 1)] = go_syntax(n->children[k + 1], depth + 1);
      }
      std::string out = "map[interface {}]interface {}{";
      bool first = true;
      for (const auto& [key, value] : entries) {
        if (!first) out += ", ";
        first = false;
        out += key + ":" + value;
      }
      return out + "}";
    }
    auto decoded = decode_scalar(*n);
    if (!decoded.ok()) return "<nil>";
    const DecodedScalar& sc = *decoded;
    switch (sc.tag) {
      case ResolvedTag::kBool: return sc.resolved.boolean ? "true" : "false";
      case ResolvedTag::kInt:
        return sc.resolved.is_unsigned ? "0x" + to_hex(sc.resolved.uint) : std::to_string(sc.resolved.integer);
      case ResolvedTag::kFloat: return tmpl::go_format_float(sc.resolved.floating, 'g', -1, 64);
      case ResolvedTag::kNull: return depth == 0 ? "<nil>" : "interface {}(nil)";  // a nil inside a container
      default: return tmpl::go_quote(sc.text);
    }
  }

  // sigs.k8s.io/yaml's conversion of a decoded map key to a JSON object key.
  Result<std::string> key_string(const YamlNode* n, const YamlNode* value) {
    if (n->kind == YamlNode::Kind::kAlias) {
      return decode_alias(n, [&](const YamlNode* target) { return key_string(target, value); });
    }
    ++decode_count_;
    if (n->kind != YamlNode::Kind::kScalar) {
      return Error::invalid("yaml: invalid map key: " + go_syntax(n));
    }
    SKIFF_ASSIGN_OR_RETURN(DecodedScalar s, decode_scalar(*n));
    switch (s.tag) {
      case ResolvedTag::kBool:
        return std::string(s.resolved.boolean ? "true" : "false");
      case ResolvedTag::kInt:
        if (s.resolved.is_unsigned) {
          return Error::invalid("unsupported map key of type: uint64, key: 0x" + to_hex(s.resolved.uint) +
                                ", value: " + go_syntax(value));
        }
        return std::to_string(s.resolved.integer);
      case ResolvedTag::kFloat: {
        double f = s.resolved.floating;
        if (std::isnan(f)) return std::string(".nan");
        if (std::isinf(f)) return std::string(f > 0 ? ".inf" : "-.inf");
        return tmpl::go_format_float(f, 'g', -1, 32);
      }
      case ResolvedTag::kNull:
        return Error::invalid("unsupported map key of type: %!s(<nil>), key: <nil>, value: " + go_syntax(value));
      default:
        return go_json_coerce_utf8(s.text);
    }
  }

  static std::string to_hex(uint64_t v) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    do {
      out.insert(out.begin(), kHex[v & 0xF]);
      v >>= 4;
    } while (v != 0);
    return out;
  }

  Status mapping(const YamlNode* n, tmpl::ValueMap& out) {
    for (size_t i = 0; i + 1 < n->children.size(); i += 2) {
      if (is_merge_key(*n->children[i])) {
        SKIFF_TRY(merge(n->children[i + 1], out));
        continue;
      }
      SKIFF_ASSIGN_OR_RETURN(std::string key, key_string(n->children[i], n->children[i + 1]));
      SKIFF_ASSIGN_OR_RETURN(Value value, decode(n->children[i + 1]));
      out.insert_or_assign(std::move(key), std::move(value));
    }
    return ok_status();
  }

  // Decodes a mapping (or an alias of one) into an existing map.
  Status merge_one(const YamlNode* n, tmpl::ValueMap& out) {
    ++decode_count_;
    if (n->kind == YamlNode::Kind::kAlias) {
      return decode_alias(n, [&](const YamlNode* target) { return merge_one(target, out); });
    }
    return mapping(n, out);
  }

  Status merge(const YamlNode* n, tmpl::ValueMap& out) {
    const Error want_map = Error::invalid("yaml: map merge requires map or sequence of maps as the value");
    auto is_map = [](const YamlNode* x) {
      return x->kind == YamlNode::Kind::kMapping ||
             (x->kind == YamlNode::Kind::kAlias && x->alias->kind == YamlNode::Kind::kMapping);
    };
    switch (n->kind) {
      case YamlNode::Kind::kMapping:
      case YamlNode::Kind::kAlias:
        if (!is_map(n)) return want_map;
        return merge_one(n, out);
      case YamlNode::Kind::kSequence:
        for (size_t i = n->children.size(); i-- > 0;) {  // earlier maps take precedence
          if (!is_map(n->children[i])) return want_map;
          SKIFF_TRY(merge_one(n->children[i], out));
        }
        return ok_status();
      default:
        return want_map;
    }
  }

  long decode_count_ = 0;
  long alias_count_ = 0;
  int alias_depth_ = 0;
  std::set<const YamlNode*> active_aliases_;
};

constexpr std::string_view kYamlToJson = "error converting YAML to JSON: ";

Error wrap(std::string_view prefix, const Error& e) { return Error::invalid(std::string(prefix) + e.message); }

std::string target_type_name(DecodeTarget target) {
  return target == DecodeTarget::kMap ? "map[string]interface {}" : "[]interface {}";
}

// encoding/json's decode of the converted value into the target type.
Result<Value> into_target(Value v, DecodeTarget target, std::string_view error_prefix) {
  if (target == DecodeTarget::kAny) return v;
  if (!v.is_valid()) {  // JSON null leaves the target as it was: empty
    return target == DecodeTarget::kMap ? Value::map() : Value::list();
  }
  bool ok = target == DecodeTarget::kMap ? v.kind() == tmpl::Kind::kMap : v.kind() == tmpl::Kind::kSlice;
  if (ok) return v;
  std::string message(error_prefix);
  message += "json: cannot unmarshal ";
  message += go_json_kind_name(v);
  message += " into Go value of type ";
  message += target_type_name(target);
  return Error::invalid(std::move(message));
}

}  // namespace

Result<Value> parse_yaml(std::string_view text, std::string_view /*source_name*/) {
  return parse_yaml_into(text, DecodeTarget::kAny);
}

Result<Value> parse_yaml_into(std::string_view text, DecodeTarget target) {
  YamlStream stream(text);
  auto root = stream.next_document();
  if (!root.ok()) return wrap(kYamlToJson, root.error());
  Value v;
  if (*root != nullptr) {
    auto decoded = Decoder().decode(*root);
    if (!decoded.ok()) return wrap(kYamlToJson, decoded.error());
    v = std::move(decoded).value();
  }
  return into_target(std::move(v), target, "error unmarshaling JSON: while decoding JSON: ");
}

Result<std::vector<Value>> parse_yaml_documents(std::string_view text, std::string_view /*source_name*/) {
  YamlStream stream(text);
  std::vector<Value> docs;
  while (true) {
    auto root = stream.next_document();
    if (!root.ok()) return wrap(kYamlToJson, root.error());
    if (*root == nullptr) break;
    auto decoded = Decoder().decode(*root);
    if (!decoded.ok()) return wrap(kYamlToJson, decoded.error());
    docs.push_back(std::move(decoded).value());
  }
  return docs;
}

Result<Value> from_json(std::string_view text) { return go_json_unmarshal(text); }

Result<Value> from_json_into(std::string_view text, DecodeTarget target) {
  if (target == DecodeTarget::kAny) return go_json_unmarshal(text);
  return go_json_unmarshal_into(text, target == DecodeTarget::kMap);
}

}  // namespace skiff::chart::yaml

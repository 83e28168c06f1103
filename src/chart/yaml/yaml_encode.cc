// sigs.k8s.io/yaml.Marshal: the value is marshalled to JSON, the JSON is decoded by
// go-yaml v2 (which re-types the numbers: 1 int, 1.5 float, 1e+21 float) and encoded
// again by go-yaml v2.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "chart/template/function.h"
#include "chart/template/go_strconv.h"
#include "chart/yaml/go_json.h"
#include "chart/yaml/go_yaml.h"
#include "util/yaml_emitter.h"
#include "util/yaml_parser.h"
#include "util/yaml_resolve.h"

namespace skiff::chart::yaml {

// The YAML reader and writer live in util; this file adds helm's Value conversions.
using namespace skiff::yaml;  // NOLINT(google-build-using-namespace)
namespace {

using tmpl::Kind;
using tmpl::Value;

std::string format_yaml_float(double f) {
  if (std::isnan(f)) return ".nan";
  if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
  return tmpl::go_format_float(f, 'g', -1, 64);
}

// A JSON number as go-yaml v2 decodes and re-encodes it.
EmitNode number_node(const std::string& json_text) {
  Resolved r = resolve_plain(json_text);
  std::string text;
  if (r.tag == ResolvedTag::kInt) {
    text = r.is_unsigned ? std::to_string(r.uint) : std::to_string(r.integer);
  } else if (r.tag == ResolvedTag::kFloat) {
    text = format_yaml_float(r.floating);
  } else {
    text = json_text;  // not reached: encoding/json numbers always resolve
  }
  return EmitNode::scalar(std::move(text), ScalarStyle::kPlain);
}

// go-yaml's decode of the JSON text (into interface{}) followed by its encode.
Result<EmitNode> reencode(const YamlNode* n) {
  switch (n->kind) {
    case YamlNode::Kind::kAlias:  // JSON has no aliases
    case YamlNode::Kind::kScalar: {
      if (n->style != ScalarStyle::kPlain) return go_yaml_string(n->value);
      Resolved r = resolve_plain(n->value);
      switch (r.tag) {
        case ResolvedTag::kBool: return EmitNode::scalar(r.boolean ? "true" : "false", ScalarStyle::kPlain);
        case ResolvedTag::kNull: return EmitNode::scalar("null", ScalarStyle::kPlain);
        case ResolvedTag::kInt:
        case ResolvedTag::kFloat: return number_node(n->value);
        default: return go_yaml_string(n->value);
      }
    }
    case YamlNode::Kind::kSequence: {
      EmitNode node = EmitNode::sequence();
      for (const YamlNode* child : n->children) {
        SKIFF_ASSIGN_OR_RETURN(EmitNode item, reencode(child));
        node.children.push_back(std::move(item));
      }
      return node;
    }
    case YamlNode::Kind::kMapping: {
      std::map<std::string, EmitNode> entries;  // a Go map: a later duplicate wins
      for (size_t k = 0; k + 1 < n->children.size(); k += 2) {
        SKIFF_ASSIGN_OR_RETURN(EmitNode value, reencode(n->children[k + 1]));
        entries.insert_or_assign(n->children[k]->value, std::move(value));
      }
      std::vector<std::pair<std::string, EmitNode>> sorted(std::make_move_iterator(entries.begin()),
                                                           std::make_move_iterator(entries.end()));
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const auto& x, const auto& y) { return natural_key_less(x.first, y.first); });
      EmitNode node = EmitNode::mapping();
      for (auto& [key, value] : sorted) {
        node.children.push_back(go_yaml_string(key));
        node.children.push_back(std::move(value));
      }
      return node;
    }
  }
  return EmitNode::scalar("null", ScalarStyle::kPlain);
}

// A string whose JSON text, read back as a YAML double-quoted scalar, is itself: printable
// ASCII plus tab and line breaks (escaped in JSON, unescaped by YAML). Other bytes take the
// faithful path: YAML folds U+0085, rejects DEL and C1 controls, and JSON rewrites invalid
// UTF-8.
bool survives_round_trip(std::string_view s) {
  for (char c : s) {
    if ((c < 0x20 || c > 0x7E) && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

// YAML's simple keys end 1024 characters in; a JSON key escapes a byte into at most six.
constexpr size_t kMaxDirectKey = (1024 - 2) / 6;
constexpr int kMaxDirectDepth = 200;

// What reencode makes of go_json_marshal's text, built from the value itself: for values
// whose round trip keeps every string (survives_round_trip), with plain maps, slices and
// scalars. nullopt sends the value down the faithful path (which also reports errors).
std::optional<EmitNode> direct_node(const Value& v, int depth) {
  if (depth > kMaxDirectDepth) return std::nullopt;
  const auto& type = v.type_info();
  if (type && type->is_struct && type->stringer) return std::nullopt;  // marshals as its text
  Kind k = v.kind();
  switch (k) {
    case Kind::kInvalid: return EmitNode::scalar("null", ScalarStyle::kPlain);
    case Kind::kBool: return EmitNode::scalar(v.as_bool() ? "true" : "false", ScalarStyle::kPlain);
    case Kind::kString:
      if (!survives_round_trip(v.as_string())) return std::nullopt;
      return go_yaml_string(v.as_string());
    case Kind::kMap: {
      if (v.is_nil_container()) return EmitNode::scalar("null", ScalarStyle::kPlain);
      std::vector<std::pair<std::string_view, EmitNode>> sorted;
      sorted.reserve(v.size());
      for (const auto& [key, item] : v.map_entries()) {  // byte order, as the JSON object's
        if (key.size() > kMaxDirectKey || !survives_round_trip(key)) return std::nullopt;
        auto node = direct_node(item, depth + 1);
        if (!node) return std::nullopt;
        sorted.emplace_back(key, std::move(*node));
      }
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const auto& x, const auto& y) { return natural_key_less(x.first, y.first); });
      EmitNode node = EmitNode::mapping();
      node.children.reserve(sorted.size() * 2);
      for (auto& [key, value] : sorted) {
        node.children.push_back(go_yaml_string(std::string(key)));
        node.children.push_back(std::move(value));
      }
      return node;
    }
    case Kind::kSlice: {
      if (v.is_nil_container()) return EmitNode::scalar("null", ScalarStyle::kPlain);
      if (v.elem_kind() == Kind::kUint8) return std::nullopt;  // base64 text
      EmitNode node = EmitNode::sequence();
      node.children.reserve(v.size());
      for (const auto& item : v.list_items()) {
        auto child = direct_node(item, depth + 1);
        if (!child) return std::nullopt;
        node.children.push_back(std::move(*child));
      }
      return node;
    }
    default:
      break;
  }
  if (tmpl::is_signed_int_kind(k)) return number_node(std::to_string(v.as_int()));
  if (tmpl::is_unsigned_int_kind(k)) return number_node(std::to_string(v.as_uint()));
  if (tmpl::is_float_kind(k)) {
    double f = v.as_float();
    if (std::isnan(f) || std::isinf(f)) return std::nullopt;  // json: unsupported value
    return number_node(go_json_float(f, k == Kind::kFloat32 ? 32 : 64));
  }
  return std::nullopt;  // functions and the like: json: unsupported type
}

}  // namespace

Result<std::string> to_yaml(const Value& v) {
  // Most values need neither the JSON text nor its YAML reading.
  if (auto node = direct_node(v, 0)) return emit_document(*node);
  return to_yaml_through_json(v);
}

Result<std::string> to_yaml_through_json(const Value& v) {
  auto json = go_json_marshal(v);
  if (!json.ok()) return Error::invalid("error marshaling into JSON: " + json.error().message);
  // The JSON text really is re-read as YAML: a key with a raw U+0085 (a YAML line
  // break) or longer than 1024 characters fails there, and U+0085 in a string folds.
  YamlStream stream(*json);
  SKIFF_ASSIGN_OR_RETURN(const YamlNode* root, stream.next_document());
  if (root == nullptr) return emit_document(EmitNode::scalar("null", ScalarStyle::kPlain));
  SKIFF_ASSIGN_OR_RETURN(EmitNode node, reencode(root));
  return emit_document(node);
}

Result<std::string> to_json(const Value& v) { return go_json_marshal(v); }

}  // namespace skiff::chart::yaml

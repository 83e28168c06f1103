// sigs.k8s.io/yaml.Marshal: the value is marshalled to JSON, the JSON is decoded by
// go-yaml v2 (which re-types the numbers: 1 int, 1.5 float, 1e+21 float) and encoded
// again by go-yaml v2.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

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

}  // namespace

Result<std::string> to_yaml(const Value& v) {
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

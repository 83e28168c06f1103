#include "chart/funcs/yaml_pretty.h"

#include <algorithm>
#include <cmath>

#include "chart/funcs/go_values.h"
#include "chart/template/function.h"
#include "chart/template/go_strconv.h"
#include "util/yaml_emitter.h"
#include "util/yaml_resolve.h"

namespace skiff::chart::funcs {
namespace {

using tmpl::Kind;
using tmpl::Value;
using skiff::yaml::EmitNode;
using skiff::yaml::ScalarStyle;

// YAML 1.1 booleans go-yaml v3 still quotes for older readers (resolve.go isOldBool).
bool is_old_bool(const std::string& s) {
  static const char* const kOld[] = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
                                     "n", "N", "no", "No", "NO", "off", "Off", "OFF"};
  return std::any_of(std::begin(kOld), std::end(kOld), [&](const char* o) { return s == o; });
}

// encoder.stringv.
EmitNode string_node(std::string s) {
  skiff::yaml::Resolved r = skiff::yaml::resolve_plain(s);
  bool can_use_plain = r.tag == skiff::yaml::ResolvedTag::kStr && !skiff::yaml::is_base60_float(s) && !is_old_bool(s);
  ScalarStyle style = s.find('\n') != std::string::npos ? ScalarStyle::kLiteral
                      : can_use_plain                   ? ScalarStyle::kPlain
                                                        : ScalarStyle::kDoubleQuoted;
  return EmitNode::scalar(std::move(s), style);
}

std::string float_text(double f, int bits) {
  if (std::isnan(f)) return ".nan";
  if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
  return tmpl::go_format_float(f, 'g', -1, bits);
}

Result<EmitNode> node_of(const Value& in) {
  Value v = in.unboxed();
  if (!v.is_valid() || v.is_nil_container()) return EmitNode::scalar("null", ScalarStyle::kPlain);
  if (v.type_info() && v.type_info()->stringer && v.kind() != Kind::kMap && v.kind() != Kind::kSlice) {
    return string_node(strval(v));
  }
  Kind k = v.kind();
  if (k == Kind::kBool) return EmitNode::scalar(v.as_bool() ? "true" : "false", ScalarStyle::kPlain);
  if (tmpl::is_signed_int_kind(k)) return EmitNode::scalar(std::to_string(v.as_int()), ScalarStyle::kPlain);
  if (tmpl::is_unsigned_int_kind(k)) return EmitNode::scalar(std::to_string(v.as_uint()), ScalarStyle::kPlain);
  if (k == Kind::kFloat32) return EmitNode::scalar(float_text(v.as_float(), 32), ScalarStyle::kPlain);
  if (k == Kind::kFloat64) return EmitNode::scalar(float_text(v.as_float(), 64), ScalarStyle::kPlain);
  if (k == Kind::kString) return string_node(v.as_string());
  if (k == Kind::kSlice) {
    EmitNode node = EmitNode::sequence();
    for (const Value& item : v.list_items()) {
      SKIFF_ASSIGN_OR_RETURN(EmitNode child, node_of(item));
      node.children.push_back(std::move(child));
    }
    return node;
  }
  if (k == Kind::kMap) {
    std::vector<const std::pair<const std::string, Value>*> entries;
    for (const auto& e : v.map_entries()) entries.push_back(&e);
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto* a, const auto* b) { return skiff::yaml::natural_key_less(a->first, b->first); });
    EmitNode node = EmitNode::mapping();
    for (const auto* e : entries) {
      SKIFF_ASSIGN_OR_RETURN(EmitNode child, node_of(e->second));
      node.children.push_back(string_node(e->first));
      node.children.push_back(std::move(child));
    }
    return node;
  }
  return Error::invalid("cannot marshal type: " + v.type_name());
}

}  // namespace

Result<std::string> to_yaml_pretty(const tmpl::Value& v) {
  SKIFF_ASSIGN_OR_RETURN(EmitNode root, node_of(v));
  skiff::yaml::EmitterOptions options;
  options.best_indent = 2;
  options.best_width = -1;
  options.go_yaml_v3 = true;
  return skiff::yaml::emit_document(root, options);
}

}  // namespace skiff::chart::funcs

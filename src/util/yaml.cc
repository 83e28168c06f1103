// YAML request bodies and kubeconfigs as Kubernetes reads them: sigs.k8s.io/yaml.YAMLToJSON,
// i.e. go-yaml v2's decoding (YAML 1.1 scalars) turned into JSON, integers kept as integers.
#include "util/yaml.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "util/go_strconv.h"
#include "util/yaml_emitter.h"
#include "util/yaml_parser.h"
#include "util/yaml_resolve.h"

namespace skiff {
namespace {

using yaml::DecodedScalar;
using yaml::ResolvedTag;
using yaml::YamlNode;

Error conversion_error(const std::string& message) { return Error::bad_request(message); }

// A float as encoding/json writes it and a JSON decoder then reads it: integral values below
// 1e21 have no exponent and read back as integers (so `replicas: 3.0` is 3).
Result<Json> float_json(double f) {
  if (std::isnan(f) || std::isinf(f))
    return conversion_error("json: unsupported value: " + go_format_float(f, 'g', -1, 64));
  if (f == std::trunc(f) && std::fabs(f) < 9.2e18) return Json(static_cast<int64_t>(f));
  return Json(f);
}

// encoding/json writes invalid UTF-8 (from !!binary) as U+FFFD, byte by byte.
std::string json_text(const std::string& s) {
  if (valid_utf8(s)) return s;
  std::string out;
  for (size_t i = 0; i < s.size();) {
    int width = 1;
    append_rune(out, decode_rune(std::string_view(s).substr(i), &width));
    i += static_cast<size_t>(width);
  }
  return out;
}

Result<Json> scalar_json(const DecodedScalar& s) {
  switch (s.tag) {
    case ResolvedTag::kBool: return Json(s.resolved.boolean);
    case ResolvedTag::kInt:
      return s.resolved.is_unsigned ? Json(s.resolved.uint) : Json(s.resolved.integer);
    case ResolvedTag::kFloat: return float_json(s.resolved.floating);
    case ResolvedTag::kNull: return Json(nullptr);
    default: return Json(json_text(s.text));
  }
}

// go-yaml's guard against "billion laughs" documents: too many nodes reached through aliases.
class AliasBudget {
 public:
  Status count(bool through_alias) {
    ++nodes_;
    if (through_alias) ++aliased_;
    if (aliased_ > 100 && nodes_ > 1000 && static_cast<double>(aliased_) / nodes_ > allowed_ratio())
      return conversion_error("yaml: document contains excessive aliasing");
    return ok_status();
  }

 private:
  double allowed_ratio() const {
    constexpr long kLow = 400000, kHigh = 4000000;
    if (nodes_ <= kLow) return 0.99;
    if (nodes_ >= kHigh) return 0.10;
    return 0.99 - 0.89 * (static_cast<double>(nodes_ - kLow) / static_cast<double>(kHigh - kLow));
  }
  long nodes_ = 0;
  long aliased_ = 0;
};

class JsonDecoder {
 public:
  Result<Json> decode(const YamlNode* n) {
    SKIFF_TRY(budget_.count(alias_depth_ > 0));
    switch (n->kind) {
      case YamlNode::Kind::kAlias: return through_alias(n, [&](const YamlNode* target) { return decode(target); });
      case YamlNode::Kind::kScalar: {
        SKIFF_ASSIGN_OR_RETURN(DecodedScalar s, yaml::decode_scalar(*n));
        return scalar_json(s);
      }
      case YamlNode::Kind::kSequence: {
        Json items = Json::array();
        for (const YamlNode* child : n->children) {
          SKIFF_ASSIGN_OR_RETURN(Json item, decode(child));
          items.push_back(std::move(item));
        }
        return items;
      }
      case YamlNode::Kind::kMapping: {
        Json object = Json::object();
        SKIFF_TRY(mapping(n, object));
        return object;
      }
    }
    return Json(nullptr);
  }

 private:
  template <class F>
  auto through_alias(const YamlNode* n, F&& f) -> decltype(f(n)) {
    if (active_aliases_.count(n)) return conversion_error("yaml: anchor '" + n->value + "' value contains itself");
    active_aliases_.insert(n);
    ++alias_depth_;
    auto result = f(n->alias);
    --alias_depth_;
    active_aliases_.erase(n);
    return result;
  }

  // sigs.k8s.io/yaml's JSON object key for a decoded map key.
  Result<std::string> key_string(const YamlNode* n) {
    if (n->kind == YamlNode::Kind::kAlias)
      return through_alias(n, [&](const YamlNode* target) { return key_string(target); });
    if (n->kind != YamlNode::Kind::kScalar) return conversion_error("yaml: invalid map key: a mapping or sequence");
    SKIFF_ASSIGN_OR_RETURN(DecodedScalar s, yaml::decode_scalar(*n));
    switch (s.tag) {
      case ResolvedTag::kBool: return std::string(s.resolved.boolean ? "true" : "false");
      case ResolvedTag::kInt:
        return s.resolved.is_unsigned ? std::to_string(s.resolved.uint) : std::to_string(s.resolved.integer);
      case ResolvedTag::kFloat: {
        double f = s.resolved.floating;
        if (std::isnan(f)) return std::string(".nan");
        if (std::isinf(f)) return std::string(f > 0 ? ".inf" : "-.inf");
        return go_format_float(f, 'g', -1, 32);
      }
      case ResolvedTag::kNull: return conversion_error("yaml: a map key may not be null");
      default: return json_text(s.text);
    }
  }

  Status mapping(const YamlNode* n, Json& out) {
    for (size_t i = 0; i + 1 < n->children.size(); i += 2) {
      if (yaml::is_merge_key(*n->children[i])) {
        SKIFF_TRY(merge(n->children[i + 1], out));
        continue;
      }
      SKIFF_ASSIGN_OR_RETURN(std::string key, key_string(n->children[i]));
      SKIFF_ASSIGN_OR_RETURN(Json value, decode(n->children[i + 1]));
      out[key] = std::move(value);  // a later duplicate wins, as in go-yaml v2
    }
    return ok_status();
  }

  static bool is_mapping(const YamlNode* n) {
    return n->kind == YamlNode::Kind::kMapping ||
           (n->kind == YamlNode::Kind::kAlias && n->alias->kind == YamlNode::Kind::kMapping);
  }

  Status merge_one(const YamlNode* n, Json& out) {
    SKIFF_TRY(budget_.count(alias_depth_ > 0));
    if (n->kind == YamlNode::Kind::kAlias)
      return through_alias(n, [&](const YamlNode* target) { return merge_one(target, out); });
    return mapping(n, out);
  }

  // "<<: *base" or "<<: [*a, *b]" (earlier maps take precedence).
  Status merge(const YamlNode* n, Json& out) {
    const Error want_map = conversion_error("yaml: map merge requires map or sequence of maps as the value");
    if (n->kind == YamlNode::Kind::kSequence) {
      for (size_t i = n->children.size(); i-- > 0;) {
        if (!is_mapping(n->children[i])) return want_map;
        SKIFF_TRY(merge_one(n->children[i], out));
      }
      return ok_status();
    }
    if (!is_mapping(n)) return want_map;
    return merge_one(n, out);
  }

  AliasBudget budget_;
  int alias_depth_ = 0;
  std::set<const YamlNode*> active_aliases_;
};

yaml::EmitNode emit_node(const Json& j) {
  using yaml::EmitNode;
  using yaml::ScalarStyle;
  switch (j.type()) {
    case Json::value_t::object: {
      std::vector<const std::string*> keys;
      for (const auto& [k, v] : j.items()) keys.push_back(&k);
      std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return yaml::natural_key_less(*a, *b); });
      EmitNode node = EmitNode::mapping();
      for (const std::string* k : keys) {
        node.children.push_back(yaml::go_yaml_string(*k));
        node.children.push_back(emit_node(j.at(*k)));
      }
      return node;
    }
    case Json::value_t::array: {
      EmitNode node = EmitNode::sequence();
      for (const auto& v : j) node.children.push_back(emit_node(v));
      return node;
    }
    case Json::value_t::string: return yaml::go_yaml_string(j.get<std::string>());
    case Json::value_t::boolean: return EmitNode::scalar(j.get<bool>() ? "true" : "false", ScalarStyle::kPlain);
    case Json::value_t::null: return EmitNode::scalar("null", ScalarStyle::kPlain);
    case Json::value_t::number_float: {
      double f = j.get<double>();
      return EmitNode::scalar(std::isfinite(f) ? go_format_float(f, 'g', -1, 64) : "null", ScalarStyle::kPlain);
    }
    default: return EmitNode::scalar(j.dump(), ScalarStyle::kPlain);
  }
}

}  // namespace

Result<Json> parse_yaml(std::string_view text) {
  SKIFF_ASSIGN_OR_RETURN(auto docs, parse_yaml_documents(text));
  if (docs.empty()) return Json(nullptr);
  if (docs.size() > 1)
    return Error::bad_request("yaml: expected a single document, found " + std::to_string(docs.size()));
  return std::move(docs[0]);
}

Result<std::vector<Json>> parse_yaml_documents(std::string_view text) {
  yaml::YamlStream stream(text);
  std::vector<Json> out;
  while (true) {
    auto root = stream.next_document();
    if (!root.ok()) return Error::bad_request(root.error().message);
    if (*root == nullptr) return out;
    auto decoded = JsonDecoder().decode(*root);
    if (!decoded.ok()) return Error::bad_request(decoded.error().message);
    if (!decoded->is_null()) out.push_back(std::move(decoded).value());
  }
}

std::string to_yaml(const Json& j) { return yaml::emit_document(emit_node(j)); }

}  // namespace skiff

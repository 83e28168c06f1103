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
#include "chart/yaml/yaml_emitter.h"
#include "chart/yaml/yaml_parser.h"
#include "chart/yaml/yaml_resolve.h"

namespace skiff::chart::yaml {
namespace {

using tmpl::Value;

// unicode.IsDigit: ASCII and the common decimal-digit blocks.
bool go_is_digit(int32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return (r >= 0x660 && r <= 0x669) || (r >= 0x6F0 && r <= 0x6F9) || (r >= 0x966 && r <= 0x96F) ||
         (r >= 0xFF10 && r <= 0xFF19);
}

// unicode.IsLetter, approximated outside Latin-1: scripts count as letters, the
// punctuation, symbol, emoji and private-use blocks do not.
bool go_is_letter(int32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (r < 0x100) return r == 0xAA || r == 0xB5 || r == 0xBA || (r >= 0xC0 && r != 0xD7 && r != 0xF7);
  if (go_is_digit(r)) return false;
  if (r >= 0x2000 && r <= 0x2BFF) return false;   // punctuation, symbols, arrows, box drawing
  if (r >= 0x3000 && r <= 0x303F) return false;   // CJK punctuation
  if (r >= 0xE000 && r <= 0xF8FF) return false;   // private use
  if (r >= 0xFE00 && r <= 0xFE6F) return false;   // variation selectors, small forms
  if (r >= 0xFF00 && r <= 0xFF20) return false;   // fullwidth punctuation
  if (r >= 0xFFF0 && r <= 0xFFFF) return false;   // specials
  if (r == 0xFEFF || r == 0x85 || r == 0xAD) return false;  // format characters
  if (r >= 0x1F000 && r <= 0x1FAFF) return false; // emoji and pictographs
  if (r >= 0x300 && r <= 0x36F) return false;     // combining marks
  return true;
}

}  // namespace

// go-yaml v2 sorter.go keyList.Less for two string keys: letters sort before other
// characters, runs of digits compare by numeric value (int64 arithmetic, wrapping as Go's does).
bool natural_key_less(std::string_view a, std::string_view b) {
  std::vector<int32_t> ar, br;
  for (size_t i = 0; i < a.size();) {
    int w = 1;
    ar.push_back(tmpl::decode_rune(a.substr(i), &w));
    i += w;
  }
  for (size_t i = 0; i < b.size();) {
    int w = 1;
    br.push_back(tmpl::decode_rune(b.substr(i), &w));
    i += w;
  }
  for (size_t i = 0; i < ar.size() && i < br.size(); ++i) {
    if (ar[i] == br[i]) continue;
    bool al = go_is_letter(ar[i]);
    bool bl = go_is_letter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    uint64_t an = 0, bn = 0;
    if (ar[i] == '0' || br[i] == '0') {
      for (size_t j = i; j-- > 0 && go_is_digit(ar[j]);) {
        if (ar[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    for (; ai < ar.size() && go_is_digit(ar[ai]); ++ai) an = an * 10 + static_cast<uint64_t>(ar[ai] - '0');
    for (; bi < br.size() && go_is_digit(br[bi]); ++bi) bn = bn * 10 + static_cast<uint64_t>(br[bi] - '0');
    if (an != bn) return static_cast<int64_t>(an) < static_cast<int64_t>(bn);
    if (ai != bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.size() < br.size();
}

namespace {

// encoder.stringv: the requested style for a string.
EmitNode string_node(std::string s) {
  ScalarStyle style;
  Resolved r = resolve_plain(s);
  bool can_use_plain = r.tag == ResolvedTag::kStr && !is_base60_float(s);
  if (s.find('\n') != std::string::npos) {
    style = ScalarStyle::kLiteral;
  } else if (can_use_plain) {
    style = ScalarStyle::kPlain;
  } else {
    style = ScalarStyle::kDoubleQuoted;
  }
  return EmitNode::scalar(std::move(s), style);
}

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
      if (n->style != ScalarStyle::kPlain) return string_node(n->value);
      Resolved r = resolve_plain(n->value);
      switch (r.tag) {
        case ResolvedTag::kBool: return EmitNode::scalar(r.boolean ? "true" : "false", ScalarStyle::kPlain);
        case ResolvedTag::kNull: return EmitNode::scalar("null", ScalarStyle::kPlain);
        case ResolvedTag::kInt:
        case ResolvedTag::kFloat: return number_node(n->value);
        default: return string_node(n->value);
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
        node.children.push_back(string_node(key));
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

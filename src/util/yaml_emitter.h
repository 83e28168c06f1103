// A YAML emitter that writes bytes exactly as go-yaml v2's emitter (a libyaml port)
// does, for the node shapes Go's YAML encoder produces: block mappings and sequences,
// empty ones in flow style, and scalars in a requested style that the emitter may
// downgrade (plain -> single -> double quoted, literal -> double quoted).
#pragma once

#include <string>
#include <vector>

namespace skiff::yaml {

enum class ScalarStyle { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

struct EmitNode {
  enum class Type { kScalar, kMapping, kSequence };
  Type type = Type::kScalar;
  std::string value;                       // scalars
  ScalarStyle style = ScalarStyle::kPlain;  // requested scalar style
  std::vector<EmitNode> children;          // mappings: key, value, key, value, ...

  static EmitNode scalar(std::string v, ScalarStyle s) {
    EmitNode n;
    n.value = std::move(v);
    n.style = s;
    return n;
  }
  static EmitNode mapping() {
    EmitNode n;
    n.type = Type::kMapping;
    return n;
  }
  static EmitNode sequence() {
    EmitNode n;
    n.type = Type::kSequence;
    return n;
  }
};

// A string scalar in the style go-yaml v2's encoder asks for: plain unless it would read back as
// another type (then double-quoted), a literal block when it spans lines.
EmitNode go_yaml_string(std::string s);

struct EmitterOptions {
  int best_indent = 2;
  int best_width = 80;
  // go-yaml v3's emitter: block sequences inside mappings are indented, and a tab does
  // not rule out a literal block.
  bool go_yaml_v3 = false;
};

// One implicit document ("---" not written, no "..." at the end), ending in a newline.
std::string emit_document(const EmitNode& root, const EmitterOptions& options = {});

}  // namespace skiff::yaml

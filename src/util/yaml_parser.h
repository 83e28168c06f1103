// Composes YAML documents into node trees with libyaml's parser rules (go-yaml v2's
// parserc.go state machine, written here as recursive descent over the same tokens).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/yaml_scanner.h"
#include "util/result.h"

namespace skiff::yaml {

struct YamlNode {
  enum class Kind { kScalar, kMapping, kSequence, kAlias };
  Kind kind = Kind::kScalar;
  Mark start;
  std::string tag;    // full tag ("tag:yaml.org,2002:str", "!foo") or empty
  std::string value;  // scalar text; alias name
  bool implicit = false;  // plain scalar without a tag (or with the "!" tag)
  ScalarStyle style = ScalarStyle::kPlain;
  std::vector<const YamlNode*> children;  // mapping: key, value, ...
  const YamlNode* alias = nullptr;        // what an alias refers to
};

// A parsed stream. Nodes are owned by the stream.
class YamlStream {
 public:
  explicit YamlStream(std::string_view text);

  // The next document's root, nullptr at the end of the stream. Errors read like
  // go-yaml's ("yaml: line 3: mapping values are not allowed in this context").
  Result<const YamlNode*> next_document();

 private:
  Result<const YamlNode*> parse_node(bool block, bool indentless_sequence);
  Result<const YamlNode*> parse_block_sequence(YamlNode* node);
  Result<const YamlNode*> parse_indentless_sequence(YamlNode* node);
  Result<const YamlNode*> parse_block_mapping(YamlNode* node);
  Result<const YamlNode*> parse_flow_sequence(YamlNode* node);
  Result<const YamlNode*> parse_flow_mapping(YamlNode* node);
  Result<const Token*> peek();
  YamlNode* new_node(YamlNode::Kind kind, Mark start);
  const YamlNode* empty_scalar(Mark mark);
  Error parser_error(std::string context, Mark context_mark, std::string problem, Mark problem_mark);
  Error scanner_error() const;

  Scanner scanner_;
  bool started_ = false;
  bool first_document_ = true;
  bool finished_ = false;
  std::vector<std::pair<std::string, std::string>> tag_directives_;
  std::vector<std::pair<std::string, const YamlNode*>> anchors_;
  // The nodes, allocated in chunks (a values file has thousands of them).
  std::vector<std::unique_ptr<YamlNode[]>> node_chunks_;
  size_t chunk_size_ = 0;
  size_t nodes_left_in_chunk_ = 0;
};

// go-yaml's rendering of a libyaml problem: "yaml: line N: <problem>".
std::string format_yaml_problem(const YamlProblem& p);

}  // namespace skiff::yaml

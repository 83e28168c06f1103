#include "util/yaml_parser.h"

#include <algorithm>

namespace skiff::yaml {

std::string format_yaml_problem(const YamlProblem& p) {
  size_t line = 0;
  if (p.problem_mark.line != 0) {
    line = p.problem_mark.line;
    // go-yaml adds one for scanner errors only: parser errors show the 0-based line.
    if (p.kind == YamlProblem::Kind::kScanner) line++;
  } else if (p.context_mark.line != 0) {
    line = p.context_mark.line;
  }
  std::string out = "yaml: ";
  if (line != 0) out += "line " + std::to_string(line) + ": ";
  out += p.problem.empty() ? "unknown problem parsing YAML content" : p.problem;
  return out;
}

namespace {
Error yaml_error(std::string message) { return Error::invalid(std::move(message)); }
}  // namespace

YamlStream::YamlStream(std::string_view text) : scanner_(text.empty() ? std::string_view("\n") : text) {}

Error YamlStream::scanner_error() const { return yaml_error(format_yaml_problem(scanner_.problem())); }

Error YamlStream::parser_error(std::string context, Mark context_mark, std::string problem, Mark problem_mark) {
  YamlProblem p;
  p.kind = YamlProblem::Kind::kParser;
  p.context = std::move(context);
  p.context_mark = context_mark;
  p.problem = std::move(problem);
  p.problem_mark = problem_mark;
  return yaml_error(format_yaml_problem(p));
}

Result<const Token*> YamlStream::peek() {
  const Token* t = scanner_.peek();
  if (t == nullptr) return scanner_error();
  return t;
}

YamlNode* YamlStream::new_node(YamlNode::Kind kind, Mark start) {
  if (nodes_left_in_chunk_ == 0) {
    // Chunks double up to 256 nodes: a rendered manifest has a few dozen, a values file thousands.
    chunk_size_ = node_chunks_.empty() ? 16 : std::min<size_t>(chunk_size_ * 2, 256);
    node_chunks_.push_back(std::make_unique<YamlNode[]>(chunk_size_));
    nodes_left_in_chunk_ = chunk_size_;
  }
  YamlNode* n = &node_chunks_.back()[chunk_size_ - nodes_left_in_chunk_--];
  n->kind = kind;
  n->start = start;
  return n;
}

const YamlNode* YamlStream::empty_scalar(Mark mark) {
  YamlNode* n = new_node(YamlNode::Kind::kScalar, mark);
  n->implicit = true;
  return n;
}

Result<const YamlNode*> YamlStream::next_document() {
  if (finished_) return static_cast<const YamlNode*>(nullptr);
  SKIFF_ASSIGN_OR_RETURN(const Token* token, peek());
  if (!started_) {
    // STREAM-START is always the first token.
    scanner_.skip_token();
    started_ = true;
    SKIFF_ASSIGN_OR_RETURN(token, peek());
  }
  bool implicit = first_document_;
  first_document_ = false;
  if (!implicit) {
    while (token->type == TokenType::kDocumentEnd) {
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
    }
  }
  anchors_.clear();
  tag_directives_.clear();
  const YamlNode* root = nullptr;
  if (implicit && token->type != TokenType::kVersionDirective && token->type != TokenType::kTagDirective &&
      token->type != TokenType::kDocumentStart && token->type != TokenType::kStreamEnd) {
    tag_directives_ = {{"!", "!"}, {"!!", "tag:yaml.org,2002:"}};
    SKIFF_ASSIGN_OR_RETURN(root, parse_node(true, false));
  } else if (token->type != TokenType::kStreamEnd) {
    bool have_version = false;
    while (token->type == TokenType::kVersionDirective || token->type == TokenType::kTagDirective) {
      if (token->type == TokenType::kVersionDirective) {
        if (have_version) return parser_error("", {}, "found duplicate %YAML directive", token->start);
        if (token->major != 1 || token->minor != 1) {
          return parser_error("", {}, "found incompatible YAML document", token->start);
        }
        have_version = true;
      } else {
        for (const auto& [handle, prefix] : tag_directives_) {
          if (handle == token->value) return parser_error("", {}, "found duplicate %TAG directive", token->start);
        }
        tag_directives_.emplace_back(token->value, token->suffix);
      }
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
    }
    for (const auto& [handle, prefix] : std::vector<std::pair<std::string, std::string>>{
             {"!", "!"}, {"!!", "tag:yaml.org,2002:"}}) {
      bool present = false;
      for (const auto& d : tag_directives_) present = present || d.first == handle;
      if (!present) tag_directives_.emplace_back(handle, prefix);
    }
    if (token->type != TokenType::kDocumentStart) {
      return parser_error("", {}, "did not find expected <document start>", token->start);
    }
    scanner_.skip_token();
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type == TokenType::kVersionDirective || token->type == TokenType::kTagDirective ||
        token->type == TokenType::kDocumentStart || token->type == TokenType::kDocumentEnd ||
        token->type == TokenType::kStreamEnd) {
      root = empty_scalar(token->start);
    } else {
      SKIFF_ASSIGN_OR_RETURN(root, parse_node(true, false));
    }
  } else {
    scanner_.skip_token();
    finished_ = true;
    return static_cast<const YamlNode*>(nullptr);
  }
  // DOCUMENT-END
  SKIFF_ASSIGN_OR_RETURN(token, peek());
  if (token->type == TokenType::kDocumentEnd) scanner_.skip_token();
  return root;
}

Result<const YamlNode*> YamlStream::parse_node(bool block, bool indentless_sequence) {
  SKIFF_ASSIGN_OR_RETURN(const Token* token, peek());
  if (token->type == TokenType::kAlias) {
    YamlNode* n = new_node(YamlNode::Kind::kAlias, token->start);
    n->value = token->value;
    for (auto it = anchors_.rbegin(); it != anchors_.rend(); ++it) {
      if (it->first == n->value) {
        n->alias = it->second;
        break;
      }
    }
    if (n->alias == nullptr) return yaml_error("yaml: unknown anchor '" + n->value + "' referenced");
    scanner_.skip_token();
    return static_cast<const YamlNode*>(n);
  }
  Mark start = token->start;
  bool tag_token = false;
  std::string tag_handle, tag_suffix, anchor;
  bool has_anchor = false;
  Mark tag_mark;
  if (token->type == TokenType::kAnchor) {
    anchor = token->value;
    has_anchor = true;
    scanner_.skip_token();
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type == TokenType::kTag) {
      tag_token = true;
      tag_handle = token->value;
      tag_suffix = token->suffix;
      tag_mark = token->start;
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
    }
  } else if (token->type == TokenType::kTag) {
    tag_token = true;
    tag_handle = token->value;
    tag_suffix = token->suffix;
    tag_mark = token->start;
    scanner_.skip_token();
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type == TokenType::kAnchor) {
      anchor = token->value;
      has_anchor = true;
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
    }
  }
  std::string tag;
  if (tag_token) {
    if (tag_handle.empty()) {
      tag = tag_suffix;
    } else {
      for (const auto& [handle, prefix] : tag_directives_) {
        if (handle == tag_handle) {
          tag = prefix + tag_suffix;
          break;
        }
      }
      if (tag.empty()) return parser_error("while parsing a node", start, "found undefined tag handle", tag_mark);
    }
  }
  bool implicit = tag.empty();
  auto register_anchor = [&](const YamlNode* n) {
    if (has_anchor) anchors_.emplace_back(anchor, n);
  };

  if (indentless_sequence && token->type == TokenType::kBlockEntry) {
    YamlNode* n = new_node(YamlNode::Kind::kSequence, start);
    n->tag = tag;
    register_anchor(n);
    return parse_indentless_sequence(n);
  }
  if (token->type == TokenType::kScalar) {
    YamlNode* n = new_node(YamlNode::Kind::kScalar, start);
    n->tag = tag;
    n->style = token->style;
    n->value = scanner_.take_token_value();
    n->implicit = (tag.empty() && token->style == ScalarStyle::kPlain) || tag == "!";
    register_anchor(n);
    scanner_.skip_token();
    return static_cast<const YamlNode*>(n);
  }
  if (token->type == TokenType::kFlowSequenceStart) {
    YamlNode* n = new_node(YamlNode::Kind::kSequence, start);
    n->tag = tag;
    register_anchor(n);
    return parse_flow_sequence(n);
  }
  if (token->type == TokenType::kFlowMappingStart) {
    YamlNode* n = new_node(YamlNode::Kind::kMapping, start);
    n->tag = tag;
    register_anchor(n);
    return parse_flow_mapping(n);
  }
  if (block && token->type == TokenType::kBlockSequenceStart) {
    YamlNode* n = new_node(YamlNode::Kind::kSequence, start);
    n->tag = tag;
    register_anchor(n);
    return parse_block_sequence(n);
  }
  if (block && token->type == TokenType::kBlockMappingStart) {
    YamlNode* n = new_node(YamlNode::Kind::kMapping, start);
    n->tag = tag;
    register_anchor(n);
    return parse_block_mapping(n);
  }
  if (has_anchor || !tag.empty()) {
    YamlNode* n = new_node(YamlNode::Kind::kScalar, start);
    n->tag = tag;
    n->implicit = implicit;
    register_anchor(n);
    return static_cast<const YamlNode*>(n);
  }
  return parser_error(block ? "while parsing a block node" : "while parsing a flow node", start,
                      "did not find expected node content", token->start);
}

Result<const YamlNode*> YamlStream::parse_block_sequence(YamlNode* node) {
  SKIFF_ASSIGN_OR_RETURN(const Token* token, peek());
  Mark context_mark = token->start;
  scanner_.skip_token();
  while (true) {
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type == TokenType::kBlockEntry) {
      Mark mark = token->end;
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
      if (token->type != TokenType::kBlockEntry && token->type != TokenType::kBlockEnd) {
        SKIFF_ASSIGN_OR_RETURN(const YamlNode* item, parse_node(true, false));
        node->children.push_back(item);
      } else {
        node->children.push_back(empty_scalar(mark));
      }
      continue;
    }
    if (token->type == TokenType::kBlockEnd) {
      scanner_.skip_token();
      return static_cast<const YamlNode*>(node);
    }
    return parser_error("while parsing a block collection", context_mark, "did not find expected '-' indicator",
                        token->start);
  }
}

Result<const YamlNode*> YamlStream::parse_indentless_sequence(YamlNode* node) {
  while (true) {
    SKIFF_ASSIGN_OR_RETURN(const Token* token, peek());
    if (token->type != TokenType::kBlockEntry) return static_cast<const YamlNode*>(node);
    Mark mark = token->end;
    scanner_.skip_token();
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type != TokenType::kBlockEntry && token->type != TokenType::kKey &&
        token->type != TokenType::kValue && token->type != TokenType::kBlockEnd) {
      SKIFF_ASSIGN_OR_RETURN(const YamlNode* item, parse_node(true, false));
      node->children.push_back(item);
    } else {
      node->children.push_back(empty_scalar(mark));
    }
  }
}

Result<const YamlNode*> YamlStream::parse_block_mapping(YamlNode* node) {
  SKIFF_ASSIGN_OR_RETURN(const Token* token, peek());
  Mark context_mark = token->start;
  scanner_.skip_token();
  while (true) {
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type == TokenType::kKey) {
      Mark mark = token->end;
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
      if (token->type != TokenType::kKey && token->type != TokenType::kValue &&
          token->type != TokenType::kBlockEnd) {
        SKIFF_ASSIGN_OR_RETURN(const YamlNode* key, parse_node(true, true));
        node->children.push_back(key);
      } else {
        node->children.push_back(empty_scalar(mark));
      }
    } else if (token->type == TokenType::kBlockEnd) {
      scanner_.skip_token();
      return static_cast<const YamlNode*>(node);
    } else {
      return parser_error("while parsing a block mapping", context_mark, "did not find expected key", token->start);
    }
    // The value.
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type == TokenType::kValue) {
      Mark mark = token->end;
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
      if (token->type != TokenType::kKey && token->type != TokenType::kValue &&
          token->type != TokenType::kBlockEnd) {
        SKIFF_ASSIGN_OR_RETURN(const YamlNode* value, parse_node(true, true));
        node->children.push_back(value);
      } else {
        node->children.push_back(empty_scalar(mark));
      }
    } else {
      node->children.push_back(empty_scalar(token->start));
    }
  }
}

Result<const YamlNode*> YamlStream::parse_flow_sequence(YamlNode* node) {
  SKIFF_ASSIGN_OR_RETURN(const Token* token, peek());
  Mark context_mark = token->start;
  scanner_.skip_token();
  bool first = true;
  while (true) {
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type == TokenType::kFlowSequenceEnd) break;
    if (!first) {
      if (token->type != TokenType::kFlowEntry) {
        return parser_error("while parsing a flow sequence", context_mark, "did not find expected ',' or ']'",
                            token->start);
      }
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
    }
    first = false;
    if (token->type == TokenType::kKey) {
      // A single-pair mapping inside the sequence: [a: b].
      YamlNode* pair = new_node(YamlNode::Kind::kMapping, token->start);
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
      if (token->type != TokenType::kValue && token->type != TokenType::kFlowEntry &&
          token->type != TokenType::kFlowSequenceEnd) {
        SKIFF_ASSIGN_OR_RETURN(const YamlNode* key, parse_node(false, false));
        pair->children.push_back(key);
      } else {
        Mark mark = token->end;
        scanner_.skip_token();  // as go-yaml does
        pair->children.push_back(empty_scalar(mark));
      }
      SKIFF_ASSIGN_OR_RETURN(token, peek());
      const YamlNode* value = nullptr;
      if (token->type == TokenType::kValue) {
        scanner_.skip_token();
        SKIFF_ASSIGN_OR_RETURN(token, peek());
        if (token->type != TokenType::kFlowEntry && token->type != TokenType::kFlowSequenceEnd) {
          SKIFF_ASSIGN_OR_RETURN(value, parse_node(false, false));
        }
      }
      if (value == nullptr) value = empty_scalar(token->start);
      pair->children.push_back(value);
      node->children.push_back(pair);
      continue;
    }
    if (token->type == TokenType::kFlowSequenceEnd) break;
    SKIFF_ASSIGN_OR_RETURN(const YamlNode* item, parse_node(false, false));
    node->children.push_back(item);
  }
  scanner_.skip_token();
  return static_cast<const YamlNode*>(node);
}

Result<const YamlNode*> YamlStream::parse_flow_mapping(YamlNode* node) {
  SKIFF_ASSIGN_OR_RETURN(const Token* token, peek());
  Mark context_mark = token->start;
  scanner_.skip_token();
  bool first = true;
  while (true) {
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    if (token->type == TokenType::kFlowMappingEnd) break;
    if (!first) {
      if (token->type != TokenType::kFlowEntry) {
        return parser_error("while parsing a flow mapping", context_mark, "did not find expected ',' or '}'",
                            token->start);
      }
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
    }
    first = false;
    if (token->type == TokenType::kKey) {
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
      if (token->type != TokenType::kValue && token->type != TokenType::kFlowEntry &&
          token->type != TokenType::kFlowMappingEnd) {
        SKIFF_ASSIGN_OR_RETURN(const YamlNode* key, parse_node(false, false));
        node->children.push_back(key);
      } else {
        node->children.push_back(empty_scalar(token->start));
      }
    } else if (token->type != TokenType::kFlowMappingEnd) {
      SKIFF_ASSIGN_OR_RETURN(const YamlNode* key, parse_node(false, false));
      node->children.push_back(key);
      SKIFF_ASSIGN_OR_RETURN(token, peek());
      node->children.push_back(empty_scalar(token->start));
      continue;
    } else {
      break;
    }
    // The value of a "? key" or "key:" entry.
    SKIFF_ASSIGN_OR_RETURN(token, peek());
    const YamlNode* value = nullptr;
    if (token->type == TokenType::kValue) {
      scanner_.skip_token();
      SKIFF_ASSIGN_OR_RETURN(token, peek());
      if (token->type != TokenType::kFlowEntry && token->type != TokenType::kFlowMappingEnd) {
        SKIFF_ASSIGN_OR_RETURN(value, parse_node(false, false));
      }
    }
    if (value == nullptr) value = empty_scalar(token->start);
    node->children.push_back(value);
  }
  scanner_.skip_token();
  return static_cast<const YamlNode*>(node);
}

}  // namespace skiff::yaml

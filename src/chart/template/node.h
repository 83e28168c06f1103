// Parse tree of a Go template, mirroring text/template/parse's node kinds. Nodes print
// themselves the way Go's String() does, because execution errors quote them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::chart::tmpl {

struct Tree;

enum class NodeType {
  kText,
  kAction,
  kBool,
  kChain,
  kCommand,
  kDot,
  kElse,
  kEnd,
  kField,
  kIdentifier,
  kIf,
  kList,
  kNil,
  kNumber,
  kPipe,
  kRange,
  kString,
  kTemplate,
  kVariable,
  kWith,
  kComment,
  kBreak,
  kContinue,
};

struct Node {
  Node(NodeType type, size_t pos, const Tree* tree) : type(type), pos(pos), tree(tree) {}
  virtual ~Node() = default;
  virtual void write_to(std::string& out) const = 0;
  std::string str() const {
    std::string s;
    write_to(s);
    return s;
  }

  NodeType type;
  size_t pos;
  const Tree* tree;
};

using NodePtr = std::unique_ptr<Node>;

struct ListNode : Node {
  ListNode(size_t pos, const Tree* t) : Node(NodeType::kList, pos, t) {}
  void write_to(std::string& out) const override;
  std::vector<NodePtr> nodes;
};

struct TextNode : Node {
  TextNode(size_t pos, const Tree* t, std::string_view text) : Node(NodeType::kText, pos, t), text(text) {}
  void write_to(std::string& out) const override;
  std::string_view text;  // a slice of the tree's text, which the tree keeps alive
};

struct CommentNode : Node {
  CommentNode(size_t pos, const Tree* t, std::string text)
      : Node(NodeType::kComment, pos, t), text(std::move(text)) {}
  void write_to(std::string& out) const override { out += "{{" + text + "}}"; }
  std::string text;
};

struct VariableNode : Node {
  VariableNode(size_t pos, const Tree* t, const std::string& ident);
  void write_to(std::string& out) const override;
  std::vector<std::string> ident;  // "$x", then field names
};

struct CommandNode;

struct PipeNode : Node {
  PipeNode(size_t pos, const Tree* t, int line) : Node(NodeType::kPipe, pos, t), line(line) {}
  void write_to(std::string& out) const override;
  int line;
  bool is_assign = false;
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

struct ActionNode : Node {
  ActionNode(size_t pos, const Tree* t, int line, std::unique_ptr<PipeNode> pipe)
      : Node(NodeType::kAction, pos, t), line(line), pipe(std::move(pipe)) {}
  void write_to(std::string& out) const override;
  int line;
  std::unique_ptr<PipeNode> pipe;
};

struct CommandNode : Node {
  CommandNode(size_t pos, const Tree* t) : Node(NodeType::kCommand, pos, t) {}
  void write_to(std::string& out) const override;
  std::vector<NodePtr> args;
};

struct IdentifierNode : Node {
  IdentifierNode(size_t pos, const Tree* t, std::string ident)
      : Node(NodeType::kIdentifier, pos, t), ident(std::move(ident)) {}
  void write_to(std::string& out) const override { out += ident; }
  std::string ident;
};

struct DotNode : Node {
  DotNode(size_t pos, const Tree* t) : Node(NodeType::kDot, pos, t) {}
  void write_to(std::string& out) const override { out += '.'; }
};

struct NilNode : Node {
  NilNode(size_t pos, const Tree* t) : Node(NodeType::kNil, pos, t) {}
  void write_to(std::string& out) const override { out += "nil"; }
};

struct FieldNode : Node {
  FieldNode(size_t pos, const Tree* t, const std::string& ident);  // ident starts with '.'
  void write_to(std::string& out) const override;
  std::vector<std::string> ident;
};

struct ChainNode : Node {
  ChainNode(size_t pos, const Tree* t, NodePtr node)
      : Node(NodeType::kChain, pos, t), node(std::move(node)) {}
  void write_to(std::string& out) const override;
  NodePtr node;
  std::vector<std::string> field;
};

struct BoolNode : Node {
  BoolNode(size_t pos, const Tree* t, bool value) : Node(NodeType::kBool, pos, t), value(value) {}
  void write_to(std::string& out) const override { out += value ? "true" : "false"; }
  bool value;
};

// A number constant, stored under every type that can represent it (Go's ideal
// constants).
struct NumberNode : Node {
  NumberNode(size_t pos, const Tree* t, std::string text)
      : Node(NodeType::kNumber, pos, t), text(std::move(text)) {}
  void write_to(std::string& out) const override { out += text; }
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  bool is_complex = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  double imag = 0;  // complex constants: the real part is float64
  std::string text;
};

struct StringNode : Node {
  StringNode(size_t pos, const Tree* t, std::string quoted, std::string text)
      : Node(NodeType::kString, pos, t), quoted(std::move(quoted)), text(std::move(text)) {}
  void write_to(std::string& out) const override { out += quoted; }
  std::string quoted;
  std::string text;
};

struct EndNode : Node {
  EndNode(size_t pos, const Tree* t) : Node(NodeType::kEnd, pos, t) {}
  void write_to(std::string& out) const override { out += "{{end}}"; }
};

struct ElseNode : Node {
  ElseNode(size_t pos, const Tree* t, int line) : Node(NodeType::kElse, pos, t), line(line) {}
  void write_to(std::string& out) const override { out += "{{else}}"; }
  int line;
};

// if, range and with.
struct BranchNode : Node {
  BranchNode(NodeType type, size_t pos, const Tree* t, int line, std::unique_ptr<PipeNode> pipe,
             std::unique_ptr<ListNode> list, std::unique_ptr<ListNode> else_list)
      : Node(type, pos, t),
        line(line),
        pipe(std::move(pipe)),
        list(std::move(list)),
        else_list(std::move(else_list)) {}
  void write_to(std::string& out) const override;
  int line;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // null when absent
};

struct BreakNode : Node {
  BreakNode(size_t pos, const Tree* t, int line) : Node(NodeType::kBreak, pos, t), line(line) {}
  void write_to(std::string& out) const override { out += "{{break}}"; }
  int line;
};

struct ContinueNode : Node {
  ContinueNode(size_t pos, const Tree* t, int line)
      : Node(NodeType::kContinue, pos, t), line(line) {}
  void write_to(std::string& out) const override { out += "{{continue}}"; }
  int line;
};

struct TemplateNode : Node {
  TemplateNode(size_t pos, const Tree* t, int line, std::string name,
               std::unique_ptr<PipeNode> pipe)
      : Node(NodeType::kTemplate, pos, t), line(line), name(std::move(name)), pipe(std::move(pipe)) {}
  void write_to(std::string& out) const override;
  int line;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // null when absent
};

// One parsed template: a file's top level or a {{define}}. Trees parsed from the same
// text share it, for error locations.
struct Tree {
  std::string name;
  std::string parse_name;  // the top-level template being parsed (error messages)
  std::shared_ptr<const std::string> text;
  std::unique_ptr<ListNode> root;

  // "NAME:LINE:COL" of a node, as Go's ErrorContext (COL is a 0-based byte offset).
  std::string location(const Node& n) const;
};

// Whether a tree holds nothing but whitespace text and comments.
bool is_empty_tree(const Node* n);

}  // namespace skiff::chart::tmpl

// Parse tree of a Go template, mirroring text/template/parse's node kinds. Nodes print
// themselves the way Go's String() does, because execution errors quote them.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace skiff::chart::tmpl {

enum class NodeType : uint8_t {
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

// The nodes of one parse live in one arena and are trivially destructible: children are
// arena arrays, names and literals view the parsed text (or, unquoted, the arena).
// Nodes keep no pointer to their tree: identical texts parsed under several names share
// one set of nodes, and error locations come from the tree being executed.
class NodeArena {
 public:
  NodeArena() = default;
  NodeArena(const NodeArena&) = delete;
  NodeArena& operator=(const NodeArena&) = delete;

  template <class T, class... Args>
  T* make(Args&&... args) {
    static_assert(std::is_trivially_destructible_v<T>);
    return new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }
  // Room for n trivially copyable items, uninitialised.
  template <class T>
  T* array(size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    return static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
  }
  std::span<const std::string_view> views(const std::vector<std::string_view>& items);
  std::string_view copy(std::string_view s);

 private:
  void* allocate(size_t size, size_t align);

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
  size_t block_size_ = 1024;  // doubles with each block, up to 32 KiB: small sets stay small
};

// Nodes have no virtual functions (a node is a few words): write_to dispatches on type.
struct Node {
  Node(NodeType type, size_t pos) : type(type), pos(static_cast<uint32_t>(pos)) {}
  // Go's String(): the node as template source.
  void write_to(std::string& out) const;
  std::string str() const {
    std::string s;
    write_to(s);
    return s;
  }

  NodeType type;
  uint32_t pos;  // byte offset in the text (templates stay far below 4 GiB)
};
static_assert(sizeof(Node) == 8);

struct ListNode final : Node {
  ListNode(size_t pos, std::span<Node* const> nodes) : Node(NodeType::kList, pos), nodes(nodes) {}
  void write_to(std::string& out) const;
  std::span<Node* const> nodes;
};

struct TextNode final : Node {
  TextNode(size_t pos, std::string_view text) : Node(NodeType::kText, pos), text(text) {}
  void write_to(std::string& out) const;
  std::string_view text;
};

struct CommentNode final : Node {
  CommentNode(size_t pos, std::string_view text) : Node(NodeType::kComment, pos), text(text) {}
  void write_to(std::string& out) const {
    out += "{{";
    out += text;
    out += "}}";
  }
  std::string_view text;
};

struct VariableNode final : Node {
  VariableNode(size_t pos, std::span<const std::string_view> ident) : Node(NodeType::kVariable, pos), ident(ident) {}
  void write_to(std::string& out) const;
  std::span<const std::string_view> ident;  // "$x", then field names
};

struct CommandNode;

struct PipeNode final : Node {
  PipeNode(size_t pos, int line) : Node(NodeType::kPipe, pos), line(line) {}
  void write_to(std::string& out) const;
  int line;
  bool is_assign = false;
  std::span<VariableNode* const> decl;
  std::span<CommandNode* const> cmds;
};

struct ActionNode final : Node {
  ActionNode(size_t pos, int line, const PipeNode* pipe) : Node(NodeType::kAction, pos), line(line), pipe(pipe) {}
  void write_to(std::string& out) const;
  int line;
  const PipeNode* pipe;
};

struct CommandNode final : Node {
  CommandNode(size_t pos, std::span<Node* const> args) : Node(NodeType::kCommand, pos), args(args) {}
  void write_to(std::string& out) const;
  std::span<Node* const> args;
};

struct IdentifierNode final : Node {
  IdentifierNode(size_t pos, std::string_view ident) : Node(NodeType::kIdentifier, pos), ident(ident) {}
  void write_to(std::string& out) const { out += ident; }
  std::string_view ident;
};

struct DotNode final : Node {
  explicit DotNode(size_t pos) : Node(NodeType::kDot, pos) {}
  void write_to(std::string& out) const { out += '.'; }
};

struct NilNode final : Node {
  explicit NilNode(size_t pos) : Node(NodeType::kNil, pos) {}
  void write_to(std::string& out) const { out += "nil"; }
};

struct FieldNode final : Node {
  FieldNode(size_t pos, std::span<const std::string_view> ident) : Node(NodeType::kField, pos), ident(ident) {}
  void write_to(std::string& out) const;
  std::span<const std::string_view> ident;
};

struct ChainNode final : Node {
  ChainNode(size_t pos, const Node* node, std::span<const std::string_view> field)
      : Node(NodeType::kChain, pos), node(node), field(field) {}
  void write_to(std::string& out) const;
  const Node* node;
  std::span<const std::string_view> field;
};

struct BoolNode final : Node {
  BoolNode(size_t pos, bool value) : Node(NodeType::kBool, pos), value(value) {}
  void write_to(std::string& out) const { out += value ? "true" : "false"; }
  bool value;
};

// A number constant, stored under every type that can represent it (Go's ideal
// constants).
struct NumberNode final : Node {
  NumberNode(size_t pos, std::string_view text) : Node(NodeType::kNumber, pos), text(text) {}
  void write_to(std::string& out) const { out += text; }
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  bool is_complex = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  double imag = 0;  // complex constants: the real part is float64
  std::string_view text;
};

struct StringNode final : Node {
  StringNode(size_t pos, std::string_view quoted, std::string_view text)
      : Node(NodeType::kString, pos), quoted(quoted), text(text) {}
  void write_to(std::string& out) const { out += quoted; }
  std::string_view quoted;
  std::string_view text;  // unquoted
};

struct EndNode final : Node {
  explicit EndNode(size_t pos) : Node(NodeType::kEnd, pos) {}
  void write_to(std::string& out) const { out += "{{end}}"; }
};

struct ElseNode final : Node {
  ElseNode(size_t pos, int line) : Node(NodeType::kElse, pos), line(line) {}
  void write_to(std::string& out) const { out += "{{else}}"; }
  int line;
};

// if, range and with.
struct BranchNode final : Node {
  BranchNode(NodeType type, size_t pos, int line, const PipeNode* pipe, const ListNode* list,
             const ListNode* else_list)
      : Node(type, pos), line(line), pipe(pipe), list(list), else_list(else_list) {}
  void write_to(std::string& out) const;
  int line;
  const PipeNode* pipe;
  const ListNode* list;
  const ListNode* else_list;  // null when absent
};

struct BreakNode final : Node {
  BreakNode(size_t pos, int line) : Node(NodeType::kBreak, pos), line(line) {}
  void write_to(std::string& out) const { out += "{{break}}"; }
  int line;
};

struct ContinueNode final : Node {
  ContinueNode(size_t pos, int line) : Node(NodeType::kContinue, pos), line(line) {}
  void write_to(std::string& out) const { out += "{{continue}}"; }
  int line;
};

struct TemplateNode final : Node {
  TemplateNode(size_t pos, int line, std::string_view name, const PipeNode* pipe)
      : Node(NodeType::kTemplate, pos), line(line), name(name), pipe(pipe) {}
  void write_to(std::string& out) const;
  int line;
  std::string_view name;
  const PipeNode* pipe;  // null when absent
};

// One parsed template: a file's top level or a {{define}}. Trees parsed from the same
// text share it and the arena of their nodes.
struct Tree {
  std::string name;
  std::string parse_name;  // the top-level template being parsed (error messages)
  std::shared_ptr<const std::string> text;
  std::shared_ptr<const NodeArena> nodes;
  const ListNode* root = nullptr;
  bool top_level = false;  // the parsed text itself, not a {{define}} in it

  // "NAME:LINE:COL" of a node of this tree, as Go's ErrorContext (COL is a 0-based
  // byte offset).
  std::string location(const Node& n) const;
};

// Whether a tree holds nothing but whitespace text and comments.
bool is_empty_tree(const Node* n);

}  // namespace skiff::chart::tmpl

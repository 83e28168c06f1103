#include "chart/template/node.h"

#include <algorithm>
#include <cstring>

#include "chart/template/go_strconv.h"

namespace skiff::chart::tmpl {

void* NodeArena::allocate(size_t size, size_t align) {
  size_t pad = (0 - reinterpret_cast<uintptr_t>(next_)) & (align - 1);  // align: a power of two
  if (next_ == nullptr || pad + size > left_) {
    if (size > block_size_ / 4) {  // a block of its own; the current one stays open
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
      return blocks_.back().get();
    }
    if (!blocks_.empty()) block_size_ = std::min<size_t>(block_size_ * 2, 32 * 1024);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_size_));
    next_ = blocks_.back().get();
    left_ = block_size_;
    pad = 0;
  }
  void* out = next_ + pad;
  next_ += pad + size;
  left_ -= pad + size;
  return out;
}

std::span<const std::string_view> NodeArena::views(const std::vector<std::string_view>& items) {
  if (items.empty()) return {};
  auto* out = array<std::string_view>(items.size());
  for (size_t i = 0; i < items.size(); ++i) out[i] = items[i];
  return {out, items.size()};
}

std::string_view NodeArena::copy(std::string_view s) {
  if (s.empty()) return {};
  char* out = static_cast<char*>(allocate(s.size(), 1));
  std::memcpy(out, s.data(), s.size());
  return {out, s.size()};
}

namespace {

bool is_go_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

void Node::write_to(std::string& out) const {
  switch (type) {
    case NodeType::kText: return static_cast<const TextNode*>(this)->write_to(out);
    case NodeType::kAction: return static_cast<const ActionNode*>(this)->write_to(out);
    case NodeType::kBool: return static_cast<const BoolNode*>(this)->write_to(out);
    case NodeType::kChain: return static_cast<const ChainNode*>(this)->write_to(out);
    case NodeType::kCommand: return static_cast<const CommandNode*>(this)->write_to(out);
    case NodeType::kDot: return static_cast<const DotNode*>(this)->write_to(out);
    case NodeType::kElse: return static_cast<const ElseNode*>(this)->write_to(out);
    case NodeType::kEnd: return static_cast<const EndNode*>(this)->write_to(out);
    case NodeType::kField: return static_cast<const FieldNode*>(this)->write_to(out);
    case NodeType::kIdentifier: return static_cast<const IdentifierNode*>(this)->write_to(out);
    case NodeType::kIf:
    case NodeType::kRange:
    case NodeType::kWith: return static_cast<const BranchNode*>(this)->write_to(out);
    case NodeType::kList: return static_cast<const ListNode*>(this)->write_to(out);
    case NodeType::kNil: return static_cast<const NilNode*>(this)->write_to(out);
    case NodeType::kNumber: return static_cast<const NumberNode*>(this)->write_to(out);
    case NodeType::kPipe: return static_cast<const PipeNode*>(this)->write_to(out);
    case NodeType::kString: return static_cast<const StringNode*>(this)->write_to(out);
    case NodeType::kTemplate: return static_cast<const TemplateNode*>(this)->write_to(out);
    case NodeType::kVariable: return static_cast<const VariableNode*>(this)->write_to(out);
    case NodeType::kComment: return static_cast<const CommentNode*>(this)->write_to(out);
    case NodeType::kBreak: return static_cast<const BreakNode*>(this)->write_to(out);
    case NodeType::kContinue: return static_cast<const ContinueNode*>(this)->write_to(out);
  }
}

void ListNode::write_to(std::string& out) const {
  for (const Node* n : nodes) n->write_to(out);
}

void TextNode::write_to(std::string& out) const { out += text; }

void VariableNode::write_to(std::string& out) const {
  for (size_t i = 0; i < ident.size(); ++i) {
    if (i > 0) out += '.';
    out += ident[i];
  }
}

void PipeNode::write_to(std::string& out) const {
  if (!decl.empty()) {
    for (size_t i = 0; i < decl.size(); ++i) {
      if (i > 0) out += ", ";
      decl[i]->write_to(out);
    }
    out += is_assign ? " = " : " := ";
  }
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (i > 0) out += " | ";
    cmds[i]->write_to(out);
  }
}

void ActionNode::write_to(std::string& out) const {
  out += "{{";
  pipe->write_to(out);
  out += "}}";
}

void CommandNode::write_to(std::string& out) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    if (args[i]->type == NodeType::kPipe) {
      out += '(';
      args[i]->write_to(out);
      out += ')';
      continue;
    }
    args[i]->write_to(out);
  }
}

void FieldNode::write_to(std::string& out) const {
  for (const auto& id : ident) {
    out += '.';
    out += id;
  }
}

void ChainNode::write_to(std::string& out) const {
  if (node->type == NodeType::kPipe) {
    out += '(';
    node->write_to(out);
    out += ')';
  } else {
    node->write_to(out);
  }
  for (const auto& f : field) {
    out += '.';
    out += f;
  }
}

void BranchNode::write_to(std::string& out) const {
  const char* name = type == NodeType::kIf ? "if" : type == NodeType::kRange ? "range" : "with";
  out += "{{";
  out += name;
  out += ' ';
  pipe->write_to(out);
  out += "}}";
  list->write_to(out);
  if (else_list) {
    out += "{{else}}";
    else_list->write_to(out);
  }
  out += "{{end}}";
}

void TemplateNode::write_to(std::string& out) const {
  out += "{{template ";
  out += go_quote(name);
  if (pipe) {
    out += ' ';
    pipe->write_to(out);
  }
  out += "}}";
}

std::string Tree::location(const Node& n) const {
  const Tree* tree = this;
  std::string_view text = *tree->text;
  size_t pos = std::min<size_t>(n.pos, text.size());
  std::string_view before = text.substr(0, pos);
  size_t nl = before.rfind('\n');
  size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
  size_t line = 1 + std::count(before.begin(), before.end(), '\n');
  return tree->parse_name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

bool is_empty_tree(const Node* n) {
  if (n == nullptr) return true;
  switch (n->type) {
    case NodeType::kComment:
      return true;
    case NodeType::kList:
      for (const Node* child : static_cast<const ListNode*>(n)->nodes) {
        if (!is_empty_tree(child)) return false;
      }
      return true;
    case NodeType::kText: {
      const auto& text = static_cast<const TextNode*>(n)->text;
      return std::all_of(text.begin(), text.end(),
                         [](char c) { return is_go_space(static_cast<unsigned char>(c)); });
    }
    default:
      return false;
  }
}

}  // namespace skiff::chart::tmpl

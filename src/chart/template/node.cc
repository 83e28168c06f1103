#include "chart/template/node.h"

#include <algorithm>

#include "chart/template/go_strconv.h"

namespace skiff::chart::tmpl {
namespace {

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (dot == std::string::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
}

bool is_go_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

void ListNode::write_to(std::string& out) const {
  for (const auto& n : nodes) n->write_to(out);
}

void TextNode::write_to(std::string& out) const { out += text; }

VariableNode::VariableNode(size_t pos, const Tree* t, const std::string& ident)
    : Node(NodeType::kVariable, pos, t), ident(split_dots(ident)) {}

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

FieldNode::FieldNode(size_t pos, const Tree* t, const std::string& ident)
    : Node(NodeType::kField, pos, t), ident(split_dots(ident.substr(1))) {}

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
  const Tree* tree = n.tree ? n.tree : this;
  std::string_view text = *tree->text;
  size_t pos = std::min(n.pos, text.size());
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
      for (const auto& child : static_cast<const ListNode*>(n)->nodes) {
        if (!is_empty_tree(child.get())) return false;
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

#include "chart/template/parser.h"

#include <vector>

#include "chart/template/go_strconv.h"
#include "chart/template/lexer.h"
#include "chart/template/stack_guard.h"

namespace skiff::chart::tmpl {
namespace {

constexpr int kMaxStackDepth = 10000;
constexpr size_t kMaxPipelineCmds = 100000;

struct ParseError {
  std::string message;
};

struct ParseShared {
  std::shared_ptr<const std::string> text;
  std::shared_ptr<NodeArena> arena;
  std::string parse_name;
  const std::function<bool(std::string_view)>* has_function;
  TreeMap* trees;
  Lexer* lex;
  // Children being collected, for every list under construction (nested lists push
  // above their parent's and take theirs off before the parent continues), and the
  // parts of names being split: scratch space that saves a vector per node.
  std::vector<Node*> pending = {};
  std::vector<std::string_view> parts = {};
};

// One tree being parsed: Go's parse.Tree with its token lookahead and variable scope.
class TreeParser {
 public:
  TreeParser(ParseShared* shared, std::string name) : s_(shared) {
    tree_ = std::make_shared<Tree>();
    tree_->name = std::move(name);
    tree_->parse_name = s_->parse_name;
    tree_->text = s_->text;
    tree_->nodes = s_->arena;
    vars_ = {"$"};
  }

  void parse_top_level();
  void parse_definition();
  std::shared_ptr<Tree> tree() { return tree_; }

 private:
  [[noreturn]] void errorf(const std::string& message) {
    throw ParseError{"template: " + s_->parse_name + ":" + std::to_string(token_[0].line) + ": " +
                     message};
  }

  Item next() {
    if (peek_count_ > 0) {
      --peek_count_;
    } else {
      token_[0] = s_->lex->next_item();
    }
    return token_[peek_count_];
  }
  void backup() { ++peek_count_; }
  void backup2(Item t1) {
    token_[1] = std::move(t1);
    peek_count_ = 2;
  }
  void backup3(Item t2, Item t1) {
    token_[1] = std::move(t1);
    token_[2] = std::move(t2);
    peek_count_ = 3;
  }
  Item peek() {
    if (peek_count_ > 0) return token_[peek_count_ - 1];
    peek_count_ = 1;
    token_[0] = s_->lex->next_item();
    return token_[0];
  }
  Item next_non_space() {
    Item t;
    do {
      t = next();
    } while (t.type == ItemType::kSpace);
    return t;
  }
  Item peek_non_space() {
    Item t = next_non_space();
    backup();
    return t;
  }
  Item expect(ItemType expected, std::string_view context) {
    Item t = next_non_space();
    if (t.type != expected) unexpected(t, context);
    return t;
  }
  [[noreturn]] void unexpected(const Item& token, std::string_view context) {
    if (token.type == ItemType::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != token.line) {
        extra = " in action started at " + s_->parse_name + ":" + std::to_string(action_line_);
        if (token.val.size() >= 7 && token.val.compare(token.val.size() - 7, 7, " action") == 0) {
          extra = extra.substr(std::string(" in action").size());
        }
      }
      errorf(token.describe() + extra);
    }
    errorf("unexpected " + token.describe() + " in " + std::string(context));
  }

  NodeArena& arena() { return *s_->arena; }
  size_t mark() const { return s_->pending.size(); }
  void push(Node* n) { s_->pending.push_back(n); }
  size_t pushed_since(size_t mark) const { return s_->pending.size() - mark; }
  // The nodes pushed since `mark`, moved into the arena.
  template <class T>
  std::span<T* const> take(size_t mark) {
    auto& pending = s_->pending;
    size_t n = pending.size() - mark;
    std::span<T* const> out;
    if (n > 0) {
      auto** items = arena().array<T*>(n);
      for (size_t i = 0; i < n; ++i) items[i] = static_cast<T*>(pending[mark + i]);
      out = {items, n};
    }
    pending.resize(mark);
    return out;
  }
  // A quoted token's value: a view of the text when unquoting changes nothing inside
  // the quotes, else a copy in the arena.
  std::string_view unquoted(const Item& token);
  // "a.b.c" split at the dots, as views.
  std::span<const std::string_view> split_dots(std::string_view s);

  void add();
  ListNode* item_list(Node** end);
  Node* text_or_action();
  Node* action();
  Node* break_control(size_t pos, int line, bool is_break);
  PipeNode* pipeline(std::string_view context, ItemType end);
  void check_pipeline(const PipeNode& pipe, std::string_view context);
  struct Control {
    size_t pos;
    int line;
    PipeNode* pipe;
    ListNode* list;
    ListNode* else_list;
  };
  Control parse_control(std::string_view context);
  Node* if_control();
  Node* range_control();
  Node* with_control();
  Node* else_control();
  Node* end_control();
  Node* block_control();
  Node* template_control();
  std::string_view parse_template_name(const Item& token, std::string_view context);
  CommandNode* command();
  Node* operand();
  Node* term();
  Node* use_var(size_t pos, std::string_view name);
  NumberNode* new_number(const Item& token);

  ParseShared* s_;
  std::shared_ptr<Tree> tree_;
  Item token_[3];
  int peek_count_ = 0;
  std::vector<std::string_view> vars_;
  int action_line_ = 0;
  int range_depth_ = 0;
  int stack_depth_ = 0;
};

std::string_view TreeParser::unquoted(const Item& token) {
  // strconv.Unquote returns the inside unchanged for a "..." string without escapes or
  // newlines (ASCII is valid UTF-8) and for a `...` string without carriage returns.
  if (token.val.size() >= 2) {
    std::string_view inside = token.val.substr(1, token.val.size() - 2);
    char quote = token.val.front();
    bool plain = (quote == '"' || quote == '`') && token.val.back() == quote;
    for (char c : inside) {
      bool escaped_or_multibyte = c == '\\' || c == '\n' || static_cast<unsigned char>(c) >= 0x80;
      if (c == quote || c == '\r' || (quote == '"' && escaped_or_multibyte)) {
        plain = false;
        break;
      }
    }
    if (plain) return inside;
  }
  auto s = go_unquote(token.val);
  if (!s) errorf("invalid syntax");
  std::string_view inside = token.val.substr(1, token.val.size() - 2);
  return *s == inside ? inside : arena().copy(*s);
}

std::span<const std::string_view> TreeParser::split_dots(std::string_view s) {
  auto& parts = s_->parts;
  parts.clear();
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return arena().views(parts);
}

void TreeParser::add() {
  auto it = s_->trees->find(tree_->name);
  if (it == s_->trees->end() || is_empty_tree(it->second->root)) {
    (*s_->trees)[tree_->name] = tree_;
    return;
  }
  if (!is_empty_tree(tree_->root)) {
    errorf("template: multiple definition of template " + go_quote(tree_->name));
  }
}

void TreeParser::parse_top_level() {
  tree_->top_level = true;
  size_t root_pos = peek().pos;
  size_t m = mark();
  while (peek().type != ItemType::kEOF) {
    if (peek().type == ItemType::kLeftDelim) {
      Item delim = next();
      if (next_non_space().type == ItemType::kDefine) {
        TreeParser def(s_, "definition");
        def.parse_definition();
        continue;
      }
      backup2(std::move(delim));
    }
    Node* n = text_or_action();
    if (n->type == NodeType::kEnd || n->type == NodeType::kElse) errorf("unexpected " + n->str());
    push(n);
  }
  tree_->root = arena().make<ListNode>(root_pos, take<Node>(m));
  add();
}

void TreeParser::parse_definition() {
  constexpr std::string_view context = "define clause";
  Item name = next_non_space();
  if (name.type != ItemType::kString && name.type != ItemType::kRawString) unexpected(name, context);
  auto unquoted = go_unquote(name.val);
  if (!unquoted) errorf("invalid syntax");
  tree_->name = *unquoted;
  expect(ItemType::kRightDelim, context);
  Node* end = nullptr;
  tree_->root = item_list(&end);
  if (end->type != NodeType::kEnd) errorf("unexpected " + end->str() + " in " + std::string(context));
  add();
}

ListNode* TreeParser::item_list(Node** end) {
  size_t pos = peek_non_space().pos;
  size_t m = mark();
  while (peek_non_space().type != ItemType::kEOF) {
    Node* n = text_or_action();
    if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
      *end = n;
      return arena().make<ListNode>(pos, take<Node>(m));
    }
    push(n);
  }
  errorf("unexpected EOF");
}

Node* TreeParser::text_or_action() {
  Item token = next_non_space();
  switch (token.type) {
    case ItemType::kText:
      return arena().make<TextNode>(token.pos, token.val);
    case ItemType::kLeftDelim: {
      action_line_ = token.line;
      Node* n = action();
      action_line_ = 0;
      return n;
    }
    case ItemType::kComment:
      return arena().make<CommentNode>(token.pos, token.val);
    default:
      unexpected(token, "input");
  }
}

Node* TreeParser::action() {
  Item token = next_non_space();
  switch (token.type) {
    case ItemType::kBlock: return block_control();
    case ItemType::kBreak: return break_control(token.pos, token.line, true);
    case ItemType::kContinue: return break_control(token.pos, token.line, false);
    case ItemType::kElse: return else_control();
    case ItemType::kEnd: return end_control();
    case ItemType::kIf: return if_control();
    case ItemType::kRange: return range_control();
    case ItemType::kTemplate: return template_control();
    case ItemType::kWith: return with_control();
    default: break;
  }
  backup();
  Item t = peek();
  PipeNode* pipe = pipeline("command", ItemType::kRightDelim);
  return arena().make<ActionNode>(t.pos, t.line, pipe);
}

Node* TreeParser::break_control(size_t pos, int line, bool is_break) {
  const char* name = is_break ? "{{break}}" : "{{continue}}";
  Item token = next_non_space();
  if (token.type != ItemType::kRightDelim) unexpected(token, name);
  if (range_depth_ == 0) errorf(std::string(name) + " outside {{range}}");
  if (is_break) return arena().make<BreakNode>(pos, line);
  return arena().make<ContinueNode>(pos, line);
}

PipeNode* TreeParser::pipeline(std::string_view context, ItemType end) {
  Item token = peek_non_space();
  auto* pipe = arena().make<PipeNode>(token.pos, token.line);
  size_t decl_mark = mark();
  while (true) {  // declarations: at most two, and only range takes two
    Item v = peek_non_space();
    if (v.type != ItemType::kVariable) break;
    next();
    Item token_after_variable = peek();
    Item nxt = peek_non_space();
    if (nxt.type == ItemType::kAssign || nxt.type == ItemType::kDeclare) {
      pipe->is_assign = nxt.type == ItemType::kAssign;
      next_non_space();
      push(arena().make<VariableNode>(v.pos, split_dots(v.val)));
      vars_.emplace_back(v.val);
      break;
    }
    if (nxt.type == ItemType::kChar && nxt.val == ",") {
      next_non_space();
      push(arena().make<VariableNode>(v.pos, split_dots(v.val)));
      vars_.emplace_back(v.val);
      if (context == "range" && pushed_since(decl_mark) < 2) {
        ItemType t = peek_non_space().type;
        if (t == ItemType::kVariable || t == ItemType::kRightDelim || t == ItemType::kRightParen) {
          continue;
        }
        errorf("range can only initialize variables");
      }
      errorf("too many declarations in " + std::string(context));
    }
    if (token_after_variable.type == ItemType::kSpace) {
      backup3(std::move(v), std::move(token_after_variable));
    } else {
      backup2(std::move(v));
    }
    break;
  }
  size_t cmds_mark = mark();  // the commands go above the declarations
  while (true) {
    Item t = next_non_space();
    if (t.type == end) {
      pipe->cmds = take<CommandNode>(cmds_mark);
      pipe->decl = take<VariableNode>(decl_mark);
      check_pipeline(*pipe, context);
      return pipe;
    }
    switch (t.type) {
      case ItemType::kBool:
      case ItemType::kCharConstant:
      case ItemType::kComplex:
      case ItemType::kDot:
      case ItemType::kField:
      case ItemType::kIdentifier:
      case ItemType::kNumber:
      case ItemType::kNil:
      case ItemType::kRawString:
      case ItemType::kString:
      case ItemType::kVariable:
      case ItemType::kLeftParen:
        backup();
        push(command());
        if (pushed_since(cmds_mark) > kMaxPipelineCmds) errorf("pipeline too long");
        break;
      default:
        unexpected(t, context);
    }
  }
}

void TreeParser::check_pipeline(const PipeNode& pipe, std::string_view context) {
  if (pipe.cmds.empty()) errorf("missing value for " + std::string(context));
  for (size_t i = 1; i < pipe.cmds.size(); ++i) {
    switch (pipe.cmds[i]->args[0]->type) {
      case NodeType::kBool:
      case NodeType::kDot:
      case NodeType::kNil:
      case NodeType::kNumber:
      case NodeType::kString:
        errorf("non executable command in pipeline stage " + std::to_string(i + 1));
      default:
        break;
    }
  }
}

TreeParser::Control TreeParser::parse_control(std::string_view context) {
  size_t saved_vars = vars_.size();
  Control c{};
  c.pipe = pipeline(context, ItemType::kRightDelim);
  if (context == "range") ++range_depth_;
  Node* next_node = nullptr;
  c.list = item_list(&next_node);
  if (context == "range") --range_depth_;
  if (next_node->type == NodeType::kElse) {
    if (context == "if" && peek().type == ItemType::kIf) {
      next();
      size_t m = mark();
      push(if_control());
      c.else_list = arena().make<ListNode>(next_node->pos, take<Node>(m));
    } else if (context == "with" && peek().type == ItemType::kWith) {
      next();
      size_t m = mark();
      push(with_control());
      c.else_list = arena().make<ListNode>(next_node->pos, take<Node>(m));
    } else {
      c.else_list = item_list(&next_node);
      if (next_node->type != NodeType::kEnd) errorf("expected end; found " + next_node->str());
    }
  }
  vars_.resize(saved_vars);
  c.pos = c.pipe->pos;
  c.line = c.pipe->line;
  return c;
}

Node* TreeParser::if_control() {
  Control c = parse_control("if");
  return arena().make<BranchNode>(NodeType::kIf, c.pos, c.line, c.pipe, c.list, c.else_list);
}

Node* TreeParser::range_control() {
  Control c = parse_control("range");
  return arena().make<BranchNode>(NodeType::kRange, c.pos, c.line, c.pipe, c.list, c.else_list);
}

Node* TreeParser::with_control() {
  Control c = parse_control("with");
  return arena().make<BranchNode>(NodeType::kWith, c.pos, c.line, c.pipe, c.list, c.else_list);
}

Node* TreeParser::end_control() { return arena().make<EndNode>(expect(ItemType::kRightDelim, "end").pos); }

Node* TreeParser::else_control() {
  Item p = peek_non_space();
  if (p.type == ItemType::kIf || p.type == ItemType::kWith) return arena().make<ElseNode>(p.pos, p.line);
  Item token = expect(ItemType::kRightDelim, "else");
  return arena().make<ElseNode>(token.pos, token.line);
}

Node* TreeParser::block_control() {
  constexpr std::string_view context = "block clause";
  Item token = next_non_space();
  std::string_view name = parse_template_name(token, context);
  PipeNode* pipe = pipeline(context, ItemType::kRightDelim);
  TreeParser block(s_, std::string(name));
  Node* end = nullptr;
  block.tree_->root = block.item_list(&end);
  if (end->type != NodeType::kEnd) errorf("unexpected " + end->str() + " in " + std::string(context));
  block.add();
  return arena().make<TemplateNode>(token.pos, token.line, name, pipe);
}

Node* TreeParser::template_control() {
  constexpr std::string_view context = "template clause";
  Item token = next_non_space();
  std::string_view name = parse_template_name(token, context);
  PipeNode* pipe = nullptr;
  if (next_non_space().type != ItemType::kRightDelim) {
    backup();
    pipe = pipeline(context, ItemType::kRightDelim);
  }
  return arena().make<TemplateNode>(token.pos, token.line, name, pipe);
}

std::string_view TreeParser::parse_template_name(const Item& token, std::string_view context) {
  if (token.type == ItemType::kString || token.type == ItemType::kRawString) return unquoted(token);
  unexpected(token, context);
}

CommandNode* TreeParser::command() {
  size_t pos = peek_non_space().pos;
  size_t m = mark();
  while (true) {
    peek_non_space();
    if (Node* op = operand()) push(op);
    Item token = next();
    if (token.type == ItemType::kSpace) continue;
    if (token.type == ItemType::kRightDelim || token.type == ItemType::kRightParen) {
      backup();
    } else if (token.type != ItemType::kPipe) {
      unexpected(token, "operand");
    }
    break;
  }
  if (pushed_since(m) == 0) errorf("empty command");
  return arena().make<CommandNode>(pos, take<Node>(m));
}

Node* TreeParser::operand() {
  Node* node = term();
  if (!node) return nullptr;
  if (peek().type == ItemType::kField) {
    size_t chain_pos = peek().pos;
    auto& fields = s_->parts;
    fields.clear();
    size_t chain_end = chain_pos;
    while (peek().type == ItemType::kField) {
      Item field = next();
      fields.push_back(field.val.substr(1));
      chain_end = field.pos + field.val.size();
    }
    // A field or variable followed by fields is one contiguous run of the text.
    std::string_view chain_text = std::string_view(*s_->text).substr(node->pos, chain_end - node->pos);
    switch (node->type) {
      case NodeType::kField:
        return arena().make<FieldNode>(chain_pos, split_dots(chain_text.substr(1)));
      case NodeType::kVariable:
        return arena().make<VariableNode>(chain_pos, split_dots(chain_text));
      case NodeType::kBool:
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kNil:
      case NodeType::kDot:
        errorf("unexpected . after term " + go_quote(node->str()));
      default:
        return arena().make<ChainNode>(chain_pos, node, arena().views(fields));
    }
  }
  return node;
}

Node* TreeParser::term() {
  Item token = next_non_space();
  switch (token.type) {
    case ItemType::kIdentifier:
      if (!(*s_->has_function)(token.val)) errorf("function " + go_quote(token.val) + " not defined");
      return arena().make<IdentifierNode>(token.pos, token.val);
    case ItemType::kDot:
      return arena().make<DotNode>(token.pos);
    case ItemType::kNil:
      return arena().make<NilNode>(token.pos);
    case ItemType::kVariable:
      return use_var(token.pos, token.val);
    case ItemType::kField:
      return arena().make<FieldNode>(token.pos, split_dots(token.val.substr(1)));
    case ItemType::kBool:
      return arena().make<BoolNode>(token.pos, token.val == "true");
    case ItemType::kCharConstant:
    case ItemType::kComplex:
    case ItemType::kNumber:
      return new_number(token);
    case ItemType::kLeftParen: {
      if (stack_depth_ >= kMaxStackDepth || StackGuard::exhausted()) {
        errorf("max expression depth exceeded");
      }
      ++stack_depth_;
      PipeNode* pipe = pipeline("parenthesized pipeline", ItemType::kRightParen);
      --stack_depth_;
      return pipe;
    }
    case ItemType::kString:
    case ItemType::kRawString:
      return arena().make<StringNode>(token.pos, token.val, unquoted(token));
    default:
      break;
  }
  backup();
  return nullptr;
}

Node* TreeParser::use_var(size_t pos, std::string_view name) {
  auto* v = arena().make<VariableNode>(pos, split_dots(name));
  for (const auto& var : vars_) {
    if (var == v->ident[0]) return v;
  }
  errorf("undefined variable " + go_quote(v->ident[0]));
}

NumberNode* TreeParser::new_number(const Item& token) {
  auto* n = arena().make<NumberNode>(token.pos, token.val);
  const std::string text(n->text);
  if (token.type == ItemType::kCharConstant) {
    int32_t r;
    bool multibyte;
    std::string_view tail;
    if (!go_unquote_char(std::string_view(text).substr(1), text[0], &r, &multibyte, &tail)) {
      errorf("invalid syntax");
    }
    if (tail != "'") errorf("malformed character constant: " + text);
    n->int64 = r;
    n->is_int = true;
    n->uint64 = static_cast<uint64_t>(r);
    n->is_uint = true;
    n->float64 = r;
    n->is_float = true;
    return n;
  }
  auto simplify_complex = [&]() {
    n->is_float = n->imag == 0;
    if (n->is_float) {
      double f = n->float64;
      n->is_int = f >= -9.223372036854775808e18 && f < 9.223372036854775808e18 &&
                  static_cast<double>(static_cast<int64_t>(f)) == f;
      if (n->is_int) n->int64 = static_cast<int64_t>(f);
      n->is_uint = f >= 0 && f < 1.8446744073709551616e19 &&
                   static_cast<double>(static_cast<uint64_t>(f)) == f;
      if (n->is_uint) n->uint64 = static_cast<uint64_t>(f);
    }
  };
  if (token.type == ItemType::kComplex) {
    // "re+imi": split at the sign that starts the imaginary part.
    size_t split = std::string::npos;
    for (size_t i = text.size() - 1; i > 0; --i) {
      if ((text[i] == '+' || text[i] == '-') && text[i - 1] != 'e' && text[i - 1] != 'E' &&
          text[i - 1] != 'p' && text[i - 1] != 'P') {
        split = i;
        break;
      }
    }
    if (split == std::string::npos) errorf("illegal number syntax: " + go_quote(text));
    auto re = go_parse_float(text.substr(0, split));
    auto im = go_parse_float(text.substr(split, text.size() - split - 1));
    if (!re || !im) errorf("illegal number syntax: " + go_quote(text));
    n->is_complex = true;
    n->float64 = *re;
    n->imag = *im;
    simplify_complex();
    return n;
  }
  if (!text.empty() && text.back() == 'i') {
    if (auto f = go_parse_float(std::string_view(text).substr(0, text.size() - 1))) {
      n->is_complex = true;
      n->float64 = 0;
      n->imag = *f;
      simplify_complex();
      return n;
    }
  }
  auto u = go_parse_uint(text);
  if (u) {
    n->is_uint = true;
    n->uint64 = *u;
  }
  auto i = go_parse_int(text);
  if (i) {
    n->is_int = true;
    n->int64 = *i;
    if (*i == 0) {
      n->is_uint = true;
      n->uint64 = u.value_or(0);
    }
  }
  if (n->is_int) {
    n->is_float = true;
    n->float64 = static_cast<double>(n->int64);
  } else if (n->is_uint) {
    n->is_float = true;
    n->float64 = static_cast<double>(n->uint64);
  } else if (auto f = go_parse_float(text)) {
    if (text.find_first_of(".eEpP") == std::string::npos) {
      errorf("integer overflow: " + go_quote(text));
    }
    n->is_float = true;
    n->float64 = *f;
    double fv = *f;
    if (fv >= -9.223372036854775808e18 && fv < 9.223372036854775808e18 &&
        static_cast<double>(static_cast<int64_t>(fv)) == fv) {
      n->is_int = true;
      n->int64 = static_cast<int64_t>(fv);
    }
    if (fv >= 0 && fv < 1.8446744073709551616e19 &&
        static_cast<double>(static_cast<uint64_t>(fv)) == fv) {
      n->is_uint = true;
      n->uint64 = static_cast<uint64_t>(fv);
    }
  }
  if (!n->is_int && !n->is_uint && !n->is_float) errorf("illegal number syntax: " + go_quote(text));
  return n;
}

}  // namespace

Result<TreeMap> parse_template_text(std::string_view name, std::shared_ptr<const std::string> shared_text,
                                    const std::function<bool(std::string_view)>& has_function,
                                    std::shared_ptr<NodeArena> arena) {
  Lexer lex(*shared_text, !has_function("break"), !has_function("continue"));
  TreeMap trees;
  ParseShared shared{shared_text, std::move(arena), std::string(name), &has_function, &trees, &lex};
  StackGuard guard;
  try {
    TreeParser top(&shared, std::string(name));
    top.parse_top_level();
  } catch (const ParseError& e) {
    return Error::bad_request(e.message);
  }
  return trees;
}

}  // namespace skiff::chart::tmpl

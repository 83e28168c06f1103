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
  std::string parse_name;
  const std::function<bool(std::string_view)>* has_function;
  TreeMap* trees;
  Lexer* lex;
};

// One tree being parsed: Go's parse.Tree with its token lookahead and variable scope.
class TreeParser {
 public:
  TreeParser(ParseShared* shared, std::string name) : s_(shared) {
    tree_ = std::make_shared<Tree>();
    tree_->name = std::move(name);
    tree_->parse_name = s_->parse_name;
    tree_->text = s_->text;
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
  Item expect(ItemType expected, const std::string& context) {
    Item t = next_non_space();
    if (t.type != expected) unexpected(t, context);
    return t;
  }
  [[noreturn]] void unexpected(const Item& token, const std::string& context) {
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
    errorf("unexpected " + token.describe() + " in " + context);
  }

  void add();
  std::unique_ptr<ListNode> item_list(NodePtr* end);
  NodePtr text_or_action();
  NodePtr action();
  NodePtr break_control(size_t pos, int line, bool is_break);
  std::unique_ptr<PipeNode> pipeline(const std::string& context, ItemType end);
  void check_pipeline(const PipeNode& pipe, const std::string& context);
  struct Control {
    size_t pos;
    int line;
    std::unique_ptr<PipeNode> pipe;
    std::unique_ptr<ListNode> list;
    std::unique_ptr<ListNode> else_list;
  };
  Control parse_control(const std::string& context);
  NodePtr if_control();
  NodePtr range_control();
  NodePtr with_control();
  NodePtr else_control();
  NodePtr end_control();
  NodePtr block_control();
  NodePtr template_control();
  std::string parse_template_name(const Item& token, const std::string& context);
  std::unique_ptr<CommandNode> command();
  NodePtr operand();
  NodePtr term();
  NodePtr use_var(size_t pos, const std::string& name);
  std::unique_ptr<NumberNode> new_number(const Item& token);

  ParseShared* s_;
  std::shared_ptr<Tree> tree_;
  Item token_[3];
  int peek_count_ = 0;
  std::vector<std::string> vars_;
  int action_line_ = 0;
  int range_depth_ = 0;
  int stack_depth_ = 0;
};

void TreeParser::add() {
  auto it = s_->trees->find(tree_->name);
  if (it == s_->trees->end() || is_empty_tree(it->second->root.get())) {
    (*s_->trees)[tree_->name] = tree_;
    return;
  }
  if (!is_empty_tree(tree_->root.get())) {
    errorf("template: multiple definition of template " + go_quote(tree_->name));
  }
}

void TreeParser::parse_top_level() {
  tree_->root = std::make_unique<ListNode>(peek().pos, tree_.get());
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
    NodePtr n = text_or_action();
    if (n->type == NodeType::kEnd || n->type == NodeType::kElse) errorf("unexpected " + n->str());
    tree_->root->nodes.push_back(std::move(n));
  }
  add();
}

void TreeParser::parse_definition() {
  const std::string context = "define clause";
  Item name = next_non_space();
  if (name.type != ItemType::kString && name.type != ItemType::kRawString) unexpected(name, context);
  auto unquoted = go_unquote(name.val);
  if (!unquoted) errorf("invalid syntax");
  tree_->name = *unquoted;
  expect(ItemType::kRightDelim, context);
  NodePtr end;
  tree_->root = item_list(&end);
  if (end->type != NodeType::kEnd) errorf("unexpected " + end->str() + " in " + context);
  add();
}

std::unique_ptr<ListNode> TreeParser::item_list(NodePtr* end) {
  auto list = std::make_unique<ListNode>(peek_non_space().pos, tree_.get());
  while (peek_non_space().type != ItemType::kEOF) {
    NodePtr n = text_or_action();
    if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
      *end = std::move(n);
      return list;
    }
    list->nodes.push_back(std::move(n));
  }
  errorf("unexpected EOF");
}

NodePtr TreeParser::text_or_action() {
  Item token = next_non_space();
  switch (token.type) {
    case ItemType::kText:
      return std::make_unique<TextNode>(token.pos, tree_.get(), token.val);
    case ItemType::kLeftDelim: {
      action_line_ = token.line;
      NodePtr n = action();
      action_line_ = 0;
      return n;
    }
    case ItemType::kComment:
      return std::make_unique<CommentNode>(token.pos, tree_.get(), std::string(token.val));
    default:
      unexpected(token, "input");
  }
}

NodePtr TreeParser::action() {
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
  auto pipe = pipeline("command", ItemType::kRightDelim);
  return std::make_unique<ActionNode>(t.pos, tree_.get(), t.line, std::move(pipe));
}

NodePtr TreeParser::break_control(size_t pos, int line, bool is_break) {
  const char* name = is_break ? "{{break}}" : "{{continue}}";
  Item token = next_non_space();
  if (token.type != ItemType::kRightDelim) unexpected(token, name);
  if (range_depth_ == 0) errorf(std::string(name) + " outside {{range}}");
  if (is_break) return std::make_unique<BreakNode>(pos, tree_.get(), line);
  return std::make_unique<ContinueNode>(pos, tree_.get(), line);
}

std::unique_ptr<PipeNode> TreeParser::pipeline(const std::string& context, ItemType end) {
  Item token = peek_non_space();
  auto pipe = std::make_unique<PipeNode>(token.pos, tree_.get(), token.line);
  while (true) {  // declarations: at most two, and only range takes two
    Item v = peek_non_space();
    if (v.type != ItemType::kVariable) break;
    next();
    Item token_after_variable = peek();
    Item nxt = peek_non_space();
    if (nxt.type == ItemType::kAssign || nxt.type == ItemType::kDeclare) {
      pipe->is_assign = nxt.type == ItemType::kAssign;
      next_non_space();
      pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, tree_.get(), std::string(v.val)));
      vars_.emplace_back(v.val);
      break;
    }
    if (nxt.type == ItemType::kChar && nxt.val == ",") {
      next_non_space();
      pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, tree_.get(), std::string(v.val)));
      vars_.emplace_back(v.val);
      if (context == "range" && pipe->decl.size() < 2) {
        ItemType t = peek_non_space().type;
        if (t == ItemType::kVariable || t == ItemType::kRightDelim || t == ItemType::kRightParen) {
          continue;
        }
        errorf("range can only initialize variables");
      }
      errorf("too many declarations in " + context);
    }
    if (token_after_variable.type == ItemType::kSpace) {
      backup3(std::move(v), std::move(token_after_variable));
    } else {
      backup2(std::move(v));
    }
    break;
  }
  while (true) {
    Item t = next_non_space();
    if (t.type == end) {
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
        pipe->cmds.push_back(command());
        if (pipe->cmds.size() > kMaxPipelineCmds) errorf("pipeline too long");
        break;
      default:
        unexpected(t, context);
    }
  }
}

void TreeParser::check_pipeline(const PipeNode& pipe, const std::string& context) {
  if (pipe.cmds.empty()) errorf("missing value for " + context);
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

TreeParser::Control TreeParser::parse_control(const std::string& context) {
  size_t saved_vars = vars_.size();
  Control c;
  c.pipe = pipeline(context, ItemType::kRightDelim);
  if (context == "range") ++range_depth_;
  NodePtr next_node;
  c.list = item_list(&next_node);
  if (context == "range") --range_depth_;
  if (next_node->type == NodeType::kElse) {
    if (context == "if" && peek().type == ItemType::kIf) {
      next();
      c.else_list = std::make_unique<ListNode>(next_node->pos, tree_.get());
      c.else_list->nodes.push_back(if_control());
    } else if (context == "with" && peek().type == ItemType::kWith) {
      next();
      c.else_list = std::make_unique<ListNode>(next_node->pos, tree_.get());
      c.else_list->nodes.push_back(with_control());
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

NodePtr TreeParser::if_control() {
  Control c = parse_control("if");
  return std::make_unique<BranchNode>(NodeType::kIf, c.pos, tree_.get(), c.line, std::move(c.pipe),
                                      std::move(c.list), std::move(c.else_list));
}

NodePtr TreeParser::range_control() {
  Control c = parse_control("range");
  return std::make_unique<BranchNode>(NodeType::kRange, c.pos, tree_.get(), c.line,
                                      std::move(c.pipe), std::move(c.list), std::move(c.else_list));
}

NodePtr TreeParser::with_control() {
  Control c = parse_control("with");
  return std::make_unique<BranchNode>(NodeType::kWith, c.pos, tree_.get(), c.line,
                                      std::move(c.pipe), std::move(c.list), std::move(c.else_list));
}

NodePtr TreeParser::end_control() {
  return std::make_unique<EndNode>(expect(ItemType::kRightDelim, "end").pos, tree_.get());
}

NodePtr TreeParser::else_control() {
  Item p = peek_non_space();
  if (p.type == ItemType::kIf || p.type == ItemType::kWith) {
    return std::make_unique<ElseNode>(p.pos, tree_.get(), p.line);
  }
  Item token = expect(ItemType::kRightDelim, "else");
  return std::make_unique<ElseNode>(token.pos, tree_.get(), token.line);
}

NodePtr TreeParser::block_control() {
  const std::string context = "block clause";
  Item token = next_non_space();
  std::string name = parse_template_name(token, context);
  auto pipe = pipeline(context, ItemType::kRightDelim);
  TreeParser block(s_, name);
  NodePtr end;
  block.tree_->root = block.item_list(&end);
  if (end->type != NodeType::kEnd) errorf("unexpected " + end->str() + " in " + context);
  block.add();
  return std::make_unique<TemplateNode>(token.pos, tree_.get(), token.line, name, std::move(pipe));
}

NodePtr TreeParser::template_control() {
  const std::string context = "template clause";
  Item token = next_non_space();
  std::string name = parse_template_name(token, context);
  std::unique_ptr<PipeNode> pipe;
  if (next_non_space().type != ItemType::kRightDelim) {
    backup();
    pipe = pipeline(context, ItemType::kRightDelim);
  }
  return std::make_unique<TemplateNode>(token.pos, tree_.get(), token.line, name, std::move(pipe));
}

std::string TreeParser::parse_template_name(const Item& token, const std::string& context) {
  if (token.type == ItemType::kString || token.type == ItemType::kRawString) {
    auto s = go_unquote(token.val);
    if (!s) errorf("invalid syntax");
    return *s;
  }
  unexpected(token, context);
}

std::unique_ptr<CommandNode> TreeParser::command() {
  auto cmd = std::make_unique<CommandNode>(peek_non_space().pos, tree_.get());
  while (true) {
    peek_non_space();
    NodePtr op = operand();
    if (op) cmd->args.push_back(std::move(op));
    Item token = next();
    if (token.type == ItemType::kSpace) continue;
    if (token.type == ItemType::kRightDelim || token.type == ItemType::kRightParen) {
      backup();
    } else if (token.type != ItemType::kPipe) {
      unexpected(token, "operand");
    }
    break;
  }
  if (cmd->args.empty()) errorf("empty command");
  return cmd;
}

NodePtr TreeParser::operand() {
  NodePtr node = term();
  if (!node) return nullptr;
  if (peek().type == ItemType::kField) {
    size_t chain_pos = peek().pos;
    std::vector<std::string> fields;
    while (peek().type == ItemType::kField) fields.emplace_back(next().val.substr(1));
    std::string chain_text = node->str();
    for (const auto& f : fields) chain_text += "." + f;
    switch (node->type) {
      case NodeType::kField:
        return std::make_unique<FieldNode>(chain_pos, tree_.get(), chain_text);
      case NodeType::kVariable:
        return std::make_unique<VariableNode>(chain_pos, tree_.get(), chain_text);
      case NodeType::kBool:
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kNil:
      case NodeType::kDot:
        errorf("unexpected . after term " + go_quote(node->str()));
      default: {
        auto chain = std::make_unique<ChainNode>(chain_pos, tree_.get(), std::move(node));
        chain->field = std::move(fields);
        return chain;
      }
    }
  }
  return node;
}

NodePtr TreeParser::term() {
  Item token = next_non_space();
  switch (token.type) {
    case ItemType::kIdentifier:
      if (!(*s_->has_function)(token.val)) errorf("function " + go_quote(token.val) + " not defined");
      return std::make_unique<IdentifierNode>(token.pos, tree_.get(), std::string(token.val));
    case ItemType::kDot:
      return std::make_unique<DotNode>(token.pos, tree_.get());
    case ItemType::kNil:
      return std::make_unique<NilNode>(token.pos, tree_.get());
    case ItemType::kVariable:
      return use_var(token.pos, std::string(token.val));
    case ItemType::kField:
      return std::make_unique<FieldNode>(token.pos, tree_.get(), std::string(token.val));
    case ItemType::kBool:
      return std::make_unique<BoolNode>(token.pos, tree_.get(), token.val == "true");
    case ItemType::kCharConstant:
    case ItemType::kComplex:
    case ItemType::kNumber:
      return new_number(token);
    case ItemType::kLeftParen: {
      if (stack_depth_ >= kMaxStackDepth || StackGuard::exhausted()) {
        errorf("max expression depth exceeded");
      }
      ++stack_depth_;
      auto pipe = pipeline("parenthesized pipeline", ItemType::kRightParen);
      --stack_depth_;
      return pipe;
    }
    case ItemType::kString:
    case ItemType::kRawString: {
      auto s = go_unquote(token.val);
      if (!s) errorf("invalid syntax");
      return std::make_unique<StringNode>(token.pos, tree_.get(), std::string(token.val), *s);
    }
    default:
      break;
  }
  backup();
  return nullptr;
}

NodePtr TreeParser::use_var(size_t pos, const std::string& name) {
  auto v = std::make_unique<VariableNode>(pos, tree_.get(), name);
  for (const auto& var : vars_) {
    if (var == v->ident[0]) return v;
  }
  errorf("undefined variable " + go_quote(v->ident[0]));
}

std::unique_ptr<NumberNode> TreeParser::new_number(const Item& token) {
  auto n = std::make_unique<NumberNode>(token.pos, tree_.get(), std::string(token.val));
  const std::string& text = n->text;
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

Result<TreeMap> parse_template_text(std::string_view name, std::string text,
                                    const std::function<bool(std::string_view)>& has_function) {
  auto shared_text = std::make_shared<const std::string>(std::move(text));
  Lexer lex(*shared_text, !has_function("break"), !has_function("continue"));
  TreeMap trees;
  ParseShared shared{shared_text, std::string(name), &has_function, &trees, &lex};
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

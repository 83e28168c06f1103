// A recursive-descent reading of CEL's ANTLR grammar (cel-go parser/gen/CEL.g4). Syntax errors
// are worded as ANTLR reports them; after a lexer error parsing goes on as ANTLR's does, but
// only the first parser error is reported (ANTLR's recovery may add more).
#include "api/cel/parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include "api/cel/lexer.h"
#include "api/utf8.h"

namespace skiff::api::cel {
namespace {

constexpr int kMaxRecursionDepth = 250;
constexpr size_t kMaxCodePoints = 100000;

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const char* const kPrimaryExpected =
    "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}";

const std::set<std::string, std::less<>>& reserved_identifiers() {
  static const std::set<std::string, std::less<>> ids = {"as",        "break",  "const",  "continue", "else", "for",
                                                         "function",  "if",     "import", "let",      "loop", "package",
                                                         "namespace", "return", "var",    "void",     "while"};
  return ids;
}

struct SyntaxError {};

class Parser {
 public:
  Parser(std::string_view src, std::vector<Token> tokens) : src_(src), toks_(std::move(tokens)) {}

  ParseResult run() {
    ParseResult result;
    try {
      ExprPtr e = expr();
      if (peek().kind != Tok::kEof) syntax_error_unexpected("<EOF>");
      if (issues_.empty()) result.expr = std::move(e);
    } catch (const SyntaxError&) {
    }
    result.issues = std::move(issues_);
    return result;
  }

 private:
  const Token& peek(size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  const Token& take() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool accept(Tok kind) {
    if (peek().kind != kind) return false;
    take();
    return true;
  }

  static std::string token_text(const Token& t) { return t.kind == Tok::kEof ? "<EOF>" : display_token_text(t.text); }

  [[noreturn]] void fail(size_t offset, std::string message) {
    issues_.push_back({offset, std::move(message)});
    throw SyntaxError{};
  }

  // ANTLR's single-token deletion: when the token after the offending one is what was wanted,
  // the report is "extraneous input", otherwise "mismatched input".
  [[noreturn]] void syntax_error_unexpected(const std::string& expected, bool deletion_helps = false) {
    const Token& t = peek();
    bool extraneous = t.kind != Tok::kEof && (deletion_helps || (expected == "<EOF>" && peek(1).kind == Tok::kEof));
    fail(t.offset, std::string("Syntax error: ") + (extraneous ? "extraneous" : "mismatched") + " input '" +
                       token_text(t) + "' expecting " + expected);
  }

  void expect(Tok kind, const char* expected) {
    if (!accept(kind)) syntax_error_unexpected(expected);
  }

  struct DepthGuard {
    explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxRecursionDepth) p_.fail(p_.peek().offset, "max recursion depth exceeded");
    }
    ~DepthGuard() { --p_.depth_; }
    Parser& p_;
  };

  static ExprPtr make(ExprKind kind, size_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->offset = offset;
    return e;
  }
  static ExprPtr call(std::string fn, size_t offset, std::vector<ExprPtr> args, ExprPtr target = nullptr) {
    auto e = make(ExprKind::kCall, offset);
    e->name = std::move(fn);
    e->args = std::move(args);
    e->operand = std::move(target);
    return e;
  }
  static std::vector<ExprPtr> list_of(ExprPtr a, ExprPtr b = nullptr, ExprPtr c = nullptr) {
    std::vector<ExprPtr> v;
    v.push_back(std::move(a));
    if (b) v.push_back(std::move(b));
    if (c) v.push_back(std::move(c));
    return v;
  }

  ExprPtr expr() {
    DepthGuard guard(*this);
    ExprPtr cond = conditional_or();
    if (peek().kind != Tok::kQuestion) return cond;
    size_t offset = take().offset;
    ExprPtr yes = conditional_or();
    expect(Tok::kColon, "':'");
    ExprPtr no = expr();
    return call("_?_:_", offset, list_of(std::move(cond), std::move(yes), std::move(no)));
  }

  // Left-associative chains deepen the tree one level per operator.
  void deepen(int& links) {
    if (depth_ + ++links > kMaxRecursionDepth) fail(peek().offset, "max recursion depth exceeded");
  }

  ExprPtr conditional_or() {
    ExprPtr lhs = conditional_and();
    int links = 0;
    while (peek().kind == Tok::kOr) {
      deepen(links);
      size_t offset = take().offset;
      lhs = call("_||_", offset, list_of(std::move(lhs), conditional_and()));
    }
    return lhs;
  }

  ExprPtr conditional_and() {
    ExprPtr lhs = relation();
    int links = 0;
    while (peek().kind == Tok::kAnd) {
      deepen(links);
      size_t offset = take().offset;
      lhs = call("_&&_", offset, list_of(std::move(lhs), relation()));
    }
    return lhs;
  }

  static const char* relation_op(Tok t) {
    switch (t) {
      case Tok::kEq: return "_==_";
      case Tok::kNe: return "_!=_";
      case Tok::kLt: return "_<_";
      case Tok::kLe: return "_<=_";
      case Tok::kGt: return "_>_";
      case Tok::kGe: return "_>=_";
      case Tok::kIn: return "@in";
      default: return nullptr;
    }
  }

  ExprPtr relation() {
    DepthGuard guard(*this);
    ExprPtr lhs = addition();
    int links = 0;
    while (const char* op = relation_op(peek().kind)) {
      deepen(links);
      size_t offset = take().offset;
      lhs = call(op, offset, list_of(std::move(lhs), addition()));
    }
    return lhs;
  }

  ExprPtr addition() {
    ExprPtr lhs = multiplication();
    int links = 0;
    while (peek().kind == Tok::kPlus || peek().kind == Tok::kMinus) {
      deepen(links);
      const Token& op = take();
      lhs = call(op.kind == Tok::kPlus ? "_+_" : "_-_", op.offset, list_of(std::move(lhs), multiplication()));
    }
    return lhs;
  }

  ExprPtr multiplication() {
    ExprPtr lhs = unary();
    int links = 0;
    while (peek().kind == Tok::kStar || peek().kind == Tok::kSlash || peek().kind == Tok::kPercent) {
      deepen(links);
      const Token& op = take();
      const char* fn = op.kind == Tok::kStar ? "_*_" : op.kind == Tok::kSlash ? "_/_" : "_%_";
      lhs = call(fn, op.offset, list_of(std::move(lhs), unary()));
    }
    return lhs;
  }

  ExprPtr unary() {
    DepthGuard guard(*this);
    const Token& t = peek();
    if (t.kind != Tok::kNot && (t.kind != Tok::kMinus || negative_literal_ahead())) return member();
    const Tok kind = t.kind;
    const size_t offset = t.offset;
    size_t count = 0;
    while (peek().kind == kind && !(kind == Tok::kMinus && count > 0 && negative_literal_ahead())) {
      take();
      ++count;
    }
    if (peek().kind == Tok::kEof && count > 1)
      fail(peek().offset,
           std::string("Syntax error: no viable alternative at input '") + (kind == Tok::kNot ? '!' : '-') + "'");
    ExprPtr operand = member();
    if (count % 2 == 0) return operand;  // an even run of ! or - cancels out, as cel-go folds it
    return call(kind == Tok::kNot ? "!_" : "-_", offset, list_of(std::move(operand)));
  }

  // "-1" is a negative literal rather than negation (the grammar's `literal: MINUS? NUM_INT`).
  bool negative_literal_ahead() const {
    Tok next = peek(1).kind;
    return next == Tok::kInt || next == Tok::kDouble;
  }

  ExprPtr member() {
    ExprPtr e = primary();
    int links = 0;
    while (true) {
      const Token& t = peek();
      if (t.kind == Tok::kDot || t.kind == Tok::kLBracket) deepen(links);
      if (t.kind == Tok::kDot) {
        size_t dot = take().offset;
        bool optional = accept(Tok::kQuestion);
        const Token& id = peek();
        if (id.kind != Tok::kIdent) syntax_error_unexpected("IDENTIFIER");
        take();
        if (!optional && peek().kind == Tok::kLParen) {
          size_t open = take().offset;
          std::vector<ExprPtr> args = expr_list(Tok::kRParen);
          e = receiver_call_or_macro(id.text, open, std::move(e), std::move(args));
          continue;
        }
        if (optional) {
          auto field = make(ExprKind::kLiteral, id.offset);
          field->literal.kind = Literal::Kind::kString;
          field->literal.s = id.text;
          e = call("_?._", dot, list_of(std::move(e), std::move(field)));
          continue;
        }
        auto sel = make(ExprKind::kSelect, dot);
        sel->operand = std::move(e);
        sel->name = id.text;
        e = std::move(sel);
        continue;
      }
      if (t.kind == Tok::kLBracket) {
        size_t open = take().offset;
        bool optional = accept(Tok::kQuestion);
        ExprPtr index = expr();
        expect(Tok::kRBracket, "']'");
        e = call(optional ? "_[?_]" : "_[_]", open, list_of(std::move(e), std::move(index)));
        continue;
      }
      return e;
    }
  }

  // Arguments up to `close` (consumed); the opening token is already taken.
  std::vector<ExprPtr> expr_list(Tok close) {
    std::vector<ExprPtr> args;
    if (accept(close)) return args;
    while (true) {
      args.push_back(expr());
      if (accept(close)) return args;
      if (!accept(Tok::kComma)) syntax_error_unexpected(close == Tok::kRParen ? "{')', ','}" : "{']', ','}");
    }
  }

  ExprPtr primary() {
    DepthGuard guard(*this);
    const Token& t = peek();
    switch (t.kind) {
      case Tok::kDot:
      case Tok::kIdent: {
        size_t start = t.offset;
        bool leading_dot = accept(Tok::kDot);
        const Token& id = peek();
        if (id.kind != Tok::kIdent) syntax_error_unexpected("IDENTIFIER");
        take();
        if (reserved_identifiers().count(id.text)) fail(start, "reserved identifier: " + id.text);
        std::string name = (leading_dot ? "." : "") + id.text;
        if (peek().kind == Tok::kLParen) {
          size_t open = take().offset;
          std::vector<ExprPtr> args = expr_list(Tok::kRParen);
          return global_call_or_macro(name, open, std::move(args));
        }
        auto e = make(ExprKind::kIdent, id.offset);
        e->name = std::move(name);
        return e;
      }
      case Tok::kLParen: {
        take();
        ExprPtr e = expr();
        expect(Tok::kRParen, "')'");
        return e;
      }
      case Tok::kLBracket: return list_literal();
      case Tok::kLBrace: return map_literal();
      case Tok::kMinus:
      case Tok::kInt:
      case Tok::kUint:
      case Tok::kDouble:
      case Tok::kString:
      case Tok::kBytes:
      case Tok::kTrue:
      case Tok::kFalse:
      case Tok::kNull: return literal();
      default: break;
    }
    bool deletion_helps = starts_primary(peek(1).kind);
    syntax_error_unexpected(kPrimaryExpected, deletion_helps);
  }

  static bool starts_primary(Tok t) {
    switch (t) {
      case Tok::kLBracket:
      case Tok::kLBrace:
      case Tok::kLParen:
      case Tok::kDot:
      case Tok::kMinus:
      case Tok::kNot:
      case Tok::kTrue:
      case Tok::kFalse:
      case Tok::kNull:
      case Tok::kDouble:
      case Tok::kInt:
      case Tok::kUint:
      case Tok::kString:
      case Tok::kBytes:
      case Tok::kIdent: return true;
      default: return false;
    }
  }

  ExprPtr list_literal() {
    size_t open = take().offset;
    auto e = make(ExprKind::kList, open);
    while (peek().kind != Tok::kRBracket) {
      bool optional = accept(Tok::kQuestion);
      e->args.push_back(expr());
      e->optional_elements.push_back(optional);
      if (!accept(Tok::kComma)) break;
    }
    expect(Tok::kRBracket, "{']', ','}");
    return e;
  }

  ExprPtr map_literal() {
    size_t open = take().offset;
    auto e = make(ExprKind::kMap, open);
    while (peek().kind != Tok::kRBrace) {
      MapEntry entry;
      entry.optional = accept(Tok::kQuestion);
      entry.key = expr();
      expect(Tok::kColon, "':'");
      entry.value = expr();
      e->entries.push_back(std::move(entry));
      if (!accept(Tok::kComma)) break;
    }
    expect(Tok::kRBrace, "{'}', ','}");
    return e;
  }

  ExprPtr literal() {
    const size_t offset = peek().offset;
    bool negative = false;
    if (peek().kind == Tok::kMinus) {
      take();
      negative = true;
    }
    const Token& t = take();
    auto e = make(ExprKind::kLiteral, offset);
    Literal& lit = e->literal;
    const std::string text = (negative ? "-" : "") + t.text;
    switch (t.kind) {
      case Tok::kInt: {
        lit.kind = Literal::Kind::kInt;
        if (!parse_int(text, lit.i)) fail(offset, "invalid int literal");
        break;
      }
      case Tok::kUint: {
        lit.kind = Literal::Kind::kUint;
        if (!parse_uint(t.text.substr(0, t.text.size() - 1), lit.u)) fail(offset, "invalid uint literal");
        break;
      }
      case Tok::kDouble: {
        lit.kind = Literal::Kind::kDouble;
        errno = 0;
        lit.d = std::strtod(text.c_str(), nullptr);
        if (std::isinf(lit.d)) fail(offset, "invalid double literal");
        break;
      }
      case Tok::kString:
        lit.kind = Literal::Kind::kString;
        lit.s = t.value;
        break;
      case Tok::kBytes:
        lit.kind = Literal::Kind::kBytes;
        lit.s = t.value;
        break;
      case Tok::kTrue:
      case Tok::kFalse:
        lit.kind = Literal::Kind::kBool;
        lit.b = t.kind == Tok::kTrue;
        break;
      case Tok::kNull: lit.kind = Literal::Kind::kNull; break;
      default: fail(offset, "Syntax error: mismatched input '" + token_text(t) + "' expecting " + kPrimaryExpected);
    }
    return e;
  }

  // Go's strconv.ParseInt(text, 0, 64): "0x" hex, a leading "0" octal.
  static bool parse_int(const std::string& text, int64_t& out) {
    std::string_view s(text);
    bool neg = !s.empty() && s[0] == '-';
    if (neg) s.remove_prefix(1);
    uint64_t mag = 0;
    if (!parse_magnitude(s, mag)) return false;
    if (neg) {
      if (mag > uint64_t(1) << 63) return false;
      out = mag == uint64_t(1) << 63 ? INT64_MIN : -static_cast<int64_t>(mag);
      return true;
    }
    if (mag > static_cast<uint64_t>(INT64_MAX)) return false;
    out = static_cast<int64_t>(mag);
    return true;
  }
  static bool parse_uint(const std::string& text, uint64_t& out) { return parse_magnitude(text, out); }
  static bool parse_magnitude(std::string_view s, uint64_t& out) {
    unsigned base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      s.remove_prefix(2);
    } else if (s.size() > 1 && s[0] == '0') {
      base = 8;
      s.remove_prefix(1);
    }
    if (s.empty()) return false;
    uint64_t v = 0;
    for (char c : s) {
      int d = digit_value(c);
      if (d < 0 || static_cast<unsigned>(d) >= base) return false;
      if (v > (UINT64_MAX - static_cast<unsigned>(d)) / base) return false;
      v = v * base + static_cast<unsigned>(d);
    }
    out = v;
    return true;
  }

  static bool simple_name(const ExprPtr& e, std::string& name) {
    if (e->kind != ExprKind::kIdent || (!e->name.empty() && e->name[0] == '.')) return false;
    name = e->name;
    return true;
  }

  ExprPtr global_call_or_macro(std::string name, size_t open, std::vector<ExprPtr> args) {
    if (name == "has" && args.size() == 1) {
      if (args[0]->kind != ExprKind::kSelect) fail(args[0]->offset, "invalid argument to has() macro");
      ExprPtr sel = std::move(args[0]);
      sel->test_only = true;
      sel->offset = open;  // the presence test takes the macro call's position
      return sel;
    }
    return call(std::move(name), open, std::move(args));
  }

  ExprPtr receiver_call_or_macro(const std::string& name, size_t open, ExprPtr target, std::vector<ExprPtr> args) {
    auto comprehension = [&](MacroKind kind, const char* bad_name) {
      auto e = make(ExprKind::kComprehension, open);
      e->macro = kind;
      if (!simple_name(args[0], e->iter_var)) fail(args[0]->offset, bad_name);
      if (e->iter_var == "__result__" || e->iter_var == "@result")
        fail(args[0]->offset, "iteration variable overwrites accumulator variable");
      e->range = std::move(target);
      return e;
    };
    auto two_variables = [&](ExprPtr& e) {
      if (!simple_name(args[1], e->iter_var2)) fail(args[1]->offset, "argument must be a simple name");
      if (e->iter_var2 == "__result__" || e->iter_var2 == "@result")
        fail(args[1]->offset, "iteration variable overwrites accumulator variable");
      if (e->iter_var == e->iter_var2) fail(args[1]->offset, "duplicate variable name: " + e->iter_var);
    };
    const size_t n = args.size();
    if ((name == "all" || name == "exists" || name == "exists_one" || name == "existsOne") && (n == 2 || n == 3)) {
      MacroKind kind = name == "all" ? MacroKind::kAll : name == "exists" ? MacroKind::kExists : MacroKind::kExistsOne;
      ExprPtr e = comprehension(kind, "argument must be a simple name");
      if (n == 3) two_variables(e);
      e->predicate = std::move(args[n - 1]);
      return e;
    }
    if (name == "map" && (n == 2 || n == 3)) {
      ExprPtr e = comprehension(n == 2 ? MacroKind::kMap : MacroKind::kMapFilter, "argument is not an identifier");
      if (n == 3) e->predicate = std::move(args[1]);
      e->transform = std::move(args[n - 1]);
      return e;
    }
    if (name == "filter" && n == 2) {
      ExprPtr e = comprehension(MacroKind::kFilter, "argument is not an identifier");
      e->predicate = std::move(args[1]);
      return e;
    }
    if ((name == "transformList" || name == "transformMap") && (n == 3 || n == 4)) {
      ExprPtr e = comprehension(name == "transformList" ? MacroKind::kTransformList : MacroKind::kTransformMap,
                                "argument must be a simple name");
      two_variables(e);
      if (n == 4) e->predicate = std::move(args[2]);
      e->transform = std::move(args[n - 1]);
      return e;
    }
    return call(name, open, std::move(args), std::move(target));
  }

  std::string_view src_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<Issue> issues_;
};

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) i += decode_utf8(s.substr(i)).second;
  return n;
}

}  // namespace

ParseResult parse(std::string_view source) {
  ParseResult result;
  if (size_t n = code_points(source); n > kMaxCodePoints) {
    result.issues.push_back({0, "expression code point size exceeds limit: size: " + std::to_string(n) + ", limit " +
                                    std::to_string(kMaxCodePoints)});
    return result;
  }
  std::vector<Issue> lexer_issues;
  std::vector<Token> tokens = tokenize(source, lexer_issues);
  result = Parser(source, std::move(tokens)).run();
  if (!lexer_issues.empty()) {
    result.expr = nullptr;
    result.issues.insert(result.issues.begin(), lexer_issues.begin(), lexer_issues.end());
  }
  return result;
}

}  // namespace skiff::api::cel

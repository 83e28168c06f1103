#include "api/cel/lexer.h"

#include "api/utf8.h"
#include "util/go_strconv.h"

namespace skiff::api::cel {
namespace {

std::string display(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  // Tokenizes everything. Like ANTLR's lexer, an unrecognized token is reported and lexing
  // resumes one code point after its start.
  void run(std::vector<Token>& out, std::vector<Issue>& issues) {
    while (true) {
      skip_space();
      Token t;
      t.offset = pos_;
      if (pos_ >= src_.size()) {
        out.push_back(std::move(t));
        return;
      }
      const size_t start = pos_;
      Issue issue;
      if (next(t, issue)) {
        out.push_back(std::move(t));
        continue;
      }
      issues.push_back(std::move(issue));
      pos_ = start + decode_utf8(src_.substr(start)).second;
    }
  }

 private:
  void skip_space() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '/') {
        while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  bool fail(Issue& issue, size_t start, size_t end) {
    issue.offset = start;
    issue.message = "Syntax error: token recognition error at: '" + display(src_.substr(start, end - start)) + "'";
    return false;
  }

  bool next(Token& t, Issue& issue) {
    const size_t start = pos_;
    const char c = src_[pos_];
    auto two = [&](char second) { return pos_ + 1 < src_.size() && src_[pos_ + 1] == second; };
    auto punct = [&](Tok kind, size_t width) {
      t.kind = kind;
      t.text = std::string(src_.substr(start, width));
      pos_ += width;
      return true;
    };
    switch (c) {
      case '=':
        if (two('=')) return punct(Tok::kEq, 2);
        return fail(issue, start, std::min(src_.size(), start + 2));
      case '!': return two('=') ? punct(Tok::kNe, 2) : punct(Tok::kNot, 1);
      case '<': return two('=') ? punct(Tok::kLe, 2) : punct(Tok::kLt, 1);
      case '>': return two('=') ? punct(Tok::kGe, 2) : punct(Tok::kGt, 1);
      case '&':
        if (two('&')) return punct(Tok::kAnd, 2);
        return fail(issue, start, std::min(src_.size(), start + 2));
      case '|':
        if (two('|')) return punct(Tok::kOr, 2);
        return fail(issue, start, std::min(src_.size(), start + 2));
      case '+': return punct(Tok::kPlus, 1);
      case '-': return punct(Tok::kMinus, 1);
      case '*': return punct(Tok::kStar, 1);
      case '/': return punct(Tok::kSlash, 1);
      case '%': return punct(Tok::kPercent, 1);
      case '?': return punct(Tok::kQuestion, 1);
      case ':': return punct(Tok::kColon, 1);
      case ',': return punct(Tok::kComma, 1);
      case '[': return punct(Tok::kLBracket, 1);
      case ']': return punct(Tok::kRBracket, 1);
      case '{': return punct(Tok::kLBrace, 1);
      case '}': return punct(Tok::kRBrace, 1);
      case '(': return punct(Tok::kLParen, 1);
      case ')': return punct(Tok::kRParen, 1);
      case '.':
        if (pos_ + 1 < src_.size() && is_digit(src_[pos_ + 1])) return number(t, issue);
        return punct(Tok::kDot, 1);
      case '"':
      case '\'': return string_literal(t, issue, start, false, false);
      default: break;
    }
    if (is_digit(c)) return number(t, issue);
    if (is_ident_start(c)) {
      // String prefixes: r, b and their combinations, in either case.
      size_t p = pos_;
      bool raw = false, bytes = false;
      for (int k = 0; k < 2 && p < src_.size(); ++k) {
        char lc = static_cast<char>(src_[p] | 0x20);
        if (lc == 'r' && !raw)
          raw = true;
        else if (lc == 'b' && !bytes)
          bytes = true;
        else
          break;
        ++p;
        if (p < src_.size() && (src_[p] == '"' || src_[p] == '\'')) {
          pos_ = p;
          return string_literal(t, issue, start, raw, bytes);
        }
      }
      size_t end = pos_;
      while (end < src_.size() && (is_ident_start(src_[end]) || is_digit(src_[end]))) ++end;
      t.text = std::string(src_.substr(pos_, end - pos_));
      pos_ = end;
      if (t.text == "true")
        t.kind = Tok::kTrue;
      else if (t.text == "false")
        t.kind = Tok::kFalse;
      else if (t.text == "null")
        t.kind = Tok::kNull;
      else if (t.text == "in")
        t.kind = Tok::kIn;
      else
        t.kind = Tok::kIdent;
      return true;
    }
    auto [r, width] = decode_utf8(src_.substr(pos_));
    (void)r;
    return fail(issue, start, start + width);
  }

  bool number(Token& t, Issue& issue) {
    const size_t start = pos_;
    size_t p = pos_;
    bool is_double = false;
    if (src_[p] == '0' && p + 1 < src_.size() && (src_[p + 1] == 'x' || src_[p + 1] == 'X')) {
      p += 2;
      size_t digits = p;
      while (p < src_.size() && hex_digit(src_[p]) >= 0) ++p;
      if (p == digits) return fail(issue, start, std::min(src_.size(), p + 1));
    } else {
      while (p < src_.size() && is_digit(src_[p])) ++p;
      if (p + 1 < src_.size() && src_[p] == '.' && is_digit(src_[p + 1])) {
        is_double = true;
        ++p;
        while (p < src_.size() && is_digit(src_[p])) ++p;
      }
      if (p < src_.size() && (src_[p] == 'e' || src_[p] == 'E')) {
        size_t q = p + 1;
        if (q < src_.size() && (src_[q] == '+' || src_[q] == '-')) ++q;
        if (q < src_.size() && is_digit(src_[q])) {
          is_double = true;
          p = q;
          while (p < src_.size() && is_digit(src_[p])) ++p;
        } else if (is_double) {
          return fail(issue, start, std::min(src_.size(), q + 1));
        }
      }
    }
    t.kind = is_double ? Tok::kDouble : Tok::kInt;
    if (!is_double && p < src_.size() && (src_[p] == 'u' || src_[p] == 'U')) {
      t.kind = Tok::kUint;
      ++p;
    }
    t.text = std::string(src_.substr(start, p - start));
    pos_ = p;
    return true;
  }

  // pos_ is at the opening quote; `start` includes any prefix.
  bool string_literal(Token& t, Issue& issue, size_t start, bool raw, bool bytes) {
    const char q = src_[pos_];
    const bool triple = pos_ + 2 < src_.size() && src_[pos_ + 1] == q && src_[pos_ + 2] == q;
    size_t p = pos_ + (triple ? 3 : 1);
    std::string value;
    while (true) {
      if (p >= src_.size()) return fail(issue, start, src_.size());
      char c = src_[p];
      if (triple && c == q && p + 2 < src_.size() && src_[p + 1] == q && src_[p + 2] == q) {
        p += 3;
        break;
      }
      if (!triple && c == q) {
        ++p;
        break;
      }
      if (!triple && (c == '\n' || c == '\r')) return fail(issue, start, p + 1);
      if (c == '\\' && !raw) {
        size_t esc_end = p;
        if (!escape(p, value, bytes, esc_end)) return fail(issue, start, std::min(src_.size(), esc_end));
        continue;
      }
      if (c == '\\' && raw && p + 1 < src_.size() && (src_[p + 1] == q || src_[p + 1] == '\\')) {
        // A raw string still cannot end at an escaped quote: the backslash stays in the value.
        value += c;
        value += src_[p + 1];
        p += 2;
        continue;
      }
      value += c;
      ++p;
    }
    t.kind = bytes ? Tok::kBytes : Tok::kString;
    t.text = std::string(src_.substr(start, p - start));
    t.value = std::move(value);
    pos_ = p;
    return true;
  }

  // p is at the backslash; appends the decoded escape and advances p past it.
  bool escape(size_t& p, std::string& out, bool bytes, size_t& error_end) {
    error_end = p + 2;
    if (p + 1 >= src_.size()) return false;
    char c = src_[p + 1];
    switch (c) {
      case 'a':
        out += '\a';
        p += 2;
        return true;
      case 'b':
        out += '\b';
        p += 2;
        return true;
      case 'f':
        out += '\f';
        p += 2;
        return true;
      case 'n':
        out += '\n';
        p += 2;
        return true;
      case 'r':
        out += '\r';
        p += 2;
        return true;
      case 't':
        out += '\t';
        p += 2;
        return true;
      case 'v':
        out += '\v';
        p += 2;
        return true;
      case '\\':
      case '\'':
      case '"':
      case '`':
      case '?':
        out += c;
        p += 2;
        return true;
      default: break;
    }
    if (c == 'x' || c == 'X' || c == 'u' || c == 'U') {
      size_t n = (c == 'x' || c == 'X') ? 2 : c == 'u' ? 4 : 8;
      uint32_t v = 0;
      for (size_t i = 0; i < n; ++i) {
        size_t at = p + 2 + i;
        int d = at < src_.size() ? hex_digit(src_[at]) : -1;
        if (d < 0) {
          error_end = at + 1;
          return false;
        }
        v = v * 16 + static_cast<uint32_t>(d);
      }
      if (n == 2 && bytes)
        out += static_cast<char>(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
          error_end = p + 2 + n;
          return false;
        }
        append_rune(out, static_cast<int32_t>(v));
      }
      p += 2 + n;
      return true;
    }
    if (c >= '0' && c <= '3') {
      uint32_t v = 0;
      for (size_t i = 0; i < 3; ++i) {
        size_t at = p + 1 + i;
        if (at >= src_.size() || src_[at] < '0' || src_[at] > '7') {
          error_end = at + 1;
          return false;
        }
        v = v * 8 + static_cast<uint32_t>(src_[at] - '0');
      }
      if (bytes)
        out += static_cast<char>(v);
      else
        append_rune(out, static_cast<int32_t>(v));
      p += 4;
      return true;
    }
    return false;
  }

  std::string_view src_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, std::vector<Issue>& issues) {
  std::vector<Token> tokens;
  Lexer(source).run(tokens, issues);
  return tokens;
}

std::string display_token_text(std::string_view text) { return display(text); }

}  // namespace skiff::api::cel

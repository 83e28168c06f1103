// CEL's tokens (cel-go's ANTLR lexer, CEL.g4): punctuation, keywords, identifiers and literals
// with their escapes decoded. Internal to the parser.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/cel/issues.h"

namespace skiff::api::cel {

// clang-format off
enum class Tok {
  kEof, kIdent, kInt, kUint, kDouble, kString, kBytes, kTrue, kFalse, kNull, kIn,
  kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr, kNot, kPlus, kMinus, kStar, kSlash, kPercent,
  kQuestion, kColon, kDot, kComma, kLBracket, kRBracket, kLBrace, kRBrace, kLParen, kRParen,
};
// clang-format on

struct Token {
  Tok kind = Tok::kEof;
  size_t offset = 0;
  std::string text;   // the source text (for literals: including prefixes and quotes)
  std::string value;  // decoded string/bytes literal
};

// The tokens of `source`, ending with kEof. Like ANTLR's lexer, unrecognized text is reported
// ("Syntax error: token recognition error at: ...") and lexing resumes one code point later.
std::vector<Token> tokenize(std::string_view source, std::vector<Issue>& issues);

// A token's text as ANTLR prints it in messages, control characters escaped.
std::string display_token_text(std::string_view text);

}  // namespace skiff::api::cel

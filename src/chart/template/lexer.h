// Tokenizer for Go template text: text runs, actions between {{ }}, trim markers and
// comments, with Go's token kinds, positions, line numbers and error texts.
#pragma once

#include <deque>
#include <string>
#include <string_view>

namespace skiff::chart::tmpl {

enum class ItemType {
  kError,
  kBool,
  kChar,
  kCharConstant,
  kComment,
  kComplex,
  kAssign,
  kDeclare,
  kEOF,
  kField,
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,
  kKeyword,  // delimits the keywords below
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Item {
  ItemType type = ItemType::kEOF;
  size_t pos = 0;        // byte offset of the item in the input
  std::string_view val;  // the item's text, in the input (error items: the message, owned by the lexer)
  int line = 1;     // line number at the start of the item

  // How Go's parser names the item in "unexpected X in Y".
  std::string describe() const;
};

class Lexer {
 public:
  Lexer(std::string_view input, bool break_ok, bool continue_ok);
  Item next_item();

 private:
  enum class State { kText, kLeftDelim, kInsideAction, kRightDelim, kComment, kSpace, kDone };

  int next();
  int peek();
  void backup();
  Item this_item(ItemType t);
  void ignore();
  bool accept(std::string_view valid);
  void accept_run(std::string_view valid);
  Item errorf(std::string message);
  bool at_terminator();
  // Moves past the letters and digits at pos_ and returns the rune after them, left
  // unread unless it is a (non-ASCII) letter or digit, which the word goes on with.
  int next_after_word();
  bool at_right_delim(bool* trim);
  bool scan_number();

  // Each returns true when an item was produced into *out.
  bool lex_text(Item* out, State* next_state);
  bool lex_left_delim(Item* out, State* next_state);
  bool lex_comment(Item* out, State* next_state);
  bool lex_right_delim(Item* out, State* next_state);
  bool lex_inside_action(Item* out, State* next_state);
  bool lex_space(Item* out, State* next_state);
  Item lex_identifier();
  Item lex_field_or_variable(ItemType t);
  Item lex_quote();
  Item lex_raw_quote();
  Item lex_char();
  Item lex_number();

  std::string_view input_;
  std::deque<std::string> messages_;  // error texts that items point into
  size_t pos_ = 0;
  size_t start_ = 0;
  bool at_eof_ = false;
  int paren_depth_ = 0;
  int line_ = 1;
  int start_line_ = 1;
  bool inside_action_ = false;
  bool break_ok_;
  bool continue_ok_;
};

}  // namespace skiff::chart::tmpl

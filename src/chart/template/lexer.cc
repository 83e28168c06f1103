#include "chart/template/lexer.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "chart/template/go_strconv.h"

namespace skiff::chart::tmpl {
namespace {

constexpr int kEof = -1;
constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr size_t kTrimMarkerLen = 2;  // marker plus the space before or after it

bool is_space(int r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

// Classes of ASCII bytes, looked up by the inner loops: a word's letters and digits, and the
// bytes that end a field, variable or identifier (space or one of ".,|:)(").
constexpr uint8_t kWordByte = 1;
constexpr uint8_t kTerminatorByte = 2;
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> table{};
  for (int b = 0; b < 128; ++b) {
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_') {
      table[b] = kWordByte;
    }
  }
  for (char b : std::string_view(" \t\r\n.,|:)(")) table[static_cast<unsigned char>(b)] = kTerminatorByte;
  return table;
}();

bool is_ascii_alnum(unsigned char b) { return kByteClass[b] & kWordByte; }

bool is_alnum(int r) {
  if (r >= 0 && r < 0x80) return is_ascii_alnum(static_cast<unsigned char>(r));  // templates are nearly all ASCII
  return r >= 0 && (is_letter(r) || is_digit(r));
}

bool has_left_trim_marker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && is_space(static_cast<unsigned char>(s[1]));
}

bool has_right_trim_marker(std::string_view s) {
  return s.size() >= 2 && is_space(static_cast<unsigned char>(s[0])) && s[1] == '-';
}

bool starts_with(std::string_view s, size_t at, std::string_view prefix) {
  if (at > s.size() || s.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (s[at + i] != prefix[i]) return false;
  }
  return true;
}

size_t count_newlines(std::string_view s) { return std::count(s.begin(), s.end(), '\n'); }

bool is_space_char(char c) { return is_space(static_cast<unsigned char>(c)); }

size_t right_trim_length(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_space_char(s[s.size() - 1 - n])) ++n;
  return n;
}

size_t left_trim_length(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_space_char(s[n])) ++n;
  return n;
}

// Go's %#U: U+0041 'A' (the quoted form only for printable runes).
std::string sharp_u(int r) {
  char buf[16];
  snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r < 0 ? kRuneError : r));
  std::string s = buf;
  if (r >= 0 && is_print(r)) {
    s += " '";
    append_rune(s, r);
    s += '\'';
  }
  return s;
}

// Go's key map of keywords (identifiers only reach here, so "." is never asked for);
// kIdentifier for other words.
ItemType keyword(std::string_view word) {
  switch (word.size()) {
    case 2: return word == "if" ? ItemType::kIf : ItemType::kIdentifier;
    case 3: return word == "end" ? ItemType::kEnd : word == "nil" ? ItemType::kNil : ItemType::kIdentifier;
    case 4: return word == "else" ? ItemType::kElse : word == "with" ? ItemType::kWith : ItemType::kIdentifier;
    case 5:
      return word == "block"   ? ItemType::kBlock
             : word == "break" ? ItemType::kBreak
             : word == "range" ? ItemType::kRange
                               : ItemType::kIdentifier;
    case 6: return word == "define" ? ItemType::kDefine : ItemType::kIdentifier;
    case 8:
      return word == "continue"   ? ItemType::kContinue
             : word == "template" ? ItemType::kTemplate
                                  : ItemType::kIdentifier;
    default: return ItemType::kIdentifier;
  }
}

}  // namespace

std::string Item::describe() const {
  if (type == ItemType::kEOF) return "EOF";
  if (type == ItemType::kError) return std::string(val);
  if (type > ItemType::kKeyword) return "<" + std::string(val) + ">";
  if (rune_count(val) > 10) {
    size_t i = 0;
    for (int n = 0; n < 10; ++n) {
      int w;
      decode_rune(std::string_view(val).substr(i), &w);
      i += w;
    }
    return go_quote(std::string_view(val).substr(0, i)) + "...";
  }
  return go_quote(val);
}

Lexer::Lexer(std::string_view input, bool break_ok, bool continue_ok)
    : input_(input), break_ok_(break_ok), continue_ok_(continue_ok) {}

int Lexer::next() {
  if (pos_ >= input_.size()) {
    at_eof_ = true;
    return kEof;
  }
  auto b = static_cast<unsigned char>(input_[pos_]);
  if (b < 0x80) {  // ASCII, nearly all of a template: no rune decoding
    ++pos_;
    if (b == '\n') ++line_;
    return b;
  }
  int w;
  int r = decode_rune(input_.substr(pos_), &w);
  pos_ += w;
  return r;
}

int Lexer::peek() {
  int r = next();
  backup();
  return r;
}

void Lexer::backup() {
  if (at_eof_ || pos_ == 0) return;
  auto last = static_cast<unsigned char>(input_[pos_ - 1]);
  if (last < 0x80) {
    --pos_;
    if (last == '\n') --line_;
    return;
  }
  size_t start = pos_ - 1;
  while (start > 0 && pos_ - start < 4 && (static_cast<unsigned char>(input_[start]) & 0xC0) == 0x80) {
    --start;
  }
  int w;
  int r = decode_rune(input_.substr(start, pos_ - start), &w);
  if (static_cast<size_t>(w) != pos_ - start) {
    start = pos_ - 1;
    r = static_cast<unsigned char>(input_[start]);
  }
  pos_ = start;
  if (r == '\n') --line_;
}

Item Lexer::this_item(ItemType t) {
  Item i;
  i.type = t;
  i.pos = start_;
  i.val = input_.substr(start_, pos_ - start_);
  i.line = start_line_;
  start_ = pos_;
  start_line_ = line_;
  return i;
}

void Lexer::ignore() {
  line_ += static_cast<int>(count_newlines(input_.substr(start_, pos_ - start_)));
  start_ = pos_;
  start_line_ = line_;
}

bool Lexer::accept(std::string_view valid) {
  int r = next();
  if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
  backup();
  return false;
}

void Lexer::accept_run(std::string_view valid) {
  while (true) {
    int r = next();
    if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) continue;
    break;
  }
  backup();
}

Item Lexer::errorf(std::string message) {
  Item i;
  i.type = ItemType::kError;
  i.pos = start_;
  i.val = messages_.emplace_back(std::move(message));
  i.line = start_line_;
  start_ = 0;
  pos_ = 0;
  input_ = input_.substr(0, 0);
  return i;
}

bool Lexer::at_terminator() {
  if (pos_ >= input_.size()) return true;
  auto b = static_cast<unsigned char>(input_[pos_]);
  if (kByteClass[b] & kTerminatorByte) return true;
  return b == '}' && starts_with(input_, pos_, kRightDelim);  // no other rune ends a word
}

int Lexer::next_after_word() {
  while (pos_ < input_.size() && is_ascii_alnum(static_cast<unsigned char>(input_[pos_]))) ++pos_;
  if (pos_ >= input_.size()) return kEof;
  auto b = static_cast<unsigned char>(input_[pos_]);
  if (b < 0x80) return b;  // ASCII, and no letter or digit: the word ends here
  int r = next();
  if (!is_alnum(r)) backup();
  return r;
}

bool Lexer::at_right_delim(bool* trim) {
  *trim = false;
  // "}}" and " -}}" start with '}' or a space; most tokens start with neither.
  if (pos_ >= input_.size() || (input_[pos_] != '}' && !is_space_char(input_[pos_]))) return false;
  if (has_right_trim_marker(input_.substr(std::min(pos_, input_.size()))) &&
      starts_with(input_, pos_ + kTrimMarkerLen, kRightDelim)) {
    *trim = true;
    return true;
  }
  return starts_with(input_, pos_, kRightDelim);
}

Item Lexer::next_item() {
  State state = inside_action_ ? State::kInsideAction : State::kText;
  Item out;
  while (true) {
    bool produced = false;
    State next_state = State::kDone;
    switch (state) {
      case State::kText: produced = lex_text(&out, &next_state); break;
      case State::kLeftDelim: produced = lex_left_delim(&out, &next_state); break;
      case State::kComment: produced = lex_comment(&out, &next_state); break;
      case State::kRightDelim: produced = lex_right_delim(&out, &next_state); break;
      case State::kInsideAction: produced = lex_inside_action(&out, &next_state); break;
      case State::kSpace: produced = lex_space(&out, &next_state); break;
      case State::kDone: break;
    }
    if (produced) return out;
    state = next_state;
  }
}

bool Lexer::lex_text(Item* out, State* next_state) {
  size_t x = input_.substr(pos_).find(kLeftDelim);
  if (x != std::string_view::npos) {
    if (x > 0) {
      pos_ += x;
      size_t trim_length = 0;
      size_t delim_end = pos_ + kLeftDelim.size();
      if (has_left_trim_marker(input_.substr(delim_end))) {
        trim_length = right_trim_length(input_.substr(start_, pos_ - start_));
      }
      pos_ -= trim_length;
      line_ += static_cast<int>(count_newlines(input_.substr(start_, pos_ - start_)));
      Item i = this_item(ItemType::kText);
      pos_ += trim_length;
      ignore();
      if (!i.val.empty()) {
        *out = std::move(i);
        return true;
      }
    }
    *next_state = State::kLeftDelim;
    return false;
  }
  pos_ = input_.size();
  if (pos_ > start_) {
    line_ += static_cast<int>(count_newlines(input_.substr(start_, pos_ - start_)));
    *out = this_item(ItemType::kText);
    return true;
  }
  *out = this_item(ItemType::kEOF);
  out->val = "EOF";
  return true;
}

bool Lexer::lex_left_delim(Item* out, State* next_state) {
  pos_ += kLeftDelim.size();
  bool trim_space = has_left_trim_marker(input_.substr(pos_));
  size_t after_marker = trim_space ? kTrimMarkerLen : 0;
  if (starts_with(input_, pos_ + after_marker, kLeftComment)) {
    pos_ += after_marker;
    ignore();
    *next_state = State::kComment;
    return false;
  }
  Item i = this_item(ItemType::kLeftDelim);
  inside_action_ = true;
  pos_ += after_marker;
  ignore();
  paren_depth_ = 0;
  *out = std::move(i);
  return true;
}

bool Lexer::lex_comment(Item* out, State* next_state) {
  pos_ += kLeftComment.size();
  size_t x = input_.substr(pos_).find(kRightComment);
  if (x == std::string_view::npos) {
    *out = errorf("unclosed comment");
    return true;
  }
  pos_ += x + kRightComment.size();
  bool trim_space;
  if (!at_right_delim(&trim_space)) {
    *out = errorf("comment ends before closing delimiter");
    return true;
  }
  line_ += static_cast<int>(count_newlines(input_.substr(start_, pos_ - start_)));
  this_item(ItemType::kComment);
  if (trim_space) pos_ += kTrimMarkerLen;
  pos_ += kRightDelim.size();
  if (trim_space) pos_ += left_trim_length(input_.substr(pos_));
  ignore();
  *next_state = State::kText;
  return false;
}

bool Lexer::lex_right_delim(Item* out, State* next_state) {
  bool trim_space;
  at_right_delim(&trim_space);
  if (trim_space) {
    pos_ += kTrimMarkerLen;
    ignore();
  }
  pos_ += kRightDelim.size();
  Item i = this_item(ItemType::kRightDelim);
  if (trim_space) {
    pos_ += left_trim_length(input_.substr(pos_));
    ignore();
  }
  inside_action_ = false;
  *out = std::move(i);
  (void)next_state;
  return true;
}

bool Lexer::lex_inside_action(Item* out, State* next_state) {
  bool trim;
  if (at_right_delim(&trim)) {
    if (paren_depth_ == 0) {
      *next_state = State::kRightDelim;
      return false;
    }
    *out = errorf("unclosed left paren");
    return true;
  }
  int r = next();
  if (r == kEof) {
    *out = errorf("unclosed action");
    return true;
  }
  if (is_space(r)) {
    backup();
    *next_state = State::kSpace;
    return false;
  }
  switch (r) {
    case '=':
      *out = this_item(ItemType::kAssign);
      return true;
    case ':':
      if (next() != '=') {
        *out = errorf("expected :=");
        return true;
      }
      *out = this_item(ItemType::kDeclare);
      return true;
    case '|':
      *out = this_item(ItemType::kPipe);
      return true;
    case '"':
      *out = lex_quote();
      return true;
    case '`':
      *out = lex_raw_quote();
      return true;
    case '$':
      if (at_terminator()) {
        *out = this_item(ItemType::kVariable);
      } else {
        *out = lex_field_or_variable(ItemType::kVariable);
      }
      return true;
    case '\'':
      *out = lex_char();
      return true;
    case '(':
      ++paren_depth_;
      *out = this_item(ItemType::kLeftParen);
      return true;
    case ')':
      --paren_depth_;
      if (paren_depth_ < 0) {
        *out = errorf("unexpected right paren");
        return true;
      }
      *out = this_item(ItemType::kRightParen);
      return true;
    default:
      break;
  }
  if (r == '.') {
    if (pos_ < input_.size()) {
      char c = input_[pos_];
      if (c < '0' || c > '9') {
        *out = lex_field_or_variable(ItemType::kField);
        return true;
      }
    }
    backup();
    *out = lex_number();
    return true;
  }
  if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
    backup();
    *out = lex_number();
    return true;
  }
  if (is_alnum(r)) {
    backup();
    *out = lex_identifier();
    return true;
  }
  if (r < 0x80 && is_print(r)) {
    *out = this_item(ItemType::kChar);
    return true;
  }
  *out = errorf("unrecognized character in action: " + sharp_u(r));
  return true;
}

bool Lexer::lex_space(Item* out, State* next_state) {
  int num_spaces = 0;
  while (pos_ < input_.size() && is_space(static_cast<unsigned char>(input_[pos_]))) {
    if (input_[pos_] == '\n') ++line_;
    ++pos_;
    ++num_spaces;
  }
  if (pos_ < input_.size() && input_[pos_] == '-' && has_right_trim_marker(input_.substr(pos_ - 1)) &&
      starts_with(input_, pos_ - 1 + kTrimMarkerLen, kRightDelim)) {
    backup();
    if (num_spaces == 1) {
      *next_state = State::kRightDelim;
      return false;
    }
  }
  *out = this_item(ItemType::kSpace);
  return true;
}

Item Lexer::lex_identifier() {
  int r;
  do {
    r = next_after_word();
  } while (is_alnum(r));
  std::string_view word = input_.substr(start_, pos_ - start_);
  if (!at_terminator()) return errorf("bad character " + sharp_u(r));
  if (ItemType t = keyword(word); t > ItemType::kKeyword) {
    if ((t == ItemType::kBreak && !break_ok_) || (t == ItemType::kContinue && !continue_ok_)) {
      return this_item(ItemType::kIdentifier);
    }
    return this_item(t);
  }
  if (word == "true" || word == "false") return this_item(ItemType::kBool);
  return this_item(ItemType::kIdentifier);
}

Item Lexer::lex_field_or_variable(ItemType t) {
  if (at_terminator()) return this_item(t == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot);
  int r;
  do {
    r = next_after_word();
  } while (is_alnum(r));
  if (!at_terminator()) return errorf("bad character " + sharp_u(r));
  return this_item(t);
}

Item Lexer::lex_char() {
  while (true) {
    int r = next();
    if (r == '\\') {
      int e = next();
      if (e != kEof && e != '\n') continue;
      return errorf("unterminated character constant");
    }
    if (r == kEof || r == '\n') return errorf("unterminated character constant");
    if (r == '\'') break;
  }
  return this_item(ItemType::kCharConstant);
}

bool Lexer::scan_number() {
  accept("+-");
  std::string_view digits = "0123456789_";
  if (accept("0")) {
    if (accept("xX")) {
      digits = "0123456789abcdefABCDEF_";
    } else if (accept("oO")) {
      digits = "01234567_";
    } else if (accept("bB")) {
      digits = "01_";
    }
  }
  accept_run(digits);
  if (accept(".")) accept_run(digits);
  if (digits.size() == 11 && accept("eE")) {
    accept("+-");
    accept_run("0123456789_");
  }
  if (digits.size() == 23 && accept("pP")) {
    accept("+-");
    accept_run("0123456789_");
  }
  accept("i");
  if (is_alnum(peek())) {
    next();
    return false;
  }
  return true;
}

Item Lexer::lex_number() {
  if (!scan_number()) {
    return errorf("bad number syntax: " + go_quote(input_.substr(start_, pos_ - start_)));
  }
  int sign = peek();
  if (sign == '+' || sign == '-') {
    if (!scan_number() || input_[pos_ - 1] != 'i') {
      return errorf("bad number syntax: " + go_quote(input_.substr(start_, pos_ - start_)));
    }
    return this_item(ItemType::kComplex);
  }
  return this_item(ItemType::kNumber);
}

Item Lexer::lex_quote() {
  while (true) {
    // Plain ASCII runs need no rune decoding (no newline among them).
    while (pos_ < input_.size()) {
      char c = input_[pos_];
      if (c == '"' || c == '\\' || c == '\n' || static_cast<unsigned char>(c) >= 0x80) break;
      ++pos_;
    }
    int r = next();
    if (r == '\\') {
      int e = next();
      if (e != kEof && e != '\n') continue;
      return errorf("unterminated quoted string");
    }
    if (r == kEof || r == '\n') return errorf("unterminated quoted string");
    if (r == '"') break;
  }
  return this_item(ItemType::kString);
}

Item Lexer::lex_raw_quote() {
  while (true) {
    int r = next();
    if (r == kEof) return errorf("unterminated raw quoted string");
    if (r == '`') break;
  }
  return this_item(ItemType::kRawString);
}

}  // namespace skiff::chart::tmpl

#include "util/yaml_scanner.h"

#include <array>
#include <cstring>
#include <string>

#include "util/yaml_chars.h"

namespace skiff::yaml {
namespace {

constexpr int kMaxFlowLevel = 10000;
constexpr size_t kMaxIndents = 10000;

// The reader's checks (libyaml's yaml_parser_update_buffer): well-formed UTF-8 and only
// characters YAML allows. Returns the problem text, or empty.
// Whether all 8 bytes of `w` are printable ASCII (0x20..0x7E): none below 0x20, none at or
// above 0x7F (SWAR: a byte's high bit after the subtraction or addition flags it).
bool all_printable_ascii(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  uint64_t below_space = (w - 0x20 * kOnes) & ~w;  // high bit set where a byte < 0x20
  uint64_t at_least_del = (w + 0x01 * kOnes) | w;  // high bit set where a byte >= 0x7F
  return ((below_space | at_least_del) & kHighs) == 0;
}

bool is_allowed_ascii(uint8_t b) { return (b >= 0x20 && b <= 0x7E) || b == '\n' || b == '\t' || b == '\r'; }

std::string check_input(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (i + 8 <= s.size()) {  // the bulk: runs of printable ASCII, 8 bytes at a time
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (all_printable_ascii(w)) {
        i += 8;
        continue;
      }
      size_t simple = 0;  // line breaks and tabs fail the word test: take allowed ASCII bytes one by one
      while (simple < 8 && is_allowed_ascii(static_cast<uint8_t>(s[i + simple]))) ++simple;
      if (simple > 0) {
        i += simple;
        continue;
      }
    }
    uint8_t b = static_cast<uint8_t>(s[i]);
    if (is_allowed_ascii(b)) {
      ++i;
      continue;
    }
    size_t w = char_width(b);
    if (w == 0) return "invalid leading UTF-8 octet";
    if (i + w > s.size()) return "incomplete UTF-8 octet sequence";
    uint32_t v = w == 1 ? b : w == 2 ? (b & 0x1F) : w == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < w; ++k) {
      uint8_t t = static_cast<uint8_t>(s[i + k]);
      if ((t & 0xC0) != 0x80) return "invalid trailing UTF-8 octet";
      v = (v << 6) + (t & 0x3F);
    }
    if (!(w == 1 || (w == 2 && v >= 0x80) || (w == 3 && v >= 0x800) || (w == 4 && v >= 0x10000))) {
      return "invalid length of a UTF-8 sequence";
    }
    if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) return "invalid Unicode character";
    bool allowed = v == 0x09 || v == 0x0A || v == 0x0D || (v >= 0x20 && v <= 0x7E) || v == 0x85 ||
                   (v >= 0xA0 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) ||
                   (v >= 0x10000 && v <= 0x10FFFF);
    if (!allowed) return "control characters are not allowed";
    i += w;
  }
  return "";
}

// The classes of ASCII bytes that ascii_run takes in one step (none is a line break).
constexpr std::array<uint8_t, 256> kRunClasses = [] {
  std::array<uint8_t, 256> table{};
  for (int b = 0x20; b <= 0x7E; ++b) {
    table[b] |= Scanner::kCommentRun;  // printable, or a tab: a comment's body
    // Not blank, not ':' (which ends the scalar when a blank follows) and, in flow
    // context, no flow indicator: plain scalar characters that need no further look.
    if (b == ' ' || b == ':') continue;
    table[b] |= Scanner::kPlainBlockRun;
    if (std::string_view(",?[]{}").find(static_cast<char>(b)) == std::string_view::npos) {
      table[b] |= Scanner::kPlainFlowRun;
    }
  }
  table['\t'] |= Scanner::kCommentRun;
  return table;
}();

}  // namespace

Scanner::Scanner(std::string_view input) {
  if (input.size() >= 3 && is_bom(input, 0)) input.remove_prefix(3);
  std::string bad = check_input(input);
  if (!bad.empty()) {
    problem_.kind = YamlProblem::Kind::kReader;
    problem_.problem = bad;
    return;
  }
  buf_ = std::string(input);
}

uint8_t Scanner::c(size_t ahead) const { return at(buf_, pos_ + ahead); }

void Scanner::skip() {
  mark_.index++;
  mark_.column++;
  size_t w = char_width(c());
  pos_ += w == 0 ? 1 : w;
}

void Scanner::skip_line() {
  if (is_crlf(buf_, pos_)) {
    mark_.index += 2;
    mark_.column = 0;
    mark_.line++;
    pos_ += 2;
  } else if (is_break(buf_, pos_)) {
    mark_.index++;
    mark_.column = 0;
    mark_.line++;
    pos_ += char_width(c());
  }
}

size_t Scanner::ascii_run(RunClass run) const {
  size_t end = pos_;
  while (end < buf_.size() && (kRunClasses[static_cast<uint8_t>(buf_[end])] & run)) ++end;
  return end - pos_;
}

void Scanner::skip_ascii(size_t n) {
  pos_ += n;
  mark_.index += n;
  mark_.column += n;
}

void Scanner::read_ascii(size_t n, std::string& s) {
  s.append(buf_, pos_, n);
  skip_ascii(n);
}

void Scanner::read(std::string& s) {
  size_t w = char_width(c());
  if (w == 0) w = 1;
  s.append(buf_, pos_, w);
  pos_ += w;
  mark_.index++;
  mark_.column++;
}

void Scanner::read_line(std::string& s) {
  if (c() == '\r' && c(1) == '\n') {
    s += '\n';
    pos_ += 2;
    mark_.index++;
  } else if (c() == '\r' || c() == '\n') {
    s += '\n';
    pos_ += 1;
  } else if (c() == 0xC2 && c(1) == 0x85) {
    s += '\n';
    pos_ += 2;
  } else if (c() == 0xE2 && c(1) == 0x80 && (c(2) == 0xA8 || c(2) == 0xA9)) {
    s.append(buf_, pos_, 3);
    pos_ += 3;
  } else {
    return;
  }
  mark_.index++;
  mark_.column = 0;
  mark_.line++;
}

bool Scanner::fail(std::string context, Mark context_mark, std::string problem) {
  problem_.kind = YamlProblem::Kind::kScanner;
  problem_.context = std::move(context);
  problem_.context_mark = context_mark;
  problem_.problem = std::move(problem);
  problem_.problem_mark = mark_;
  return false;
}

const Token* Scanner::peek() {
  if (failed()) return nullptr;
  if (!token_available_ && !fetch_more_tokens()) return nullptr;
  return &tokens_[tokens_head_];
}

void Scanner::skip_token() {
  token_available_ = false;
  tokens_parsed_++;
  stream_end_produced_ = tokens_[tokens_head_].type == TokenType::kStreamEnd;
  tokens_head_++;
}

void Scanner::insert_token(long pos, Token token) {
  if (tokens_head_ > 0 && tokens_head_ == tokens_.size()) {
    tokens_.clear();
    tokens_head_ = 0;
  }
  if (pos < 0) {
    tokens_.push_back(std::move(token));
    return;
  }
  tokens_.insert(tokens_.begin() + static_cast<long>(tokens_head_) + pos, std::move(token));
}

bool Scanner::fetch_more_tokens() {
  while (true) {
    if (tokens_head_ != tokens_.size()) {
      auto it = simple_keys_by_tok_.find(tokens_parsed_);
      if (it == simple_keys_by_tok_.end()) break;
      bool valid = false;
      if (!simple_key_is_valid(simple_keys_[it->second], &valid)) return false;
      if (!valid) break;
    }
    if (!fetch_next_token()) return false;
  }
  token_available_ = true;
  return true;
}

bool Scanner::fetch_next_token() {
  if (!stream_start_produced_) return fetch_stream_start();
  if (!scan_to_next_token()) return false;
  unroll_indent(static_cast<long>(mark_.column));
  if (is_z(buf_, pos_)) return fetch_stream_end();
  uint8_t ch = c();
  if (mark_.column == 0 && ch == '%') return fetch_directive();
  if (mark_.column == 0 && ch == '-' && c(1) == '-' && c(2) == '-' && is_blankz(buf_, pos_ + 3)) {
    return fetch_document_indicator(TokenType::kDocumentStart);
  }
  if (mark_.column == 0 && ch == '.' && c(1) == '.' && c(2) == '.' && is_blankz(buf_, pos_ + 3)) {
    return fetch_document_indicator(TokenType::kDocumentEnd);
  }
  if (ch == '[') return fetch_flow_collection_start(TokenType::kFlowSequenceStart);
  if (ch == '{') return fetch_flow_collection_start(TokenType::kFlowMappingStart);
  if (ch == ']') return fetch_flow_collection_end(TokenType::kFlowSequenceEnd);
  if (ch == '}') return fetch_flow_collection_end(TokenType::kFlowMappingEnd);
  if (ch == ',') return fetch_flow_entry();
  if (ch == '-' && is_blankz(buf_, pos_ + 1)) return fetch_block_entry();
  if (ch == '?' && (flow_level_ > 0 || is_blankz(buf_, pos_ + 1))) return fetch_key();
  if (ch == ':' && (flow_level_ > 0 || is_blankz(buf_, pos_ + 1))) return fetch_value();
  if (ch == '*') return fetch_anchor(TokenType::kAlias);
  if (ch == '&') return fetch_anchor(TokenType::kAnchor);
  if (ch == '!') return fetch_tag();
  if (ch == '|' && flow_level_ == 0) return fetch_block_scalar(true);
  if (ch == '>' && flow_level_ == 0) return fetch_block_scalar(false);
  if (ch == '\'') return fetch_flow_scalar(true);
  if (ch == '"') return fetch_flow_scalar(false);
  bool indicator = is_blankz(buf_, pos_) || std::string_view("-?:,[]{}#&*!|>'\"%@`").find(static_cast<char>(ch)) !=
                                                std::string_view::npos;
  if (!indicator || (ch == '-' && !is_blank(buf_, pos_ + 1)) ||
      (flow_level_ == 0 && (ch == '?' || ch == ':') && !is_blankz(buf_, pos_ + 1))) {
    return fetch_plain_scalar();
  }
  return fail("while scanning for the next token", mark_, "found character that cannot start any token");
}

bool Scanner::simple_key_is_valid(SimpleKey& key, bool* valid) {
  *valid = false;
  if (!key.possible) return true;
  if (key.mark.line < mark_.line || key.mark.index + 1024 < mark_.index) {
    if (key.required) return fail("while scanning a simple key", key.mark, "could not find expected ':'");
    key.possible = false;
    return true;
  }
  *valid = true;
  return true;
}

bool Scanner::save_simple_key() {
  bool required = flow_level_ == 0 && indent_ == static_cast<long>(mark_.column);
  if (simple_key_allowed_) {
    SimpleKey key;
    key.possible = true;
    key.required = required;
    key.token_number = tokens_parsed_ + (tokens_.size() - tokens_head_);
    key.mark = mark_;
    if (!remove_simple_key()) return false;
    simple_keys_.back() = key;
    simple_keys_by_tok_[key.token_number] = simple_keys_.size() - 1;
  }
  return true;
}

bool Scanner::remove_simple_key() {
  SimpleKey& key = simple_keys_.back();
  if (key.possible) {
    if (key.required) return fail("while scanning a simple key", key.mark, "could not find expected ':'");
    key.possible = false;
    simple_keys_by_tok_.erase(key.token_number);
  }
  return true;
}

bool Scanner::increase_flow_level() {
  SimpleKey key;
  key.token_number = tokens_parsed_ + (tokens_.size() - tokens_head_);
  key.mark = mark_;
  simple_keys_.push_back(key);
  flow_level_++;
  if (flow_level_ > kMaxFlowLevel) {
    return fail("while increasing flow level", simple_keys_.back().mark,
                "exceeded max depth of " + std::to_string(kMaxFlowLevel));
  }
  return true;
}

void Scanner::decrease_flow_level() {
  if (flow_level_ > 0) {
    flow_level_--;
    simple_keys_by_tok_.erase(simple_keys_.back().token_number);
    simple_keys_.pop_back();
  }
}

bool Scanner::roll_indent(long column, long number, TokenType type, Mark mark) {
  if (flow_level_ > 0) return true;
  if (indent_ < column) {
    indents_.push_back(indent_);
    indent_ = column;
    if (indents_.size() > kMaxIndents) {
      return fail("while increasing indent level", simple_keys_.back().mark,
                  "exceeded max depth of " + std::to_string(kMaxIndents));
    }
    Token token;
    token.type = type;
    token.start = token.end = mark;
    if (number > -1) number -= static_cast<long>(tokens_parsed_);
    insert_token(number, std::move(token));
  }
  return true;
}

void Scanner::unroll_indent(long column) {
  if (flow_level_ > 0) return;
  while (indent_ > column) {
    Token token;
    token.type = TokenType::kBlockEnd;
    token.start = token.end = mark_;
    insert_token(-1, std::move(token));
    indent_ = indents_.back();
    indents_.pop_back();
  }
}

bool Scanner::fetch_stream_start() {
  indent_ = -1;
  simple_keys_.push_back(SimpleKey{});
  simple_key_allowed_ = true;
  stream_start_produced_ = true;
  Token token;
  token.type = TokenType::kStreamStart;
  token.start = token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_stream_end() {
  if (mark_.column != 0) {
    mark_.column = 0;
    mark_.line++;
  }
  unroll_indent(-1);
  if (!remove_simple_key()) return false;
  simple_key_allowed_ = false;
  Token token;
  token.type = TokenType::kStreamEnd;
  token.start = token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_directive() {
  unroll_indent(-1);
  if (!remove_simple_key()) return false;
  simple_key_allowed_ = false;
  Token token;
  if (!scan_directive(&token)) return false;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_document_indicator(TokenType type) {
  unroll_indent(-1);
  if (!remove_simple_key()) return false;
  simple_key_allowed_ = false;
  Token token;
  token.type = type;
  token.start = mark_;
  skip();
  skip();
  skip();
  token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_flow_collection_start(TokenType type) {
  if (!save_simple_key()) return false;
  if (!increase_flow_level()) return false;
  simple_key_allowed_ = true;
  Token token;
  token.type = type;
  token.start = mark_;
  skip();
  token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_flow_collection_end(TokenType type) {
  if (!remove_simple_key()) return false;
  decrease_flow_level();
  simple_key_allowed_ = false;
  Token token;
  token.type = type;
  token.start = mark_;
  skip();
  token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_flow_entry() {
  if (!remove_simple_key()) return false;
  simple_key_allowed_ = true;
  Token token;
  token.type = TokenType::kFlowEntry;
  token.start = mark_;
  skip();
  token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_block_entry() {
  if (flow_level_ == 0) {
    if (!simple_key_allowed_) return fail("", mark_, "block sequence entries are not allowed in this context");
    if (!roll_indent(static_cast<long>(mark_.column), -1, TokenType::kBlockSequenceStart, mark_)) return false;
  }
  if (!remove_simple_key()) return false;
  simple_key_allowed_ = true;
  Token token;
  token.type = TokenType::kBlockEntry;
  token.start = mark_;
  skip();
  token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_key() {
  if (flow_level_ == 0) {
    if (!simple_key_allowed_) return fail("", mark_, "mapping keys are not allowed in this context");
    if (!roll_indent(static_cast<long>(mark_.column), -1, TokenType::kBlockMappingStart, mark_)) return false;
  }
  if (!remove_simple_key()) return false;
  simple_key_allowed_ = flow_level_ == 0;
  Token token;
  token.type = TokenType::kKey;
  token.start = mark_;
  skip();
  token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_value() {
  SimpleKey& key = simple_keys_.back();
  bool valid = false;
  if (!simple_key_is_valid(key, &valid)) return false;
  if (valid) {
    Token token;
    token.type = TokenType::kKey;
    token.start = token.end = key.mark;
    insert_token(static_cast<long>(key.token_number) - static_cast<long>(tokens_parsed_), std::move(token));
    if (!roll_indent(static_cast<long>(key.mark.column), static_cast<long>(key.token_number),
                     TokenType::kBlockMappingStart, key.mark)) {
      return false;
    }
    SimpleKey& k = simple_keys_.back();  // roll_indent does not touch the stack, but be explicit
    k.possible = false;
    simple_keys_by_tok_.erase(k.token_number);
    simple_key_allowed_ = false;
  } else {
    if (flow_level_ == 0) {
      if (!simple_key_allowed_) return fail("", mark_, "mapping values are not allowed in this context");
      if (!roll_indent(static_cast<long>(mark_.column), -1, TokenType::kBlockMappingStart, mark_)) return false;
    }
    simple_key_allowed_ = flow_level_ == 0;
  }
  Token token;
  token.type = TokenType::kValue;
  token.start = mark_;
  skip();
  token.end = mark_;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_anchor(TokenType type) {
  if (!save_simple_key()) return false;
  simple_key_allowed_ = false;
  Token token;
  if (!scan_anchor(&token, type)) return false;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_tag() {
  if (!save_simple_key()) return false;
  simple_key_allowed_ = false;
  Token token;
  if (!scan_tag(&token)) return false;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_block_scalar(bool literal) {
  if (!remove_simple_key()) return false;
  simple_key_allowed_ = true;
  Token token;
  if (!scan_block_scalar(&token, literal)) return false;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_flow_scalar(bool single) {
  if (!save_simple_key()) return false;
  simple_key_allowed_ = false;
  Token token;
  if (!scan_flow_scalar(&token, single)) return false;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::fetch_plain_scalar() {
  if (!save_simple_key()) return false;
  simple_key_allowed_ = false;
  Token token;
  if (!scan_plain_scalar(&token)) return false;
  insert_token(-1, std::move(token));
  return true;
}

bool Scanner::scan_to_next_token() {
  while (true) {
    // go-yaml's is_bom looks at the start of its buffer window, not the cursor, so a BOM
    // later in the stream is content. Only one right at the start is skipped here.
    if (mark_.column == 0 && pos_ == 0 && is_bom(buf_, pos_)) skip();
    while (c() == ' ' || ((flow_level_ > 0 || !simple_key_allowed_) && c() == '\t')) skip();
    if (c() == '#') {
      // Comments are most of a chart's values.yaml: skip their ASCII in one step.
      while (!is_breakz(buf_, pos_)) {
        size_t n = ascii_run(kCommentRun);
        if (n > 0) {
          skip_ascii(n);
        } else {
          skip();
        }
      }
    }
    if (is_break(buf_, pos_)) {
      skip_line();
      if (flow_level_ == 0) simple_key_allowed_ = true;
    } else {
      break;
    }
  }
  return true;
}

bool Scanner::scan_directive(Token* token) {
  Mark start = mark_;
  skip();
  std::string name;
  while (is_alpha(buf_, pos_)) read(name);
  if (name.empty()) return fail("while scanning a directive", start, "could not find expected directive name");
  if (!is_blankz(buf_, pos_)) {
    return fail("while scanning a directive", start, "found unexpected non-alphabetical character");
  }
  if (name == "YAML") {
    while (is_blank(buf_, pos_)) skip();
    auto number = [&](int* out) {
      int value = 0, length = 0;
      while (is_digit(buf_, pos_)) {
        if (++length > 2) {
          return fail("while scanning a %YAML directive", start, "found extremely long version number");
        }
        value = value * 10 + (c() - '0');
        skip();
      }
      if (length == 0) return fail("while scanning a %YAML directive", start, "did not find expected version number");
      *out = value;
      return true;
    };
    if (!number(&token->major)) return false;
    if (c() != '.') {
      return fail("while scanning a %YAML directive", start, "did not find expected digit or '.' character");
    }
    skip();
    if (!number(&token->minor)) return false;
    token->type = TokenType::kVersionDirective;
  } else if (name == "TAG") {
    while (is_blank(buf_, pos_)) skip();
    if (!scan_tag_handle(true, start, &token->value)) return false;
    if (!is_blank(buf_, pos_)) return fail("while scanning a %TAG directive", start, "did not find expected whitespace");
    while (is_blank(buf_, pos_)) skip();
    if (!scan_tag_uri(true, "", start, &token->suffix)) return false;
    if (!is_blankz(buf_, pos_)) {
      return fail("while scanning a %TAG directive", start, "did not find expected whitespace or line break");
    }
    token->type = TokenType::kTagDirective;
  } else {
    return fail("while scanning a directive", start, "found unknown directive name");
  }
  token->start = start;
  token->end = mark_;
  while (is_blank(buf_, pos_)) skip();
  if (c() == '#') {
    while (!is_breakz(buf_, pos_)) skip();
  }
  if (!is_breakz(buf_, pos_)) {
    return fail("while scanning a directive", start, "did not find expected comment or line break");
  }
  if (is_break(buf_, pos_)) skip_line();
  return true;
}

bool Scanner::scan_anchor(Token* token, TokenType type) {
  Mark start = mark_;
  skip();
  std::string s;
  while (is_alpha(buf_, pos_)) read(s);
  Mark end = mark_;
  uint8_t ch = c();
  if (s.empty() || !(is_blankz(buf_, pos_) || ch == '?' || ch == ':' || ch == ',' || ch == ']' || ch == '}' ||
                     ch == '%' || ch == '@' || ch == '`')) {
    return fail(type == TokenType::kAnchor ? "while scanning an anchor" : "while scanning an alias", start,
                "did not find expected alphabetic or numeric character");
  }
  token->type = type;
  token->start = start;
  token->end = end;
  token->value = std::move(s);
  return true;
}

bool Scanner::scan_tag(Token* token) {
  Mark start = mark_;
  std::string handle, suffix;
  if (c(1) == '<') {
    skip();
    skip();
    if (!scan_tag_uri(false, "", start, &suffix)) return false;
    if (c() != '>') return fail("while scanning a tag", start, "did not find the expected '>'");
    skip();
  } else {
    if (!scan_tag_handle(false, start, &handle)) return false;
    if (handle[0] == '!' && handle.size() > 1 && handle.back() == '!') {
      if (!scan_tag_uri(false, "", start, &suffix)) return false;
    } else {
      if (!scan_tag_uri(false, handle, start, &suffix)) return false;
      handle = "!";
      if (suffix.empty()) std::swap(handle, suffix);
    }
  }
  if (!is_blankz(buf_, pos_)) return fail("while scanning a tag", start, "did not find expected whitespace or line break");
  token->type = TokenType::kTag;
  token->start = start;
  token->end = mark_;
  token->value = std::move(handle);
  token->suffix = std::move(suffix);
  return true;
}

bool Scanner::scan_tag_handle(bool directive, Mark start, std::string* handle) {
  const char* context = directive ? "while parsing a %TAG directive" : "while parsing a tag";
  if (c() != '!') return fail(context, start, "did not find expected '!'");
  std::string s;
  read(s);
  while (is_alpha(buf_, pos_)) read(s);
  if (c() == '!') {
    read(s);
  } else if (directive && s != "!") {
    return fail(context, start, "did not find expected '!'");
  }
  *handle = std::move(s);
  return true;
}

bool Scanner::scan_tag_uri(bool directive, std::string_view head, Mark start, std::string* uri) {
  const char* context = directive ? "while parsing a %TAG directive" : "while parsing a tag";
  std::string s;
  bool has_tag = !head.empty();
  if (head.size() > 1) s.append(head.substr(1));
  while (is_alpha(buf_, pos_) ||
         (c() != 0 && std::string_view(";/?:@&=+$,.!~*'()[]%").find(static_cast<char>(c())) != std::string_view::npos)) {
    if (c() == '%') {
      size_t w = 1024;
      while (w > 0) {
        if (!(c() == '%' && is_hex(buf_, pos_ + 1) && is_hex(buf_, pos_ + 2))) {
          return fail(context, start, "did not find URI escaped octet");
        }
        uint8_t octet = static_cast<uint8_t>((as_hex(buf_, pos_ + 1) << 4) + as_hex(buf_, pos_ + 2));
        if (w == 1024) {
          w = char_width(octet);
          if (w == 0) return fail(context, start, "found an incorrect leading UTF-8 octet");
        } else if ((octet & 0xC0) != 0x80) {
          return fail(context, start, "found an incorrect trailing UTF-8 octet");
        }
        s += static_cast<char>(octet);
        skip();
        skip();
        skip();
        w--;
      }
    } else {
      read(s);
    }
    has_tag = true;
  }
  if (!has_tag) return fail(context, start, "did not find expected tag URI");
  *uri = std::move(s);
  return true;
}

bool Scanner::scan_block_scalar(Token* token, bool literal) {
  Mark start = mark_;
  skip();
  int chomping = 0;
  long increment = 0;
  if (c() == '+' || c() == '-') {
    chomping = c() == '+' ? 1 : -1;
    skip();
    if (is_digit(buf_, pos_)) {
      if (c() == '0') return fail("while scanning a block scalar", start, "found an indentation indicator equal to 0");
      increment = c() - '0';
      skip();
    }
  } else if (is_digit(buf_, pos_)) {
    if (c() == '0') return fail("while scanning a block scalar", start, "found an indentation indicator equal to 0");
    increment = c() - '0';
    skip();
    if (c() == '+' || c() == '-') {
      chomping = c() == '+' ? 1 : -1;
      skip();
    }
  }
  while (is_blank(buf_, pos_)) skip();
  if (c() == '#') {
    while (!is_breakz(buf_, pos_)) skip();
  }
  if (!is_breakz(buf_, pos_)) {
    return fail("while scanning a block scalar", start, "did not find expected comment or line break");
  }
  if (is_break(buf_, pos_)) skip_line();
  Mark end = mark_;
  long indent = 0;
  if (increment > 0) indent = indent_ >= 0 ? indent_ + increment : increment;
  std::string s, leading_break, trailing_breaks;
  if (!scan_block_scalar_breaks(&indent, &trailing_breaks, start, &end)) return false;
  bool leading_blank = false, trailing_blank = false;
  while (static_cast<long>(mark_.column) == indent && !is_z(buf_, pos_)) {
    trailing_blank = is_blank(buf_, pos_);
    if (!literal && !leading_blank && !trailing_blank && !leading_break.empty() && leading_break[0] == '\n') {
      if (trailing_breaks.empty()) s += ' ';
    } else {
      s += leading_break;
    }
    leading_break.clear();
    s += trailing_breaks;
    trailing_breaks.clear();
    leading_blank = is_blank(buf_, pos_);
    while (!is_breakz(buf_, pos_)) read(s);
    read_line(leading_break);
    if (!scan_block_scalar_breaks(&indent, &trailing_breaks, start, &end)) return false;
  }
  if (chomping != -1) s += leading_break;
  if (chomping == 1) s += trailing_breaks;
  token->type = TokenType::kScalar;
  token->start = start;
  token->end = end;
  token->value = std::move(s);
  token->style = literal ? ScalarStyle::kLiteral : ScalarStyle::kFolded;
  return true;
}

bool Scanner::scan_block_scalar_breaks(long* indent, std::string* breaks, Mark start, Mark* end) {
  *end = mark_;
  long max_indent = 0;
  while (true) {
    while ((*indent == 0 || static_cast<long>(mark_.column) < *indent) && is_space(buf_, pos_)) skip();
    if (static_cast<long>(mark_.column) > max_indent) max_indent = static_cast<long>(mark_.column);
    if ((*indent == 0 || static_cast<long>(mark_.column) < *indent) && is_tab(buf_, pos_)) {
      return fail("while scanning a block scalar", start, "found a tab character where an indentation space is expected");
    }
    if (!is_break(buf_, pos_)) break;
    read_line(*breaks);
    *end = mark_;
  }
  if (*indent == 0) {
    *indent = max_indent;
    if (*indent < indent_ + 1) *indent = indent_ + 1;
    if (*indent < 1) *indent = 1;
  }
  return true;
}

bool Scanner::scan_flow_scalar(Token* token, bool single) {
  Mark start = mark_;
  skip();
  std::string s, leading_break, trailing_breaks, whitespaces;
  while (true) {
    if (mark_.column == 0 &&
        ((c() == '-' && c(1) == '-' && c(2) == '-') || (c() == '.' && c(1) == '.' && c(2) == '.')) &&
        is_blankz(buf_, pos_ + 3)) {
      return fail("while scanning a quoted scalar", start, "found unexpected document indicator");
    }
    if (is_z(buf_, pos_)) return fail("while scanning a quoted scalar", start, "found unexpected end of stream");
    bool leading_blanks = false;
    while (!is_blankz(buf_, pos_)) {
      if (single && c() == '\'' && c(1) == '\'') {
        s += '\'';
        skip();
        skip();
      } else if (single && c() == '\'') {
        break;
      } else if (!single && c() == '"') {
        break;
      } else if (!single && c() == '\\' && is_break(buf_, pos_ + 1)) {
        skip();
        skip_line();
        leading_blanks = true;
        break;
      } else if (!single && c() == '\\') {
        int code_length = 0;
        switch (c(1)) {
          case '0': s += '\0'; break;
          case 'a': s += '\x07'; break;
          case 'b': s += '\x08'; break;
          case 't': case '\t': s += '\x09'; break;
          case 'n': s += '\x0A'; break;
          case 'v': s += '\x0B'; break;
          case 'f': s += '\x0C'; break;
          case 'r': s += '\x0D'; break;
          case 'e': s += '\x1B'; break;
          case ' ': s += ' '; break;
          case '"': s += '"'; break;
          case '\'': s += '\''; break;
          case '\\': s += '\\'; break;
          case 'N': s += "\xC2\x85"; break;
          case '_': s += "\xC2\xA0"; break;
          case 'L': s += "\xE2\x80\xA8"; break;
          case 'P': s += "\xE2\x80\xA9"; break;
          case 'x': code_length = 2; break;
          case 'u': code_length = 4; break;
          case 'U': code_length = 8; break;
          default:
            return fail("while parsing a quoted scalar", start, "found unknown escape character");
        }
        skip();
        skip();
        if (code_length > 0) {
          uint32_t value = 0;
          for (int k = 0; k < code_length; ++k) {
            if (!is_hex(buf_, pos_ + k)) {
              return fail("while parsing a quoted scalar", start, "did not find expected hexdecimal number");
            }
            value = (value << 4) + as_hex(buf_, pos_ + k);
          }
          if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
            return fail("while parsing a quoted scalar", start, "found invalid Unicode character escape code");
          }
          if (value <= 0x7F) {
            s += static_cast<char>(value);
          } else if (value <= 0x7FF) {
            s += static_cast<char>(0xC0 + (value >> 6));
            s += static_cast<char>(0x80 + (value & 0x3F));
          } else if (value <= 0xFFFF) {
            s += static_cast<char>(0xE0 + (value >> 12));
            s += static_cast<char>(0x80 + ((value >> 6) & 0x3F));
            s += static_cast<char>(0x80 + (value & 0x3F));
          } else {
            s += static_cast<char>(0xF0 + (value >> 18));
            s += static_cast<char>(0x80 + ((value >> 12) & 0x3F));
            s += static_cast<char>(0x80 + ((value >> 6) & 0x3F));
            s += static_cast<char>(0x80 + (value & 0x3F));
          }
          for (int k = 0; k < code_length; ++k) skip();
        }
      } else {
        read(s);
      }
    }
    if (single ? c() == '\'' : c() == '"') break;
    while (is_blank(buf_, pos_) || is_break(buf_, pos_)) {
      if (is_blank(buf_, pos_)) {
        if (!leading_blanks) {
          read(whitespaces);
        } else {
          skip();
        }
      } else if (!leading_blanks) {
        whitespaces.clear();
        read_line(leading_break);
        leading_blanks = true;
      } else {
        read_line(trailing_breaks);
      }
    }
    if (leading_blanks) {
      if (!leading_break.empty() && leading_break[0] == '\n') {
        if (trailing_breaks.empty()) {
          s += ' ';
        } else {
          s += trailing_breaks;
        }
      } else {
        s += leading_break;
        s += trailing_breaks;
      }
      trailing_breaks.clear();
      leading_break.clear();
    } else {
      s += whitespaces;
      whitespaces.clear();
    }
  }
  skip();
  token->type = TokenType::kScalar;
  token->start = start;
  token->end = mark_;
  token->value = std::move(s);
  token->style = single ? ScalarStyle::kSingleQuoted : ScalarStyle::kDoubleQuoted;
  return true;
}

bool Scanner::scan_plain_scalar(Token* token) {
  std::string s, leading_break, trailing_breaks, whitespaces;
  bool leading_blanks = false;
  long indent = indent_ + 1;
  Mark start = mark_;
  Mark end = mark_;
  while (true) {
    if (mark_.column == 0 &&
        ((c() == '-' && c(1) == '-' && c(2) == '-') || (c() == '.' && c(1) == '.' && c(2) == '.')) &&
        is_blankz(buf_, pos_ + 3)) {
      break;
    }
    if (c() == '#') break;
    while (!is_blankz(buf_, pos_)) {
      uint8_t ch = c();
      if ((ch == ':' && is_blankz(buf_, pos_ + 1)) ||
          (flow_level_ > 0 && (ch == ',' || ch == '?' || ch == '[' || ch == ']' || ch == '{' || ch == '}'))) {
        break;
      }
      if (leading_blanks || !whitespaces.empty()) {
        if (leading_blanks) {
          if (leading_break[0] == '\n') {
            if (trailing_breaks.empty()) {
              s += ' ';
            } else {
              s += trailing_breaks;
            }
          } else {
            s += leading_break;
            s += trailing_breaks;
          }
          trailing_breaks.clear();
          leading_break.clear();
          leading_blanks = false;
        } else {
          s += whitespaces;
          whitespaces.clear();
        }
      }
      // Plain ASCII that cannot end the scalar goes in one step; the rest one character
      // at a time.
      size_t n = ascii_run(flow_level_ > 0 ? kPlainFlowRun : kPlainBlockRun);
      if (n > 0) {
        read_ascii(n, s);
      } else {
        read(s);
      }
      end = mark_;
    }
    if (!(is_blank(buf_, pos_) || is_break(buf_, pos_))) break;
    while (is_blank(buf_, pos_) || is_break(buf_, pos_)) {
      if (is_blank(buf_, pos_)) {
        if (leading_blanks && static_cast<long>(mark_.column) < indent && is_tab(buf_, pos_)) {
          return fail("while scanning a plain scalar", start, "found a tab character that violates indentation");
        }
        if (!leading_blanks) {
          read(whitespaces);
        } else {
          skip();
        }
      } else if (!leading_blanks) {
        whitespaces.clear();
        read_line(leading_break);
        leading_blanks = true;
      } else {
        read_line(trailing_breaks);
      }
    }
    if (flow_level_ == 0 && static_cast<long>(mark_.column) < indent) break;
  }
  token->type = TokenType::kScalar;
  token->start = start;
  token->end = end;
  token->value = std::move(s);
  token->style = ScalarStyle::kPlain;
  if (leading_blanks) simple_key_allowed_ = true;
  return true;
}

}  // namespace skiff::yaml

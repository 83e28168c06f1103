// The YAML tokenizer with libyaml's algorithm (as ported to go-yaml v2): the same
// simple-key bookkeeping, indentation stack and token queue, so that the same inputs
// are accepted and the same errors are reported at the same marks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/yaml_emitter.h"

namespace skiff::yaml {

struct Mark {
  size_t index = 0;  // in characters
  size_t line = 0;
  size_t column = 0;
};

enum class TokenType {
  kNone,
  kStreamStart,
  kStreamEnd,
  kVersionDirective,
  kTagDirective,
  kDocumentStart,
  kDocumentEnd,
  kBlockSequenceStart,
  kBlockMappingStart,
  kBlockEnd,
  kFlowSequenceStart,
  kFlowSequenceEnd,
  kFlowMappingStart,
  kFlowMappingEnd,
  kBlockEntry,
  kFlowEntry,
  kKey,
  kValue,
  kAlias,
  kAnchor,
  kTag,
  kScalar,
};

struct Token {
  TokenType type = TokenType::kNone;
  Mark start;
  Mark end;
  std::string value;   // scalar text, anchor/alias name, tag handle, %TAG handle
  std::string suffix;  // tag suffix; %TAG prefix
  ScalarStyle style = ScalarStyle::kPlain;
  int major = 0;
  int minor = 0;
};

// What libyaml records on failure; go-yaml turns it into "yaml: line N: problem".
struct YamlProblem {
  enum class Kind { kNone, kReader, kScanner, kParser };
  Kind kind = Kind::kNone;
  std::string context;
  Mark context_mark;
  std::string problem;
  Mark problem_mark;
};

class Scanner {
 public:
  explicit Scanner(std::string_view input);

  // The next token without consuming it; nullptr on error (see problem()).
  const Token* peek();
  void skip_token();
  // Moves the next token's value out (the token is about to be skipped).
  std::string take_token_value() { return std::move(tokens_[tokens_head_].value); }
  const YamlProblem& problem() const { return problem_; }
  bool failed() const { return problem_.kind != YamlProblem::Kind::kNone; }

  // Classes of ASCII bytes the scanner moves over a run at a time.
  enum RunClass : uint8_t { kCommentRun = 1, kPlainBlockRun = 2, kPlainFlowRun = 4 };

 private:
  struct SimpleKey {
    bool possible = false;
    bool required = false;
    size_t token_number = 0;
    Mark mark;
  };

  bool fail(std::string context, Mark context_mark, std::string problem);
  bool fetch_more_tokens();
  bool fetch_next_token();
  bool simple_key_is_valid(SimpleKey& key, bool* valid);
  bool save_simple_key();
  bool remove_simple_key();
  bool increase_flow_level();
  void decrease_flow_level();
  bool roll_indent(long column, long number, TokenType type, Mark mark);
  void unroll_indent(long column);
  void insert_token(long pos, Token token);

  bool fetch_stream_start();
  bool fetch_stream_end();
  bool fetch_directive();
  bool fetch_document_indicator(TokenType type);
  bool fetch_flow_collection_start(TokenType type);
  bool fetch_flow_collection_end(TokenType type);
  bool fetch_flow_entry();
  bool fetch_block_entry();
  bool fetch_key();
  bool fetch_value();
  bool fetch_anchor(TokenType type);
  bool fetch_tag();
  bool fetch_block_scalar(bool literal);
  bool fetch_flow_scalar(bool single);
  bool fetch_plain_scalar();

  bool scan_to_next_token();
  bool scan_directive(Token* token);
  bool scan_anchor(Token* token, TokenType type);
  bool scan_tag(Token* token);
  bool scan_tag_handle(bool directive, Mark start, std::string* handle);
  bool scan_tag_uri(bool directive, std::string_view head, Mark start, std::string* uri);
  bool scan_block_scalar(Token* token, bool literal);
  bool scan_block_scalar_breaks(long* indent, std::string* breaks, Mark start, Mark* end);
  bool scan_flow_scalar(Token* token, bool single);
  bool scan_plain_scalar(Token* token);

  // Input cursor.
  uint8_t c(size_t ahead = 0) const;
  void skip();
  void skip_line();
  void read(std::string& s);
  // The length of the ASCII run at the cursor whose bytes are all of one class, and
  // moving over (or reading) such a run, which holds no line break.
  size_t ascii_run(RunClass run) const;
  void skip_ascii(size_t n);
  void read_ascii(size_t n, std::string& s);
  void read_line(std::string& s);

  std::string buf_;
  size_t pos_ = 0;
  Mark mark_;
  YamlProblem problem_;

  bool stream_start_produced_ = false;
  bool stream_end_produced_ = false;
  bool token_available_ = false;
  std::vector<Token> tokens_;
  size_t tokens_head_ = 0;
  size_t tokens_parsed_ = 0;
  long indent_ = -1;
  std::vector<long> indents_;
  bool simple_key_allowed_ = false;
  std::vector<SimpleKey> simple_keys_;
  std::unordered_map<size_t, size_t> simple_keys_by_tok_;
  int flow_level_ = 0;
};

}  // namespace skiff::yaml

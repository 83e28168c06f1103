#include "util/yaml_emitter.h"

#include <array>
#include <cstdint>
#include <string_view>

#include "util/yaml_chars.h"
#include "util/yaml_resolve.h"

namespace skiff::yaml {
namespace {

// What a scalar's characters allow (libyaml's yaml_emitter_analyze_scalar).
struct ScalarAnalysis {
  bool multiline = false;
  bool flow_plain_allowed = false;
  bool block_plain_allowed = false;
  bool single_quoted_allowed = false;
  bool block_allowed = false;
};

// Printable ASCII that is neither blank nor an indicator anywhere past a scalar's first
// character: it changes nothing in the analysis but the previous character's state.
constexpr std::array<bool, 256> kInertAscii = [] {
  std::array<bool, 256> table{};
  for (int b = 0x21; b <= 0x7E; ++b) table[b] = std::string_view(",?[]{}:#").find(static_cast<char>(b)) == std::string_view::npos;
  return table;
}();

bool is_inert_ascii(char c) { return kInertAscii[static_cast<unsigned char>(c)]; }

ScalarAnalysis analyze_scalar(std::string_view v, bool v3 = false) {
  ScalarAnalysis a;
  if (v.empty()) {
    a.block_plain_allowed = true;
    a.single_quoted_allowed = true;
    return a;
  }
  bool block_indicators = false, flow_indicators = false, line_breaks = false;
  bool special_characters = false, leading_space = false, leading_break = false;
  bool trailing_space = false, trailing_break = false, break_space = false;
  bool space_break = false, previous_space = false, previous_break = false;
  bool tab_characters = false;  // go-yaml v3 still allows block scalars with tabs
  if (v.size() >= 3 && (v.substr(0, 3) == "---" || v.substr(0, 3) == "...")) {
    block_indicators = true;
    flow_indicators = true;
  }
  bool preceded_by_whitespace = true;
  for (size_t i = 0, w = 0; i < v.size(); i += w) {
    if (i > 0 && is_inert_ascii(v[i])) {
      // A run of such bytes past the first only clears the state of the previous character.
      while (i < v.size() && is_inert_ascii(v[i])) ++i;
      previous_space = previous_break = preceded_by_whitespace = false;
      w = 0;
      continue;
    }
    w = char_width(at(v, i));
    if (w == 0) w = 1;
    bool followed_by_whitespace = i + w >= v.size() || is_blank(v, i + w);
    char c = v[i];
    if (i == 0) {
      switch (c) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
        case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
          flow_indicators = true;
          block_indicators = true;
          break;
        case '?': case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '-':
          if (followed_by_whitespace) {
            flow_indicators = true;
            block_indicators = true;
          }
          break;
        default:
          break;
      }
    } else {
      switch (c) {
        case ',': case '?': case '[': case ']': case '{': case '}':
          flow_indicators = true;
          break;
        case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '#':
          if (preceded_by_whitespace) {
            flow_indicators = true;
            block_indicators = true;
          }
          break;
        default:
          break;
      }
    }
    if (v3 && c == '\t') {
      tab_characters = true;
    } else if (!is_printable(v, i)) {
      special_characters = true;  // the emitter is in unicode mode
    }
    if (is_space(v, i)) {
      if (i == 0) leading_space = true;
      if (i + w == v.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break(v, i)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (i + w == v.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_whitespace = is_blankz(v, i);
  }
  a.multiline = line_breaks;
  a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed = true;
  if (leading_space || leading_break || trailing_space || trailing_break) {
    a.flow_plain_allowed = a.block_plain_allowed = false;
  }
  if (trailing_space) a.block_allowed = false;
  if (break_space) a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = false;
  if (space_break || tab_characters || special_characters) {
    a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = false;
  }
  if (space_break || special_characters) a.block_allowed = false;
  if (line_breaks) a.flow_plain_allowed = a.block_plain_allowed = false;
  if (flow_indicators) a.flow_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

class Emitter {
 public:
  explicit Emitter(const EmitterOptions& o)
      : v3_(o.go_yaml_v3),
        best_indent_(o.best_indent < 2 || o.best_indent > 9 ? 2 : o.best_indent),
        best_width_(o.best_width < 0 ? INT32_MAX
                                     : (o.best_width <= best_indent_ * 2 ? 80 : o.best_width)) {}

  std::string run(const EmitNode& root) {
    emit_node(root, /*root=*/true, false, false, false);
    write_indent();  // DOCUMENT-END (implicit)
    return std::move(out_);
  }

 private:
  void emit_node(const EmitNode& n, bool root, bool sequence, bool mapping, bool simple_key) {
    root_context_ = root;
    sequence_context_ = sequence;
    mapping_context_ = mapping;
    simple_key_context_ = simple_key;
    switch (n.type) {
      case EmitNode::Type::kScalar:
        emit_scalar(n);
        return;
      case EmitNode::Type::kSequence:
        if (flow_level_ > 0 || n.children.empty()) {
          emit_flow_sequence(n);
        } else {
          emit_block_sequence(n);
        }
        return;
      case EmitNode::Type::kMapping:
        if (flow_level_ > 0 || n.children.empty()) {
          emit_flow_mapping(n);
        } else {
          emit_block_mapping(n);
        }
        return;
    }
  }

  void increase_indent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (indent_ < 0) {
      indent_ = flow ? best_indent_ : 0;
    } else if (!indentless) {
      indent_ += best_indent_;
    }
  }
  void pop_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  static bool check_simple_key(const EmitNode& n) {
    switch (n.type) {
      case EmitNode::Type::kScalar:
        if (analyze_scalar(n.value).multiline) return false;
        return n.value.size() <= 128;
      case EmitNode::Type::kSequence:
      case EmitNode::Type::kMapping:
        return n.children.empty();
    }
    return false;
  }

  void emit_flow_sequence(const EmitNode& n) {
    write_indicator("[", true, true, false);
    increase_indent(true, false);
    ++flow_level_;
    for (size_t i = 0; i < n.children.size(); ++i) {
      if (i > 0) write_indicator(",", false, false, false);
      if (column_ > best_width_) write_indent();
      emit_node(n.children[i], false, true, false, false);
    }
    --flow_level_;
    pop_indent();
    write_indicator("]", false, false, false);
  }

  void emit_flow_mapping(const EmitNode& n) {
    write_indicator("{", true, true, false);
    increase_indent(true, false);
    ++flow_level_;
    for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
      if (i > 0) write_indicator(",", false, false, false);
      if (column_ > best_width_) write_indent();
      const EmitNode& key = n.children[i];
      if (check_simple_key(key)) {
        emit_node(key, false, false, true, true);
        write_indicator(":", false, false, false);
      } else {
        write_indicator("?", true, false, false);
        emit_node(key, false, false, true, false);
        if (column_ > best_width_) write_indent();
        write_indicator(":", true, false, false);
      }
      emit_node(n.children[i + 1], false, false, true, false);
    }
    --flow_level_;
    pop_indent();
    write_indicator("}", false, false, false);
  }

  void emit_block_sequence(const EmitNode& n) {
    increase_indent(false, !v3_ && mapping_context_ && !indention_);
    for (const EmitNode& item : n.children) {
      write_indent();
      write_indicator("-", true, false, true);
      emit_node(item, false, true, false, false);
    }
    pop_indent();
  }

  void emit_block_mapping(const EmitNode& n) {
    increase_indent(false, false);
    for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
      write_indent();
      const EmitNode& key = n.children[i];
      if (check_simple_key(key)) {
        emit_node(key, false, false, true, true);
        write_indicator(":", false, false, false);
      } else {
        write_indicator("?", true, false, true);
        emit_node(key, false, false, true, false);
        write_indent();
        write_indicator(":", true, false, true);
      }
      emit_node(n.children[i + 1], false, false, true, false);
    }
    pop_indent();
  }

  void emit_scalar(const EmitNode& n) {
    ScalarAnalysis a = analyze_scalar(n.value, v3_);
    ScalarStyle style = n.style;
    if (simple_key_context_ && a.multiline) style = ScalarStyle::kDoubleQuoted;
    if (style == ScalarStyle::kPlain) {
      if ((flow_level_ > 0 && !a.flow_plain_allowed) || (flow_level_ == 0 && !a.block_plain_allowed)) {
        style = ScalarStyle::kSingleQuoted;
      }
      if (n.value.empty() && (flow_level_ > 0 || simple_key_context_)) style = ScalarStyle::kSingleQuoted;
    }
    if (style == ScalarStyle::kSingleQuoted && !a.single_quoted_allowed) style = ScalarStyle::kDoubleQuoted;
    if ((style == ScalarStyle::kLiteral || style == ScalarStyle::kFolded) &&
        (!a.block_allowed || flow_level_ > 0 || simple_key_context_)) {
      style = ScalarStyle::kDoubleQuoted;
    }
    increase_indent(true, false);
    bool allow_breaks = !simple_key_context_;
    switch (style) {
      case ScalarStyle::kPlain:
        write_plain(n.value, allow_breaks);
        break;
      case ScalarStyle::kSingleQuoted:
        write_single_quoted(n.value, allow_breaks);
        break;
      case ScalarStyle::kDoubleQuoted:
        write_double_quoted(n.value, allow_breaks);
        break;
      case ScalarStyle::kLiteral:
        write_literal(n.value);
        break;
      case ScalarStyle::kFolded:
        write_folded(n.value);
        break;
    }
    pop_indent();
  }

  // ---- low-level output ----
  void put(char c) {
    out_ += c;
    ++column_;
  }
  void put_break() {
    out_ += '\n';
    column_ = 0;
    ++line_;
  }
  void write(std::string_view s, size_t* i) {
    size_t w = char_width(at(s, *i));
    if (w == 0) w = 1;
    out_.append(s.substr(*i, w));
    ++column_;
    *i += w;
  }
  void write_all(std::string_view s) {
    for (size_t i = 0; i < s.size();) write(s, &i);
  }
  void write_break(std::string_view s, size_t* i) {
    if (s[*i] == '\n') {
      put_break();
      ++*i;
    } else {
      write(s, i);
      column_ = 0;
      ++line_;
    }
  }
  void write_indent() {
    int indent = indent_ < 0 ? 0 : indent_;
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
    while (column_ < indent) put(' ');
    whitespace_ = true;
    indention_ = true;
  }
  void write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace,
                       bool is_indention) {
    if (need_whitespace && !whitespace_) put(' ');
    write_all(indicator);
    whitespace_ = is_whitespace;
    indention_ = indention_ && is_indention;
    open_ended_ = false;
  }

  void write_plain(std::string_view v, bool allow_breaks) {
    if (!whitespace_) put(' ');
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < v.size();) {
      if (is_space(v, i)) {
        if (allow_breaks && !spaces && column_ > best_width_ && !is_space(v, i + 1)) {
          write_indent();
          i += 1;
        } else {
          write(v, &i);
        }
        spaces = true;
      } else if (is_break(v, i)) {
        if (!breaks && v[i] == '\n') put_break();
        write_break(v, &i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        write(v, &i);
        indention_ = false;
        spaces = false;
        breaks = false;
      }
    }
    whitespace_ = false;
    indention_ = false;
    if (root_context_) open_ended_ = true;
  }

  void write_single_quoted(std::string_view v, bool allow_breaks) {
    write_indicator("'", true, false, false);
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < v.size();) {
      if (is_space(v, i)) {
        if (allow_breaks && !spaces && column_ > best_width_ && i > 0 && i < v.size() - 1 &&
            !is_space(v, i + 1)) {
          write_indent();
          i += 1;
        } else {
          write(v, &i);
        }
        spaces = true;
      } else if (is_break(v, i)) {
        if (!breaks && v[i] == '\n') put_break();
        write_break(v, &i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        if (v[i] == '\'') put('\'');
        write(v, &i);
        indention_ = false;
        spaces = false;
        breaks = false;
      }
    }
    write_indicator("'", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_double_quoted(std::string_view v, bool allow_breaks) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    bool spaces = false;
    write_indicator("\"", true, false, false);
    for (size_t i = 0; i < v.size();) {
      if (!is_printable(v, i) || starts_with_bom(v) || is_break(v, i) || v[i] == '"' || v[i] == '\\') {
        uint8_t octet = at(v, i);
        size_t w = 1;
        uint32_t r = octet & 0x7F;
        if ((octet & 0xE0) == 0xC0) {
          w = 2;
          r = octet & 0x1F;
        } else if ((octet & 0xF0) == 0xE0) {
          w = 3;
          r = octet & 0x0F;
        } else if ((octet & 0xF8) == 0xF0) {
          w = 4;
          r = octet & 0x07;
        }
        for (size_t k = 1; k < w; ++k) r = (r << 6) + (at(v, i + k) & 0x3F);
        i += w;
        put('\\');
        switch (r) {
          case 0x00: put('0'); break;
          case 0x07: put('a'); break;
          case 0x08: put('b'); break;
          case 0x09: put('t'); break;
          case 0x0A: put('n'); break;
          case 0x0B: put('v'); break;
          case 0x0C: put('f'); break;
          case 0x0D: put('r'); break;
          case 0x1B: put('e'); break;
          case 0x22: put('"'); break;
          case 0x5C: put('\\'); break;
          case 0x85: put('N'); break;
          case 0xA0: put('_'); break;
          case 0x2028: put('L'); break;
          case 0x2029: put('P'); break;
          default: {
            int digits;
            if (r <= 0xFF) {
              put('x');
              digits = 2;
            } else if (r <= 0xFFFF) {
              put('u');
              digits = 4;
            } else {
              put('U');
              digits = 8;
            }
            for (int k = (digits - 1) * 4; k >= 0; k -= 4) put(kHex[(r >> k) & 0x0F]);
          }
        }
        spaces = false;
      } else if (is_space(v, i)) {
        if (allow_breaks && !spaces && column_ > best_width_ && i > 0 && i < v.size() - 1) {
          write_indent();
          if (is_space(v, i + 1)) put('\\');
          i += 1;
        } else {
          write(v, &i);
        }
        spaces = true;
      } else {
        write(v, &i);
        spaces = false;
      }
    }
    write_indicator("\"", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_block_scalar_hints(std::string_view v) {
    if (is_space(v, 0) || is_break(v, 0)) {
      char hint[2] = {static_cast<char>('0' + best_indent_), 0};
      write_indicator(hint, false, false, false);
    }
    open_ended_ = false;
    char chomp = 0;
    if (v.empty()) {
      chomp = '-';
    } else {
      size_t i = v.size() - 1;
      while (i > 0 && (at(v, i) & 0xC0) == 0x80) --i;
      if (!is_break(v, i)) {
        chomp = '-';
      } else if (i == 0) {
        chomp = '+';
        open_ended_ = true;
      } else {
        --i;
        while (i > 0 && (at(v, i) & 0xC0) == 0x80) --i;
        if (is_break(v, i)) {
          chomp = '+';
          open_ended_ = true;
        }
      }
    }
    if (chomp != 0) {
      char hint[2] = {chomp, 0};
      write_indicator(hint, false, false, false);
    }
  }

  void write_literal(std::string_view v) {
    write_indicator("|", true, false, false);
    write_block_scalar_hints(v);
    put_break();
    indention_ = true;
    whitespace_ = true;
    bool breaks = true;
    for (size_t i = 0; i < v.size();) {
      if (is_break(v, i)) {
        write_break(v, &i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        write(v, &i);
        indention_ = false;
        breaks = false;
      }
    }
  }

  void write_folded(std::string_view v) {
    write_indicator(">", true, false, false);
    write_block_scalar_hints(v);
    put_break();
    indention_ = true;
    whitespace_ = true;
    bool breaks = true, leading_spaces = true;
    for (size_t i = 0; i < v.size();) {
      if (is_break(v, i)) {
        if (!breaks && !leading_spaces && v[i] == '\n') {
          // go-yaml scans from the start of the value here (libyaml scans from i).
          size_t k = 0;
          while (is_break(v, k)) k += char_width(at(v, k));
          if (!is_blankz(v, k)) put_break();
        }
        write_break(v, &i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) {
          write_indent();
          leading_spaces = is_blank(v, i);
        }
        if (!breaks && is_space(v, i) && !is_space(v, i + 1) && column_ > best_width_) {
          write_indent();
          i += 1;
        } else {
          write(v, &i);
        }
        indention_ = false;
        breaks = false;
      }
    }
  }

  const bool v3_;
  const int best_indent_;
  const int best_width_;
  std::string out_;
  int column_ = 0;
  int line_ = 0;
  int indent_ = -1;
  std::vector<int> indents_;
  int flow_level_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
  bool open_ended_ = false;
  bool root_context_ = false;
  bool sequence_context_ = false;
  bool mapping_context_ = false;
  bool simple_key_context_ = false;
};

}  // namespace

std::string emit_document(const EmitNode& root, const EmitterOptions& options) {
  return Emitter(options).run(root);
}

EmitNode go_yaml_string(std::string s) {
  ScalarStyle style;
  Resolved r = resolve_plain(s);
  bool can_use_plain = r.tag == ResolvedTag::kStr && !is_base60_float(s);
  if (s.find('\n') != std::string::npos) {
    style = ScalarStyle::kLiteral;
  } else if (can_use_plain) {
    style = ScalarStyle::kPlain;
  } else {
    style = ScalarStyle::kDoubleQuoted;
  }
  return EmitNode::scalar(std::move(s), style);
}

}  // namespace skiff::yaml

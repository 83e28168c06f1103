// Go's text/template for the chart engine: a set of named templates (Go's
// *template.Template namespace) that parses and executes with Go's exact semantics,
// output and error messages. Functions (Sprig, helm) are added by name.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chart/template/function.h"
#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart::tmpl {

struct Tree;
struct ParseCache;
struct FunctionIndex;

// Go's Option("missingkey=..."): what a missing map key yields.
enum class MissingKey {
  kDefault,  // the invalid value: prints "<no value>", further fields yield it too
  kZero,     // the element type's zero value (nil interface for map[string]interface{})
  kError,    // execution stops with "map has no entry for key"
};

using FunctionMap = std::map<std::string, FunctionDef, std::less<>>;

// Copying is cheap: parsed trees and the function map are shared (helm's tpl renders
// into a copy of the set), and a copy's own parses stay out of the original.
class TemplateSet {
 public:
  explicit TemplateSet(std::string name = "");
  TemplateSet(const TemplateSet& other);
  TemplateSet& operator=(const TemplateSet& other);
  TemplateSet(TemplateSet&&) noexcept;
  TemplateSet& operator=(TemplateSet&&) noexcept;
  ~TemplateSet();

  const std::string& name() const { return name_; }
  void set_missing_key(MissingKey mk) { missing_key_ = mk; }
  MissingKey missing_key() const { return missing_key_; }

  // Go's Funcs: adds or replaces a function. Parsing checks names, so add functions
  // before parsing templates that call them.
  void add_function(std::string name, FunctionDef def);
  // A user function of that name, else a builtin; nullptr if neither.
  const FunctionDef* find_function(std::string_view name, bool* is_builtin = nullptr) const;

  // Go's t.New(name).Parse(text): defines `name` and every {{define}}/{{block}} in the
  // text. A later definition replaces an earlier one unless it is empty.
  // Errors: `template: NAME:LINE: MESSAGE`.
  // A text this set parsed before (with the same functions) is not parsed again: its
  // trees share the earlier parse's nodes.
  Status parse(std::string_view name, std::string_view text);
  // The same, keeping `text` (not a copy) for the trees to view.
  Status parse(std::string_view name, std::shared_ptr<const std::string> text);

  bool has_template(std::string_view name) const;
  std::vector<std::string> template_names() const;

  // Go's ExecuteTemplate: applies template `name` to `data`, appending to `out`
  // (partial output stays there on error). Errors:
  // `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`.
  Status execute(std::string_view name, const Value& data, std::string& out) const;

  const Tree* find_tree(std::string_view name) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using TreeTable = std::unordered_map<std::string, std::shared_ptr<const Tree>, NameHash, std::equal_to<>>;
  // Templates shared with copies: a table over the ones below it (tpl copies a set that
  // is itself a copy: its few own templates become one more small layer).
  struct TreeLayer {
    TreeTable trees;
    std::shared_ptr<const TreeLayer> below;
  };

  // Moves own_ into a new shared layer, so that copies share every tree (the set's
  // contents do not change).
  void freeze() const;

  std::string name_;
  MissingKey missing_key_ = MissingKey::kDefault;
  std::shared_ptr<FunctionMap> funcs_;
  // Hashed lookup over funcs_ and the builtins, built on first use.
  mutable std::shared_ptr<const FunctionIndex> func_index_;
  // The templates: own_ (this set's latest parses) over shared_ (immutable, shared with
  // copies).
  mutable std::shared_ptr<const TreeLayer> shared_;
  mutable TreeTable own_;
  ParseCache& parse_cache();

  std::unique_ptr<ParseCache> parse_cache_;  // texts parsed with the current functions; copies start without
};

// The builtin functions of text/template (and, or, not, len, index, slice, eq, ...).
const FunctionMap& builtin_functions();

}  // namespace skiff::chart::tmpl

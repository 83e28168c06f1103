// Go's text/template for the chart engine: a set of named templates (Go's
// *template.Template namespace) that parses and executes with Go's exact semantics,
// output and error messages. Functions (Sprig, helm) are added by name.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chart/template/function.h"
#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart::tmpl {

struct Tree;

// Go's Option("missingkey=..."): what a missing map key yields.
enum class MissingKey {
  kDefault,  // the invalid value: prints "<no value>", further fields yield it too
  kZero,     // the element type's zero value (nil interface for map[string]interface{})
  kError,    // execution stops with "map has no entry for key"
};

using FunctionMap = std::map<std::string, FunctionDef, std::less<>>;

// Copying is cheap: parsed trees and the function map are shared (helm's tpl renders
// into a copy of the set).
class TemplateSet {
 public:
  explicit TemplateSet(std::string name = "");

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
  Status parse(std::string_view name, std::string_view text);

  bool has_template(std::string_view name) const;
  std::vector<std::string> template_names() const;

  // Go's ExecuteTemplate: applies template `name` to `data`, appending to `out`
  // (partial output stays there on error). Errors:
  // `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`.
  Status execute(std::string_view name, const Value& data, std::string& out) const;

  const Tree* find_tree(std::string_view name) const;

 private:
  std::string name_;
  MissingKey missing_key_ = MissingKey::kDefault;
  std::shared_ptr<FunctionMap> funcs_;
  std::map<std::string, std::shared_ptr<const Tree>, std::less<>> templates_;
};

// The builtin functions of text/template (and, or, not, len, index, slice, eq, ...).
const FunctionMap& builtin_functions();

}  // namespace skiff::chart::tmpl

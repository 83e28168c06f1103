#include "chart/template/template.h"

#include "chart/template/exec.h"
#include "chart/template/go_strconv.h"
#include "chart/template/node.h"
#include "chart/template/parser.h"

namespace skiff::chart::tmpl {

TemplateSet::TemplateSet(std::string name) : name_(std::move(name)), funcs_(std::make_shared<FunctionMap>()) {}

void TemplateSet::add_function(std::string name, FunctionDef def) {
  if (funcs_.use_count() > 1) funcs_ = std::make_shared<FunctionMap>(*funcs_);  // copy on write
  (*funcs_)[std::move(name)] = std::move(def);
}

const FunctionDef* TemplateSet::find_function(std::string_view name, bool* is_builtin) const {
  if (is_builtin) *is_builtin = false;
  auto it = funcs_->find(name);
  if (it != funcs_->end()) return &it->second;
  const auto& builtins = builtin_functions();
  auto b = builtins.find(name);
  if (b == builtins.end()) return nullptr;
  if (is_builtin) *is_builtin = true;
  return &b->second;
}

Status TemplateSet::parse(std::string_view name, std::string_view text) {
  auto has_function = [this](std::string_view fn) { return find_function(fn) != nullptr; };
  SKIFF_ASSIGN_OR_RETURN(TreeMap trees, parse_template_text(name, std::string(text), has_function));
  for (auto& [tree_name, tree] : trees) {
    auto it = templates_.find(tree_name);
    // Go's associate: an empty definition never replaces an existing one.
    if (it != templates_.end() && is_empty_tree(tree->root.get())) continue;
    templates_[tree_name] = std::move(tree);
  }
  return ok_status();
}

bool TemplateSet::has_template(std::string_view name) const { return find_tree(name) != nullptr; }

const Tree* TemplateSet::find_tree(std::string_view name) const {
  auto it = templates_.find(name);
  return it == templates_.end() ? nullptr : it->second.get();
}

std::vector<std::string> TemplateSet::template_names() const {
  std::vector<std::string> names;
  names.reserve(templates_.size());
  for (const auto& [n, t] : templates_) names.push_back(n);
  return names;
}

Status TemplateSet::execute(std::string_view name, const Value& data, std::string& out) const {
  const Tree* tree = find_tree(name);
  if (tree == nullptr) {
    return Error::invalid("template: no template " + go_quote(name) + " associated with template " +
                          go_quote(name_));
  }
  return execute_tree(*this, *tree, data, out);
}

}  // namespace skiff::chart::tmpl

#include "chart/template/template.h"

#include <algorithm>
#include <unordered_map>

#include "chart/template/exec.h"
#include "chart/template/go_strconv.h"
#include "chart/template/node.h"
#include "chart/template/parser.h"

namespace skiff::chart::tmpl {

// The trees of a successful parse of one text (Tree::top_level marks the text's own).
struct ParsedText {
  std::string parse_name;
  std::vector<std::shared_ptr<const Tree>> trees;
};

// Hashing whole texts would cost more than it saves: the length and the first and last
// bytes tell most texts apart, and equal keys compare in full.
struct TextSampleHash {
  size_t operator()(std::string_view s) const {
    constexpr size_t kSample = 64;
    size_t h = std::hash<std::string_view>()(s.substr(0, kSample));
    if (s.size() > kSample) h ^= std::hash<std::string_view>()(s.substr(s.size() - kSample)) * 31;
    return h ^ (s.size() * 0x9E3779B97F4A7C15ULL);
  }
};

struct ParseCache {
  // Keys view the texts the trees hold.
  std::unordered_map<std::string_view, ParsedText, TextSampleHash> by_text;
  // The nodes of every parse of the set (their trees stay in the cache).
  std::shared_ptr<NodeArena> arena = std::make_shared<NodeArena>();
};

// Every function a set can call, by name: its own over the builtins. Keys view the
// names held by the function maps.
struct FunctionIndex {
  struct Entry {
    const FunctionDef* def;
    bool is_builtin;
  };
  std::unordered_map<std::string_view, Entry> by_name;
};

TemplateSet::TemplateSet(std::string name) : name_(std::move(name)), funcs_(std::make_shared<FunctionMap>()) {}

TemplateSet::TemplateSet(const TemplateSet& other)
    : name_(other.name_), missing_key_(other.missing_key_), funcs_(other.funcs_), func_index_(other.func_index_) {
  other.freeze();
  shared_ = other.shared_;
}

TemplateSet& TemplateSet::operator=(const TemplateSet& other) {
  if (this != &other) *this = TemplateSet(other);
  return *this;
}

TemplateSet::TemplateSet(TemplateSet&&) noexcept = default;
TemplateSet& TemplateSet::operator=(TemplateSet&&) noexcept = default;
TemplateSet::~TemplateSet() = default;

void TemplateSet::freeze() const {
  if (own_.empty()) return;
  shared_ = std::make_shared<const TreeLayer>(TreeLayer{std::move(own_), std::move(shared_)});
  own_.clear();
}

void TemplateSet::add_function(std::string name, FunctionDef def) {
  if (funcs_.use_count() > 1) funcs_ = std::make_shared<FunctionMap>(*funcs_);  // copy on write
  (*funcs_)[std::move(name)] = std::move(def);
  func_index_.reset();
  parse_cache_.reset();  // parses depend on the functions
}

ParseCache& TemplateSet::parse_cache() {
  if (!parse_cache_) parse_cache_ = std::make_unique<ParseCache>();
  return *parse_cache_;
}

const FunctionDef* TemplateSet::find_function(std::string_view name, bool* is_builtin) const {
  if (!func_index_) {
    auto index = std::make_shared<FunctionIndex>();
    const auto& builtins = builtin_functions();
    index->by_name.reserve(funcs_->size() + builtins.size());
    for (const auto& [n, def] : *funcs_) index->by_name.emplace(n, FunctionIndex::Entry{&def, false});
    for (const auto& [n, def] : builtins) index->by_name.emplace(n, FunctionIndex::Entry{&def, true});
    func_index_ = std::move(index);
  }
  auto it = func_index_->by_name.find(name);
  if (is_builtin) *is_builtin = it != func_index_->by_name.end() && it->second.is_builtin;
  return it == func_index_->by_name.end() ? nullptr : it->second.def;
}

Status TemplateSet::parse(std::string_view name, std::string_view text) {
  auto& by_text = parse_cache().by_text;
  auto found = by_text.find(text);
  if (found != by_text.end()) {
    return parse(name, found->second.trees.empty() ? std::make_shared<const std::string>(text)
                                                   : found->second.trees.front()->text);
  }
  return parse(name, std::make_shared<const std::string>(text));
}

Status TemplateSet::parse(std::string_view name, std::shared_ptr<const std::string> text) {
  std::vector<std::shared_ptr<const Tree>> trees;
  ParseCache& cache = parse_cache();
  auto cached = cache.by_text.find(*text);
  // A parse serves another name unless a {{define}} carries either name: then the
  // top-level tree and that definition displace each other.
  bool reusable = cached != cache.by_text.end();
  if (reusable) {
    for (const auto& tree : cached->second.trees) {
      if (!tree->top_level && (tree->name == name || tree->name == cached->second.parse_name)) reusable = false;
    }
  }
  if (reusable) {
    for (const auto& tree : cached->second.trees) {
      auto renamed = std::make_shared<Tree>(*tree);
      if (tree->top_level) renamed->name = std::string(name);
      renamed->parse_name = std::string(name);
      trees.push_back(std::move(renamed));
    }
  } else {
    auto has_function = [this](std::string_view fn) { return find_function(fn) != nullptr; };
    SKIFF_ASSIGN_OR_RETURN(TreeMap parsed, parse_template_text(name, text, has_function, cache.arena));
    for (auto& [tree_name, tree] : parsed) trees.push_back(std::move(tree));
    if (cached == cache.by_text.end()) cache.by_text.emplace(std::string_view(*text), ParsedText{std::string(name), trees});
  }
  for (auto& tree : trees) {
    const Tree* existing = find_tree(tree->name);
    // Go's associate: an empty definition never replaces an existing one.
    if (existing != nullptr && is_empty_tree(tree->root)) continue;
    std::string tree_name = tree->name;
    own_.insert_or_assign(std::move(tree_name), std::move(tree));
  }
  return ok_status();
}

bool TemplateSet::has_template(std::string_view name) const { return find_tree(name) != nullptr; }

const Tree* TemplateSet::find_tree(std::string_view name) const {
  auto it = own_.find(name);
  if (it != own_.end()) return it->second.get();
  for (const TreeLayer* layer = shared_.get(); layer != nullptr; layer = layer->below.get()) {
    auto found = layer->trees.find(name);
    if (found != layer->trees.end()) return found->second.get();
  }
  return nullptr;
}

std::vector<std::string> TemplateSet::template_names() const {
  std::vector<std::string> names;
  for (const auto& [n, t] : own_) names.push_back(n);
  for (const TreeLayer* layer = shared_.get(); layer != nullptr; layer = layer->below.get()) {
    for (const auto& [n, t] : layer->trees) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
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

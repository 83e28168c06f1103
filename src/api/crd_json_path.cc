#include "api/crd_json_path.h"

#include <string>

namespace skiff::api {
namespace {

struct Step {
  enum class Kind { kField, kIndex, kAll, kFilter } kind = Kind::kField;
  std::string name;      // kField; for kFilter: the relative path after "@."
  long long index = 0;   // kIndex
  std::string op;        // kFilter: "==", "!=" or "" (existence)
  Json literal;          // kFilter
};

Error bad_path(std::string_view path, std::string_view why) {
  return Error::bad_request("invalid JSONPath " + std::string(path) + ": " + std::string(why));
}

Result<Json> parse_literal(std::string_view text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front())
    return Json(std::string(text.substr(1, text.size() - 2)));
  if (text == "true") return Json(true);
  if (text == "false") return Json(false);
  try {
    size_t pos = 0;
    std::string s(text);
    if (s.find('.') == std::string::npos) {
      long long v = std::stoll(s, &pos);
      if (pos == s.size()) return Json(v);
    } else {
      double d = std::stod(s, &pos);
      if (pos == s.size()) return Json(d);
    }
  } catch (...) {
  }
  return Error::bad_request("unrecognized literal " + std::string(text));
}

Result<std::vector<Step>> parse(std::string_view path) {
  // Kubernetes accepts the path with or without the surrounding braces.
  if (path.size() >= 2 && path.front() == '{' && path.back() == '}') path = path.substr(1, path.size() - 2);
  std::vector<Step> steps;
  size_t i = 0;
  if (path.empty() || (path[0] != '.' && path[0] != '[')) return bad_path(path, "must start with . or [");
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      size_t start = i;
      while (i < path.size() && path[i] != '.' && path[i] != '[') {
        if (path[i] == '\\' && i + 1 < path.size()) ++i;
        ++i;
      }
      std::string name;
      for (size_t k = start; k < i; ++k) {
        if (path[k] == '\\' && k + 1 < i) ++k;
        name += path[k];
      }
      if (name.empty()) {
        if (i >= path.size()) break;  // a trailing "." selects the current value
        return bad_path(path, "empty field name");
      }
      steps.push_back({Step::Kind::kField, name});
    } else if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (path.compare(i, 2, "[?") == 0) close = path.find(")]", i) == std::string_view::npos ? close : path.find(")]", i) + 1;
      if (close == std::string_view::npos) return bad_path(path, "unterminated [");
      std::string_view inner = path.substr(i + 1, close - i - 1);
      i = close + 1;
      if (inner == "*") {
        steps.push_back({Step::Kind::kAll});
      } else if (!inner.empty() && (inner.front() == '\'' || inner.front() == '"')) {
        if (inner.size() < 2 || inner.back() != inner.front()) return bad_path(path, "unterminated quoted key");
        steps.push_back({Step::Kind::kField, std::string(inner.substr(1, inner.size() - 2))});
      } else if (inner.size() > 3 && inner.substr(0, 2) == "?(" && inner.back() == ')') {
        std::string_view expr = inner.substr(2, inner.size() - 3);
        Step step{Step::Kind::kFilter};
        size_t op = expr.find("==");
        if (op == std::string_view::npos) op = expr.find("!=");
        std::string_view lhs = op == std::string_view::npos ? expr : expr.substr(0, op);
        while (!lhs.empty() && lhs.back() == ' ') lhs.remove_suffix(1);
        if (lhs.substr(0, 2) != "@.") return bad_path(path, "filters must start with @.");
        step.name = std::string(lhs.substr(2));
        if (op != std::string_view::npos) {
          step.op = std::string(expr.substr(op, 2));
          std::string_view rhs = expr.substr(op + 2);
          while (!rhs.empty() && rhs.front() == ' ') rhs.remove_prefix(1);
          while (!rhs.empty() && rhs.back() == ' ') rhs.remove_suffix(1);
          SKIFF_ASSIGN_OR_RETURN(step.literal, parse_literal(rhs));
        }
        steps.push_back(std::move(step));
      } else {
        try {
          size_t pos = 0;
          long long idx = std::stoll(std::string(inner), &pos);
          if (pos != inner.size()) return bad_path(path, "bad index");
          Step step{Step::Kind::kIndex};
          step.index = idx;
          steps.push_back(step);
        } catch (...) {
          return bad_path(path, "bad index");
        }
      }
    } else {
      return bad_path(path, "unexpected character");
    }
  }
  return steps;
}

const Json* field_at(const Json& v, const std::string& dotted) {
  const Json* cur = &v;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    std::string key = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

}  // namespace

Result<std::vector<const Json*>> json_path_find(const Json& root, std::string_view path) {
  SKIFF_ASSIGN_OR_RETURN(auto steps, parse(path));
  std::vector<const Json*> current = {&root};
  for (const auto& step : steps) {
    std::vector<const Json*> next;
    for (const Json* v : current) {
      switch (step.kind) {
        case Step::Kind::kField:
          if (v->is_object())
            if (auto it = v->find(step.name); it != v->end()) next.push_back(&*it);
          break;
        case Step::Kind::kIndex:
          if (v->is_array()) {
            long long n = static_cast<long long>(v->size());
            long long i = step.index < 0 ? n + step.index : step.index;
            if (i >= 0 && i < n) next.push_back(&(*v)[static_cast<size_t>(i)]);
          }
          break;
        case Step::Kind::kAll:
          if (v->is_array() || v->is_object())
            for (const auto& item : *v) next.push_back(&item);
          break;
        case Step::Kind::kFilter:
          if (v->is_array() || v->is_object()) {
            for (const auto& item : *v) {
              const Json* got = field_at(item, step.name);
              bool keep = step.op.empty() ? got != nullptr
                          : step.op == "==" ? got != nullptr && *got == step.literal
                                            : got == nullptr || *got != step.literal;
              if (keep) next.push_back(&item);
            }
          }
          break;
      }
    }
    current = std::move(next);
  }
  return current;
}

Status json_path_set(Json& root, std::string_view path, Json value) {
  SKIFF_ASSIGN_OR_RETURN(auto steps, parse(path));
  if (steps.empty()) return bad_path(path, "empty path");
  Json* cur = &root;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].kind != Step::Kind::kField) return bad_path(path, "only field names can be set");
    if (!cur->is_object()) *cur = Json::object();
    cur = &(*cur)[steps[i].name];
  }
  *cur = std::move(value);
  return ok_status();
}

}  // namespace skiff::api

// Go's path and path/filepath functions (base, dir, clean, ext, isAbs and the os*
// forms, which on Linux behave identically).
#include "chart/funcs/registry.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

// path.Clean: lexical processing of ".", ".." and repeated slashes.
std::string clean(const std::string& p) {
  if (p.empty()) return ".";
  bool rooted = p[0] == '/';
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    std::string elem = p.substr(i, j - i);
    i = j + 1;
    if (elem.empty() || elem == ".") continue;
    if (elem == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back("..");
      }
      continue;
    }
    parts.push_back(elem);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  if (out.empty()) return ".";
  return out;
}

std::string base(std::string p) {
  if (p.empty()) return ".";
  while (!p.empty() && p.back() == '/') p.pop_back();
  size_t slash = p.rfind('/');
  if (slash != std::string::npos) p = p.substr(slash + 1);
  if (p.empty()) return "/";
  return p;
}

std::string dir(const std::string& p) {
  size_t slash = p.rfind('/');
  return clean(slash == std::string::npos ? "" : p.substr(0, slash + 1));
}

std::string ext(const std::string& p) {
  for (size_t i = p.size(); i > 0 && p[i - 1] != '/'; --i) {
    if (p[i - 1] == '.') return p.substr(i - 1);
  }
  return "";
}

void add_both(tmpl::TemplateSet& set, const std::string& name, const std::string& os_name, tmpl::Function fn) {
  add(set, name, {P::kString}, false, fn);
  add(set, os_name, {P::kString}, false, fn);
}

}  // namespace

void register_path_functions(tmpl::TemplateSet& set) {
  add_both(set, "base", "osBase",
           [](Args& a, CallContext&) -> Result<Value> { return Value::string(base(a[0].as_string())); });
  add_both(set, "dir", "osDir",
           [](Args& a, CallContext&) -> Result<Value> { return Value::string(dir(a[0].as_string())); });
  add_both(set, "clean", "osClean",
           [](Args& a, CallContext&) -> Result<Value> { return Value::string(clean(a[0].as_string())); });
  add_both(set, "ext", "osExt",
           [](Args& a, CallContext&) -> Result<Value> { return Value::string(ext(a[0].as_string())); });
  add_both(set, "isAbs", "osIsAbs", [](Args& a, CallContext&) -> Result<Value> {
    return Value::boolean(!a[0].as_string().empty() && a[0].as_string()[0] == '/');
  });
}

}  // namespace skiff::chart::funcs

#include <filesystem>
#include <fstream>
#include <regex>

#include "chart/action/scaffold.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxChartNameLength = 250;

Status validate_chart_name(const std::string& name) {
  static const std::regex valid("^[a-zA-Z0-9._-]+$");
  if (name.empty() || name.size() > kMaxChartNameLength) {
    return Error::invalid("chart name must be between 1 and 250 characters");
  }
  if (!std::regex_match(name, valid)) {
    return Error::invalid("chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\"");
  }
  return ok_status();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

// Go's filepath.Base / Dir for the NAME argument.
std::string go_base(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string go_dir(const std::string& p) {
  auto slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

}  // namespace

Result<std::string> create_chart(const std::string& name_arg) {
  std::string out;
  std::string name = go_base(name_arg);
  SKIFF_TRY(validate_chart_name(name));
  std::error_code ec;
  fs::path dir = fs::absolute(go_dir(name_arg), ec).lexically_normal();
  if (!fs::exists(dir, ec)) return Error::not_found("stat " + dir.string() + ": no such file or directory");
  if (!fs::is_directory(dir, ec)) return Error::invalid("no such directory " + dir.string());
  fs::path cdir = dir / name;
  if (fs::exists(cdir, ec) && !fs::is_directory(cdir, ec)) {
    return Error::invalid("file " + cdir.string() + " already exists and is not a directory");
  }
  for (const auto& f : scaffold_files()) {
    fs::path p = cdir / f.path;
    if (fs::exists(p, ec)) out += "WARNING: File \"" + p.string() + "\" already exists. Overwriting.\n";
    fs::create_directories(p.parent_path(), ec);
    if (ec) return Error::internal("mkdir " + p.parent_path().string() + ": " + ec.message());
    std::ofstream file(p, std::ios::binary | std::ios::trunc);
    file << replace_all(f.content, "<CHARTNAME>", name);
    if (!file) return Error::internal("open " + p.string() + ": cannot write");
  }
  fs::create_directories(cdir / "charts", ec);
  if (ec) return Error::internal("mkdir " + (cdir / "charts").string() + ": " + ec.message());
  return out;
}

}  // namespace skiff::chart

#include "api/cel/issues.h"

#include <algorithm>

#include "api/utf8.h"

namespace skiff::api::cel {
namespace {

struct Position {
  size_t line = 1;        // 1-based
  size_t column = 0;      // 0-based, in code points
  size_t line_start = 0;  // byte offset of the line
};

Position position_of(std::string_view source, size_t offset) {
  Position p;
  offset = std::min(offset, source.size());
  for (size_t i = 0; i < offset;) {
    if (source[i] == '\n') {
      ++p.line;
      p.column = 0;
      p.line_start = ++i;
      continue;
    }
    auto [r, width] = decode_utf8(source.substr(i));
    (void)r;
    i += width == 0 ? 1 : width;
    ++p.column;
  }
  return p;
}

std::string snippet_of(std::string_view source, size_t line_start) {
  size_t end = source.find('\n', line_start);
  std::string line(
      source.substr(line_start, end == std::string_view::npos ? std::string_view::npos : end - line_start));
  std::replace(line.begin(), line.end(), '\t', ' ');
  return line;
}

}  // namespace

std::string format_issues(std::string_view source, std::vector<Issue> issues) {
  std::stable_sort(issues.begin(), issues.end(), [&](const Issue& a, const Issue& b) { return a.offset < b.offset; });
  std::string out;
  for (const auto& issue : issues) {
    Position p = position_of(source, issue.offset);
    if (!out.empty()) out += "\n";
    out += "ERROR: <input>:" + std::to_string(p.line) + ":" + std::to_string(p.column + 1) + ": " + issue.message;
    std::string line = snippet_of(source, p.line_start);
    out += "\n | " + line + "\n | ";
    // The caret line counts code points; wide characters get full-width dots, as cel-go does.
    std::string_view rest(line);
    for (size_t i = 0; i < p.column && !rest.empty(); ++i) {
      auto [r, width] = decode_utf8(rest);
      (void)r;
      width = width == 0 ? 1 : width;
      out += width > 1 ? "\uff0e" : ".";
      rest.remove_prefix(width);
    }
    auto [r, width] = rest.empty() ? std::pair<uint32_t, size_t>{0, 0} : decode_utf8(rest);
    (void)r;
    out += width > 1 ? "\uff3e" : "^";
  }
  return out;
}

}  // namespace skiff::api::cel

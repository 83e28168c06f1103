#include "chart/chart/helm_log.h"

#include <iostream>

#include "util/go_strconv.h"

namespace skiff::chart {
namespace {

// slog's text handler quotes a value that is empty or holds a space, '=', '"' or a control
// character.
std::string slog_value(std::string_view v) {
  bool quote = v.empty();
  for (unsigned char c : v) quote |= c == ' ' || c == '=' || c == '"' || c < 0x20 || c == 0x7f;
  return quote ? go_quote(v) : std::string(v);
}

}  // namespace

void helm_log(std::string_view level, std::string_view msg,
              const std::vector<std::pair<std::string_view, std::string>>& attributes) {
  std::string line = "level=" + std::string(level) + " msg=" + slog_value(msg);
  for (const auto& [key, value] : attributes) line += " " + std::string(key) + "=" + slog_value(value);
  std::cerr << line << "\n";
}

}  // namespace skiff::chart

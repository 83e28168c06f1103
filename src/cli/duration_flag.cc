#include "cli/duration_flag.h"

#include <cctype>

namespace skiff::cli {

Result<std::chrono::milliseconds> parse_duration_flag(const std::string& flag, const std::string& text) {
  auto invalid = [&] {
    return Error::bad_request("invalid value \"" + text + "\" for " + flag +
                              ": want a duration such as 500ms, 40s, 5m or 1h30m");
  };
  if (text.empty()) return invalid();
  // Plain numbers are seconds ("0.5").
  try {
    size_t used = 0;
    double seconds = std::stod(text, &used);
    if (used == text.size()) return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  } catch (...) {
  }
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start) return invalid();
    double value = 0;
    try {
      value = std::stod(text.substr(start, i - start));
    } catch (...) {
      return invalid();
    }
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(unit_start, i - unit_start);
    double scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : -1;
    if (scale < 0) return invalid();
    total_ms += value * scale;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

}  // namespace skiff::cli

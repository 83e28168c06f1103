// Structured one-line logs to stderr: "I1126 23:08:29.123 component] message key=value".
#pragma once

#include <string>
#include <string_view>

namespace skiff::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void set_level(Level level);
bool enabled(Level level);
void write(Level level, std::string_view component, std::string_view message);

inline void info(std::string_view c, std::string_view m) { write(Level::kInfo, c, m); }
inline void warn(std::string_view c, std::string_view m) { write(Level::kWarning, c, m); }
inline void error(std::string_view c, std::string_view m) { write(Level::kError, c, m); }
inline void debug(std::string_view c, std::string_view m) {
  if (enabled(Level::kDebug)) write(Level::kDebug, c, m);
}

}  // namespace skiff::log

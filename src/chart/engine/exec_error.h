// helm's rewording of template errors (engine.go cleanupParseError and
// reformatExecErrorMsg): required/fail become "execution error at (LOC): MSG", nested
// include errors become an indented trace.
#pragma once

#include <string>

namespace skiff::chart {

std::string cleanup_parse_error(const std::string& filename, const std::string& message);
std::string reformat_exec_error(const std::string& filename, const std::string& message);

}  // namespace skiff::chart

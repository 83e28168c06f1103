// Go-style duration flags ("500ms", "40s", "5m", "1h30m"), as Kubernetes' components take them.
#pragma once

#include <chrono>
#include <string>

#include "util/result.h"

namespace skiff::cli {

// flag names the option in the error message.
Result<std::chrono::milliseconds> parse_duration_flag(const std::string& flag, const std::string& text);

}  // namespace skiff::cli

// The lines helm 4 logs on stderr through Go's slog text handler ("level=WARN msg=..."), for
// the warnings users see from it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::chart {

// Writes `level=LEVEL msg=MSG key=value...` to stderr, values quoted as slog quotes them.
void helm_log(std::string_view level, std::string_view msg,
              const std::vector<std::pair<std::string_view, std::string>>& attributes = {});

}  // namespace skiff::chart

// Compile-time problems in a CEL expression and their text as cel-go prints them
// ("ERROR: <input>:1:6: undefined field 'foo'" followed by the source line and a caret).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::api::cel {

struct Issue {
  size_t offset = 0;  // byte offset into the source
  std::string message;
};

// Issues sorted by position, one "ERROR: ..." block each, joined by newlines.
std::string format_issues(std::string_view source, std::vector<Issue> issues);

}  // namespace skiff::api::cel

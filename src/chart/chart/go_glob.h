// Glob matching as helm uses it: Go's path/filepath.Match (for .helmignore and
// --show-only) and gobwas/glob with '/' separators (for .Files.Glob).
#pragma once

#include <string_view>

namespace skiff::chart {

// Go's filepath.Match: '*' and '?' never match '/', [...] classes with ranges and
// '^'/'!' negation, '\\' escapes. `bad_pattern` is set for malformed patterns.
bool go_path_match(std::string_view pattern, std::string_view name, bool* bad_pattern = nullptr);

// gobwas/glob.Compile(pattern, '/'): like the above plus '**' (any characters,
// separators included) and {a,b} alternatives. Malformed patterns match everything,
// as helm falls back to "**".
bool gobwas_glob_match(std::string_view pattern, std::string_view name);

}  // namespace skiff::chart

// go-yaml v2's implicit typing of plain scalars (YAML 1.1 flavoured: yes/no/on/off are
// booleans, 0777 is octal, 1_000 is an int), plus the checks its encoder uses to decide
// whether a string needs quotes.
#pragma once

#include <cstdint>
#include <string_view>

namespace skiff::chart::yaml {

enum class ResolvedTag { kStr, kBool, kInt, kFloat, kNull, kTimestamp, kMerge };

struct Resolved {
  ResolvedTag tag = ResolvedTag::kStr;
  bool boolean = false;
  bool is_unsigned = false;  // kInt: value in uint (above int64's range)
  int64_t integer = 0;
  uint64_t uint = 0;
  double floating = 0;
};

// resolve("", s): the type a plain scalar with this text decodes to. Scalars with an
// explicit tag other than !!timestamp are not tried as timestamps.
Resolved resolve_plain(std::string_view s, bool try_timestamp = true);

// YAML 1.1 sexagesimal floats ("1:20"): go-yaml does not decode them but quotes them.
bool is_base60_float(std::string_view s);

// go-yaml's (v2 and v3 sorter.go) order of string map keys: letters before other
// characters, digit runs compared by value.
bool natural_key_less(std::string_view a, std::string_view b);

// One of the timestamp layouts go-yaml v2 recognises (time.Parse semantics).
bool is_yaml_timestamp(std::string_view s);

}  // namespace skiff::chart::yaml

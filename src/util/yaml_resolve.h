// go-yaml v2's implicit typing of plain scalars (YAML 1.1 flavoured: yes/no/on/off are
// booleans, 0777 is octal, 1_000 is an int), plus the checks its encoder uses to decide
// whether a string needs quotes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"
#include "util/yaml_parser.h"

namespace skiff::yaml {

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

// go-yaml v2's decoding of a scalar node: an explicit tag checked against the text, or the
// implicit type of a plain scalar. Strings (quoted, !!str, unknown tags, timestamps, and
// !!binary, base64-decoded) come back as kStr with their text.
struct DecodedScalar {
  ResolvedTag tag = ResolvedTag::kStr;
  Resolved resolved;
  std::string text;
};
Result<DecodedScalar> decode_scalar(const YamlNode& n);

// "<<" as a plain or !!merge-tagged mapping key.
bool is_merge_key(const YamlNode& n);

}  // namespace skiff::yaml

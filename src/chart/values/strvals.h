// helm's --set family parsers (pkg/strvals): "a.b[0].c=v,d={x,y}" into a values map.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "util/json.h"
#include "util/result.h"

namespace skiff::chart {

enum class StrvalsMode {
  kTyped,   // --set: true/false/null, integers as int64, else strings
  kString,  // --set-string: every value a string
  kJson,    // --set-json: each value is a JSON document
  kFile,    // --set-file: each value is a path whose content becomes the string
};

// Parses `text` into `dest` (an object). For kFile, `read_file` turns the path into
// the content. Errors are helm's ("key \"a\" has no value", ...).
Status parse_strvals_into(std::string_view text, Json& dest, StrvalsMode mode,
                          const std::function<Result<std::string>(const std::string&)>& read_file = {});

// --set-literal: one key path and a value taken verbatim.
Status parse_literal_into(std::string_view text, Json& dest);

}  // namespace skiff::chart

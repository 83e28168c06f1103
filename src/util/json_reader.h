// A fast reader for well-formed JSON documents (request bodies, values.schema.json), building the same
// Json as nlohmann's parse: non-negative integers unsigned, negative ones signed, those
// out of range and everything with a fraction or exponent double, a later duplicate key
// wins. It gives up (nullopt) on anything malformed or unusual (invalid UTF-8, a byte
// order mark, numbers beyond double, nesting deeper than 500), for the caller to let
// nlohmann's parser report it.
#pragma once

#include <optional>
#include <string_view>

#include "util/json.h"

namespace skiff {

// *repeated_keys (if given) tells whether an object named a key twice (after unescaping).
std::optional<Json> read_json_fast(std::string_view text, bool* repeated_keys = nullptr);

}  // namespace skiff

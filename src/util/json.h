// The object model's value type. Objects are JSON documents; typed views read them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "util/result.h"

namespace skiff {

using Json = nlohmann::json;

// Parses JSON text; errors name the byte offset, as a 400 BadRequest. *repeated_keys (if
// given) is false only when no object of the text names a key twice.
Result<Json> parse_json(std::string_view text, bool* repeated_keys = nullptr);

// Parses JSON text this process wrote itself (stored objects, watch events): the fast reader,
// with nlohmann's parser (and its exception) for what the fast reader declines.
Json parse_own_json(std::string_view text);

// Compact serialization (what the API serves and stores).
std::string dump_json(const Json& j);

// Appends the escape of an ASCII byte a JSON string cannot hold as it is (quote, backslash,
// control characters), or that a writer escapes anyway (Go's HTML-safe <, > and &): the short
// form (\n, \") where JSON has one, else \u00xx.
void append_json_escape(std::string& out, unsigned char c);

// Walk a dotted path ("metadata.name"); returns nullptr when absent.
const Json* find_path(const Json& j, std::string_view dotted);

// Convenience accessors for string fields that may be absent.
std::string get_string(const Json& obj, std::string_view key, std::string_view fallback = "");

}  // namespace skiff

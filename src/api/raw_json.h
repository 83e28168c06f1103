// Reads and edits serialized JSON objects without building a tree: the watch cache and the
// write path use it on stored bytes, where parsing and re-serializing every object would cost
// far more than the few members they need. Inputs are trusted to be valid JSON (what the
// server itself serialized); anything unexpected yields nullopt and callers parse instead.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::api {

// Calls visit(key, value) for each member of a JSON object, with key as its raw text between
// the quotes (escapes untouched) and value as its raw JSON text. visit returns false to stop.
// False when text is not an object.
bool for_each_raw_member(std::string_view object,
                         const std::function<bool(std::string_view key, std::string_view value)>& visit);

// The raw JSON text of a member (nullopt when absent or when object is not an object).
std::optional<std::string_view> raw_member(std::string_view object, std::string_view key);

// The value of a raw JSON string ("..." with escapes decoded); nullopt when raw is not a string.
std::optional<std::string> raw_string_value(std::string_view raw);

// Returns object with metadata.resourceVersion set to `resource_version` (a string member,
// placed where a serializer with sorted keys puts it). nullopt when object has no metadata object.
std::optional<std::string> with_resource_version(std::string_view object, std::string_view resource_version);
// The same for a caller that has found the metadata member already (a view into object).
std::optional<std::string> with_resource_version(std::string_view object, std::string_view metadata,
                                                 std::string_view resource_version);

// Returns object without its metadata.managedFields member (the rest of the text as it was);
// nullopt when it has none, or no metadata object.
std::optional<std::string> without_managed_fields(std::string_view object);

}  // namespace skiff::api

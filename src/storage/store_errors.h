// Errors shared by the backends, worded like etcd's so logs read the same whichever is used.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace skiff::storage {

inline Error compacted_error() { return Error::expired("mvcc: required revision has been compacted"); }
inline Error future_revision_error() { return Error::bad_request("mvcc: required revision is a future revision"); }
inline Error key_exists_error(std::string_view key) {
  return Error::already_exists("key \"" + std::string(key) + "\" already exists");
}
inline Error key_not_found_error(std::string_view key) {
  return Error::not_found("key \"" + std::string(key) + "\" not found");
}
inline Error revision_mismatch_error(std::string_view key, int64_t actual, int64_t expected) {
  return Error::conflict("key \"" + std::string(key) + "\" is at mod revision " + std::to_string(actual) +
                         ", expected " + std::to_string(expected));
}

}  // namespace skiff::storage

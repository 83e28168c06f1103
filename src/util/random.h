// Randomness for uids and generated names; injectable for tests.
#pragma once

#include <string>

namespace skiff {

// RFC 4122 version-4 UUID, lower case.
std::string new_uuid();
// n characters from Kubernetes' generateName alphabet (bcdfghjklmnpqrstvwxz2456789).
std::string random_name_suffix(int n = 5);

}  // namespace skiff

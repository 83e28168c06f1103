// Conversion strategy None between the served versions of a custom resource: all versions
// share one storage, and an object read through a version is that object with its
// apiVersion rewritten.
#pragma once

#include "api/schema.h"
#include "apiserver/watch_cache.h"
#include "util/json.h"

namespace skiff::apiserver {

// The cached object as `info`'s version shows it (the same ref when nothing changes).
ObjectRef as_served_version(const api::ResourceInfo& info, const ObjectRef& object);
// Rewrites obj's apiVersion for a custom resource; built-in kinds are left alone.
void set_served_version(const api::ResourceInfo& info, Json& obj);

}  // namespace skiff::apiserver

#include "util/allocator.h"

#include <sys/types.h>

#include <cstddef>
#include <string>

// jemalloc's control interface; weak, so binaries without jemalloc link and see a null pointer.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace skiff::allocator {
namespace {

template <typename T>
bool write_setting(const std::string& name, T value) {
  return mallctl(name.c_str(), nullptr, nullptr, &value, sizeof(value)) == 0;
}

template <typename T>
bool read_setting(const std::string& name, T& value) {
  size_t size = sizeof(value);
  return mallctl(name.c_str(), &value, &size, nullptr, 0) == 0;
}

}  // namespace

bool tunable() { return mallctl != nullptr; }

void return_freed_memory_within(std::chrono::milliseconds decay) {
  if (!tunable()) return;
  auto ms = static_cast<ssize_t>(decay.count());
  // Arenas created from now on, then the ones that exist already.
  write_setting("arenas.dirty_decay_ms", ms);
  write_setting("arenas.muzzy_decay_ms", static_cast<ssize_t>(0));
  unsigned arenas = 0;
  if (read_setting("arenas.narenas", arenas))
    for (unsigned i = 0; i < arenas; ++i) {
      // Arenas not yet initialised refuse; they start with the new defaults.
      write_setting("arena." + std::to_string(i) + ".dirty_decay_ms", ms);
      write_setting("arena." + std::to_string(i) + ".muzzy_decay_ms", static_cast<ssize_t>(0));
    }
  write_setting("background_thread", true);
}

void release_thread_cache() {
  if (tunable()) mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
}

}  // namespace skiff::allocator

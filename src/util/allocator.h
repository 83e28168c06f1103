// Tuning of the process's allocator: jemalloc where the binary links it, nothing otherwise
// (sanitizer builds keep their own allocator).
#pragma once

#include <chrono>

namespace skiff::allocator {

// Memory freed by the program goes back to the operating system within about `decay` of its
// last use, purged by the allocator's background thread instead of lingering in its caches.
// For long-running processes that sit mostly idle between bursts (the node agent).
void return_freed_memory_within(std::chrono::milliseconds decay);

// Hands the objects this thread's allocator cache holds back to the shared arenas, where they can
// be reused by other threads or returned to the OS. For worker threads after a burst of work.
void release_thread_cache();

// True when the calls above reach an allocator that honours them.
bool tunable();

}  // namespace skiff::allocator

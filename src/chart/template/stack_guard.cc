#include "chart/template/stack_guard.h"

#include <pthread.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace skiff::chart::tmpl {
namespace {

thread_local int g_guards = 0;
thread_local uintptr_t g_limit = 0;

constexpr size_t kMargin = 1 << 20;

uintptr_t current_sp() {
  char probe;
  return reinterpret_cast<uintptr_t>(&probe);
}

}  // namespace

StackGuard::StackGuard() {
  // A thread's stack bounds never change: look them up once (for the main thread,
  // pthread_getattr_np reads /proc/self/maps, far too slow to do per template).
  if (g_guards++ > 0 || g_limit != 0) return;
  uintptr_t sp = current_sp();
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  auto low = reinterpret_cast<uintptr_t>(addr);
  if (addr == nullptr || size == 0 || sp < low || sp > low + size) {
    g_limit = sp > 4 * kMargin ? sp - 4 * kMargin : 0;  // unknown: assume 4 MiB are free
    return;
  }
  size_t margin = std::min(kMargin, size / 4);
  g_limit = low + margin;
}

StackGuard::~StackGuard() { --g_guards; }

bool StackGuard::exhausted() { return g_guards > 0 && current_sp() < g_limit; }

}  // namespace skiff::chart::tmpl

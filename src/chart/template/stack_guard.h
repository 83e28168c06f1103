// Keeps deep recursion (nested templates, parenthesized expressions) from overflowing
// the thread's stack: callers check exhausted() and fail with Go's depth error instead.
#pragma once

namespace skiff::chart::tmpl {

class StackGuard {
 public:
  // The outermost guard on a thread records how far the stack may grow.
  StackGuard();
  ~StackGuard();
  StackGuard(const StackGuard&) = delete;
  StackGuard& operator=(const StackGuard&) = delete;

  // True when less than a safety margin of stack remains.
  static bool exhausted();
};

}  // namespace skiff::chart::tmpl

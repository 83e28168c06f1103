// The runtime side of the functions the checker declares (cel-go's standard library, ext
// strings and sets, optionals, and Kubernetes' lists and regex libraries). Internal to the
// interpreter.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "api/cel/value.h"

namespace re2 {
class RE2;
}

namespace skiff::api::cel {

struct CostLimitHit {};  // thrown by CostMeter, caught by evaluate()

class CostMeter {
 public:
  explicit CostMeter(uint64_t limit) : limit_(limit) {}
  void charge(uint64_t units) {
    total_ += units;
    if (total_ > limit_) throw CostLimitHit{};
  }
  uint64_t total() const { return total_; }

 private:
  uint64_t limit_;
  uint64_t total_ = 0;
};

// Whether `name` is a namespaced global function (optional.of, sets.contains, strings.quote).
bool is_namespaced_function(std::string_view name);

// Calls a strict function: no argument is an error. `target` is the receiver of a member call.
// `regex` is the precompiled pattern of a matches/find/findAll call, if any.
Value call_function(std::string_view name, const Value* target, const std::vector<Value>& args, CostMeter& cost,
                    const re2::RE2* regex);

}  // namespace skiff::api::cel

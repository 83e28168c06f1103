// DefaultTolerationSeconds: pods tolerate the not-ready and unreachable NoExecute taints for a
// while (300 s unless the server flags say otherwise) before the node lifecycle evicts them.
#pragma once

#include <atomic>
#include <cstdint>

#include "apiserver/admission.h"

namespace skiff::apiserver {

class DefaultTolerationSeconds final : public AdmissionPlugin {
 public:
  DefaultTolerationSeconds(int64_t not_ready_seconds, int64_t unreachable_seconds)
      : not_ready_seconds_(not_ready_seconds), unreachable_seconds_(unreachable_seconds) {}
  std::string name() const override { return "DefaultTolerationSeconds"; }
  Status admit(AdmissionRequest& r) override;

  // --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds.
  void set_toleration_seconds(int64_t not_ready_seconds, int64_t unreachable_seconds) {
    not_ready_seconds_ = not_ready_seconds;
    unreachable_seconds_ = unreachable_seconds;
  }

 private:
  std::atomic<int64_t> not_ready_seconds_;
  std::atomic<int64_t> unreachable_seconds_;
};

}  // namespace skiff::apiserver

// The Priority admission plugin (kube-apiserver's plugin/pkg/admission/priority): a new pod's
// spec.priority and spec.preemptionPolicy come from its PriorityClass (the one it names, else
// the global default one), and a pod naming a class that does not exist is refused. A second
// global default class is refused too.
#include <optional>

#include "apiserver/admission.h"

namespace skiff::apiserver {
namespace {

constexpr const char* kPreemptLowerPriority = "PreemptLowerPriority";

struct PriorityOf {
  std::string class_name;
  int64_t value = 0;
  std::string preemption_policy = kPreemptLowerPriority;
};

class PriorityAdmission final : public AdmissionPlugin {
 public:
  explicit PriorityAdmission(const ObjectLookup& lookup) : lookup_(lookup) {}
  std::string name() const override { return "Priority"; }

  Status admit(AdmissionRequest& r) override {
    if (!r.is("", "Pod") || r.operation != AdmissionOperation::kCreate || !r.subresource.empty()) return ok_status();
    Json& spec = r.object["spec"];
    if (!spec.is_object()) return ok_status();
    const std::string named = get_string(spec, "priorityClassName");
    PriorityOf p;
    if (named.empty()) {
      if (auto d = global_default()) p = *d;
    } else {
      auto found = find_class(named);
      if (!found) return admission_forbidden(r, "no PriorityClass with name " + named + " was found");
      p = *found;
    }
    if (auto given = spec.find("priority"); given != spec.end() && given->is_number_integer() &&
                                             given->get<int64_t>() != p.value) {
      return admission_forbidden(r, "the integer value of priority (" + std::to_string(given->get<int64_t>()) +
                                        ") must not be provided in pod spec; priority admission controller computed " +
                                        std::to_string(p.value) + " from the given PriorityClass name");
    }
    if (auto given = spec.find("preemptionPolicy"); given != spec.end() && given->is_string() &&
                                                     given->get<std::string>() != p.preemption_policy) {
      return admission_forbidden(r, "the string value of PreemptionPolicy (" + given->get<std::string>() +
                                        ") must not be provided in pod spec; priority admission controller computed " +
                                        p.preemption_policy + " from the given PriorityClass name");
    }
    if (!p.class_name.empty()) spec["priorityClassName"] = p.class_name;
    spec["priority"] = p.value;
    spec["preemptionPolicy"] = p.preemption_policy;
    return ok_status();
  }

  Status validate(const AdmissionRequest& r) override {
    if (!r.is("scheduling.k8s.io", "PriorityClass") || !r.object.value("globalDefault", false)) return ok_status();
    for (const auto& pc : lookup_.list("scheduling.k8s.io", "v1", "priorityclasses", "")) {
      const std::string other = get_string(pc["metadata"], "name");
      if (other != r.name && pc.value("globalDefault", false)) {
        return admission_forbidden(r, "PriorityClass " + other + " is already marked as default. Only one default can exist");
      }
    }
    return ok_status();
  }

 private:
  static PriorityOf from(const Json& pc) {
    PriorityOf p;
    p.class_name = get_string(pc["metadata"], "name");
    p.value = pc.value("value", int64_t{0});
    if (auto policy = get_string(pc, "preemptionPolicy"); !policy.empty()) p.preemption_policy = policy;
    return p;
  }

  std::optional<PriorityOf> find_class(const std::string& name) const {
    for (const auto& pc : lookup_.list("scheduling.k8s.io", "v1", "priorityclasses", ""))
      if (get_string(pc["metadata"], "name") == name) return from(pc);
    return std::nullopt;
  }

  // Of several global defaults (created before the check above existed), the lowest value wins.
  std::optional<PriorityOf> global_default() const {
    std::optional<PriorityOf> best;
    for (const auto& pc : lookup_.list("scheduling.k8s.io", "v1", "priorityclasses", "")) {
      if (!pc.value("globalDefault", false)) continue;
      PriorityOf p = from(pc);
      if (!best || p.value < best->value) best = p;
    }
    return best;
  }

  const ObjectLookup& lookup_;
};

}  // namespace

std::unique_ptr<AdmissionPlugin> make_priority(const ObjectLookup& lookup, const AdmissionOptions&) {
  return std::make_unique<PriorityAdmission>(lookup);
}

}  // namespace skiff::apiserver

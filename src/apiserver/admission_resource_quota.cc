// ResourceQuota: refuses a create or update that would take the namespace's usage above a
// quota's spec.hard, with kube's "exceeded quota" and "failed quota ... must specify" messages.
// Usage is counted from the watch cache (every write waits for the cache before it returns, so
// sequential writes see each other; concurrent ones may both pass, unlike kube's quota charging).
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "api/quota_usage.h"
#include "apiserver/admission.h"

namespace skiff::apiserver {
namespace {

using api::Quantity;
using api::ResourceList;

// Compute resources every container must state when a quota limits them.
const std::set<std::string>& constrained_compute() {
  static const std::set<std::string> names = {"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
                                              "limits.memory"};
  return names;
}

// kube's podEvaluator.Constraints: "must specify limits.cpu for: a,b; requests.memory for: a".
std::string missing_container_resources(const Json& pod, const std::set<std::string>& required) {
  std::map<std::string, std::set<std::string>> missing;
  for (const char* list : {"containers", "initContainers"}) {
    const Json* cs = find_path(pod, std::string("spec.") + list);
    if (!cs || !cs->is_array()) continue;
    for (const auto& c : *cs) {
      std::set<std::string> has;
      for (const char* which : {"requests", "limits"})
        if (const Json* l = find_path(c, std::string("resources.") + which); l && l->is_object())
          for (const auto& [name, q] : l->items()) {
            has.insert(std::string(which) + "." + name);
            if (std::string(which) == "requests") has.insert(name);
          }
      for (const auto& r : required)
        if (!has.count(r)) missing[r].insert(c.value("name", ""));
    }
  }
  std::string out;
  for (const auto& [resource, containers] : missing) {
    out += out.empty() ? "must specify " : "; ";
    out += resource + " for: ";
    bool first = true;
    for (const auto& c : containers) {
      out += (first ? "" : ",") + c;
      first = false;
    }
  }
  return out;
}

class ResourceQuotaAdmission final : public AdmissionPlugin {
 public:
  explicit ResourceQuotaAdmission(const ObjectLookup& lookup) : lookup_(lookup) {}
  std::string name() const override { return "ResourceQuota"; }

  Status validate(const AdmissionRequest& r) override {
    if (!r.subresource.empty() || r.ns.empty()) return ok_status();
    const std::string& group = r.resource.gvk.group;
    const std::string& plural = r.resource.resource;
    if (group.empty() && plural == "resourcequotas" && r.operation == AdmissionOperation::kUpdate) return ok_status();
    auto quotas = lookup_.list("", "v1", "resourcequotas", r.ns);
    if (quotas.empty()) return ok_status();

    ResourceList requested = api::quota_usage(group, plural, r.object);
    if (r.old) {
      ResourceList before = api::quota_usage(group, plural, *r.old);
      for (auto& [name, q] : requested)
        if (auto it = before.find(name); it != before.end()) q -= it->second;
      std::erase_if(requested, [](const auto& e) { return e.second.sign() <= 0; });
    }
    if (requested.empty()) return ok_status();

    std::sort(quotas.begin(), quotas.end(), [](const Json& a, const Json& b) {
      return get_string(a["metadata"], "name") < get_string(b["metadata"], "name");
    });
    std::optional<ResourceList> used;  // counted once, when a quota needs it
    for (const auto& quota : quotas) {
      ResourceList hard = api::resource_list_from_json(find_path(quota, "spec.hard"));
      std::string quota_name = get_string(quota["metadata"], "name");
      if (group.empty() && plural == "pods" && r.operation == AdmissionOperation::kCreate) {
        std::set<std::string> required;
        for (const auto& [name, q] : hard)
          if (constrained_compute().count(name)) required.insert(name);
        std::string missing = missing_container_resources(r.object, required);
        if (!missing.empty()) return admission_forbidden(r, "failed quota: " + quota_name + ": " + missing);
      }
      ResourceList req_masked, used_masked, hard_masked;
      for (const auto& [name, q] : requested) {
        auto limit = hard.find(name);
        if (limit == hard.end()) continue;
        if (!used) used = count_usage(group, plural, r);
        Quantity current = used->count(name) ? used->at(name) : Quantity();
        if ((current + q).compare(limit->second) > 0) {
          req_masked[name] = q;
          used_masked[name] = current;
          hard_masked[name] = limit->second;
        }
      }
      if (!req_masked.empty())
        return admission_forbidden(r, "exceeded quota: " + quota_name + ", requested: " +
                                          api::format_resource_list(req_masked) + ", used: " +
                                          api::format_resource_list(used_masked) + ", limited: " +
                                          api::format_resource_list(hard_masked));
    }
    return ok_status();
  }

 private:
  // What the namespace's objects of this resource charge now, the object being written aside.
  ResourceList count_usage(const std::string& group, const std::string& plural, const AdmissionRequest& r) const {
    ResourceList total;
    for (const auto& obj : lookup_.list(group, r.resource.gvk.version, plural, r.ns)) {
      if (r.old && get_string(obj["metadata"], "name") == r.name) continue;
      api::add_usage(total, api::quota_usage(group, plural, obj));
    }
    if (r.old) api::add_usage(total, api::quota_usage(group, plural, *r.old));
    return total;
  }

  const ObjectLookup& lookup_;
};

}  // namespace

std::unique_ptr<AdmissionPlugin> make_resource_quota(const ObjectLookup& lookup, const AdmissionOptions&) {
  return std::make_unique<ResourceQuotaAdmission>(lookup);
}

}  // namespace skiff::apiserver

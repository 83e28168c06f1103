// LimitRanger: fills in container requests and limits from the namespace's LimitRanges
// (default, defaultRequest) on pod create, and refuses pods and claims outside their
// min / max / maxLimitRequestRatio, with kube's messages.
#include <cstdio>

#include "api/quantity.h"
#include "api/quota_usage.h"
#include "apiserver/admission.h"

namespace skiff::apiserver {
namespace {

using api::Quantity;
using api::ResourceList;

ResourceList list_at(const Json& obj, const char* field) {
  auto it = obj.find(field);
  return api::resource_list_from_json(it == obj.end() ? nullptr : &*it);
}

// LimitRangeItem defaults for containers, as the API defaults them: default from max,
// defaultRequest from default, then from min.
void effective_container_defaults(const Json& item, ResourceList& limits, ResourceList& requests) {
  limits = list_at(item, "default");
  requests = list_at(item, "defaultRequest");
  for (const auto& [name, q] : list_at(item, "max"))
    if (!limits.count(name)) limits[name] = q;
  for (const auto& [name, q] : limits)
    if (!requests.count(name)) requests[name] = q;
  for (const auto& [name, q] : list_at(item, "min"))
    if (!requests.count(name)) requests[name] = q;
}

// kube compares in milli-units unless a value is too large for them.
std::pair<int64_t, int64_t> comparable(const Quantity& a, const Quantity& b) {
  constexpr int64_t kMaxMilli = INT64_MAX / 1000;
  if (a.value() > kMaxMilli || b.value() > kMaxMilli) return {a.value(), b.value()};
  return {a.milli_value(), b.milli_value()};
}

void check_min(const std::string& kind, const std::string& name, const Quantity& min, const ResourceList& requests,
               const ResourceList& limits, std::vector<std::string>& errors) {
  auto req = requests.find(name);
  auto lim = limits.find(name);
  if (req == requests.end()) {
    errors.push_back("minimum " + name + " usage per " + kind + " is " + min.to_string() + ".  No request is specified");
    return;
  }
  if (auto [r, m] = comparable(req->second, min); r < m) {
    errors.push_back("minimum " + name + " usage per " + kind + " is " + min.to_string() + ", but request is " +
                     req->second.to_string());
    return;
  }
  if (lim != limits.end())
    if (auto [l, m] = comparable(lim->second, min); l < m)
      errors.push_back("minimum " + name + " usage per " + kind + " is " + min.to_string() + ", but limit is " +
                       lim->second.to_string());
}

void check_max(const std::string& kind, const std::string& name, const Quantity& max, const ResourceList& requests,
               const ResourceList& limits, std::vector<std::string>& errors, bool limit_is_request = false) {
  const ResourceList& bounded = limit_is_request ? requests : limits;
  auto lim = bounded.find(name);
  auto req = requests.find(name);
  if (lim == bounded.end()) {
    errors.push_back("maximum " + name + " usage per " + kind + " is " + max.to_string() + ".  No " +
                     (limit_is_request ? "request" : "limit") + " is specified");
    return;
  }
  if (auto [l, m] = comparable(lim->second, max); l > m) {
    errors.push_back("maximum " + name + " usage per " + kind + " is " + max.to_string() + ", but " +
                     (limit_is_request ? "request" : "limit") + " is " + lim->second.to_string());
    return;
  }
  if (!limit_is_request && req != requests.end())
    if (auto [r, m] = comparable(req->second, max); r > m)
      errors.push_back("maximum " + name + " usage per " + kind + " is " + max.to_string() + ", but request is " +
                       req->second.to_string());
}

void check_ratio(const std::string& kind, const std::string& name, const Quantity& ratio, const ResourceList& requests,
                 const ResourceList& limits, std::vector<std::string>& errors) {
  auto req = requests.find(name);
  auto lim = limits.find(name);
  std::string prefix = name + " max limit to request ratio per " + kind + " is " + ratio.to_string();
  if (req == requests.end() || req->second.is_zero()) {
    errors.push_back(prefix + ", but no request is specified or request is 0");
    return;
  }
  if (lim == limits.end() || lim->second.is_zero()) {
    errors.push_back(prefix + ", but no limit is specified or limit is 0");
    return;
  }
  auto [l, r] = comparable(lim->second, req->second);
  double observed = static_cast<double>(l) / static_cast<double>(r);
  double allowed = static_cast<double>(ratio.milli_value()) / 1000.0;
  if (observed > allowed) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%f", observed);
    errors.push_back(prefix + ", but provided ratio is " + buf);
  }
}

void check_item(const std::string& kind, const Json& item, const ResourceList& requests, const ResourceList& limits,
                std::vector<std::string>& errors, bool storage_claim = false) {
  for (const auto& [name, q] : list_at(item, "min")) check_min(kind, name, q, requests, limits, errors);
  for (const auto& [name, q] : list_at(item, "max")) check_max(kind, name, q, requests, limits, errors, storage_claim);
  if (!storage_claim)
    for (const auto& [name, q] : list_at(item, "maxLimitRequestRatio"))
      check_ratio(kind, name, q, requests, limits, errors);
}

class LimitRanger final : public AdmissionPlugin {
 public:
  explicit LimitRanger(const ObjectLookup& lookup) : lookup_(lookup) {}
  std::string name() const override { return "LimitRanger"; }

  Status admit(AdmissionRequest& r) override {
    // Containers can not change after creation, so only new pods get defaults.
    if (!r.is("", "Pod") || r.operation != AdmissionOperation::kCreate || !r.subresource.empty()) return ok_status();
    std::vector<std::string> set;
    for (const auto& item : items(r.ns, "Container")) {
      ResourceList limits, requests;
      effective_container_defaults(item, limits, requests);
      for (const char* list : {"containers", "initContainers"}) {
        Json* containers = r.object["spec"].contains(list) ? &r.object["spec"][list] : nullptr;
        if (!containers || !containers->is_array()) continue;
        for (auto& c : *containers) {
          std::string what_requests, what_limits;
          Json& resources = c["resources"];
          if (!resources.is_object()) resources = Json::object();
          // An explicit limit becomes the request (API defaulting, which runs after admission here).
          const Json* explicit_limits = find_path(resources, "limits");
          for (const auto& [name, q] : requests)
            if (!resources["requests"].contains(name) && !(explicit_limits && explicit_limits->contains(name))) {
              resources["requests"][name] = q.to_string();
              what_requests += (what_requests.empty() ? "" : ", ") + name;
            }
          for (const auto& [name, q] : limits)
            if (!resources["limits"].contains(name)) {
              resources["limits"][name] = q.to_string();
              what_limits += (what_limits.empty() ? "" : ", ") + name;
            }
          for (const char* f : {"requests", "limits"})
            if (resources.contains(f) && resources[f].is_null()) resources.erase(f);
          std::string cname = c.value("name", "");
          if (!what_requests.empty()) set.push_back(what_requests + " request for " + (std::string(list) == "containers" ? "container " : "init container ") + cname);
          if (!what_limits.empty()) set.push_back(what_limits + " limit for " + (std::string(list) == "containers" ? "container " : "init container ") + cname);
        }
      }
    }
    if (!set.empty()) {
      std::string note = "LimitRanger plugin set: ";
      for (size_t i = 0; i < set.size(); ++i) note += (i ? "; " : "") + set[i];
      r.object["metadata"]["annotations"]["kubernetes.io/limit-ranger"] = note;
    }
    return ok_status();
  }

  Status validate(const AdmissionRequest& r) override {
    if (!r.subresource.empty()) return ok_status();
    std::vector<std::string> errors;
    if (r.is("", "Pod") && r.operation == AdmissionOperation::kCreate) {
      for (const auto& item : items(r.ns, "Container"))
        for (const char* list : {"containers", "initContainers"}) {
          const Json* containers = find_path(r.object, std::string("spec.") + list);
          if (!containers || !containers->is_array()) continue;
          for (const auto& c : *containers) {
            const Json* res = find_path(c, "resources");
            ResourceList requests = res ? list_at(*res, "requests") : ResourceList();
            ResourceList limits = res ? list_at(*res, "limits") : ResourceList();
            check_item("Container", item, requests, limits, errors);
          }
        }
      for (const auto& item : items(r.ns, "Pod"))
        check_item("Pod", item, api::pod_resources(r.object, "requests"), api::pod_resources(r.object, "limits"),
                   errors);
    } else if (r.is("", "PersistentVolumeClaim")) {
      for (const auto& item : items(r.ns, "PersistentVolumeClaim")) {
        const Json* res = find_path(r.object, "spec.resources");
        ResourceList requests = res ? list_at(*res, "requests") : ResourceList();
        ResourceList limits = res ? list_at(*res, "limits") : ResourceList();
        check_item("PersistentVolumeClaim", item, requests, limits, errors, true);
      }
    }
    if (errors.empty()) return ok_status();
    std::string message = errors[0];
    if (errors.size() > 1) {
      message = "[";
      for (size_t i = 0; i < errors.size(); ++i) message += (i ? ", " : "") + errors[i];
      message += "]";
    }
    return admission_forbidden(r, message);
  }

 private:
  std::vector<Json> items(const std::string& ns, const std::string& type) const {
    std::vector<Json> out;
    for (const auto& lr : lookup_.list("", "v1", "limitranges", ns))
      if (const Json* limits = find_path(lr, "spec.limits"); limits && limits->is_array())
        for (const auto& item : *limits)
          if (item.value("type", "") == type) out.push_back(item);
    return out;
  }

  const ObjectLookup& lookup_;
};

}  // namespace

std::unique_ptr<AdmissionPlugin> make_limit_ranger(const ObjectLookup& lookup, const AdmissionOptions&) {
  return std::make_unique<LimitRanger>(lookup);
}

}  // namespace skiff::apiserver

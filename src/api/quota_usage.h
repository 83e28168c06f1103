// What an object charges against a ResourceQuota (kube's quota evaluators): object counts
// (pods, services, count/deployments.apps, ...) and, for pods and claims, compute and storage
// requests and limits. Shared by the ResourceQuota admission plugin and the resourcequota
// controller, so both count the same way.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/quantity.h"
#include "util/json.h"

namespace skiff::api {

using ResourceList = std::map<std::string, Quantity>;

// The usage one object of group/plural charges; empty when it charges nothing (a terminal pod).
ResourceList quota_usage(std::string_view group, std::string_view plural, const Json& obj);

// The quota resource names objects of group/plural can charge (to know which objects to count
// for a quota's hard limits).
bool quota_name_concerns(std::string_view group, std::string_view plural, const std::string& quota_name);

// The group and plural of the objects a quota resource name counts ("pods" -> core pods,
// "count/deployments.apps" -> apps deployments, "requests.cpu" -> core pods). false when unknown.
bool quota_name_resource(const std::string& quota_name, std::string& group, std::string& plural);

// A pod's effective requests or limits (which: "requests" | "limits"): the sum over containers,
// at least the largest init container's, plus overhead.
ResourceList pod_resources(const Json& pod, std::string_view which);

// a += b for every name in b.
void add_usage(ResourceList& a, const ResourceList& b);
// "cpu=1,memory=1Gi": names sorted, as kube's quota messages print resource lists.
std::string format_resource_list(const ResourceList& list);
// A JSON object of canonical quantity strings.
Json resource_list_json(const ResourceList& list);
ResourceList resource_list_from_json(const Json* obj);

}  // namespace skiff::api

// What the endpoints and endpointslice controllers share: which pods back a Service, how a
// service port resolves against a pod's container ports, and which Services a pod change
// concerns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/informer.h"
#include "util/json.h"

namespace skiff::controllers {

// A Service the endpoint controllers manage: it has a non-empty spec.selector.
bool service_has_selector(const Json& service);

// The pods in the Service's namespace its selector matches.
std::vector<client::ObjectPtr> pods_selected_by(const client::Informer& pods, const Json& service);

// Whether a pod belongs in endpoints at all (kube's ShouldPodBeInEndpoints): it has an IP, is
// not terminal, and is not terminating unless include_terminating.
bool pod_in_endpoints(const Json& pod, bool include_terminating);

// The pod port a service port targets: a numeric targetPort (or port when absent) as is, a
// named one looked up among the pod's container ports; nullopt when the pod lacks the name.
std::optional<int64_t> resolve_target_port(const Json& service_port, const Json& pod);

// Keys of the Services (same namespace) whose selector matches the pod's labels.
std::vector<std::string> services_selecting(const client::Informer& services, const Json& pod);

// The ports of a pod for a service, in the Service's order ({name, port, protocol[, appProtocol]});
// ports the pod can not serve are left out.
Json endpoint_ports(const Json& service, const Json& pod);

}  // namespace skiff::controllers

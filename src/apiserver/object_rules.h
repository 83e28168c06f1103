// Per-kind write rules (Kubernetes' registry strategies): what create and update may set,
// which fields the status subresource owns, when generation moves, and the addresses a
// Service is given. Kinds without special rules need nothing here.
#pragma once

#include <string>

#include "api/schema.h"
#include "apiserver/watch_cache.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::apiserver {

bool has_subresource(const api::ResourceInfo& info, std::string_view sub);

// Kinds whose metadata.generation tracks spec changes.
bool tracks_generation(const api::ResourceInfo& info);

// Resets what a client may not set on create (status, for kinds with a status subresource),
// fills in kind-specific state (Pod phase and QoS class, Namespace phase and finalizers).
void prepare_for_create(const api::ResourceInfo& info, Json& obj);

// Kubernetes' Job strategy on create: without spec.manualSelector, the selector is generated
// from the Job's uid and the template gets the job-name and controller-uid labels (new and
// legacy keys); so do the Job's own labels when defaulting copied them from the template.
void generate_job_selector(Json& job);

// For the main resource: keeps the old status; for "status": keeps everything but status.
void prepare_for_update(const api::ResourceInfo& info, Json& obj, const Json& old, const std::string& subresource);

// Kubernetes' dropTypeDependentFields: a Service changing to a type that no longer uses node
// ports, a health-check node port, a cluster IP (ExternalName) or external traffic settings
// loses the values the server allocated or defaulted for them, unless the update changed them.
// Runs before validation, so `kubectl apply` of a type change is not refused for them.
void drop_service_type_dependent_fields(Json& service, const Json& old);

// True when the parts of the object generation covers differ (everything but metadata and status).
bool spec_changed(const Json& a, const Json& b);

// Assigns spec.clusterIP(s) and node ports to a Service, avoiding those in use by others in the cache.
Status allocate_service_addresses(Json& service, const Json* old, const WatchCache& cache);

// The Pod's QoS class from its containers' requests and limits.
std::string pod_qos_class(const Json& pod);

}  // namespace skiff::apiserver

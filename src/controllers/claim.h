// Adoption and release of the objects a controller selects by labels, as Kubernetes' controller
// reference manager does them: orphans the selector matches are adopted, objects the controller
// holds that no longer match are released. This is what lets a workload deleted with
// --cascade=orphan be recreated over its old pods (or ReplicaSets) instead of beside them.
#pragma once

#include <functional>
#include <vector>

#include "api/labels.h"
#include "client/client.h"
#include "client/informer.h"
#include "client/work_queue.h"

namespace skiff::controllers {

struct ClaimTarget {
  const Json& controller;
  const api::ResourceInfo& controller_resource;
  const api::ResourceInfo& resource;  // of the claimed objects
  const api::LabelSelector& selector;
  // A further condition for adoption (a StatefulSet adopts only pods named after it).
  std::function<bool(const Json&)> adoptable;
};

// Returns the objects the controller holds after claiming: those of `controlled` (its controller
// reference names it) the selector still matches, plus the adopted ones of `orphans` (no
// controller reference). Before its first adoption it asks the server whether the controller is
// still there and not being deleted, since its cache may not show that yet: adopting then would
// hand the objects an orphaning just freed to an owner about to vanish. A controller being
// deleted neither adopts nor releases.
std::vector<client::ObjectPtr> claim(client::Client& client, const ClaimTarget& target,
                                     const std::vector<client::ObjectPtr>& controlled,
                                     const std::vector<client::ObjectPtr>& orphans);

// Whether selector matches obj's labels.
bool selects(const api::LabelSelector& selector, const Json& obj);

// Adds the controller reference to `obj` (an orphan), with a patch that applies only to the
// object with its uid. claim() adopts this way; it does not check that the controller is live.
bool adopt(client::Client& client, const api::ResourceInfo& resource, const Json& obj, const Json& controller);

// An informer handler for the claimed kind: an orphan added or changed enqueues every
// controller in its namespace (from `controllers`) whose spec.selector matches it.
client::EventHandler enqueue_adopters_handler(client::WorkQueue& queue, client::Informer& controllers);

}  // namespace skiff::controllers

// What helm's pkg/kube does for releases, over client::Client: manifests to objects (kinds
// resolved through the built-in schemas or the cluster's CRDs), server-side apply as helm 4
// (field manager "helm"), ownership checks, deletion and readiness waits.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "api/schema.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::client {
class Client;
}

namespace skiff::chart::release {

inline constexpr const char* kFieldManager = "helm";

struct Resource {
  Json object;
  const api::ResourceInfo* info = nullptr;
  std::string ns;    // "" for cluster-scoped
  std::string name;
  std::string kind() const { return info ? info->gvk.kind : get_string(object, "kind"); }
  // helm's resource identity: group, kind, namespace, name.
  bool same_object(const Resource& o) const;
  // `Kind "name" in namespace "ns"` (helm's resourceString).
  std::string describe() const;
};

class KubeClient {
 public:
  KubeClient(client::Client& c, std::string default_namespace);

  client::Client& client() { return client_; }
  const std::string& default_namespace() const { return namespace_; }

  // The documents of a manifest stream as objects; namespaced objects without a namespace get
  // the default one.
  Result<std::vector<Resource>> build(const std::string& manifest);
  // Adds helm's ownership metadata (app.kubernetes.io/managed-by, meta.helm.sh/release-*).
  static void set_ownership(Resource& r, const std::string& release, const std::string& release_namespace);
  // helm's existingResourceConflict: objects that already exist must carry this release's
  // ownership metadata. Returns the ones that exist.
  Result<std::vector<Resource>> existing_conflicts(const std::vector<Resource>& resources, const std::string& release,
                                                   const std::string& release_namespace);
  // Server-side apply of the whole object.
  Status apply(const Resource& r, bool force_conflicts);
  // What helm 4 does before applying server-side to an object a client-side apply (helm 3)
  // managed: the fields of manager "helm"'s Update entries move to its Apply entry
  // (client-go's csaupgrade), so the apply takes them over instead of conflicting with them.
  Status upgrade_client_side_fields(const Resource& r);
  // POST; AlreadyExists is reported as 409.
  Status create(const Resource& r);
  Result<std::optional<Json>> get(const Resource& r);
  // Background propagation; a missing object is not an error.
  Status remove(const Resource& r);
  // Waits until every resource is ready as helm judges it (Deployments, StatefulSets,
  // DaemonSets, ReplicaSets, Jobs, Pods, PVCs, Services); others are ready once they exist.
  Status wait_ready(const std::vector<Resource>& resources, std::chrono::milliseconds timeout);
  // What a hook waits for (helm's WatchUntilReady): Pods until they succeed, Jobs until they
  // complete (a failure of either is an error); other kinds once they exist.
  Status wait_completed(const std::vector<Resource>& resources, std::chrono::milliseconds timeout);
  // Waits until a missing object is gone (hooks' before-hook-creation, deletes).
  Status wait_deleted(const Resource& r, std::chrono::milliseconds timeout);
  // CRDs: waits until each is Established and its kind resolvable.
  Status wait_crds_established(const std::vector<Resource>& crds, std::chrono::milliseconds timeout);

 private:
  Status wait_until(const std::vector<Resource>& resources, std::chrono::milliseconds timeout,
                    Result<std::string> (*state_of)(const std::string& kind, const Json& live));
  Result<const api::ResourceInfo*> resolve(const std::string& api_version, const std::string& kind);

  client::Client& client_;
  std::string namespace_;
  std::deque<api::ResourceInfo> custom_;  // resources served from CRDs, discovered on demand
};

// Readiness of one live object; "" when ready, else what is still awaited. Errors for
// terminal failures (a failed Job).
Result<std::string> readiness(const std::string& kind, const Json& live);

}  // namespace skiff::chart::release

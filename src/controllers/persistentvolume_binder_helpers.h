// Claim and volume facts the volume binder and the local-path provisioner share.
#pragma once

#include <optional>
#include <string>

#include "api/quantity.h"
#include "util/json.h"

namespace skiff::controllers {

inline constexpr const char* kSelectedNodeAnnotation = "volume.kubernetes.io/selected-node";
inline constexpr const char* kStorageProvisionerAnnotation = "volume.kubernetes.io/storage-provisioner";
inline constexpr const char* kBetaStorageProvisionerAnnotation = "volume.beta.kubernetes.io/storage-provisioner";
inline constexpr const char* kBindCompletedAnnotation = "pv.kubernetes.io/bind-completed";
inline constexpr const char* kBoundByControllerAnnotation = "pv.kubernetes.io/bound-by-controller";
inline constexpr const char* kProvisionedByAnnotation = "pv.kubernetes.io/provisioned-by";

// spec.storageClassName ("" when unset).
std::string claim_class(const Json& claim);
std::string volume_class(const Json& volume);
// spec.resources.requests.storage / spec.capacity.storage (zero when absent or malformed).
api::Quantity claim_request(const Json& claim);
api::Quantity volume_capacity(const Json& volume);
// spec.volumeMode, Filesystem when unset.
std::string volume_mode(const Json& obj);
// The string at a dotted path, "" when absent or not a string.
std::string string_at(const Json& obj, const char* path);
std::string annotation(const Json& obj, const std::string& key);
// Whether the volume's spec.claimRef names this claim (by namespace/name, and uid when set).
bool claim_ref_matches(const Json& volume, const Json& claim);
// Whether the volume fits the claim: class, access modes, volume mode, selector and size.
bool volume_fits_claim(const Json& volume, const Json& claim);

}  // namespace skiff::controllers

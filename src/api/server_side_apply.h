// Server-side apply (structured-merge-diff's Updater and the apiserver's field manager around
// it): merging an applied configuration into the live object, removing what the applier no
// longer applies, conflicts between managers, and ownership tracking for ordinary writes.
// Both entry points read and write metadata.managedFields of the objects they are given.
#pragma once

#include <string>
#include <string_view>

#include "api/managed_fields.h"
#include "api/schema.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::api {

// Which fields a write may own.
struct OwnershipScope {
  const Schema* schema = nullptr;  // the kind's top-level schema
  std::string api_version;         // "apps/v1", recorded in the entries
  std::string subresource;         // "" or "status"
  bool status_is_subresource = false;  // the main resource then owns nothing under status
};

constexpr std::string_view kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

// Applies config for manager. live: the stored object, or nullptr to create it (the result is
// then the configuration itself, owned by manager). Returns the merged object with
// metadata.managedFields updated; the caller still defaults, validates and stores it.
// Errors: 400 when config carries managedFields; 409 Conflict (causes FieldManagerConflict)
// when another manager owns a field the config changes, unless force.
// now: RFC 3339, stamped on the applier's entry when the object changes.
Result<Json> server_side_apply(const Json* live, const Json& config, const OwnershipScope& scope,
                               const std::string& manager, bool force, const std::string& now);

// Ownership after a create (live == nullptr), update or patch by manager: fields the write
// changed move to manager's Update entry. managedFields the client sent replace the live ones
// (`[{}]` clears them); objects without managedFields stay untracked until applied.
// live is borrowed, not copied: what lies outside the ownership view is moved aside during the
// call and put back. 400 when the client's managedFields are malformed.
Status track_update(Json* live, Json& updated, const OwnershipScope& scope, const std::string& manager,
                    const std::string& now);

// The manager Kubernetes records when the request names none: the User-Agent up to the first
// '/', printable characters only, at most 128 bytes.
std::string manager_from_user_agent(std::string_view user_agent);

// structured-merge-diff's Merge: config's values win; granular maps and structs merge by key,
// list maps by key and sets by value (keeping the live order around config's order), atomic
// values are replaced.
Json merge_applied(const Json& live, const Json& config, const Schema* schema);

// Removes each member of set from obj (a member's subtree goes with it).
Json remove_fields(const Json& obj, const FieldSet& set, const Schema* schema);

}  // namespace skiff::api

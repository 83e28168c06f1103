// A helm release (helm's pkg/release/v1 Release, Info and Hook) and its JSON form, the
// document helm stores in release Secrets. Fields helm writes that Skiff does not model are
// kept (extra_*) so a helm-written release survives a read-modify-write unchanged.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::chart::release {

// helm's release statuses (pkg/release/common/status.go).
inline constexpr const char* kStatusUnknown = "unknown";
inline constexpr const char* kStatusDeployed = "deployed";
inline constexpr const char* kStatusUninstalled = "uninstalled";
inline constexpr const char* kStatusSuperseded = "superseded";
inline constexpr const char* kStatusFailed = "failed";
inline constexpr const char* kStatusUninstalling = "uninstalling";
inline constexpr const char* kStatusPendingInstall = "pending-install";
inline constexpr const char* kStatusPendingUpgrade = "pending-upgrade";
inline constexpr const char* kStatusPendingRollback = "pending-rollback";

bool is_pending(const std::string& status);

struct HookExecution {
  std::string started_at;    // RFC 3339 (Go's time.Time JSON); "" for the zero time
  std::string completed_at;
  std::string phase;         // Unknown, Running, Succeeded, Failed ("" before any run)
};

struct ReleaseHook {
  std::string name;
  std::string kind;
  std::string path;
  std::string manifest;
  std::vector<std::string> events;
  HookExecution last_run;
  int weight = 0;
  std::vector<std::string> delete_policies;
  std::vector<std::string> output_log_policies;
};

struct Info {
  std::string first_deployed;  // RFC 3339 with nanoseconds; "" for the zero time
  std::string last_deployed;
  std::string deleted;
  std::string description;
  std::string status;
  std::string notes;
  Json extra = Json::object();  // resources, rollback_revision, ...: kept as read
};

struct Release {
  std::string name;
  Info info;
  Json chart;                    // helm's chart.Chart JSON (metadata, lock, templates, values, schema, files)
  Json config = Json::object();  // user-supplied values
  std::string manifest;
  std::vector<ReleaseHook> hooks;
  int version = 0;
  std::string namespace_;
  std::string apply_method;      // helm 4: "ssa" | "csa"
  // Labels of the storage object (not part of the JSON; helm's Release.Labels).
  std::map<std::string, std::string> labels;

  void set_status(const std::string& status, const std::string& description) {
    info.status = status;
    info.description = description;
  }
  std::string chart_name() const;
  std::string chart_version() const;
  std::string app_version() const;
  Json chart_values() const;
};

// encoding/json.Marshal of the Release (omitempty fields left out, as helm does).
Json release_to_json(const Release& r);
Result<Release> release_from_json(const Json& j);

// time.Now() as Go's JSON encoding writes it (RFC 3339, nanoseconds, local offset).
std::string now_timestamp();
// Go's Time.Format(time.ANSIC) ("Mon Jan  2 15:04:05 2006") in the timestamp's own offset;
// "" for "".
std::string format_ansic(const std::string& timestamp);
// Go's Time.String() ("2006-01-02 15:04:05.999999999 -0700 MST"); "-" for "".
std::string format_go_time(const std::string& timestamp);
// Seconds since the epoch; 0 for "" or a malformed stamp (orders releases by date).
double timestamp_seconds(const std::string& timestamp);

}  // namespace skiff::chart::release

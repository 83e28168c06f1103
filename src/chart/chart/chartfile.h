// Chart.yaml and Chart.lock as helm writes them (sigs.k8s.io/yaml.Marshal of the Go structs:
// JSON field names, empty fields omitted, keys sorted).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chart/chart/chart.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::chart {

// The Metadata struct as encoding/json marshals it.
Json metadata_to_json(const Metadata& md);
Json dependency_to_json(const Dependency& dep);

// yaml.Marshal(chart.Metadata): `helm show chart` and the Chart.yaml inside packages.
Result<std::string> marshal_metadata(const Metadata& md);

// A Chart.lock (helm's chart.Lock).
struct Lock {
  std::string generated;  // RFC 3339 with nanoseconds, as Go marshals time.Time
  std::string digest;     // "sha256:<hex>"
  std::vector<Dependency> dependencies;
};

Result<Lock> parse_lock(const std::string& text, const std::string& source);
Result<std::string> marshal_lock(const Lock& lock);

// helm's HashReq: "sha256:" + sha256 of json.Marshal([req, lock]) of the dependency lists.
std::string hash_requirements(const std::vector<Dependency>& req, const std::vector<Dependency>& lock);

// time.Now().Format(time.RFC3339Nano) in the local zone.
std::string now_rfc3339_nano();
// Go's time.Time RFC3339Nano form of a Unix time in nanoseconds, in the local zone.
std::string local_rfc3339_nano(int64_t unix_ns);

}  // namespace skiff::chart

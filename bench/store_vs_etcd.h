// The SQLite store against etcd 3.4 on one put/range workload: etcd runs on loopback from a
// temporary data dir and is driven over its v3 JSON gateway; the SQLite store is called in
// process through the storage::Store interface, as the API server calls it.
#pragma once

#include <string>
#include <vector>

namespace skiff::bench {

struct StoreFigures {
  std::string name;
  double puts_per_s_1 = 0;     // one client
  double p99_ms_1 = 0;
  double puts_per_s_16 = 0;    // 16 concurrent clients
  double p99_ms_16 = 0;
  double range_10k_ms = 0;     // one prefix range of 10,000 values, median of 5
  std::string error;           // set when this target could not run
};

struct StoreWorkload {
  int single_client_puts = 5000;
  int concurrent_puts = 10000;  // split among `clients`
  int clients = 16;
  std::string value;            // written under every key
};

// Runs the workload on SQLite (synchronous=NORMAL and =FULL) and on etcd when `etcd_binary`
// exists; each target gets a fresh data dir under `scratch_dir`.
std::vector<StoreFigures> compare_stores(const StoreWorkload& workload, const std::string& scratch_dir,
                                         const std::string& etcd_binary);

}  // namespace skiff::bench

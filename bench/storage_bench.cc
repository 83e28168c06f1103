// Store throughput with Kubernetes-sized objects (1 KiB values): memory and SQLite side by side,
// SQLite in both durability modes. The database lives on disk under $TMPDIR (default /tmp).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/store.h"

namespace skiff::storage {
namespace {

enum class Backend { kMemory, kSqlite, kSqliteFullSync };

class ScratchStore {
 public:
  explicit ScratchStore(Backend backend) {
    if (backend == Backend::kMemory) {
      store_ = new_memory_store();
      return;
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "skiff-bench-XXXXXX").string();
    dir_ = mkdtemp(pattern.data()) ? pattern : "";
    SqliteOptions options;
    options.sync_full = backend == Backend::kSqliteFullSync;
    auto store = open_sqlite_store(dir_ + "/bench.db", options);
    if (store.ok()) store_ = std::move(store).value();
  }
  ~ScratchStore() {
    store_.reset();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }
  Store* get() { return store_.get(); }

 private:
  std::string dir_;
  std::unique_ptr<Store> store_;
};

std::string pod_key(int64_t i) { return "/registry/pods/default/pod-" + std::to_string(i); }
const std::string kValue(1024, 'x');

// Tail latency matters as much as the mean: SQLite checkpoints the WAL inside some commits.
void report_latency(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["max_us"] = micros.back();
}

void BM_Create(benchmark::State& state, Backend backend) {
  ScratchStore scratch(backend);
  Store* store = scratch.get();
  if (!store) return state.SkipWithError("cannot open store");
  std::vector<double> micros;
  int64_t i = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    auto kv = store->create(pod_key(i++), kValue);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    if (!kv.ok()) return state.SkipWithError(kv.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
  report_latency(state, micros);
}

void BM_Update(benchmark::State& state, Backend backend) {
  ScratchStore scratch(backend);
  Store* store = scratch.get();
  if (!store) return state.SkipWithError("cannot open store");
  constexpr int64_t kKeys = 1000;
  std::vector<int64_t> revisions(kKeys);
  for (int64_t k = 0; k < kKeys; ++k) revisions[k] = store->create(pod_key(k), kValue)->mod_revision;
  int64_t i = 0;
  for (auto _ : state) {
    int64_t k = i++ % kKeys;
    auto kv = store->update(pod_key(k), kValue, revisions[k]);  // compare-and-swap, as the API server does
    if (!kv.ok()) return state.SkipWithError(kv.error().message.c_str());
    revisions[k] = kv->mod_revision;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Get(benchmark::State& state, Backend backend) {
  ScratchStore scratch(backend);
  Store* store = scratch.get();
  if (!store) return state.SkipWithError("cannot open store");
  constexpr int64_t kKeys = 10000;
  for (int64_t k = 0; k < kKeys; ++k) (void)store->create(pod_key(k), kValue);
  int64_t i = 0;
  for (auto _ : state) {
    auto kv = store->get(pod_key((i++ * 7919) % kKeys));
    if (!kv.ok() || !kv->has_value()) return state.SkipWithError("missing key");
    benchmark::DoNotOptimize(kv);
  }
  state.SetItemsProcessed(state.iterations());
}

// A LIST of one namespace's 1000 pods among 10000, each updated 5 times since compaction.
void BM_RangePrefix(benchmark::State& state, Backend backend) {
  ScratchStore scratch(backend);
  Store* store = scratch.get();
  if (!store) return state.SkipWithError("cannot open store");
  for (int64_t k = 0; k < 10000; ++k) {
    std::string key = "/registry/pods/ns" + std::to_string(k % 10) + "/pod-" + std::to_string(k);
    (void)store->create(key, kValue);
    for (int u = 0; u < 5; ++u) (void)store->update(key, kValue, 0);
  }
  std::string prefix = "/registry/pods/ns3/";
  for (auto _ : state) {
    auto r = store->range(prefix, prefix_end(prefix), {});
    if (!r.ok() || r->kvs.size() != 1000) return state.SkipWithError("wrong list");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}

BENCHMARK_CAPTURE(BM_Create, memory, Backend::kMemory)->UseRealTime();
BENCHMARK_CAPTURE(BM_Create, sqlite, Backend::kSqlite)->UseRealTime();
BENCHMARK_CAPTURE(BM_Create, sqlite_full_sync, Backend::kSqliteFullSync)->Iterations(500)->UseRealTime();
BENCHMARK_CAPTURE(BM_Update, memory, Backend::kMemory)->UseRealTime();
BENCHMARK_CAPTURE(BM_Update, sqlite, Backend::kSqlite)->UseRealTime();
BENCHMARK_CAPTURE(BM_Get, memory, Backend::kMemory)->UseRealTime();
BENCHMARK_CAPTURE(BM_Get, sqlite, Backend::kSqlite)->UseRealTime();
BENCHMARK_CAPTURE(BM_RangePrefix, memory, Backend::kMemory)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_RangePrefix, sqlite, Backend::kSqlite)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace skiff::storage

BENCHMARK_MAIN();

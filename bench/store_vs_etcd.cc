#include "store_vs_etcd.h"

#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>

#include "bench_http.h"
#include "storage/store.h"

namespace skiff::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(v.size() * p))];
}

// One client's view of a key-value target.
class KvClient {
 public:
  virtual ~KvClient() = default;
  virtual void put(const std::string& key, const std::string& value) = 0;  // throws on failure
  virtual size_t range_prefix(const std::string& prefix) = 0;               // returns the key count
};

using ClientFactory = std::function<std::unique_ptr<KvClient>()>;

class StoreClient final : public KvClient {
 public:
  explicit StoreClient(storage::Store& store) : store_(store) {}
  void put(const std::string& key, const std::string& value) override {
    auto kv = store_.create(key, value);
    if (!kv.ok()) throw std::runtime_error(kv.error().message);
  }
  size_t range_prefix(const std::string& prefix) override {
    auto r = store_.range(prefix, storage::prefix_end(prefix), {});
    if (!r.ok()) throw std::runtime_error(r.error().message);
    return r->kvs.size();
  }

 private:
  storage::Store& store_;
};

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(n);
  return out;
}

// etcd's v3 JSON gateway (grpc-gateway in front of the KV service), one keep-alive connection.
class EtcdClient final : public KvClient {
 public:
  explicit EtcdClient(int port) : http_(port, TlsFiles{}) {}
  void put(const std::string& key, const std::string& value) override {
    std::string body = R"({"key":")" + base64(key) + R"(","value":")" + base64(value) + R"("})";
    std::string reply;
    if (int code = http_.request("POST", "/v3/kv/put", body, &reply); code != 200)
      throw std::runtime_error("etcd put: HTTP " + std::to_string(code) + " " + reply);
  }
  size_t range_prefix(const std::string& prefix) override {
    std::string end = storage::prefix_end(prefix);
    std::string body = R"({"key":")" + base64(prefix) + R"(","range_end":")" + base64(end) + R"("})";
    std::string reply;
    if (int code = http_.request("POST", "/v3/kv/range", body, &reply); code != 200)
      throw std::runtime_error("etcd range: HTTP " + std::to_string(code));
    // Count the returned values rather than trusting "count" (which ignores limits).
    size_t n = 0;
    for (size_t pos = 0; (pos = reply.find("\"value\":", pos)) != std::string::npos; ++pos) ++n;
    return n;
  }

 private:
  HttpClient http_;
};

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A single-member etcd on loopback, stopped (and its data removed) on destruction.
class EtcdProcess {
 public:
  EtcdProcess(const std::string& binary, const std::string& dir) : dir_(dir) {
    fs::create_directories(dir);
    client_port_ = free_port();
    int peer_port = free_port();
    std::string client_url = "http://127.0.0.1:" + std::to_string(client_port_);
    std::string peer_url = "http://127.0.0.1:" + std::to_string(peer_port);
    std::string log = dir + "/etcd.log";
    pid_ = fork();
    if (pid_ == 0) {
      freopen(log.c_str(), "w", stderr);
      freopen(log.c_str(), "a", stdout);
      std::string data = dir + "/data";
      std::string cluster = "bench=" + peer_url;
      execl(binary.c_str(), binary.c_str(), "--name", "bench", "--data-dir", data.c_str(), "--listen-client-urls",
            client_url.c_str(), "--advertise-client-urls", client_url.c_str(), "--listen-peer-urls", peer_url.c_str(),
            "--initial-advertise-peer-urls", peer_url.c_str(), "--initial-cluster", cluster.c_str(),
            "--log-level", "error", nullptr);
      _exit(127);
    }
    auto t0 = Clock::now();
    while (ms_since(t0) < 20000) {
      try {
        HttpClient probe(client_port_, TlsFiles{});
        std::string body;
        if (probe.request("GET", "/health", "", &body) == 200 && body.find("true") != std::string::npos) return;
      } catch (...) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("etcd did not become healthy within 20 s (log: " + log + ")");
  }
  ~EtcdProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  int port() const { return client_port_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int client_port_ = 0;
};

// `clients` threads each put `per_client` keys under prefix; returns puts/s and fills latencies.
double run_puts(const ClientFactory& make, int clients, int per_client, const std::string& prefix,
                const std::string& value, std::vector<double>* latencies_ms) {
  std::vector<std::unique_ptr<KvClient>> conns;
  for (int c = 0; c < clients; ++c) conns.push_back(make());
  std::vector<std::vector<double>> lat(clients);
  std::vector<std::string> errors(clients);
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      try {
        for (int i = 0; i < per_client; ++i) {
          auto t = Clock::now();
          conns[c]->put(prefix + std::to_string(c) + "-" + std::to_string(i), value);
          lat[c].push_back(ms_since(t));
        }
      } catch (const std::exception& e) {
        errors[c] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = ms_since(t0) / 1000;
  for (auto& e : errors)
    if (!e.empty()) throw std::runtime_error(e);
  for (auto& l : lat) latencies_ms->insert(latencies_ms->end(), l.begin(), l.end());
  return clients * per_client / seconds;
}

void run_workload(const StoreWorkload& w, const ClientFactory& make, StoreFigures& f) {
  std::vector<double> lat1, lat16;
  f.puts_per_s_1 = run_puts(make, 1, w.single_client_puts, "/registry/pods/single/pod-", w.value, &lat1);
  f.p99_ms_1 = percentile(lat1, 0.99);
  f.puts_per_s_16 = run_puts(make, w.clients, w.concurrent_puts / w.clients, "/registry/pods/concurrent/pod-",
                             w.value, &lat16);
  f.p99_ms_16 = percentile(lat16, 0.99);
  auto reader = make();
  std::vector<double> range_ms;
  size_t expected = static_cast<size_t>(w.concurrent_puts / w.clients * w.clients);
  for (int i = 0; i < 5; ++i) {
    auto t0 = Clock::now();
    size_t n = reader->range_prefix("/registry/pods/concurrent/");
    range_ms.push_back(ms_since(t0));
    if (n != expected)
      throw std::runtime_error("range returned " + std::to_string(n) + " keys, expected " + std::to_string(expected));
  }
  f.range_10k_ms = percentile(range_ms, 0.5);
}

}  // namespace

std::vector<StoreFigures> compare_stores(const StoreWorkload& workload, const std::string& scratch_dir,
                                         const std::string& etcd_binary) {
  std::vector<StoreFigures> out;
  for (bool full : {false, true}) {
    StoreFigures& f = out.emplace_back();
    f.name = full ? "SQLite store, synchronous=FULL (fsync per commit)" : "SQLite store, synchronous=NORMAL (default)";
    std::string dir = scratch_dir + (full ? "/sqlite-full" : "/sqlite-normal");
    fs::create_directories(dir);
    storage::SqliteOptions options;
    options.sync_full = full;
    auto store = storage::open_sqlite_store(dir + "/store.db", options);
    if (!store.ok()) {
      f.error = store.error().message;
      continue;
    }
    try {
      run_workload(workload, [&] { return std::make_unique<StoreClient>(**store); }, f);
    } catch (const std::exception& e) {
      f.error = e.what();
    }
    store->reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  StoreFigures& f = out.emplace_back();
  f.name = "etcd 3.4 (fsync per batch), v3 JSON gateway";
  if (!fs::exists(etcd_binary)) {
    f.error = etcd_binary + " not found (Debian package etcd-server)";
    return out;
  }
  try {
    EtcdProcess etcd(etcd_binary, scratch_dir + "/etcd");
    run_workload(workload, [&] { return std::make_unique<EtcdClient>(etcd.port()); }, f);
  } catch (const std::exception& e) {
    f.error = e.what();
  }
  return out;
}

}  // namespace skiff::bench

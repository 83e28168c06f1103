// skiff-apiserver-bench: the API server's headline figures, measured against the real
// binary over HTTPS with the admin client certificate, one keep-alive client:
// startup to /readyz, idle RSS, creates/s, gets/s, and LIST of 10k ConfigMaps.
// Usage: skiff-apiserver-bench [path/to/skiff] [--creates N] [--datastore sqlite|memory]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>  // before Boost 1.74 asio, which uses std::exchange without it
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

class Client {
 public:
  // The SSL object copies the context's certificate when created, so configure the context first.
  Client(const std::string& data_dir, int port) : ctx_(client_context(data_dir)), stream_(io_, ctx_) {
    stream_.set_verify_mode(ssl::verify_peer);
    tcp::resolver resolver(io_);
    net::connect(beast::get_lowest_layer(stream_), resolver.resolve("127.0.0.1", std::to_string(port)));
    beast::get_lowest_layer(stream_).set_option(tcp::no_delay(true));
    stream_.handshake(ssl::stream_base::client);
  }

  static ssl::context client_context(const std::string& data_dir) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(data_dir + "/ca.crt");
    ctx.use_certificate_chain_file(data_dir + "/admin.crt");
    ctx.use_private_key_file(data_dir + "/admin.key", ssl::context::pem);
    return ctx;
  }

  int request(http::verb verb, const std::string& target, const std::string& body, std::string* out = nullptr) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::accept, "application/json");
    req.keep_alive(true);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
      req.prepare_payload();
    }
    http::write(stream_, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 31);
    http::read(stream_, buffer_, parser);
    if (out) *out = std::move(parser.get().body());
    return parser.get().result_int();
  }

 private:
  net::io_context io_;
  ssl::context ctx_;
  ssl::stream<tcp::socket> stream_;
  beast::flat_buffer buffer_;
};

struct Server {
  pid_t pid = -1;
  int port = 0;
  std::string data_dir;
};

std::optional<int> port_from_kubeconfig(const std::string& path) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  auto pos = s.find("https://127.0.0.1:");
  if (pos == std::string::npos) return std::nullopt;
  return std::stoi(s.substr(pos + 18));
}

// Starts the server and returns once /readyz answers 200; *ready_seconds is the time that took.
Server start_server(const std::string& binary, const std::string& data_dir, const std::string& datastore,
                    double* ready_seconds) {
  fs::remove(data_dir + "/admin.kubeconfig");
  Server s;
  s.data_dir = data_dir;
  auto t0 = Clock::now();
  s.pid = fork();
  if (s.pid == 0) {
    freopen("/dev/null", "w", stderr);
    execl(binary.c_str(), binary.c_str(), "server", "--data-dir", data_dir.c_str(), "--listen", "127.0.0.1:0",
          "--datastore", datastore.c_str(), nullptr);
    _exit(127);
  }
  while (true) {
    if (auto port = port_from_kubeconfig(data_dir + "/admin.kubeconfig")) {
      try {
        Client c(data_dir, *port);
        if (c.request(http::verb::get, "/readyz", "") == 200) {
          s.port = *port;
          break;
        }
      } catch (...) {
      }
    }
    if (seconds_since(t0) > 30) {
      std::cerr << "server did not become ready\n";
      exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  *ready_seconds = seconds_since(t0);
  return s;
}

void stop_server(Server& s) {
  kill(s.pid, SIGTERM);
  waitpid(s.pid, nullptr, 0);
}

double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

std::string configmap(const std::string& name) {
  return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
         R"(","labels":{"app":"bench"}},"data":{"key":"value","other":"some longer value for realism"}})";
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/skiff";
  std::string datastore = "sqlite";
  int creates = 5000;
  int list_size = 10000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--creates" && i + 1 < argc) creates = std::stoi(argv[++i]);
    else if (a == "--list-size" && i + 1 < argc) list_size = std::stoi(argv[++i]);
    else if (a == "--datastore" && i + 1 < argc) datastore = argv[++i];
    else binary = a;
  }
  signal(SIGPIPE, SIG_IGN);
  std::string root = (fs::temp_directory_path() / ("skiff-bench-" + std::to_string(getpid()))).string();

  // Startup: first start creates the PKI; measure warm starts (the usual case) five times.
  std::vector<double> startups;
  double first_start = 0;
  {
    Server s = start_server(binary, root + "/startup", datastore, &first_start);
    stop_server(s);
  }
  for (int i = 0; i < 5; ++i) {
    double t = 0;
    Server s = start_server(binary, root + "/startup", datastore, &t);
    startups.push_back(t);
    stop_server(s);
  }

  double ignored = 0;
  Server s = start_server(binary, root + "/load", datastore, &ignored);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  double idle_rss = rss_mib(s.pid);

  Client client(s.data_dir, s.port);
  const std::string path = "/api/v1/namespaces/default/configmaps";
  std::vector<double> create_rates, get_rates;
  int created = 0;
  for (int round = 0; round < 3; ++round) {
    auto t0 = Clock::now();
    for (int i = 0; i < creates; ++i) {
      int code = client.request(http::verb::post, path, configmap("cm-" + std::to_string(created++)));
      if (code != 201) {
        std::cerr << "create failed with " << code << "\n";
        return 1;
      }
    }
    create_rates.push_back(creates / seconds_since(t0));
    t0 = Clock::now();
    for (int i = 0; i < creates; ++i) {
      int code = client.request(http::verb::get, path + "/cm-" + std::to_string(i % created), "");
      if (code != 200) {
        std::cerr << "get failed with " << code << "\n";
        return 1;
      }
    }
    get_rates.push_back(creates / seconds_since(t0));
  }
  while (created < list_size) client.request(http::verb::post, path, configmap("cm-" + std::to_string(created++)));
  std::vector<double> list_ms;
  size_t list_bytes = 0;
  for (int i = 0; i < 5; ++i) {
    std::string body;
    auto t0 = Clock::now();
    client.request(http::verb::get, path, "", &body);
    list_ms.push_back(seconds_since(t0) * 1000);
    list_bytes = body.size();
  }
  double loaded_rss = rss_mib(s.pid);
  stop_server(s);
  fs::remove_all(root);

  std::printf("| figure | skiff (%s) | kube-apiserver 1.27 + etcd 3.4 (reference) |\n", datastore.c_str());
  std::printf("|---|---|---|\n");
  std::printf("| startup to /readyz (median of 5 warm starts) | %.3f s (first start with PKI: %.3f s) | 3.15 s |\n",
              median(startups), first_start);
  std::printf("| idle RSS | %.1f MiB | 313 MiB |\n", idle_rss);
  std::printf("| ConfigMap creates/s, one keep-alive client (median of 3 x %d) | %.0f | 789 |\n", creates,
              median(create_rates));
  std::printf("| ConfigMap gets/s, one keep-alive client (median of 3 x %d) | %.0f | - |\n", creates,
              median(get_rates));
  std::printf("| LIST of %d ConfigMaps (median of 5, %.1f MiB) | %.1f ms | 80 ms |\n", created,
              static_cast<double>(list_bytes) / (1 << 20), median(list_ms));
  std::printf("| RSS after the above | %.1f MiB | - |\n", loaded_rss);
  return 0;
}

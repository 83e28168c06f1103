#include "apiserver/api_server.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <tuple>

#include "api/crd_registry.h"
#include "apiserver/admission.h"
#include "apiserver/api_handler.h"
#include "apiserver/crd_controller.h"
#include "apiserver/http_server.h"
#include "apiserver/namespace_finalizer.h"
#include "apiserver/pki.h"
#include "apiserver/registry.h"
#include "apiserver/watch_cache.h"
#include "storage/store.h"
#include "util/log.h"

namespace skiff::apiserver {
namespace {

namespace fs = std::filesystem;

constexpr const char* kKubernetesServiceIP = "10.43.0.1";
const char* const kSystemNamespaces[] = {"default", "kube-system", "kube-public", "kube-node-lease"};

// Creates obj, or brings the stored one's `fields` to obj's (an update on a start only when the
// server's address or port changed).
Status ensure_object(Registry& registry, const api::ResourceInfo& info, const std::string& ns, const Json& obj,
                     std::initializer_list<const char*> fields) {
  const std::string name = obj["metadata"]["name"];
  auto current = registry.get(info, ns, name);
  if (!current.ok()) {
    auto created = registry.create(info, ns, obj, {});
    if (!created.ok() && created.error().reason != "AlreadyExists") return std::move(created).error();
    return ok_status();
  }
  Json updated = *current;
  for (const char* field : fields) updated[field] = obj[field];
  if (updated == *current) return ok_status();
  auto written = registry.update(info, ns, name, std::move(updated), "", {});
  if (!written.ok()) return std::move(written).error();
  return ok_status();
}

// The kubernetes Service's Endpoints and EndpointSlice: this server's address (Kubernetes'
// endpoint reconciler keeps them; the endpoints controllers leave selector-less Services alone).
Status publish_api_endpoints(Registry& registry, const std::string& address, uint16_t port) {
  const auto& schemas = registry.schemas();
  const bool v6 = address.find(':') != std::string::npos;
  const Json ports = {{{"name", "https"}, {"port", port}, {"protocol", "TCP"}}};
  Json endpoints = {{"apiVersion", "v1"},
                    {"kind", "Endpoints"},
                    {"metadata",
                     {{"name", "kubernetes"},
                      {"namespace", "default"},
                      {"labels", {{"endpointslice.kubernetes.io/skip-mirror", "true"}}}}},
                    {"subsets", {{{"addresses", {{{"ip", address}}}}, {"ports", ports}}}}};
  SKIFF_TRY(ensure_object(registry, *schemas.find_resource("", "v1", "endpoints"), "default", endpoints, {"subsets"}));
  Json slice = {{"apiVersion", "discovery.k8s.io/v1"},
                {"kind", "EndpointSlice"},
                {"metadata", {{"name", "kubernetes"}, {"namespace", "default"}, {"labels", {{"kubernetes.io/service-name", "kubernetes"}}}}},
                {"addressType", v6 ? "IPv6" : "IPv4"},
                {"endpoints", {{{"addresses", {address}}, {"conditions", {{"ready", true}}}}}},
                {"ports", ports}};
  SKIFF_TRY(ensure_object(registry, *schemas.find_resource("discovery.k8s.io", "v1", "endpointslices"), "default", slice,
                          {"endpoints", "ports"}));
  return ok_status();
}

// The objects every cluster starts with: system namespaces, the kubernetes Service and the two
// system PriorityClasses.
Status bootstrap(Registry& registry, uint16_t port) {
  const auto& schemas = registry.schemas();
  const api::ResourceInfo* namespaces = schemas.find_resource("", "v1", "namespaces");
  for (const char* ns : kSystemNamespaces) {
    if (registry.get_cached(*namespaces, "", ns).ok()) continue;
    Json obj = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}};
    auto created = registry.create(*namespaces, "", std::move(obj), {});
    if (!created.ok() && created.error().reason != "AlreadyExists") return std::move(created).error();
  }
  const api::ResourceInfo* services = schemas.find_resource("", "v1", "services");
  if (!registry.get_cached(*services, "default", "kubernetes").ok()) {
    Json svc = {{"apiVersion", "v1"},
                {"kind", "Service"},
                {"metadata",
                 {{"name", "kubernetes"},
                  {"namespace", "default"},
                  {"labels", {{"component", "apiserver"}, {"provider", "kubernetes"}}}}},
                {"spec",
                 {{"clusterIP", kKubernetesServiceIP},
                  {"type", "ClusterIP"},
                  {"sessionAffinity", "None"},
                  {"ports", {{{"name", "https"}, {"port", 443}, {"protocol", "TCP"}, {"targetPort", port}}}}}}};
    auto created = registry.create(*services, "default", std::move(svc), {});
    if (!created.ok() && created.error().reason != "AlreadyExists") return std::move(created).error();
  }
  const api::ResourceInfo* classes = schemas.find_resource("scheduling.k8s.io", "v1", "priorityclasses");
  const std::tuple<const char*, int64_t, const char*> system_classes[] = {
      {"system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their current node."},
      {"system-cluster-critical", 2000000000,
       "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."}};
  for (const auto& [name, value, description] : system_classes) {
    if (registry.get_cached(*classes, "", name).ok()) continue;
    Json pc = {{"apiVersion", "scheduling.k8s.io/v1"},
               {"kind", "PriorityClass"},
               {"metadata", {{"name", name}}},
               {"value", value},
               {"description", description},
               {"preemptionPolicy", "PreemptLowerPriority"}};
    auto created = registry.create(*classes, "", std::move(pc), {});
    if (!created.ok() && created.error().reason != "AlreadyExists") return std::move(created).error();
  }
  return ok_status();
}

// Plain HTTP needs no credentials: the kubeconfig only names the server.
Status write_plain_kubeconfig(const std::string& path, const std::string& url) {
  std::error_code ec;
  auto parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  std::string text = "apiVersion: v1\nkind: Config\nclusters:\n- name: skiff\n  cluster:\n    server: " + url +
                     "\ncontexts:\n- name: skiff\n  context:\n    cluster: skiff\n    user: skiff\n"
                     "current-context: skiff\nusers:\n- name: skiff\n  user: {}\n";
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) return Error::internal("cannot write " + path);
  return ok_status();
}

// Compacts the datastore's history as kube-apiserver does with etcd: every interval, forget
// everything older than the revision seen one interval earlier. Watches from before that
// get 410 Expired and relist.
class Compactor {
 public:
  Compactor(storage::Store& store, std::chrono::seconds interval) : store_(store), interval_(interval) {
    thread_ = std::thread([this] { run(); });
  }
  ~Compactor() {
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void run() {
    int64_t previous = store_.current_revision();
    std::unique_lock lk(mu_);
    while (!cv_.wait_for(lk, interval_, [this] { return stopping_; })) {
      if (previous > store_.compacted_revision()) {
        auto s = store_.compact(previous);
        if (!s.ok()) log::warn("compactor", "compacting to revision " + std::to_string(previous) + ": " + s.error().message);
      }
      previous = store_.current_revision();
    }
  }

  storage::Store& store_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

class ApiServerImpl final : public ApiServer {
 public:
  explicit ApiServerImpl(ApiServerOptions options) : options_(std::move(options)) {}
  ~ApiServerImpl() override { stop(); }

  Status start() {
    std::error_code ec;
    fs::create_directories(options_.data_dir, ec);
    if (ec) return Error::internal("cannot create data dir " + options_.data_dir + ": " + ec.message());
    fs::permissions(options_.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);

    if (options_.datastore == "memory") {
      store_ = storage::new_memory_store();
    } else if (options_.datastore == "sqlite") {
      fs::create_directories(options_.data_dir + "/db", ec);
      SKIFF_ASSIGN_OR_RETURN(store_, storage::open_sqlite_store(options_.data_dir + "/db/state.db"));
    } else {
      return Error::bad_request("unknown datastore \"" + options_.datastore + "\" (supported: sqlite, memory)");
    }
    compactor_ = std::make_unique<Compactor>(*store_, std::chrono::minutes(5));
    cache_ = std::make_unique<WatchCache>(*store_);
    SKIFF_TRY(cache_->start());
    schemas_ = std::make_unique<api::DynamicSchemaRegistry>(api::SchemaRegistry::builtin());
    registry_ = std::make_unique<Registry>(*store_, *cache_, *schemas_, SystemClock::instance());
    AdmissionOptions admission;
    admission.default_not_ready_toleration_seconds = options_.default_not_ready_toleration_seconds;
    admission.default_unreachable_toleration_seconds = options_.default_unreachable_toleration_seconds;
    SKIFF_ASSIGN_OR_RETURN(std::shared_ptr<const Admission> plugins,
                           make_admission(options_.admission_plugins.empty() ? default_admission_plugins()
                                                                             : options_.admission_plugins,
                                          *cache_, *schemas_, admission));
    registry_->set_admission(std::move(plugins));
    handler_ = std::make_unique<ApiHandler>(*registry_, SystemClock::instance());
    handler_->ready = [this] { return ready_.load(); };

    HttpServerOptions http;
    http.host = options_.listen_host;
    http.port = options_.port;
    http.tls = options_.tls;
    if (options_.tls) {
      std::vector<std::string> hosts = options_.tls_sans;
      hosts.push_back(kKubernetesServiceIP);  // pods reach the API server through the kubernetes Service
      if (options_.listen_host != "0.0.0.0" && options_.listen_host != "::") hosts.push_back(options_.listen_host);
      SKIFF_TRY(ensure_server_pki(options_.data_dir, hosts));
      PkiFiles pki = PkiFiles::in(options_.data_dir);
      http.tls_files = {pki.server_cert, pki.server_key, pki.ca_cert};
    } else if (options_.listen_host != "127.0.0.1" && options_.listen_host != "localhost" &&
               options_.listen_host != "::1") {
      return Error::bad_request("plain HTTP is only served on loopback; use TLS to listen on " +
                                options_.listen_host);
    }
    SKIFF_ASSIGN_OR_RETURN(http_, start_http_server(http, *handler_));
    handler_->server_address = client_host() + ":" + std::to_string(http_->port());

    SKIFF_TRY(bootstrap(*registry_, http_->port()));
    std::string address = client_host();
    if (address.front() == '[') address = address.substr(1, address.size() - 2);
    SKIFF_TRY(publish_api_endpoints(*registry_, address, http_->port()));
    namespaces_ = std::make_unique<NamespaceFinalizer>(*registry_);
    namespaces_->start();
    crds_ = std::make_unique<CrdController>(*registry_, *schemas_, SystemClock::instance());
    crds_->start();

    std::vector<std::string> paths = options_.write_kubeconfig;
    paths.insert(paths.begin(), options_.data_dir + "/admin.kubeconfig");
    for (const auto& p : paths) {
      if (options_.tls) SKIFF_TRY(write_kubeconfig(p, url(), options_.data_dir));
      else SKIFF_TRY(write_plain_kubeconfig(p, url()));
    }
    ready_ = true;
    log::info("apiserver", "serving on " + url() + " (datastore " + options_.datastore + ", data " +
                               options_.data_dir + ")");
    return ok_status();
  }

  uint16_t port() const override { return http_ ? http_->port() : 0; }
  std::string url() const override {
    return std::string(options_.tls ? "https://" : "http://") + client_host() + ":" + std::to_string(port());
  }
  Registry& registry() override { return *registry_; }
  void set_pod_log_source(std::shared_ptr<PodLogSource> source) override {
    handler_->set_pod_log_source(std::move(source));
  }
  void set_container_stream_source(std::shared_ptr<ContainerStreamSource> source) override {
    handler_->set_container_stream_source(std::move(source));
  }

  void stop() override {
    ready_ = false;
    if (namespaces_) namespaces_->stop();
    if (crds_) crds_->stop();
    if (http_) http_->stop();
  }

 private:
  std::string client_host() const {
    const auto& h = options_.listen_host;
    if (h == "0.0.0.0" || h.empty()) return "127.0.0.1";
    if (h == "::") return "[::1]";
    if (h.find(':') != std::string::npos) return "[" + h + "]";
    return h;
  }

  ApiServerOptions options_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Compactor> compactor_;
  std::unique_ptr<WatchCache> cache_;
  std::unique_ptr<api::DynamicSchemaRegistry> schemas_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<ApiHandler> handler_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<NamespaceFinalizer> namespaces_;
  std::unique_ptr<CrdController> crds_;
  std::atomic<bool> ready_{false};
};

}  // namespace

Result<std::unique_ptr<ApiServer>> ApiServer::start(const ApiServerOptions& options) {
  auto server = std::make_unique<ApiServerImpl>(options);
  SKIFF_TRY(server->start());
  return std::unique_ptr<ApiServer>(std::move(server));
}

}  // namespace skiff::apiserver

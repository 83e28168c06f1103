#include "support/test_cluster.h"

#include <gtest/gtest.h>

#include <thread>

#include "apiserver/admission.h"
#include "apiserver/in_process_client.h"
#include "apiserver/registry.h"
#include "apiserver/watch_cache.h"
#include "storage/store.h"

namespace skiff::testing {

struct TestCluster::Parts {
  std::unique_ptr<storage::Store> store = storage::new_memory_store();
  std::unique_ptr<apiserver::WatchCache> cache;
  std::unique_ptr<apiserver::Registry> registry;
  std::unique_ptr<client::Client> client;
};

TestCluster::TestCluster() : parts_(std::make_unique<Parts>()) {
  parts_->cache = std::make_unique<apiserver::WatchCache>(*parts_->store);
  auto started = parts_->cache->start();
  EXPECT_TRUE(started.ok());
  parts_->registry = std::make_unique<apiserver::Registry>(*parts_->store, *parts_->cache,
                                                           api::SchemaRegistry::builtin(), SystemClock::instance());
  parts_->client = apiserver::new_in_process_client(*parts_->registry, "test");
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"})
    create("", "v1", "namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
}

TestCluster::~TestCluster() = default;

client::Client& TestCluster::client() { return *parts_->client; }
apiserver::Registry& TestCluster::registry() { return *parts_->registry; }

std::shared_ptr<const apiserver::Admission> TestCluster::enable_admission(const std::vector<std::string>& plugins) {
  return enable_admission(plugins, {});
}

std::shared_ptr<const apiserver::Admission> TestCluster::enable_admission(const std::vector<std::string>& plugins,
                                                                          const apiserver::AdmissionOptions& options) {
  auto made = apiserver::make_admission(plugins, *parts_->cache, api::SchemaRegistry::builtin(), options);
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
  if (!made.ok()) return nullptr;
  std::shared_ptr<const apiserver::Admission> admission(std::move(made).value());
  parts_->registry->set_admission(admission);
  return admission;
}

Json TestCluster::create(std::string_view group, std::string_view version, std::string_view plural,
                         const Json& obj) {
  const auto& r = client().resource(group, version, plural);
  std::string ns = obj.contains("metadata") ? obj["metadata"].value("namespace", "") : "";
  if (r.namespaced && ns.empty()) ns = "default";
  auto created = client().create(r, ns, obj);
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
  return created.ok() ? *created : Json();
}

Json TestCluster::get(std::string_view group, std::string_view version, std::string_view plural,
                      const std::string& ns, const std::string& name) {
  auto got = client().get(client().resource(group, version, plural), ns, name);
  EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().message);
  return got.ok() ? *got : Json();
}

std::vector<Json> TestCluster::list(std::string_view group, std::string_view version, std::string_view plural,
                                    const std::string& ns, const std::string& label_selector) {
  client::ListOptions opts;
  opts.label_selector = label_selector;
  auto listed = client().list(client().resource(group, version, plural), ns, opts);
  EXPECT_TRUE(listed.ok()) << (listed.ok() ? "" : listed.error().message);
  std::vector<Json> out;
  if (listed.ok())
    for (const auto& item : listed->items) out.push_back(*item);
  return out;
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace skiff::testing

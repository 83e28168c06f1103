// The "serviceaccount" controller: a `default` ServiceAccount in every active namespace,
// recreated when deleted (kube's serviceaccounts controller).
#include "client/work_queue.h"
#include "controllers/controller.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

constexpr const char* kDefaultName = "default";

class ServiceAccountsController final : public Controller {
 public:
  explicit ServiceAccountsController(ControllerContext& ctx)
      : ctx_(ctx),
        namespaces_(ctx.informers.informer("", "v1", "namespaces")),
        accounts_(ctx.informers.informer("", "v1", "serviceaccounts")),
        queue_("serviceaccount") {
    auto ns_changed = [this](const client::ObjectPtr& ns) { queue_.add(name_of(*ns)); };
    namespaces_.add_handler({ns_changed, [ns_changed](const auto&, const auto& n) { ns_changed(n); }, nullptr});
    accounts_.add_handler({nullptr, nullptr, [this](const client::ObjectPtr& sa) {
                             if (name_of(*sa) == kDefaultName) queue_.add(namespace_of(*sa));
                           }});
  }

  void run() override {
    pool_ = std::make_unique<client::WorkerPool>(queue_, ctx_.options.workers,
                                                 [this](const std::string& ns) { return reconcile(ns); });
  }
  void stop() override { pool_.reset(); }

 private:
  client::ReconcileResult reconcile(const std::string& ns) {
    client::ObjectPtr namespace_obj = namespaces_.get(ns);
    if (!namespace_obj || being_deleted(*namespace_obj)) return {};
    if (find_path(*namespace_obj, "status.phase") && (*namespace_obj)["status"]["phase"] == "Terminating") return {};
    if (accounts_.get(ns, kDefaultName)) return {};
    Json sa = {{"apiVersion", "v1"},
               {"kind", "ServiceAccount"},
               {"metadata", {{"name", kDefaultName}, {"namespace", ns}}}};
    auto created = ctx_.client.create(ctx_.client.resource("", "v1", "serviceaccounts"), ns, std::move(sa));
    // AlreadyExists: the informer has not caught up; Forbidden: the namespace is terminating.
    if (!created.ok() && created.error().code != 409 && created.error().code != 403) return {.requeue = true};
    return {};
  }

  ControllerContext& ctx_;
  client::Informer& namespaces_;
  client::Informer& accounts_;
  client::WorkQueue queue_;
  std::unique_ptr<client::WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Controller> serviceaccount(ControllerContext& ctx) {
  return std::make_unique<ServiceAccountsController>(ctx);
}

}  // namespace skiff::controllers

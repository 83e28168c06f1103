#include <gtest/gtest.h>

#include "infra_harness.h"

namespace skiff::controllers {
namespace {

using skiff::testing::eventually;
using testing::Harness;

TEST(ServiceAccountsController, CreatesDefaultInExistingAndNewNamespaces) {
  Harness h({"serviceaccount"});
  EXPECT_TRUE(eventually([&] { return !h.get_or_null("", "v1", "serviceaccounts", "default", "default").is_null(); }));
  EXPECT_TRUE(
      eventually([&] { return !h.get_or_null("", "v1", "serviceaccounts", "kube-system", "default").is_null(); }));
  h.cluster().create("", "v1", "namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}});
  EXPECT_TRUE(eventually([&] { return !h.get_or_null("", "v1", "serviceaccounts", "team", "default").is_null(); }));
}

TEST(ServiceAccountsController, RecreatesADeletedDefaultAccount) {
  Harness h({"serviceaccount"});
  ASSERT_TRUE(eventually([&] { return !h.get_or_null("", "v1", "serviceaccounts", "default", "default").is_null(); }));
  std::string old_uid = h.get_or_null("", "v1", "serviceaccounts", "default", "default")["metadata"]["uid"];
  ASSERT_TRUE(h.client().remove(h.resource("", "v1", "serviceaccounts"), "default", "default").ok());
  EXPECT_TRUE(eventually([&] {
    Json sa = h.get_or_null("", "v1", "serviceaccounts", "default", "default");
    return !sa.is_null() && sa["metadata"]["uid"] != old_uid;
  }));
}

}  // namespace
}  // namespace skiff::controllers

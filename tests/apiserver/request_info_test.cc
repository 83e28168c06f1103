#include "apiserver/request_info.h"

#include <gtest/gtest.h>

namespace skiff::apiserver {
namespace {

RequestInfo info(const std::string& method, const std::string& path, const std::string& query = "") {
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.query = parse_query(query);
  return parse_request_info(r);
}

TEST(RequestInfo, NamespacedResourceWithSubresource) {
  auto i = info("PUT", "/apis/apps/v1/namespaces/ns/deployments/web/scale");
  EXPECT_TRUE(i.is_resource_request);
  EXPECT_EQ(i.verb, "update");
  EXPECT_EQ(i.group, "apps");
  EXPECT_EQ(i.version, "v1");
  EXPECT_EQ(i.namespace_, "ns");
  EXPECT_EQ(i.resource, "deployments");
  EXPECT_EQ(i.name, "web");
  EXPECT_EQ(i.subresource, "scale");
}

TEST(RequestInfo, NamespaceObjectAndItsStatus) {
  auto ns = info("GET", "/api/v1/namespaces/kube-system");
  EXPECT_EQ(ns.resource, "namespaces");
  EXPECT_EQ(ns.name, "kube-system");
  EXPECT_EQ(ns.verb, "get");
  auto status = info("PUT", "/api/v1/namespaces/kube-system/status");
  EXPECT_EQ(status.resource, "namespaces");
  EXPECT_EQ(status.subresource, "status");
  auto finalize = info("PUT", "/api/v1/namespaces/x/finalize");
  EXPECT_EQ(finalize.subresource, "finalize");
}

TEST(RequestInfo, ListWatchAndDeleteCollection) {
  EXPECT_EQ(info("GET", "/api/v1/pods").verb, "list");
  EXPECT_EQ(info("GET", "/api/v1/namespaces/a/pods", "watch=true").verb, "watch");
  EXPECT_EQ(info("GET", "/api/v1/watch/namespaces/a/pods").verb, "watch");
  EXPECT_EQ(info("DELETE", "/api/v1/namespaces/a/pods").verb, "deletecollection");
  EXPECT_EQ(info("DELETE", "/api/v1/namespaces/a/pods/p").verb, "delete");
  EXPECT_EQ(info("PATCH", "/api/v1/nodes/n").verb, "patch");
}

TEST(RequestInfo, DiscoveryPathsAreNotResources) {
  EXPECT_FALSE(info("GET", "/api").is_resource_request);
  EXPECT_FALSE(info("GET", "/api/v1").is_resource_request);
  EXPECT_FALSE(info("GET", "/apis/apps").is_resource_request);
  EXPECT_FALSE(info("GET", "/apis/apps/v1").is_resource_request);
  EXPECT_FALSE(info("GET", "/version").is_resource_request);
}

TEST(Query, DecodesPercentAndPlus) {
  auto q = parse_query("labelSelector=a%20in%20(b%2Cc)&x=1+2&flag");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0].second, "a in (b,c)");
  EXPECT_EQ(q[1].second, "1 2");
  EXPECT_EQ(q[2].first, "flag");
}

}  // namespace
}  // namespace skiff::apiserver

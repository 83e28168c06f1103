// Which imagePullSecrets credentials an image's pull uses: registry host, port, globs, path
// prefixes, Docker Hub's legacy key, and both docker config Secret types.
#include <gtest/gtest.h>

#include "agent/cri/image_pull_secrets.h"
#include "util/encoding.h"

namespace skiff::agent::cri {
namespace {

Json dockerconfigjson(const Json& auths) {
  return {{"type", "kubernetes.io/dockerconfigjson"},
          {"data", {{".dockerconfigjson", base64_encode(Json{{"auths", auths}}.dump())}}}};
}

Json entry(const std::string& user, const std::string& password) {
  return {{"username", user}, {"password", password}, {"auth", base64_encode(user + ":" + password)}};
}

std::vector<std::string> users(const std::vector<AuthConfig>& credentials) {
  std::vector<std::string> out;
  for (const auto& c : credentials) out.push_back(c.username + ":" + c.password);
  return out;
}

using Users = std::vector<std::string>;

TEST(ImagePullSecretsTest, MatchesTheRegistryHostAndPort) {
  std::vector<Json> secrets = {dockerconfigjson({{"127.0.0.1:5000", entry("local", "pw")},
                                                 {"https://registry.example.com", entry("example", "pw2")}})};
  EXPECT_EQ(users(registry_credentials("127.0.0.1:5000/library/busybox:1.36", secrets)), Users{"local:pw"});
  EXPECT_EQ(users(registry_credentials("registry.example.com/app@sha256:abc", secrets)), Users{"example:pw2"});
  EXPECT_TRUE(registry_credentials("127.0.0.1:5001/library/busybox", secrets).empty()) << "another port";
  EXPECT_TRUE(registry_credentials("registry.example.com:443/app", secrets).empty());
  EXPECT_TRUE(registry_credentials("busybox", secrets).empty());
}

TEST(ImagePullSecretsTest, GlobsMatchOneLabelAndPathsArePrefixesMostSpecificFirst) {
  std::vector<Json> secrets = {dockerconfigjson({{"*.example.com", entry("glob", "1")},
                                                 {"registry.example.com/team", entry("team", "2")},
                                                 {"registry.example.com", entry("host", "3")}})};
  EXPECT_EQ(users(registry_credentials("registry.example.com/team/app:v1", secrets)),
            (Users{"team:2", "host:3", "glob:1"}));
  EXPECT_EQ(users(registry_credentials("registry.example.com/other/app", secrets)), (Users{"host:3", "glob:1"}));
  EXPECT_EQ(users(registry_credentials("mirror.example.com/app", secrets)), Users{"glob:1"});
  EXPECT_TRUE(registry_credentials("a.b.example.com/app", secrets).empty()) << "a glob spans one DNS label";
}

TEST(ImagePullSecretsTest, DockerHubImagesUseTheLegacyIndexKey) {
  std::vector<Json> secrets = {dockerconfigjson({{"https://index.docker.io/v1/", entry("hub", "pw")}})};
  EXPECT_EQ(users(registry_credentials("busybox", secrets)), Users{"hub:pw"});
  EXPECT_EQ(users(registry_credentials("someone/tool:2", secrets)), Users{"hub:pw"});
  EXPECT_EQ(users(registry_credentials("docker.io/library/busybox:latest", secrets)), Users{"hub:pw"});
  EXPECT_TRUE(registry_credentials("quay.io/someone/tool", secrets).empty());
}

TEST(ImagePullSecretsTest, ReadsDockercfgSecretsDecodesAuthAndIgnoresOtherTypes) {
  Json dockercfg = {{"type", "kubernetes.io/dockercfg"},
                    {"data", {{".dockercfg", base64_encode(Json{{"registry.local:5000", {{"auth", base64_encode("u:p:x")},
                                                                                        {"email", "a@b"}}}}
                                                                .dump())}}}};
  Json opaque = {{"type", "Opaque"}, {"data", {{".dockerconfigjson", base64_encode("{\"auths\":{}}")}}}};
  Json token_only = dockerconfigjson({{"registry.local:5000", {{"identitytoken", "id-token"}}}});
  auto credentials = registry_credentials("registry.local:5000/app", {opaque, dockercfg, token_only});
  ASSERT_EQ(credentials.size(), 2u);
  EXPECT_EQ(credentials[0].username, "u");
  EXPECT_EQ(credentials[0].password, "p:x");
  EXPECT_EQ(credentials[1].identity_token, "id-token");
  EXPECT_TRUE(credentials[1].username.empty());
}

}  // namespace
}  // namespace skiff::agent::cri

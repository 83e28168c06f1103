// Pod volumes on the host (emptyDir, configMap, secret, persistentVolumeClaim) and the mounts containers get.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/cri/downward_api.h"
#include "agent/cri/pod_volumes.h"
#include "util/encoding.h"

namespace skiff::agent::cri {
namespace {

namespace fs = std::filesystem;

class PodVolumesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/skiff-volumes-test-XXXXXX";
    root_ = mkdtemp(dir);
    context_.pods_root = root_;
    pv_dir_ = root_ + "/storage/pv-1";
    context_.get = [this](const std::string& resource, const std::string& ns, const std::string& name) -> Result<Json> {
      if (resource == "configmaps" && name == "files") return Json{{"data", {{"a", "alpha"}, {"b", "beta"}}}};
      if (resource == "secrets" && name == "creds") return Json{{"data", {{"token", base64_encode("t0k")}}}};
      if (resource == "persistentvolumeclaims" && name == "data-web-0")
        return Json{{"spec", {{"volumeName", "pv-1"}}}, {"status", {{"phase", "Bound"}}}};
      if (resource == "persistentvolumeclaims" && name == "pending") return Json{{"status", {{"phase", "Pending"}}}};
      if (resource == "persistentvolumes" && ns.empty() && name == "pv-1")
        return Json{{"spec", {{"hostPath", {{"path", pv_dir_}, {"type", "DirectoryOrCreate"}}}}}};
      return Error::not_found(name);
    };
  }
  void TearDown() override { fs::remove_all(root_); }

  static int mode_of(const fs::path& p) {
    struct stat st {};
    return stat(p.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
  }

  static std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  Json pod(Json volumes) {
    return {{"metadata", {{"uid", "uid-1"}, {"namespace", "default"}}}, {"spec", {{"volumes", volumes}}}};
  }

  std::string root_;
  std::string pv_dir_;
  VolumeContext context_;
};

TEST_F(PodVolumesTest, ProjectsConfigMapItemsWithModesAndSecretsDecoded) {
  auto volumes = prepare_volumes(
      pod(Json::array({{{"name", "cfg"}, {"configMap", {{"name", "files"}, {"items", Json::array({{{"key", "b"}, {"path", "sub/b.txt"}, {"mode", 0600}}})}}}},
                       {{"name", "sec"}, {"secret", {{"secretName", "creds"}}}},
                       {{"name", "tmp"}, {"emptyDir", Json::object()}}})),
      context_);
  ASSERT_TRUE(volumes.ok()) << volumes.error().message;
  fs::path cfg = volumes->at("cfg").path;
  EXPECT_EQ(slurp(cfg / "sub/b.txt"), "beta");
  EXPECT_FALSE(fs::exists(cfg / "a"));
  struct stat st {};
  ASSERT_EQ(stat((cfg / "sub/b.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(volumes->at("cfg").read_only);
  EXPECT_EQ(slurp(fs::path(volumes->at("sec").path) / "token"), "t0k");
  EXPECT_TRUE(fs::is_directory(volumes->at("tmp").path));
  EXPECT_FALSE(volumes->at("tmp").read_only);
  EXPECT_EQ(volumes->at("tmp").path.rfind(root_ + "/uid-1/volumes/", 0), 0u);

  remove_pod_volumes(root_, "uid-1");
  EXPECT_FALSE(fs::exists(root_ + "/uid-1"));
}

TEST_F(PodVolumesTest, MissingConfigMapFailsUnlessOptional) {
  auto missing = prepare_volumes(pod(Json::array({{{"name", "cfg"}, {"configMap", {{"name", "absent"}}}}})), context_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().reason, "CreateContainerConfigError");
  EXPECT_NE(missing.error().message.find("configmap \"absent\" not found"), std::string::npos);
  auto optional = prepare_volumes(
      pod(Json::array({{{"name", "cfg"}, {"configMap", {{"name", "absent"}, {"optional", true}}}}})), context_);
  EXPECT_TRUE(optional.ok());
}

TEST_F(PodVolumesTest, MountsFollowVolumeMountsAndRejectUnknownVolumes) {
  HostVolumes volumes = {{"data", {root_ + "/data", false}}, {"cfg", {root_ + "/cfg", true}}};
  Json container = {{"volumeMounts", Json::array({{{"name", "data"}, {"mountPath", "/data"}, {"subPath", "x"}},
                                                  {{"name", "cfg"}, {"mountPath", "/etc/cfg"}}})}};
  auto mounts = container_mounts(container, volumes);
  ASSERT_TRUE(mounts.ok());
  ASSERT_EQ(mounts->size(), 2u);
  EXPECT_EQ((*mounts)[0].host_path, root_ + "/data/x");
  EXPECT_TRUE(fs::is_directory(root_ + "/data/x"));  // a missing subPath is created, as the kubelet does
  EXPECT_EQ((*mounts)[0].container_path, "/data");
  EXPECT_FALSE((*mounts)[0].readonly);
  EXPECT_TRUE((*mounts)[1].readonly);

  auto unknown = container_mounts({{"volumeMounts", Json::array({{{"name", "pvc"}, {"mountPath", "/p"}}})}}, volumes);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("not supported"), std::string::npos);
  auto escape = container_mounts(
      {{"volumeMounts", Json::array({{{"name", "data"}, {"mountPath", "/p"}, {"subPath", "../etc"}}})}}, volumes);
  EXPECT_FALSE(escape.ok());
}

TEST_F(PodVolumesTest, ClaimsMountTheirBoundVolumesDirectory) {
  auto volumes = prepare_volumes(
      pod(Json::array({{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "data-web-0"}, {"readOnly", true}}}}})),
      context_);
  ASSERT_TRUE(volumes.ok()) << volumes.error().message;
  EXPECT_EQ(volumes->at("data").path, pv_dir_);
  EXPECT_TRUE(volumes->at("data").read_only);
  EXPECT_TRUE(fs::is_directory(pv_dir_)) << "DirectoryOrCreate makes the directory";

  auto unbound = prepare_volumes(pod(Json::array({{{"name", "d"}, {"persistentVolumeClaim", {{"claimName", "pending"}}}}})),
                                 context_);
  ASSERT_FALSE(unbound.ok());
  EXPECT_NE(unbound.error().message.find("persistentvolumeclaim \"pending\" is not bound"), std::string::npos)
      << unbound.error().message;
  auto missing = prepare_volumes(pod(Json::array({{{"name", "d"}, {"persistentVolumeClaim", {{"claimName", "gone"}}}}})),
                                 context_);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("persistentvolumeclaim \"gone\" not found"), std::string::npos);
}

TEST_F(PodVolumesTest, RefreshBringsConfigMapFilesUpToDateInPlace) {
  Json data = {{"a", "one"}, {"b", "two"}};
  context_.get = [&](const std::string& resource, const std::string&, const std::string&) -> Result<Json> {
    if (resource == "configmaps") return Json{{"data", data}};
    return Error::not_found("x");
  };
  Json p = pod(Json::array({{{"name", "cfg"}, {"configMap", {{"name", "settings"}}}}}));
  auto volumes = prepare_volumes(p, context_);
  ASSERT_TRUE(volumes.ok());
  fs::path dir = volumes->at("cfg").path;
  EXPECT_EQ(slurp(dir / "a"), "one");

  data = {{"a", "uno"}, {"c", "three"}};
  ASSERT_TRUE(refresh_projected_volumes(p, context_).ok());
  EXPECT_EQ(slurp(dir / "a"), "uno");
  EXPECT_EQ(slurp(dir / "c"), "three");
  EXPECT_FALSE(fs::exists(dir / "b")) << "keys no longer in the ConfigMap go";
  EXPECT_FALSE(fs::exists(dir / "a.skiff-tmp"));
}

// A pod with labels, annotations and a container with resources, for the downward API.
Json described_pod(Json volumes) {
  return {{"metadata",
           {{"name", "web-0"},
            {"namespace", "shop"},
            {"uid", "uid-1"},
            {"labels", {{"tier", "front"}, {"app", "web"}}},
            {"annotations", {{"note", "say \"hi\"\nbye"}}}}},
          {"spec",
           {{"volumes", volumes},
            {"containers", Json::array({{{"name", "main"},
                                          {"resources", {{"requests", {{"cpu", "250m"}, {"memory", "64Mi"}}},
                                                         {"limits", {{"memory", "128Mi"}}}}}}})}}}};
}

TEST_F(PodVolumesTest, DownwardApiVolumeWritesThePodsFieldsAndResources) {
  context_.node = {4000, int64_t{8} << 30, 0};
  Json items = Json::array(
      {{{"path", "labels"}, {"fieldRef", {{"fieldPath", "metadata.labels"}}}},
       {{"path", "annotations"}, {"fieldRef", {{"fieldPath", "metadata.annotations"}}}, {"mode", 0400}},
       {{"path", "id/name"}, {"fieldRef", {{"fieldPath", "metadata.name"}}}},
       {{"path", "id/namespace"}, {"fieldRef", {{"fieldPath", "metadata.namespace"}}}},
       {{"path", "id/uid"}, {"fieldRef", {{"fieldPath", "metadata.uid"}}}},
       {{"path", "app"}, {"fieldRef", {{"fieldPath", "metadata.labels['app']"}}}},
       {{"path", "cpu_request"}, {"resourceFieldRef", {{"containerName", "main"}, {"resource", "requests.cpu"}, {"divisor", "1m"}}}},
       {{"path", "cpu_limit"}, {"resourceFieldRef", {{"containerName", "main"}, {"resource", "limits.cpu"}}}},
       {{"path", "mem_limit"}, {"resourceFieldRef", {{"containerName", "main"}, {"resource", "limits.memory"}, {"divisor", "1Mi"}}}}});
  auto volumes = prepare_volumes(
      described_pod(Json::array({{{"name", "info"}, {"downwardAPI", {{"items", items}, {"defaultMode", 0440}}}}})), context_);
  ASSERT_TRUE(volumes.ok()) << volumes.error().message;
  fs::path dir = volumes->at("info").path;
  EXPECT_TRUE(volumes->at("info").read_only);
  EXPECT_NE(dir.string().find("kubernetes.io~downward-api"), std::string::npos);
  EXPECT_EQ(slurp(dir / "labels"), "app=\"web\"\ntier=\"front\"");
  EXPECT_EQ(slurp(dir / "annotations"), "note=\"say \\\"hi\\\"\\nbye\"");
  EXPECT_EQ(slurp(dir / "id/name"), "web-0");
  EXPECT_EQ(slurp(dir / "id/namespace"), "shop");
  EXPECT_EQ(slurp(dir / "id/uid"), "uid-1");
  EXPECT_EQ(slurp(dir / "app"), "web");
  EXPECT_EQ(slurp(dir / "cpu_request"), "250");
  EXPECT_EQ(slurp(dir / "cpu_limit"), "4") << "an unset limit is the node's allocatable";
  EXPECT_EQ(slurp(dir / "mem_limit"), "128");
  EXPECT_EQ(mode_of(dir / "annotations"), 0400);
  EXPECT_EQ(mode_of(dir / "labels"), 0440);
}

TEST_F(PodVolumesTest, DownwardApiVolumeRejectsFieldsOutsideTheMetadataAndUnknownContainers) {
  auto field = prepare_volumes(described_pod(Json::array({{{"name", "info"},
      {"downwardAPI", {{"items", Json::array({{{"path", "node"}, {"fieldRef", {{"fieldPath", "spec.nodeName"}}}}})}}}}})),
                               context_);
  ASSERT_FALSE(field.ok());
  EXPECT_EQ(field.error().reason, "CreateContainerConfigError");
  EXPECT_NE(field.error().message.find("unsupported fieldPath: spec.nodeName"), std::string::npos);
  auto container = prepare_volumes(described_pod(Json::array({{{"name", "info"},
      {"downwardAPI", {{"items", Json::array({{{"path", "cpu"},
          {"resourceFieldRef", {{"containerName", "sidecar"}, {"resource", "limits.cpu"}}}}})}}}}})),
                                   context_);
  ASSERT_FALSE(container.ok());
  EXPECT_NE(container.error().message.find("container sidecar not found"), std::string::npos);
}

TEST_F(PodVolumesTest, RefreshShowsNewLabelsInTheDownwardApiVolume) {
  Json p = described_pod(Json::array({{{"name", "info"},
      {"downwardAPI", {{"items", Json::array({{{"path", "labels"}, {"fieldRef", {{"fieldPath", "metadata.labels"}}}}})}}}}}));
  auto volumes = prepare_volumes(p, context_);
  ASSERT_TRUE(volumes.ok()) << volumes.error().message;
  p["metadata"]["labels"]["tier"] = "back";
  ASSERT_TRUE(refresh_projected_volumes(p, context_).ok());
  EXPECT_EQ(slurp(fs::path(volumes->at("info").path) / "labels"), "app=\"web\"\ntier=\"back\"");
}

TEST_F(PodVolumesTest, ProjectedVolumeMergesConfigMapSecretAndDownwardApiSources) {
  Json sources = Json::array(
      {{{"configMap", {{"name", "files"}, {"items", Json::array({{{"key", "a"}, {"path", "config/a"}, {"mode", 0444}}})}}}},
       {{"secret", {{"name", "creds"}}}},
       {{"downwardAPI", {{"items", Json::array({{{"path", "pod/name"}, {"fieldRef", {{"fieldPath", "metadata.name"}}}}})}}}},
       {{"configMap", {{"name", "absent"}, {"optional", true}}}},
       {{"secret", {{"name", "creds"}, {"optional", true}, {"items", Json::array({{{"key", "nope"}, {"path", "n"}}})}}}}});
  auto volumes = prepare_volumes(
      described_pod(Json::array({{{"name", "all"}, {"projected", {{"sources", sources}, {"defaultMode", 0600}}}}})), context_);
  ASSERT_TRUE(volumes.ok()) << volumes.error().message;
  fs::path dir = volumes->at("all").path;
  EXPECT_TRUE(volumes->at("all").read_only);
  EXPECT_NE(dir.string().find("kubernetes.io~projected"), std::string::npos);
  EXPECT_EQ(slurp(dir / "config/a"), "alpha");
  EXPECT_FALSE(fs::exists(dir / "b")) << "only the listed item";
  EXPECT_EQ(slurp(dir / "token"), "t0k");
  EXPECT_EQ(slurp(dir / "pod/name"), "web-0");
  EXPECT_FALSE(fs::exists(dir / "n")) << "an optional source's missing key is left out";
  EXPECT_EQ(mode_of(dir / "config/a"), 0444);
  EXPECT_EQ(mode_of(dir / "token"), 0600);
  EXPECT_EQ(mode_of(dir / "pod/name"), 0600);
}

TEST_F(PodVolumesTest, ProjectedSourcesThatAreMissingOrUnsupportedAreConfigErrors) {
  auto projected = [&](Json source) {
    return prepare_volumes(described_pod(Json::array({{{"name", "all"}, {"projected", {{"sources", Json::array({source})}}}}})),
                           context_);
  };
  auto secret = projected({{"secret", {{"name", "absent"}}}});
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.error().message.find("secret \"absent\" not found"), std::string::npos);
  auto key = projected({{"configMap", {{"name", "files"}, {"items", Json::array({{{"key", "zzz"}, {"path", "z"}}})}}}});
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("couldn't find key zzz in ConfigMap shop/files"), std::string::npos);
  auto token = projected({{"serviceAccountToken", {{"path", "token"}, {"expirationSeconds", 3600}}}});
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().reason, "CreateContainerConfigError");
  EXPECT_EQ(token.error().message,
            "volume \"all\": service account tokens are not issued yet (Skiff has no TokenRequest API); project a "
            "secret instead");
  auto bundle = projected({{"clusterTrustBundle", {{"path", "ca.crt"}, {"name", "b"}}}});
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.error().message.find("projected source clusterTrustBundle is not supported"), std::string::npos);
}

TEST(DownwardApiTest, MapsAreSortedAndQuotedAsGoQuotesThem) {
  Json map = {{"z", "plain"}, {"b", "tab\there"}, {"a", "caf\xc3\xa9 \x01\\"}, {"m", "bad\xff"}};
  EXPECT_EQ(format_metadata_map(map), "a=\"caf\xc3\xa9 \\x01\\\\\"\nb=\"tab\\there\"\nm=\"bad\\xff\"\nz=\"plain\"");
  EXPECT_EQ(format_metadata_map(Json::object()), "");
}

TEST(DownwardApiTest, ResourceValuesRoundUpByTheDivisor) {
  Json pod = {{"spec", {{"containers", Json::array({{{"name", "c"},
      {"resources", {{"limits", {{"cpu", "1500m"}, {"memory", "100M"}}}, {"requests", {{"ephemeral-storage", "1Gi"}}}}}}})}}}};
  const Json* c = &pod["spec"]["containers"][0];
  NodeAllocatable node{8000, int64_t{16} << 30, int64_t{100} << 30};
  auto value = [&](Json ref) {
    auto r = resource_field_value(pod, c, ref, node);
    return r.ok() ? *r : "error: " + r.error().message;
  };
  EXPECT_EQ(value({{"resource", "limits.cpu"}}), "2");
  EXPECT_EQ(value({{"resource", "limits.cpu"}, {"divisor", "1m"}}), "1500");
  EXPECT_EQ(value({{"resource", "limits.memory"}, {"divisor", "1Mi"}}), "96");
  EXPECT_EQ(value({{"resource", "requests.ephemeral-storage"}, {"divisor", "1Mi"}}), "1024");
  EXPECT_EQ(value({{"resource", "limits.ephemeral-storage"}, {"divisor", "1Gi"}}), "100");
  EXPECT_EQ(value({{"resource", "requests.memory"}}), "0") << "requests do not default to the node's";
  EXPECT_EQ(value({{"resource", "limits.gpu"}}), "error: unsupported container resource : limits.gpu");
}

}  // namespace
}  // namespace skiff::agent::cri

// Pod volumes on the host (emptyDir, configMap, secret, persistentVolumeClaim) and the mounts containers get.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

}  // namespace
}  // namespace skiff::agent::cri

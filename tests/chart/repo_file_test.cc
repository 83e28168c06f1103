// repositories.yaml as helm 4.1.4 writes it, OCI references, and URL resolution for chart
// archives named in a repository index.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "chart/repo/http_get.h"
#include "chart/repo/oci_registry.h"
#include "chart/repo/repo_file.h"

namespace skiff::chart::repo {
namespace {

namespace fs = std::filesystem;

// Written by `helm repo add myrepo http://127.0.0.1:18879` then `helm repo add other
// http://127.0.0.1:18879 --username u --password p` (helm 4.1.4).
constexpr const char* kHelmRepositories = R"(apiVersion: ""
generated: "0001-01-01T00:00:00Z"
repositories:
- caFile: ""
  certFile: ""
  insecure_skip_tls_verify: false
  keyFile: ""
  name: myrepo
  pass_credentials_all: false
  password: ""
  url: http://127.0.0.1:18879
  username: ""
- caFile: ""
  certFile: ""
  insecure_skip_tls_verify: false
  keyFile: ""
  name: other
  pass_credentials_all: false
  password: p
  url: http://127.0.0.1:18879
  username: u
)";

class RepoFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("skiff-repofile-" + std::to_string(getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path dir_;
};

TEST_F(RepoFileTest, WritesWhatHelmWrites) {
  RepoFile file;
  file.update({"myrepo", "http://127.0.0.1:18879"});
  file.update({"other", "http://127.0.0.1:18879", "u", "p"});
  std::string path = (dir_ / "sub/repositories.yaml").string();
  ASSERT_TRUE(save_repo_file(file, path).ok());
  EXPECT_EQ(read(path), kHelmRepositories);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "credentials must not be world-readable";
}

TEST_F(RepoFileTest, ReadsWhatHelmWrites) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "r.yaml") << kHelmRepositories;
  auto file = load_repo_file((dir_ / "r.yaml").string());
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->repositories.size(), 2u);
  EXPECT_EQ(file->repositories[1].name, "other");
  EXPECT_EQ(file->repositories[1].username, "u");
  EXPECT_EQ(file->repositories[1].password, "p");
  ASSERT_NE(file->find("myrepo"), nullptr);
  EXPECT_EQ(file->find("nope"), nullptr);
}

TEST_F(RepoFileTest, MissingFileIsEmpty) {
  auto file = load_repo_file((dir_ / "absent.yaml").string());
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->repositories.empty());
}

TEST_F(RepoFileTest, UpdateReplacesInPlaceAndRemoveDrops) {
  RepoFile file;
  file.update({"a", "http://a"});
  file.update({"b", "http://b"});
  file.update({"a", "http://a2"});
  ASSERT_EQ(file.repositories.size(), 2u);
  EXPECT_EQ(file.repositories[0].url, "http://a2");
  EXPECT_TRUE(file.remove("a"));
  EXPECT_FALSE(file.remove("a"));
  ASSERT_EQ(file.repositories.size(), 1u);
  EXPECT_EQ(file.repositories[0].name, "b");
}

TEST(OciReference, SplitsHostRepositoryAndTag) {
  auto r = parse_oci_reference("oci://127.0.0.1:5000/charts/app:1.2.3");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->host, "127.0.0.1:5000");
  EXPECT_EQ(r->repository, "charts/app");
  EXPECT_EQ(r->tag, "1.2.3");
  EXPECT_EQ(r->str(), "127.0.0.1:5000/charts/app:1.2.3");
  r = parse_oci_reference("oci://localhost:5000/app");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->repository, "app");
  EXPECT_EQ(r->tag, "");
  EXPECT_FALSE(parse_oci_reference("oci://host-only").ok());
  EXPECT_FALSE(parse_oci_reference("http://x/y").ok());
}

TEST(OciReference, DigestIsSha256OfTheBytes) {
  EXPECT_EQ(oci_digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(UrlResolve, RelativeAbsoluteAndRootedReferences) {
  EXPECT_EQ(url_resolve("http://h:1/charts/", "app-0.1.0.tgz"), "http://h:1/charts/app-0.1.0.tgz");
  EXPECT_EQ(url_resolve("http://h:1/charts/index.yaml", "app-0.1.0.tgz"), "http://h:1/charts/app-0.1.0.tgz");
  EXPECT_EQ(url_resolve("http://h:1/charts/", "/other/app.tgz"), "http://h:1/other/app.tgz");
  EXPECT_EQ(url_resolve("http://h:1/charts/", "http://x:2/app.tgz"), "http://x:2/app.tgz");
  EXPECT_EQ(url_resolve("http://h:1", "app.tgz"), "http://h:1/app.tgz");
}

}  // namespace
}  // namespace skiff::chart::repo

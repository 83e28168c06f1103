// `search repo` and chart references over repositories.yaml and cached indexes laid out as
// helm lays them out (HELM_REPOSITORY_CONFIG, HELM_REPOSITORY_CACHE/NAME-index.yaml).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "chart/action/repo_commands.h"
#include "chart/repo/index.h"

namespace skiff::chart {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStableIndex = R"(apiVersion: v1
entries:
  web:
  - name: web
    version: 1.2.0
    appVersion: "2.0"
    description: A web server
    urls: [web-1.2.0.tgz]
  - name: web
    version: 1.10.0
    appVersion: "2.1"
    description: A web server
    urls: [web-1.10.0.tgz]
  - name: web
    version: 0.9.0
    description: A web server
    urls: [web-0.9.0.tgz]
  db:
  - name: db
    version: 3.0.0
    description: Stores rows for the web tier
    keywords: [database]
    urls: [db-3.0.0.tgz]
generated: "2026-01-01T00:00:00Z"
)";

class RepoSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("skiff-search-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "cache");
    setenv("HELM_REPOSITORY_CONFIG", (dir_ / "repositories.yaml").c_str(), 1);
    setenv("HELM_REPOSITORY_CACHE", (dir_ / "cache").c_str(), 1);
    std::ofstream(dir_ / "repositories.yaml") << "apiVersion: \"\"\nrepositories:\n- name: stable\n"
                                                 "  url: http://127.0.0.1:9/stable\n- name: gone\n  url: http://127.0.0.1:9/gone\n";
    std::ofstream(dir_ / "cache/stable-index.yaml") << kStableIndex;
  }
  void TearDown() override {
    unsetenv("HELM_REPOSITORY_CONFIG");
    unsetenv("HELM_REPOSITORY_CACHE");
    fs::remove_all(dir_);
  }
  std::string search(SearchRepoOptions opts) {
    std::string notice;
    auto out = search_repo(opts, notice);
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out.ok() ? *out : "";
  }
  fs::path dir_;
};

TEST_F(RepoSearchTest, ListsTheNewestVersionOfEachChart) {
  std::string notice;
  auto out = search_repo({}, notice);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out,
            "NAME      \tCHART VERSION\tAPP VERSION\tDESCRIPTION                 \n"
            "stable/db \t3.0.0        \t           \tStores rows for the web tier\n"
            "stable/web\t1.10.0       \t2.1        \tA web server                \n");
  EXPECT_NE(notice.find("WARNING: Repo \"gone\" is corrupt or missing. Try 'helm repo update'."), std::string::npos)
      << notice;
}

TEST_F(RepoSearchTest, NameMatchesRankBeforeDescriptionMatches) {
  SearchRepoOptions o;
  o.keyword = "WEB";
  o.output = "json";
  EXPECT_EQ(search(o),
            "[{\"name\":\"stable/web\",\"version\":\"1.10.0\",\"app_version\":\"2.1\",\"description\":\"A web "
            "server\"},{\"name\":\"stable/db\",\"version\":\"3.0.0\",\"app_version\":\"\",\"description\":\"Stores "
            "rows for the web tier\"}]\n");
  o.keyword = "database";
  o.output = "yaml";
  EXPECT_EQ(search(o), "- app_version: \"\"\n  description: Stores rows for the web tier\n  name: stable/db\n  version: 3.0.0\n");
}

TEST_F(RepoSearchTest, VersionsAndConstraints) {
  SearchRepoOptions o;
  o.keyword = "stable/web";
  o.versions = true;
  o.output = "json";
  std::string all = search(o);
  EXPECT_LT(all.find("1.10.0"), all.find("1.2.0"));
  EXPECT_LT(all.find("1.2.0"), all.find("0.9.0"));
  o.versions = false;
  o.version = "<1.5";
  std::string one = search(o);
  EXPECT_NE(one.find("\"1.2.0\""), std::string::npos) << one;
  EXPECT_EQ(one.find("0.9.0"), std::string::npos) << "without --versions only the best match is listed";
  o.version = ">9";
  o.output = "table";
  EXPECT_EQ(search(o), "No results found\n");
}

TEST_F(RepoSearchTest, ChartReferenceErrorsNameTheProblem) {
  auto r = locate_chart("nowhere/web", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "repo nowhere not found");
  ChartSource pinned;
  pinned.version = "7.0.0";
  r = locate_chart("stable/web", pinned);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "chart \"web\" matching 7.0.0 not found in stable index. (try 'helm repo update'): no chart version "
            "found for web-7.0.0");
  r = locate_chart("just-a-name", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "non-absolute URLs should be in form of repo_name/path_to_chart, got: just-a-name");
  r = locate_chart("./missing-dir", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "path \"./missing-dir\" not found");
}

TEST(FindChartVersion, PreReleasesOnlyWhenTheConstraintAllowsThem) {
  auto index = repo::load_index(
      "apiVersion: v1\nentries:\n  web:\n  - {name: web, version: 2.0.0-beta.1}\n  - {name: web, version: 1.0.0}\n",
      "index.yaml");
  ASSERT_TRUE(index.ok()) << index.error().message;
  auto stable = repo::find_chart_version(*index, "web", "");
  ASSERT_TRUE(stable.ok());
  EXPECT_EQ(stable->value("version", ""), "1.0.0");
  auto devel = repo::find_chart_version(*index, "web", ">0.0.0-0");  // --devel
  ASSERT_TRUE(devel.ok());
  EXPECT_EQ(devel->value("version", ""), "2.0.0-beta.1");
  auto exact = repo::find_chart_version(*index, "web", "2.0.0-beta.1");
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->value("version", ""), "2.0.0-beta.1");
}

TEST(GeneratedReleaseName, ComesFromTheChartNameOfTheReference) {
  EXPECT_EQ(generated_release_name("stable/web").rfind("web-", 0), 0u);
  EXPECT_EQ(generated_release_name("oci://h:5000/charts/web:1.0.0").rfind("web-", 0), 0u);
  EXPECT_EQ(generated_release_name("./web-1.0.0.tgz").rfind("web-1-", 0), 0u);
}

}  // namespace
}  // namespace skiff::chart

// Chart repositories and OCI registries with `skiff chart`, against `skiff server --sim-nodes 3`:
// the walk-through from a repository served by `skiff chart serve`, repositories shared with
// the real helm 4 (same repositories.yaml and cache), `dependency update` from the served
// repository, and OCI push/pull both ways with helm 4 against a local docker-registry.
// Everything helm keeps (HOME, HELM_*) lives in a temporary directory.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "chart_cli.h"
#include "harness.h"

namespace skiff::e2e {
namespace {

namespace fs = std::filesystem;

// A process running for the length of a test (a repository or registry server).
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& log_path) {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Background() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

 private:
  pid_t pid_ = -1;
};

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool accepts_connections(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A chart whose greeting lands in a ConfigMap and whose replica count drives a Deployment.
void write_app_chart(const fs::path& dir, const std::string& version) {
  write(dir / "Chart.yaml", "apiVersion: v2\nname: app\ndescription: Greets from a ConfigMap\nversion: " + version +
                                "\nappVersion: \"1.0\"\n");
  write(dir / "values.yaml", "replicas: 1\ngreeting: hello\n");
  write(dir / "templates/deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
)");
  write(dir / "templates/config.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ .Values.greeting | quote }}
  chartVersion: {{ .Chart.Version | quote }}
)");
}

class ChartRepoTest : public ChartCliTest {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--datastore", "memory", "--sim-nodes", "3", "--disable-agent"});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    find_clients();
    root_ = fs::temp_directory_path() / ("skiff-repo-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "home");
    write_app_chart(root_ / "src/app", "0.1.0");
    write_app_chart(root_ / "src/app2", "0.2.0");
    fs::create_directories(root_ / "repo");
    ok(skiff({"package", chart("src/app"), "-d", (root_ / "repo").string()}));
    ok(skiff({"package", chart("src/app2"), "-d", (root_ / "repo").string()}));
  }
  void TearDown() override {
    repo_server_.reset();
    registry_.reset();
    fs::remove_all(root_);
  }

  std::vector<std::string> env() const override {
    std::string h = (root_ / "home").string();
    return {"KUBECONFIG=" + server_->kubeconfig(),
            "HOME=" + h,
            "HELM_CONFIG_HOME=" + h + "/config",
            "HELM_CACHE_HOME=" + h + "/cache",
            "HELM_DATA_HOME=" + h + "/data",
            "HELM_REPOSITORY_CONFIG=" + h + "/repositories.yaml",
            "HELM_REPOSITORY_CACHE=" + h + "/repository-cache",
            "HELM_REGISTRY_CONFIG=" + h + "/registry.json"};
  }
  std::string chart(const char* name) const { return (root_ / name).string(); }
  std::string greeting(const std::string& release, const std::string& ns) {
    return get_json({"get", "configmap", release + "-config", "-n", ns})["data"].value("greeting", "");
  }

  // `skiff chart serve` over root_/repo; returns its URL.
  std::string serve_repo() {
    std::string log = (root_ / "serve.log").string();
    repo_server_ = std::make_unique<Background>(
        std::vector<std::string>{SKIFF_BINARY, "chart", "serve", (root_ / "repo").string(), "--address", "127.0.0.1:0"},
        log);
    const std::string prefix = "Now serving you on ";
    for (int i = 0; i < 100; ++i) {
      std::string text = read_file(log);
      if (auto at = text.find(prefix); at != std::string::npos && text.find('\n', at) != std::string::npos) {
        std::string url = text.substr(at + prefix.size(), text.find('\n', at) - at - prefix.size());
        while (!url.empty() && url.back() == '/') url.pop_back();
        return url;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "skiff chart serve did not start: " << read_file(log);
    return "";
  }

  // docker-registry on a free loopback port with storage under root_; returns HOST:PORT.
  // `htpasswd` (a "user:bcrypt" line) turns on Basic authentication.
  std::string start_registry(const std::string& htpasswd = "") {
    if (access("/usr/bin/docker-registry", X_OK) != 0) return "";
    int port = free_port();
    std::string addr = "127.0.0.1:" + std::to_string(port);
    std::string auth;
    if (!htpasswd.empty()) {
      write(root_ / "htpasswd", htpasswd + "\n");
      auth = "auth:\n  htpasswd:\n    realm: skiff-test\n    path: " + (root_ / "htpasswd").string() + "\n";
    }
    write(root_ / "registry.yml", "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " +
                                      (root_ / "registry-data").string() + "\nhttp:\n  addr: " + addr +
                                      "\n" + auth + "log:\n  level: error\n");
    registry_ = std::make_unique<Background>(
        std::vector<std::string>{"/usr/bin/docker-registry", "serve", (root_ / "registry.yml").string()},
        (root_ / "registry.log").string());
    for (int i = 0; i < 100 && !accepts_connections(port); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return accepts_connections(port) ? addr : "";
  }

  static ServerProcess* server_;
  fs::path root_;
  std::unique_ptr<Background> repo_server_;
  std::unique_ptr<Background> registry_;
};

ServerProcess* ChartRepoTest::server_ = nullptr;

TEST_F(ChartRepoTest, WalkThroughFromServedRepository) {
  if (kubectl_.empty()) GTEST_SKIP() << "no kubectl";
  ok(skiff({"repo", "index", chart("repo")}));
  std::string url = serve_repo();
  ASSERT_FALSE(url.empty());
  EXPECT_EQ(ok(skiff({"repo", "add", "demo", url})), "\"demo\" has been added to your repositories\n");
  EXPECT_EQ(ok(skiff({"repo", "update"})),
            "Hang tight while we grab the latest from your chart repositories...\n"
            "...Successfully got an update from the \"demo\" chart repository\n"
            "Update Complete. \u2388Happy Helming!\u2388\n");
  const std::string ns = "walk";
  ok(kubectl({"create", "namespace", ns}));

  std::string out = ok(skiff({"install", "demo/app", "--generate-name", "-n", ns}));
  EXPECT_EQ(out.rfind("NAME: app-", 0), 0u) << out;
  EXPECT_NE(out.find("STATUS: deployed\nREVISION: 1\n"), std::string::npos) << out;

  out = ok(skiff({"install", "my-release", "demo/app", "--version", "0.1.0", "-n", ns, "--set", "greeting=hi"}));
  EXPECT_NE(out.find("NAME: my-release\n"), std::string::npos) << out;
  EXPECT_EQ(greeting("my-release", ns), "hi");
  write(root_ / "values.yaml", "greeting: from-file\n");
  ok(skiff({"install", "from-file", "demo/app", "-n", ns, "-f", (root_ / "values.yaml").string()}));
  EXPECT_EQ(greeting("from-file", ns), "from-file");
  EXPECT_EQ(get_json({"get", "configmap", "from-file-config", "-n", ns})["data"]["chartVersion"], "0.2.0")
      << "without --version the newest chart version is installed";

  ok(skiff({"upgrade", "my-release", "demo/app", "--version", "0.2.0", "-n", ns, "--set", "greeting=hey,replicas=2"}));
  EXPECT_EQ(greeting("my-release", ns), "hey");
  EXPECT_EQ(get_json({"get", "configmap", "my-release-config", "-n", ns})["data"]["chartVersion"], "0.2.0");
  EXPECT_EQ(get_json({"get", "deployment", "my-release-web", "-n", ns})["spec"]["replicas"], 2);

  auto rows = table(ok(skiff({"history", "my-release", "-n", ns})));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "1");
  EXPECT_EQ(rows[1][2], "superseded");
  EXPECT_EQ(rows[1][3], "app-0.1.0");
  EXPECT_EQ(rows[1][5], "Install complete");
  EXPECT_EQ(rows[2][2], "deployed");
  EXPECT_EQ(rows[2][3], "app-0.2.0");
  EXPECT_EQ(rows[2][5], "Upgrade complete");

  EXPECT_EQ(ok(skiff({"rollback", "my-release", "1", "-n", ns})), "Rollback was a success! Happy Helming!\n");
  rows = table(ok(skiff({"history", "my-release", "-n", ns})));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3][0], "3");
  EXPECT_EQ(rows[3][2], "deployed");
  EXPECT_EQ(rows[3][3], "app-0.1.0");
  EXPECT_EQ(rows[3][5], "Rollback to 1");
  EXPECT_EQ(greeting("my-release", ns), "hi");

  out = ok(skiff({"upgrade", "--install", "late", "demo/app", "-n", ns, "--set", "greeting=late"}));
  EXPECT_NE(out.find("Release \"late\" does not exist. Installing it now.\n"), std::string::npos) << out;
  EXPECT_EQ(greeting("late", ns), "late");

  rows = table(ok(skiff({"list", "-n", ns})));
  ASSERT_EQ(rows.size(), 5u);
  std::vector<std::string> names;
  for (size_t i = 1; i < rows.size(); ++i) names.push_back(rows[i][0]);
  EXPECT_NE(std::find(names.begin(), names.end(), "my-release"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "late"), names.end());

  EXPECT_EQ(ok(skiff({"uninstall", "my-release", "-n", ns})), "release \"my-release\" uninstalled\n");
  EXPECT_EQ(table(ok(skiff({"list", "-n", ns}))).size(), 4u);
}

TEST_F(ChartRepoTest, UnknownRepositoryOrVersionIsAClearErrorAndInstallsNothing) {
  std::string url = serve_repo();
  ASSERT_FALSE(url.empty());
  ok(skiff({"repo", "add", "demo", url}));
  auto r = skiff({"install", "x", "nowhere/app"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Error: INSTALLATION FAILED: repo nowhere not found\n");
  r = skiff({"install", "x", "demo/app", "--version", "9.9.9"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "Error: INSTALLATION FAILED: chart \"app\" matching 9.9.9 not found in demo index. (try 'helm repo "
            "update'): no chart version found for app-9.9.9\n");
  EXPECT_EQ(table(ok(skiff({"list", "-a"}))).size(), 1u);
}

TEST_F(ChartRepoTest, RepositoriesAreSharedWithHelm) {
  if (helm_.empty()) GTEST_SKIP() << "helm 4.1.4 not found: run scripts/fetch-helm.sh";
  std::string url = serve_repo();
  ASSERT_FALSE(url.empty());
  ok(skiff({"repo", "add", "by-skiff", url}));
  ok(helm({"repo", "add", "by-helm", url + "/"}));
  std::string listed = ok(helm({"repo", "list"}));
  EXPECT_EQ(ok(skiff({"repo", "list"})), listed);
  auto rows = table(listed);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"by-skiff", url}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"by-helm", url + "/"}));
  EXPECT_EQ(ok(skiff({"repo", "list", "-o", "json"})), ok(helm({"repo", "list", "-o", "json"})));
  EXPECT_EQ(ok(skiff({"repo", "list", "-o", "yaml"})), ok(helm({"repo", "list", "-o", "yaml"})));

  // The same index cache: each searches what the other fetched.
  EXPECT_EQ(ok(skiff({"search", "repo", "app"})), ok(helm({"search", "repo", "app"})));
  EXPECT_EQ(ok(skiff({"search", "repo", "app", "--versions"})), ok(helm({"search", "repo", "app", "--versions"})));
  EXPECT_EQ(ok(skiff({"search", "repo", "--version", "<0.2.0", "-o", "json"})),
            ok(helm({"search", "repo", "--version", "<0.2.0", "-o", "json"})));
  EXPECT_EQ(ok(skiff({"search", "repo", "nothing-like-this"})), "No results found\n");

  std::string before = read_file(root_ / "home/repositories.yaml");
  auto again = skiff({"repo", "add", "by-helm", url});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "Error: repository name (by-helm) already exists, please specify a different name\n");
  EXPECT_EQ(read_file(root_ / "home/repositories.yaml"), before) << "a refused add changed repositories.yaml";
  EXPECT_EQ(ok(skiff({"repo", "add", "by-helm", url + "/"})),
            "\"by-helm\" already exists with the same configuration, skipping\n");

  EXPECT_EQ(ok(skiff({"repo", "remove", "by-helm"})), "\"by-helm\" has been removed from your repositories\n");
  EXPECT_FALSE(fs::exists(root_ / "home/repository-cache/by-helm-index.yaml"));
  rows = table(ok(helm({"repo", "list"})));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "by-skiff");
  ok(helm({"repo", "remove", "by-skiff"}));
  auto empty = skiff({"repo", "list"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.err, "no repositories to show\n");
  auto missing = skiff({"repo", "update", "by-skiff"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "Error: no repositories found. You must add one before updating\n");
}

TEST_F(ChartRepoTest, PullShowAndTemplateByRepositoryReference) {
  std::string url = serve_repo();  // no index.yaml in the directory: serve generates one
  ASSERT_FALSE(url.empty());
  ok(skiff({"repo", "add", "demo", url}));
  fs::create_directories(root_ / "pulled");
  ok(skiff({"pull", "demo/app", "--version", "^0.1", "-d", chart("pulled")}));
  EXPECT_EQ(read_file(root_ / "pulled/app-0.1.0.tgz"), read_file(root_ / "repo/app-0.1.0.tgz"));
  ok(skiff({"pull", "app", "--repo", url, "--untar", "-d", chart("pulled")}));
  EXPECT_NE(read_file(root_ / "pulled/app/Chart.yaml").find("version: 0.2.0"), std::string::npos);
  EXPECT_NE(ok(skiff({"show", "chart", "demo/app", "--version", "0.1.0"})).find("version: 0.1.0\n"), std::string::npos);
  std::string rendered = ok(skiff({"template", "t", "app", "--repo", url, "--set", "greeting=tmpl"}));
  EXPECT_NE(rendered.find("greeting: \"tmpl\""), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("chartVersion: \"0.2.0\""), std::string::npos) << rendered;
}

TEST_F(ChartRepoTest, DependencyUpdateFromServedRepository) {
  ok(skiff({"repo", "index", chart("repo")}));
  std::string url = serve_repo();
  ASSERT_FALSE(url.empty());
  write(root_ / "parent/Chart.yaml", "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n- name: app\n"
                                     "  version: ~0.1.0\n  repository: " + url + "\n");
  write(root_ / "parent/templates/empty.yaml", "");
  std::string out = ok(skiff({"dependency", "update", chart("parent")}));
  EXPECT_NE(out.find("Saving 1 charts\n"), std::string::npos) << out;
  EXPECT_EQ(read_file(root_ / "parent/charts/app-0.1.0.tgz"), read_file(root_ / "repo/app-0.1.0.tgz"));
  std::string lock = read_file(root_ / "parent/Chart.lock");
  EXPECT_NE(lock.find("  version: 0.1.0\n"), std::string::npos) << lock;
  EXPECT_NE(lock.find("  repository: " + url + "\n"), std::string::npos) << lock;
  auto rows = table(ok(skiff({"dependency", "list", chart("parent")})));
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"app", "~0.1.0", url, "ok"}));
}

// Dependencies named by repository alias ("@name", resolved through repositories.yaml after
// helm's repository update) and from an OCI registry; `dependency build` then restores charts/
// from the lock. helm 4 reads the same lock.
TEST_F(ChartRepoTest, DependenciesByAliasAndFromOci) {
  ok(skiff({"repo", "index", chart("repo")}));
  std::string url = serve_repo();
  ASSERT_FALSE(url.empty());
  ok(skiff({"repo", "add", "demo", url}));
  std::string deps = "- name: app\n  version: ~0.1.0\n  repository: \"@demo\"\n";
  std::string registry = start_registry();
  if (!registry.empty()) {
    ok(skiff({"push", chart("repo/app-0.2.0.tgz"), "oci://" + registry + "/charts", "--plain-http"}));
    deps += "- name: app\n  alias: app-oci\n  version: \">=0.2.0\"\n  repository: oci://" + registry + "/charts\n";
  }
  write(root_ / "parent/Chart.yaml", "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n" + deps);
  write(root_ / "parent/templates/empty.yaml", "");
  std::string out = ok(skiff({"dependency", "update", chart("parent")}));
  EXPECT_NE(out.find("Hang tight while we grab the latest from your chart repositories...\n"
                     "...Successfully got an update from the \"demo\" chart repository\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(read_file(root_ / "parent/charts/app-0.1.0.tgz"), read_file(root_ / "repo/app-0.1.0.tgz"));
  std::string lock = read_file(root_ / "parent/Chart.lock");
  EXPECT_NE(lock.find("  repository: " + url + "\n  version: 0.1.0\n"), std::string::npos) << lock;
  if (!registry.empty()) {
    EXPECT_EQ(read_file(root_ / "parent/charts/app-0.2.0.tgz"), read_file(root_ / "repo/app-0.2.0.tgz"));
    EXPECT_NE(lock.find("  repository: oci://" + registry + "/charts\n  version: 0.2.0\n"), std::string::npos) << lock;
  }

  fs::remove_all(root_ / "parent/charts");
  ok(skiff({"dependency", "build", chart("parent")}));
  EXPECT_EQ(read_file(root_ / "parent/charts/app-0.1.0.tgz"), read_file(root_ / "repo/app-0.1.0.tgz"));
  if (!helm_.empty()) {
    EXPECT_EQ(ok(helm({"dependency", "list", chart("parent")})), ok(skiff({"dependency", "list", chart("parent")})));
    auto built = helm({"dependency", "build", chart("parent"), "--plain-http"});
    EXPECT_EQ(built.exit_code, 0) << "helm accepts the lock skiff wrote: " << built.err;
  }

  write(root_ / "bad/Chart.yaml", "apiVersion: v2\nname: bad\nversion: 1.0.0\ndependencies:\n"
                                   "- name: app\n  version: 0.1.0\n  repository: demo\n");
  auto bad = skiff({"dependency", "update", chart("bad")});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("no repository definition for demo. Please add them via 'helm repo add'\n"
                         "Note that repositories must be URLs or aliases."),
            std::string::npos)
      << bad.err;
}

TEST_F(ChartRepoTest, OciPushedBySkiffPullsWithHelmAndTheReverse) {
  if (helm_.empty()) GTEST_SKIP() << "helm 4.1.4 not found: run scripts/fetch-helm.sh";
  std::string registry = start_registry();
  if (registry.empty()) GTEST_SKIP() << "docker-registry not available";
  auto pushed = skiff({"push", chart("repo/app-0.1.0.tgz"), "oci://" + registry + "/skiff", "--plain-http"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_EQ(pushed.err.rfind("Pushed: " + registry + "/skiff/app:0.1.0\nDigest: sha256:", 0), 0u) << pushed.err;

  fs::create_directories(root_ / "by-helm");
  ok(helm({"pull", "oci://" + registry + "/skiff/app", "--version", "0.1.0", "--plain-http", "-d", chart("by-helm")}));
  EXPECT_EQ(read_file(root_ / "by-helm/app-0.1.0.tgz"), read_file(root_ / "repo/app-0.1.0.tgz"));
  EXPECT_EQ(ok(helm({"show", "chart", "oci://" + registry + "/skiff/app", "--plain-http"})),
            ok(skiff({"show", "chart", "oci://" + registry + "/skiff/app", "--plain-http"})));

  ok(helm({"push", chart("repo/app-0.2.0.tgz"), "oci://" + registry + "/helm", "--plain-http"}));
  fs::create_directories(root_ / "by-skiff");
  auto pulled = skiff({"pull", "oci://" + registry + "/helm/app", "--plain-http", "-d", chart("by-skiff")});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(pulled.err.rfind("Pulled: " + registry + "/helm/app:0.2.0\nDigest: sha256:", 0), 0u) << pulled.err;
  EXPECT_EQ(read_file(root_ / "by-skiff/app-0.2.0.tgz"), read_file(root_ / "repo/app-0.2.0.tgz"));

  if (kubectl_.empty()) return;
  const std::string ns = "oci";
  ok(skiff({"install", "from-oci", "oci://" + registry + "/helm/app", "--version", "0.2.0", "-n", ns,
            "--create-namespace", "--set", "greeting=oci"}));
  EXPECT_EQ(greeting("from-oci", ns), "oci");
  ok(skiff({"upgrade", "from-oci", "oci://" + registry + "/skiff/app", "--version", "0.1.0", "-n", ns}));
  EXPECT_EQ(get_json({"get", "configmap", "from-oci-config", "-n", ns})["data"]["chartVersion"], "0.1.0");
  auto missing = skiff({"pull", "oci://" + registry + "/helm/app", "--version", "7.0.0"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "Error: could not locate a version matching provided version string 7.0.0\n");
}

TEST_F(ChartRepoTest, RegistryLoginIsSharedWithHelm) {
  if (helm_.empty()) GTEST_SKIP() << "helm 4.1.4 not found: run scripts/fetch-helm.sh";
  // The bcrypt line comes from sprig's htpasswd, rendered by skiff itself.
  write(root_ / "pw/Chart.yaml", "apiVersion: v2\nname: pw\nversion: 0.1.0\n");
  write(root_ / "pw/templates/pw.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pw\ndata:\n  line: {{ htpasswd \"tester\" \"s3cret\" | quote }}\n");
  std::string rendered = ok(skiff({"template", chart("pw")}));
  auto from = rendered.find("tester:");
  ASSERT_NE(from, std::string::npos) << rendered;
  std::string line = rendered.substr(from, rendered.find('"', from) - from);
  std::string registry = start_registry(line);
  if (registry.empty()) GTEST_SKIP() << "docker-registry not available";
  const std::string remote = "oci://" + registry + "/private";

  auto refused = skiff({"push", chart("repo/app-0.1.0.tgz"), remote});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("401"), std::string::npos) << refused.err;
  auto bad = skiff({"registry", "login", registry, "-u", "tester", "-p", "wrong"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "Error: authenticating to \"" + registry + "\": GET \"http://" + registry +
                         "/v2/\": response status code 401: unauthorized: authentication required\n");
  auto login = skiff({"registry", "login", registry, "-u", "tester", "-p", "s3cret"});
  ASSERT_EQ(login.exit_code, 0) << login.err;
  EXPECT_EQ(login.err, "Login Succeeded\n");

  // helm uses the credentials skiff stored, and skiff those helm uses.
  ok(skiff({"push", chart("repo/app-0.1.0.tgz"), remote}));
  ok(helm({"push", chart("repo/app-0.2.0.tgz"), remote, "--plain-http"}));
  fs::create_directories(root_ / "got");
  ok(helm({"pull", remote + "/app", "--version", "0.1.0", "--plain-http", "-d", chart("got")}));
  ok(skiff({"pull", remote + "/app", "-d", chart("got")}));
  EXPECT_EQ(read_file(root_ / "got/app-0.1.0.tgz"), read_file(root_ / "repo/app-0.1.0.tgz"));
  EXPECT_EQ(read_file(root_ / "got/app-0.2.0.tgz"), read_file(root_ / "repo/app-0.2.0.tgz"));

  ok(helm({"registry", "logout", registry}));
  auto after = skiff({"pull", remote + "/app", "-d", chart("got")});
  EXPECT_EQ(after.exit_code, 1) << "credentials removed by helm were still used";
}

}  // namespace
}  // namespace skiff::e2e

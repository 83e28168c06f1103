// Images without a registry, end to end: `skiff image import` and `skiff image ls` against a private
// containerd (scripts/containerd-test-env.sh), archives in DATA_DIR/images/ imported when the server's
// node agent starts, and pods that run those images with imagePullPolicy: Never. The archives are made
// from the test image with skopeo (oci-archive: and docker-archive:). Built only with SKIFF_CRI.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "containerd_env.h"
#include "harness.h"

namespace skiff::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Names the registry does not have: a pod with imagePullPolicy: Never can only run them once imported.
const std::string kImportedImage = "example.com/airgap/busybox:v1";
const std::string kBootImage = "example.com/airgap/boot:v1";

class ImagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_.start("skiff-e2e-images");
    if (!env_.skip_reason().empty() || !env_.failure().empty()) return;
    oci_archive_ = env_.dir() + "/busybox-oci.tar";
    if (std::string why = copy_image("oci-archive:" + oci_archive_ + ":" + kImportedImage); !why.empty()) {
      setup_failure_ = why;
      return;
    }
    server_ = new ServerProcess({"--runtime", "cri", "--containerd-socket", env_.socket()});
    // Placed before the first start: the node agent imports it as it starts.
    fs::create_directories(server_->data_dir() + "/images");
    if (std::string why = copy_image("docker-archive:" + server_->data_dir() + "/images/boot.tar:" + kBootImage);
        !why.empty()) {
      setup_failure_ = why;
      return;
    }
    server_->start();
  }

  static void TearDownTestSuite() {
    if (server_) server_->stop();
    delete server_;
    server_ = nullptr;
    env_.stop();
  }

  // skopeo copy of the test image from the loopback registry; "" or why it failed.
  static std::string copy_image(const std::string& destination) {
    CommandResult r = run_command({"skopeo", "copy", "-q", "--src-tls-verify=false",
                                   "docker://" + env_["BUSYBOX_IMAGE"], destination},
                                  "", {}, 120);
    return r.exit_code == 0 ? "" : "skopeo copy to " + destination + " failed: " + r.out + r.err;
  }

  void SetUp() override {
    if (!env_.skip_reason().empty()) GTEST_SKIP() << env_.skip_reason();
    ASSERT_TRUE(env_.failure().empty()) << env_.failure();
    ASSERT_TRUE(setup_failure_.empty()) << setup_failure_;
    ASSERT_NE(server_, nullptr);
    kubectl_ = std::make_unique<Kubectl>(*server_, 33);
    if (!kubectl_->available()) GTEST_SKIP() << "kubectl 1.33 is not installed";
    ASSERT_TRUE(wait_for(60s, [&] { return has_ready_node(*kubectl_); }))
        << "no Ready node; server log:\n" << read_file(server_->log_path());
  }

  const Kubectl& k() const { return *kubectl_; }
  std::string socket() const { return env_.socket(); }

  CommandResult skiff(std::vector<std::string> args) const {
    args.insert(args.begin(), SKIFF_BINARY);
    return run_command(args, "", {}, 120);
  }

  // `skiff image ls -q`: one NAME:TAG a line.
  std::string listed_images() const { return skiff({"image", "ls", "-q", "--containerd-socket", socket()}).out; }

  Json get_json(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = args;
    argv.insert(argv.end(), {"-o", "json"});
    CommandResult r = (*kubectl_)(argv);
    if (r.exit_code != 0) return Json();
    auto parsed = parse_json(r.out);
    return parsed.ok() ? *parsed : Json();
  }

  static bool wait_for(std::chrono::seconds timeout, const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(250ms);
    }
    return done();
  }

  // A pod that can only run an image the node already has.
  void expect_pod_runs_without_pulling(const std::string& name, const std::string& image) const {
    k().ok({"apply", "-f", "-"}, "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name +
                                     "}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: main\n"
                                     "    image: " + image + "\n    imagePullPolicy: Never\n"
                                     "    command: [sleep, \"3600\"]\n");
    Json pod;
    EXPECT_TRUE(wait_for(60s, [&] {
      pod = get_json({"get", "pod", name});
      return pod["status"].value("phase", "") == "Running";
    })) << pod.dump(2);
    k()({"delete", "pod", name, "--wait=false"});
  }

  static inline std::string setup_failure_;
  static inline std::string oci_archive_;
  static inline ContainerdEnv env_;
  static inline ServerProcess* server_ = nullptr;
  std::unique_ptr<Kubectl> kubectl_;
};

TEST_F(ImagesTest, ArchiveInDataDirImagesIsImportedWhenTheServerStarts) {
  EXPECT_NE(listed_images().find(kBootImage + "\n"), std::string::npos) << listed_images();
  std::string log = read_file(server_->log_path());
  EXPECT_NE(log.find("imported 1 image archive(s) (" + kBootImage + ")"), std::string::npos) << log;
  expect_pod_runs_without_pulling("from-boot-archive", kBootImage);
}

TEST_F(ImagesTest, ImportedOciArchiveRunsAPodWithPullPolicyNever) {
  ASSERT_EQ(listed_images().find(kImportedImage), std::string::npos) << "imported before the test";
  CommandResult imported = skiff({"image", "import", oci_archive_, "--containerd-socket", socket()});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_EQ(imported.out, "imported " + kImportedImage + " (from " + oci_archive_ + ")\n");

  CommandResult table = skiff({"image", "ls", "--containerd-socket", socket()});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("IMAGE ", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("example.com/airgap/busybox "), std::string::npos) << table.out;
  expect_pod_runs_without_pulling("from-oci-archive", kImportedImage);
}

TEST_F(ImagesTest, PodWithPullPolicyNeverAndAMissingImageIsNotStarted) {
  k().ok({"apply", "-f", "-"}, "apiVersion: v1\nkind: Pod\nmetadata: {name: never-pulled}\nspec:\n  containers:\n"
                               "  - name: main\n    image: example.com/airgap/absent:v1\n    imagePullPolicy: Never\n");
  Json pod;
  EXPECT_TRUE(wait_for(60s, [&] {
    pod = get_json({"get", "pod", "never-pulled"});
    const Json* waiting = find_path(pod, "status.containerStatuses");
    return waiting && waiting->is_array() && !waiting->empty() &&
           (*waiting)[0]["state"]["waiting"].value("reason", "") == "ErrImageNeverPull";
  })) << pod.dump(2);
  k()({"delete", "pod", "never-pulled", "--wait=false"});
}

TEST_F(ImagesTest, ImportOfAnArchiveThatIsNoImageSaysWhy) {
  std::string not_image = env_.dir() + "/not-an-image.tar";
  ASSERT_EQ(run_command({"tar", "cf", not_image, "-C", env_.dir(), "env"}).exit_code, 0);
  CommandResult r = skiff({"image", "import", not_image, "--containerd-socket", socket()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not-an-image.tar is a tar archive but not an image"), std::string::npos) << r.err;

  std::string text = env_.dir() + "/text.tar";
  std::ofstream(text) << "just text\n";
  r = skiff({"image", "import", text, "--containerd-socket", socket()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("text.tar is empty or not a tar archive"), std::string::npos) << r.err;
}

TEST_F(ImagesTest, ImportWithoutContainerdNamesTheSocket) {
  std::string nowhere = env_.dir() + "/no-containerd.sock";
  CommandResult r = skiff({"image", "import", oci_archive_, "--containerd-socket", nowhere});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("containerd does not answer on " + nowhere), std::string::npos) << r.err;
  r = skiff({"image", "ls", "--containerd-socket", nowhere});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("containerd does not answer on " + nowhere), std::string::npos) << r.err;
}

TEST_F(ImagesTest, UnchangedArchiveIsNotImportedAgainWhenTheServerRestarts) {
  ASSERT_NE(listed_images().find(kBootImage + "\n"), std::string::npos);
  size_t log_before = read_file(server_->log_path()).size();
  server_->stop();
  server_->start();
  std::string log;
  EXPECT_TRUE(wait_for(30s, [&] {
    log = read_file(server_->log_path()).substr(log_before);
    return log.find("imported 0 image archive(s), 1 unchanged since their last import") != std::string::npos;
  })) << log;

  // Removed from containerd behind the agent's back: the next start imports it again.
  ASSERT_EQ(run_command({"ctr", "-a", socket(), "-n", "k8s.io", "images", "rm", kBootImage}).exit_code, 0);
  ASSERT_EQ(listed_images().find(kBootImage + "\n"), std::string::npos);
  log_before = read_file(server_->log_path()).size();
  server_->stop();
  server_->start();
  EXPECT_TRUE(wait_for(30s, [&] {
    log = read_file(server_->log_path()).substr(log_before);
    return log.find("imported 1 image archive(s) (" + kBootImage + ")") != std::string::npos;
  })) << log;
  EXPECT_NE(listed_images().find(kBootImage + "\n"), std::string::npos);
}

}  // namespace
}  // namespace skiff::e2e

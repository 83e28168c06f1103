#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>


namespace skiff::e2e {
namespace fs = std::filesystem;

namespace {

std::string make_temp_dir(const char* tag) {
  std::string tmpl = (fs::temp_directory_path() / (std::string("skiff-e2e-") + tag + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) return "";
  return buf.data();
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string shared_dir() { return SKIFF_SHARED_DIR; }

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text,
                          const std::vector<std::string>& env, int timeout_seconds) {
  CommandResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) return result;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    for (const auto& e : env) putenv(strdup(e.c_str()));
    std::vector<std::string> args = argv;
    auto cargs = c_strings(args);
    execvp(cargs[0], cargs.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::thread writer([fd = in_pipe[1], stdin_text] {
    size_t off = 0;
    while (off < stdin_text.size()) {
      ssize_t n = write(fd, stdin_text.data() + off, stdin_text.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fd);
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool timed_out = false;
  char buf[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  writer.join();
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = timed_out ? -2 : (WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return result;
}

std::string helm_path(const std::string& version) {
  const char* cache = std::getenv("SKIFF_CACHE_DIR");
  const char* home = std::getenv("HOME");
  std::string dir = cache ? cache : std::string(home ? home : "/root") + "/.cache/skiff";
  std::string p = dir + "/helm-" + version + "/helm";
  return access(p.c_str(), X_OK) == 0 ? p : "";
}

std::string kubectl_path(int minor) {
  std::string p = "/usr/lib/google-cloud-sdk/bin/kubectl.1." + std::to_string(minor);
  return access(p.c_str(), X_OK) == 0 ? p : "";
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args) : extra_args_(std::move(extra_args)) {
  data_dir_ = make_temp_dir("data");
  home_ = make_temp_dir("home");
  log_path_ = data_dir_ + "/server.log";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill9();
  std::error_code ec;
  if (!::testing::Test::HasFailure()) {
    fs::remove_all(data_dir_, ec);
    fs::remove_all(home_, ec);
  } else {
    std::fprintf(stderr, "kept server data dir for inspection: %s\n", data_dir_.c_str());
  }
}

void ServerProcess::start() {
  std::error_code ec;
  fs::remove(kubeconfig(), ec);
  std::vector<std::string> args = {SKIFF_BINARY, "server", "--data-dir", data_dir_, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    auto cargs = c_strings(args);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string cfg = read_file(kubeconfig());
    auto pos = cfg.find("://127.0.0.1:");
    if (pos != std::string::npos) {
      port_ = std::stoi(cfg.substr(pos + strlen("://127.0.0.1:")));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL() << "skiff server exited during startup; log:\n" << read_file(log_path_);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL() << "skiff server did not write its kubeconfig within 30 s; log:\n" << read_file(log_path_);
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ServerProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  kill9();
}

Kubectl::Kubectl(const ServerProcess& server, int minor) : server_(server), path_(kubectl_path(minor)) {}

CommandResult Kubectl::operator()(const std::vector<std::string>& args, const std::string& stdin_text) const {
  std::vector<std::string> argv = {path_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, stdin_text, {"KUBECONFIG=" + server_.kubeconfig(), "HOME=" + server_.home()});
}

std::string Kubectl::ok(const std::vector<std::string>& args, const std::string& stdin_text) const {
  CommandResult r = (*this)(args, stdin_text);
  std::string cmd;
  for (const auto& a : args) cmd += " " + a;
  if (r.exit_code != 0) {
    ADD_FAILURE() << "kubectl" << cmd << " exited " << r.exit_code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
  } else if (!r.err.empty()) {
    ADD_FAILURE() << "kubectl" << cmd << " printed to stderr:\n" << r.err;
  }
  return r.out;
}

ServerProcess* KubectlSuite::server_ = nullptr;

void KubectlSuite::SetUpTestSuite() {
  server_ = new ServerProcess();
  server_->start();
}

void KubectlSuite::TearDownTestSuite() {
  server_->stop();
  delete server_;
  server_ = nullptr;
}

void KubectlSuite::SetUp() {
  if (kubectl_path(GetParam()).empty()) GTEST_SKIP() << "kubectl 1." << GetParam() << " is not on this machine";
  kubectl_ = std::make_unique<Kubectl>(*server_, GetParam());
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  ns_ = "t" + std::to_string(GetParam()) + "-" + std::regex_replace(test, std::regex("[^a-zA-Z0-9]+"), "-");
  for (auto& c : ns_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ns_.size() > 58) ns_ = ns_.substr(0, 58);
  while (!ns_.empty() && ns_.back() == '-') ns_.pop_back();
  k().ok({"create", "namespace", ns_});
}

Json KubectlSuite::get_json(std::vector<std::string> args) {
  args.push_back("-o");
  args.push_back("json");
  std::string out = k().ok(args);
  auto j = parse_json(out);
  EXPECT_TRUE(j.ok()) << out;
  return j.ok() ? *j : Json();
}

}  // namespace skiff::e2e

#include "agent/cri/image_import.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "agent/cri/cri_client.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strings.h"

extern char** environ;

namespace skiff::agent::cri {
namespace {

namespace fs = std::filesystem;
constexpr const char* kLog = "image-import";
constexpr const char* kStateFile = ".imported.json";

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (argv[0] looked up in PATH) and collects both output streams.
Result<ProcessResult> run_process(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Error::internal(std::string("pipe: ") + strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Error::internal(std::string("pipe: ") + strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // The agent blocks SIGINT and SIGTERM to sigwait() for them; the child should not inherit that.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return Error::internal("running " + argv[0] + ": " + strerror(spawned));
  }
  ProcessResult result;
  std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& p : fds)
    if (p.fd >= 0) close(p.fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

bool on_path(const std::string& binary) {
  if (binary.find('/') != std::string::npos) return access(binary.c_str(), X_OK) == 0;
  const char* path = getenv("PATH");
  for (const auto& dir : split(path ? path : "/usr/bin:/bin", ':'))
    if (!dir.empty() && access((dir + "/" + binary).c_str(), X_OK) == 0) return true;
  return false;
}

// ctr waits ten seconds on a socket nobody listens on and then prints a gRPC dial error; a direct
// connect says the same at once and plainly.
Status check_socket(const std::string& address) {
  std::string path = starts_with(address, "unix://") ? address.substr(7) : address;
  sockaddr_un sa{};
  if (path.size() >= sizeof sa.sun_path) return Error::bad_request("socket path too long: " + path);
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::internal(std::string("socket: ") + strerror(errno));
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  int err = errno;
  close(fd);
  if (rc != 0)
    return Error::service_unavailable("containerd does not answer on " + path + " (" + strerror(err) +
                                      "): start containerd or pass --containerd-socket");
  return ok_status();
}

// ---- tar headers ----

constexpr size_t kBlock = 512;

uint64_t parse_octal(const char* field, size_t len) {
  uint64_t v = 0;
  for (size_t i = 0; i < len && field[i]; ++i) {
    if (field[i] == ' ') continue;
    if (field[i] < '0' || field[i] > '7') break;
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  return v;
}

uint64_t parse_size(const char* field) {
  if (static_cast<unsigned char>(field[0]) & 0x80) {  // GNU base-256 for sizes over 8 GiB
    uint64_t v = 0;
    for (size_t i = 1; i < 12; ++i) v = (v << 8) | static_cast<unsigned char>(field[i]);
    return v;
  }
  return parse_octal(field, 12);
}

bool checksum_ok(const char* header) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
  return sum == parse_octal(header + 148, 8);
}

std::string entry_name(const char* header) {
  std::string name(header, strnlen(header, 100));
  if (std::memcmp(header + 257, "ustar", 5) == 0 && header[345]) {
    name = std::string(header + 345, strnlen(header + 345, 155)) + "/" + name;
  }
  while (starts_with(name, "./")) name.erase(0, 2);
  return name;
}

std::string trimmed_ctr_message(const ProcessResult& r) {
  std::string text(trim(r.err.empty() ? r.out : r.err));
  if (auto nl = text.rfind('\n'); nl != std::string::npos) text = text.substr(nl + 1);  // the final error
  if (starts_with(text, "ctr: ")) text.erase(0, 5);
  return text.empty() ? "exit code " + std::to_string(r.exit_code) : text;
}

// ctr prints "unpacking NAME (sha256:...)...done" per image it imported.
std::vector<std::string> imported_names(const std::string& out) {
  std::vector<std::string> names;
  for (const auto& line : split(out, '\n')) {
    constexpr std::string_view kPrefix = "unpacking ";
    if (!starts_with(line, kPrefix)) continue;
    auto end = line.find(" (", kPrefix.size());
    names.push_back(line.substr(kPrefix.size(), end == std::string::npos ? std::string::npos : end - kPrefix.size()));
  }
  return names;
}

// ---- remembered imports ----

Json read_state(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return Json::object();
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = parse_json(text);
  return parsed.ok() && parsed->is_object() ? std::move(*parsed) : Json::object();
}

void write_state(const fs::path& file, const Json& state) {
  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << state.dump(2) << "\n";
    if (!out) {
      log::warn(kLog, "could not record imports in " + file.string());
      return;
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) log::warn(kLog, "could not record imports in " + file.string() + ": " + ec.message());
}

Json fingerprint(const fs::directory_entry& entry) {
  std::error_code ec;
  auto mtime = entry.last_write_time(ec).time_since_epoch().count();
  return {{"size", entry.file_size(ec)}, {"mtime", static_cast<int64_t>(mtime)}};
}

// The archive is as it was when imported, and containerd still has every image it held.
bool still_imported(const Json& recorded, const Json& print,
                    const std::function<bool(const std::string& image)>& image_present) {
  if (!recorded.is_object() || recorded.value("size", Json()) != print["size"] ||
      recorded.value("mtime", Json()) != print["mtime"])
    return false;
  Json images = recorded.value("images", Json::array());
  return std::all_of(images.begin(), images.end(), [&](const Json& image) {
    return image.is_string() && image_present(image.get<std::string>());
  });
}

}  // namespace

Result<ImageImportOptions> import_options_from_cri(CriClient& cri) {
  SKIFF_ASSIGN_OR_RETURN(auto status, cri.status(/*verbose=*/true));
  auto it = status.info.find("config");
  if (it == status.info.end()) return Error::not_found("the container runtime's status has no config");
  SKIFF_ASSIGN_OR_RETURN(auto config, parse_json(it->second));
  ImageImportOptions options;
  if (const Json* endpoint = find_path(config, "containerdEndpoint"); endpoint && endpoint->is_string())
    options.containerd_address = endpoint->get<std::string>();
  if (const Json* snapshotter = find_path(config, "containerd.snapshotter"); snapshotter && snapshotter->is_string())
    options.snapshotter = snapshotter->get<std::string>();
  if (options.containerd_address.empty())
    return Error::not_found("the container runtime does not say where containerd's API is (containerdEndpoint)");
  return options;
}

Status check_image_archive(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found(path + ": " + strerror(errno));
  std::array<char, kBlock> header{};
  bool first = true;
  while (in.read(header.data(), kBlock)) {
    if (std::all_of(header.begin(), header.end(), [](char c) { return c == 0; })) break;  // end of archive
    if (first) {
      auto b = [&](size_t i) { return static_cast<unsigned char>(header[i]); };
      if (b(0) == 0x1f && b(1) == 0x8b)
        return Error::bad_request(path + " is gzip-compressed: decompress it first (gunzip), containerd imports plain tars");
      if (b(0) == 0x28 && b(1) == 0xb5 && b(2) == 0x2f && b(3) == 0xfd)
        return Error::bad_request(path + " is zstd-compressed: decompress it first (unzstd), containerd imports plain tars");
    }
    if (!checksum_ok(header.data()))
      return Error::bad_request(path + (first ? " is not a tar archive" : " is a damaged tar archive"));
    first = false;
    std::string name = entry_name(header.data());
    char type = header[156];
    if ((type == '0' || type == '\0') && (name == "index.json" || name == "manifest.json")) return ok_status();
    uint64_t size = parse_size(header.data() + 124);
    in.seekg(static_cast<std::streamoff>((size + kBlock - 1) / kBlock * kBlock), std::ios::cur);
  }
  if (first) return Error::bad_request(path + " is empty or not a tar archive");
  return Error::bad_request(path +
                            " is a tar archive but not an image: it has neither index.json (OCI layout, e.g. "
                            "skopeo copy ... oci-archive:FILE) nor manifest.json (docker save / docker-archive)");
}

Result<std::vector<std::string>> import_image_archive(const ImageImportOptions& options, const std::string& archive) {
  SKIFF_TRY(check_image_archive(archive));
  if (!on_path(options.ctr_binary))
    return Error::service_unavailable(options.ctr_binary +
                                      " (containerd's client) is not installed: it ships with containerd "
                                      "(Debian: apt-get install containerd)");
  SKIFF_TRY(check_socket(options.containerd_address));
  std::vector<std::string> argv = {options.ctr_binary, "--address", options.containerd_address,
                                   "--namespace", options.ns, "images", "import"};
  if (!options.snapshotter.empty()) argv.insert(argv.end(), {"--snapshotter", options.snapshotter});
  argv.push_back(archive);
  SKIFF_ASSIGN_OR_RETURN(auto run, run_process(argv));
  if (run.exit_code != 0)
    return Error::bad_request("importing " + archive + " into containerd failed: " + trimmed_ctr_message(run));
  return imported_names(run.out);
}

ImageDirImport import_image_dir(const ImageImportOptions& options, const std::string& dir,
                                const std::function<bool(const std::string& image)>& image_present) {
  ImageDirImport report;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return report;
  std::vector<fs::directory_entry> archives;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file(ec) && entry.path().extension() == ".tar") archives.push_back(entry);
  std::sort(archives.begin(), archives.end());
  fs::path state_file = fs::path(dir) / kStateFile;
  Json state = read_state(state_file);
  Json next = Json::object();
  for (const auto& entry : archives) {
    std::string name = entry.path().filename().string();
    Json print = fingerprint(entry);
    if (state.contains(name) && still_imported(state[name], print, image_present)) {
      report.unchanged.push_back(name);
      next[name] = state[name];
      continue;
    }
    auto imported = import_image_archive(options, entry.path().string());
    if (!imported.ok()) {
      report.failed.push_back(name + ": " + imported.error().message);
      log::error(kLog, imported.error().message);
      continue;
    }
    log::info(kLog, "imported " + join(*imported, ", ") + " from " + entry.path().string());
    report.imported.push_back(name);
    report.images.insert(report.images.end(), imported->begin(), imported->end());
    print["images"] = *imported;
    next[name] = std::move(print);
  }
  if (next != state) write_state(state_file, next);
  return report;
}

}  // namespace skiff::agent::cri

#include "chart/chart/loader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <system_error>

#include "chart/chart/helmignore.h"
#include "chart/chart/metadata.h"
#include "chart/chart/tar_reader.h"
#include "chart/chart/yaml_values.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

// One read into a string of the file's size: charts are many small files, and stream
// buffers cost more than the reads themselves. A regular file's size is exact, so the read
// stops there (a probe for more data would double the string's capacity); files whose
// size the kernel does not know (st_size 0) are read to the end. `name` is relative to
// dir_fd (AT_FDCWD: the working directory); errors show `display`.
Result<std::string> read_file_at(int dir_fd, const char* name, const std::string& display,
                                 struct stat* st_out = nullptr) {
  int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::not_found("open " + display + ": no such file or directory");
  struct stat st {};
  bool sized = ::fstat(fd, &st) == 0 && st.st_size > 0;
  std::string data;
  if (sized) data.resize(static_cast<size_t>(st.st_size));
  size_t filled = 0;
  while (!sized || filled < data.size()) {
    if (filled == data.size()) data.resize(data.size() + 4096);
    ssize_t n = ::read(fd, data.data() + filled, data.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    filled += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(filled);
  if (st_out != nullptr) *st_out = st;
  return data;
}

Result<std::string> read_file(const fs::path& p) { return read_file_at(AT_FDCWD, p.c_str(), p.string()); }

long long mtime_ns_of(const struct stat& st) {
  return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

// Whether load_chart_files reads a file (by its path from the top chart) while loading:
// metadata, values, schema, lock files, templates and anything directly under charts/
// (archives). The rest only .Files and CRD installation read.
bool read_while_loading(std::string_view path) {
  // A subchart directory's files: classify by the path inside that subchart.
  while (path.rfind("charts/", 0) == 0) {
    std::string_view rest = path.substr(7);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return true;
    path = rest.substr(slash + 1);
  }
  return path == "Chart.yaml" || path == "Chart.lock" || path == "values.yaml" || path == "values.schema.json" ||
         path == "requirements.yaml" || path == "requirements.lock" || path.rfind("templates/", 0) == 0;
}

struct DirEntry {
  std::string name;
  unsigned char type;  // d_type
};

// An open directory, closed when it goes out of scope.
struct OpenDir {
  DIR* dir = nullptr;
  ~OpenDir() {
    if (dir != nullptr) ::closedir(dir);
  }
  int fd() const { return ::dirfd(dir); }
};

// filepath.Walk order: each directory's entries sorted by name. Files are opened relative
// to their directory (no path lookup from the root each time), and the entry types from
// the listing spare a stat per file; symlinks (followed, like helm's sympath) and unknown
// types are stat'ed. `name` is the directory relative to parent_fd.
Status walk(int parent_fd, const char* name, const std::string& top, const std::string& rel,
            const IgnoreRules& rules, const LoadOptions& options, std::vector<ChartFile>& out) {
  std::string dir_path = top + "/" + rel;
  OpenDir d;
  int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) d.dir = ::fdopendir(fd);
  if (d.dir == nullptr) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    return Error::internal("reading " + dir_path + ": " + std::generic_category().message(err));
  }
  std::vector<DirEntry> entries;
  while (const dirent* e = ::readdir(d.dir)) {
    std::string_view entry_name = e->d_name;
    if (entry_name == "." || entry_name == "..") continue;
    entries.push_back({std::string(entry_name), e->d_type});
  }
  std::sort(entries.begin(), entries.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  for (const auto& entry : entries) {
    std::string path = rel.empty() ? entry.name : rel + "/" + entry.name;
    bool is_dir = entry.type == DT_DIR;
    bool is_regular = entry.type == DT_REG;
    if (entry.type == DT_LNK || entry.type == DT_UNKNOWN) {
      struct stat st {};
      bool found = ::fstatat(d.fd(), entry.name.c_str(), &st, 0) == 0;
      is_dir = found && S_ISDIR(st.st_mode);
      is_regular = found && S_ISREG(st.st_mode);
    }
    if (rules.ignore(path, is_dir)) continue;
    if (is_dir) {
      SKIFF_TRY(walk(d.fd(), entry.name.c_str(), top, path, rules, options, out));
      continue;
    }
    std::string full = top + "/" + path;
    if (!is_regular) {
      return Error::invalid("cannot load irregular file " + full + " as it has file mode type bits set");
    }
    if (options.defer_file_contents && !read_while_loading(path)) {
      out.push_back({path, "", 0, std::move(full)});
      continue;
    }
    struct stat st {};
    SKIFF_ASSIGN_OR_RETURN(std::string data, read_file_at(d.fd(), entry.name.c_str(), full, &st));
    if (data.rfind(kUtf8Bom, 0) == 0) data.erase(0, 3);
    out.push_back({path, std::move(data), mtime_ns_of(st), ""});
  }
  return ok_status();
}

Result<std::shared_ptr<Chart>> load_dir(const fs::path& dir, const LoadOptions& options) {
  fs::path top = fs::absolute(dir).lexically_normal();
  IgnoreRules rules;
  fs::path ignore_file = top / ".helmignore";
  if (fs::exists(ignore_file)) {
    SKIFF_ASSIGN_OR_RETURN(std::string text, read_file(ignore_file));
    SKIFF_ASSIGN_OR_RETURN(rules, IgnoreRules::parse(text));
  }
  rules.add_defaults();
  std::vector<ChartFile> files;
  std::string top_dir = top.string();
  if (top_dir.size() > 1 && top_dir.back() == '/') top_dir.pop_back();  // paths below read "TOP/PATH"
  SKIFF_TRY(walk(AT_FDCWD, top_dir.c_str(), top_dir, "", rules, options, files));
  return load_chart_files(std::move(files));
}

std::string extension(const std::string& name) {
  auto dot = name.rfind('.');
  auto slash = name.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return name.substr(dot);
}

}  // namespace

std::string read_deferred_contents(const ChartFile& file) {
  if (file.deferred_path.empty()) return file.data;
  auto data = read_file(file.deferred_path);
  if (!data.ok()) return "";
  if (data->rfind(kUtf8Bom, 0) == 0) data->erase(0, 3);
  return std::move(data).value();
}

Result<std::shared_ptr<Chart>> load_chart(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Error::not_found("path \"" + path + "\" not found");
  if (fs::is_directory(path, ec)) return load_dir(path, options);
  SKIFF_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  return load_chart_archive(bytes);
}

Result<std::shared_ptr<Chart>> load_chart_detecting_version(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const std::string chart_yaml = (fs::absolute(path).lexically_normal() / "Chart.yaml").string();
    if (!fs::exists(chart_yaml, ec)) {
      return Error::not_found("unable to detect chart at " + chart_yaml + ": open " + chart_yaml +
                              ": no such file or directory");
    }
  }
  return load_chart(path, options);
}

Result<std::shared_ptr<Chart>> load_chart_files(std::vector<ChartFile> files) {
  auto c = std::make_shared<Chart>();
  bool have_metadata = false;
  for (const auto& f : files) {
    if (f.name != "Chart.yaml") continue;
    have_metadata = true;
    c->metadata_mtime_ns = f.mtime_ns;
    auto parsed = parse_yaml_json(f.data, "Chart.yaml");
    if (!parsed.ok()) return Error::invalid("cannot load Chart.yaml: " + parsed.error().message);
    Json doc = std::move(parsed).value();
    auto decoded = decode_metadata(doc, c->metadata, "Chart.yaml");
    if (!decoded.ok()) return std::move(decoded).error();
    if (c->metadata.api_version.empty()) c->metadata.api_version = "v1";
  }
  std::map<std::string, std::vector<ChartFile>> subcharts;
  for (auto& f : files) {
    const std::string& n = f.name;
    if (n == "Chart.yaml") continue;
    if (n == "Chart.lock") {
      c->lock_file = std::move(f);
      continue;
    }
    if (n == "values.yaml") {
      auto values = load_values(f.data, "values.yaml");
      if (!values.ok()) return Error::invalid("cannot load values.yaml: " + values.error().message);
      c->values = std::move(values).value();
      c->values_file = std::move(f);
    } else if (n == "values.schema.json") {
      c->schema = f.data;
      c->schema_file = std::move(f);
    } else if (n == "requirements.yaml") {
      have_metadata = true;
      if (c->metadata.api_version.empty()) c->metadata.api_version = "v1";
      SKIFF_ASSIGN_OR_RETURN(Json doc, parse_yaml_json(f.data, "requirements.yaml"));
      auto decoded = decode_metadata(doc, c->metadata, "requirements.yaml");
      if (!decoded.ok()) return std::move(decoded).error();
      if (c->metadata.api_version == "v1") c->files.push_back(std::move(f));
    } else if (n == "requirements.lock") {
      c->lock_file = f;
      if (c->metadata.api_version == "v1") c->files.push_back(std::move(f));
    } else if (n.rfind("templates/", 0) == 0) {
      c->templates.push_back(std::move(f));
    } else if (n.rfind("charts/", 0) == 0) {
      if (extension(n) == ".prov") {
        c->files.push_back(std::move(f));
        continue;
      }
      std::string rest = n.substr(7);
      std::string cname = rest.substr(0, rest.find('/'));
      subcharts[cname].push_back({rest, std::move(f.data), f.mtime_ns, std::move(f.deferred_path)});
    } else {
      c->files.push_back(std::move(f));
    }
  }
  if (!have_metadata) return Error::invalid("Chart.yaml file is missing");
  SKIFF_TRY(validate_metadata(c->metadata));

  std::vector<std::shared_ptr<Chart>> deps;
  for (auto& [n, sub_files] : subcharts) {
    if (n.empty() || n[0] == '_' || n[0] == '.') continue;
    Result<std::shared_ptr<Chart>> sc = Error::internal("unset");
    if (extension(n) == ".tgz") {
      if (sub_files[0].name != n) {
        return Error::invalid("error unpacking subchart tar in " + c->name() + ": expected " + n + ", got " +
                              sub_files[0].name);
      }
      sc = load_chart_archive(sub_files[0].data);
    } else {
      std::vector<ChartFile> buff;
      for (auto& f : sub_files) {
        auto slash = f.name.find('/');
        if (slash == std::string::npos) continue;
        buff.push_back({f.name.substr(slash + 1), std::move(f.data), f.mtime_ns, std::move(f.deferred_path)});
      }
      sc = load_chart_files(std::move(buff));
    }
    if (!sc.ok()) {
      return Error::invalid("error unpacking subchart " + n + " in " + c->name() + ": " + sc.error().message);
    }
    deps.push_back(std::move(sc).value());
  }
  c->set_dependencies(std::move(deps));
  return c;
}

Result<std::shared_ptr<Chart>> load_chart_archive(const std::string& bytes) {
  SKIFF_ASSIGN_OR_RETURN(std::vector<TarEntry> entries, read_tar_gz(bytes));
  std::vector<ChartFile> files;
  for (auto& entry : entries) {
    // Archives hold one top-level directory, the chart's name; drop it.
    auto slash = entry.name.find('/');
    if (slash == std::string::npos) continue;
    std::string name = entry.name.substr(slash + 1);
    if (name.empty()) continue;
    if (name.find("..") != std::string::npos && (name == ".." || name.rfind("../", 0) == 0 ||
                                                 name.find("/../") != std::string::npos)) {
      return Error::invalid("chart illegally contains content outside the base directory: \"" + name + "\"");
    }
    std::string data = std::move(entry.data);
    if (data.rfind(kUtf8Bom, 0) == 0) data.erase(0, 3);
    // A later entry of the same name wins, as helm's loader keeps the last.
    auto same = std::find_if(files.begin(), files.end(), [&](const ChartFile& f) { return f.name == name; });
    if (same != files.end()) files.erase(same);
    files.push_back({name, std::move(data), entry.mtime_s * 1000000000LL, ""});
  }
  if (files.empty()) return Error::invalid("no files in chart archive");
  return load_chart_files(std::move(files));
}

}  // namespace skiff::chart

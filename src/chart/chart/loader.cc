#include "chart/chart/loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>

#include "chart/chart/helmignore.h"
#include "chart/chart/metadata.h"
#include "chart/chart/tar_reader.h"
#include "chart/chart/yaml_values.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

// One read into a string of the file's size: charts are many small files, and stream
// buffers cost more than the reads themselves.
Result<std::string> read_file(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::not_found("open " + p.string() + ": no such file or directory");
  struct stat st {};
  std::string data;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) data.resize(static_cast<size_t>(st.st_size));
  size_t filled = 0;
  while (true) {
    if (filled == data.size()) data.resize(data.size() + 4096);  // sizes that fstat does not know
    ssize_t n = ::read(fd, data.data() + filled, data.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    filled += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(filled);
  return data;
}

// filepath.Walk order: each directory's entries sorted by name.
Status walk(const fs::path& top, const std::string& rel, const IgnoreRules& rules, std::vector<ChartFile>& out) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(top / rel, ec)) names.push_back(entry.path().filename().string());
  if (ec) return Error::internal("reading " + (top / rel).string() + ": " + ec.message());
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string path = rel.empty() ? name : rel + "/" + name;
    fs::path full = top / path;
    struct stat st {};
    bool found = ::stat(full.c_str(), &st) == 0;  // follows symlinks, like helm's sympath
    bool is_dir = found && S_ISDIR(st.st_mode);
    if (rules.ignore(path, is_dir)) continue;
    if (is_dir) {
      SKIFF_TRY(walk(top, path, rules, out));
      continue;
    }
    if (!found || !S_ISREG(st.st_mode)) {
      return Error::invalid("cannot load irregular file " + full.string() + " as it has file mode type bits set");
    }
    SKIFF_ASSIGN_OR_RETURN(std::string data, read_file(full));
    if (data.rfind(kUtf8Bom, 0) == 0) data.erase(0, 3);
    long long mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    out.push_back({path, std::move(data), mtime_ns});
  }
  return ok_status();
}

Result<std::shared_ptr<Chart>> load_dir(const fs::path& dir) {
  fs::path top = fs::absolute(dir).lexically_normal();
  IgnoreRules rules;
  fs::path ignore_file = top / ".helmignore";
  if (fs::exists(ignore_file)) {
    SKIFF_ASSIGN_OR_RETURN(std::string text, read_file(ignore_file));
    SKIFF_ASSIGN_OR_RETURN(rules, IgnoreRules::parse(text));
  }
  rules.add_defaults();
  std::vector<ChartFile> files;
  SKIFF_TRY(walk(top, "", rules, files));
  return load_chart_files(std::move(files));
}

std::string extension(const std::string& name) {
  auto dot = name.rfind('.');
  auto slash = name.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return name.substr(dot);
}

}  // namespace

Result<std::shared_ptr<Chart>> load_chart(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Error::not_found("path \"" + path + "\" not found");
  if (fs::is_directory(path, ec)) return load_dir(path);
  SKIFF_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  return load_chart_archive(bytes);
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
      subcharts[cname].push_back({rest, std::move(f.data), f.mtime_ns});
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
        buff.push_back({f.name.substr(slash + 1), std::move(f.data), f.mtime_ns});
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
    files.push_back({name, std::move(data), entry.mtime_s * 1000000000LL});
  }
  if (files.empty()) return Error::invalid("no files in chart archive");
  return load_chart_files(std::move(files));
}

}  // namespace skiff::chart

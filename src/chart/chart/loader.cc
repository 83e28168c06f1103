#include "chart/chart/loader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "chart/chart/helmignore.h"
#include "chart/chart/metadata.h"
#include "chart/chart/yaml_values.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

Result<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error::not_found("open " + p.string() + ": no such file or directory");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
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
    bool is_dir = fs::is_directory(full, ec);  // follows symlinks, like helm's sympath
    if (rules.ignore(path, is_dir)) continue;
    if (is_dir) {
      SKIFF_TRY(walk(top, path, rules, out));
      continue;
    }
    if (!fs::is_regular_file(full, ec)) {
      return Error::invalid("cannot load irregular file " + full.string() + " as it has file mode type bits set");
    }
    SKIFF_ASSIGN_OR_RETURN(std::string data, read_file(full));
    if (data.rfind(kUtf8Bom, 0) == 0) data.erase(0, 3);
    auto mtime = fs::last_write_time(full, ec);
    long long mtime_ns = ec ? 0 : static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::file_clock::to_sys(mtime).time_since_epoch()).count());
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
      c->lock_file = f;
      continue;
    }
    if (n == "values.yaml") {
      c->values_file = f;
      auto values = load_values(f.data, "values.yaml");
      if (!values.ok()) return Error::invalid("cannot load values.yaml: " + values.error().message);
      c->values = std::move(values).value();
    } else if (n == "values.schema.json") {
      c->schema = f.data;
      c->schema_file = f;
    } else if (n == "requirements.yaml") {
      have_metadata = true;
      if (c->metadata.api_version.empty()) c->metadata.api_version = "v1";
      SKIFF_ASSIGN_OR_RETURN(Json doc, parse_yaml_json(f.data, "requirements.yaml"));
      auto decoded = decode_metadata(doc, c->metadata, "requirements.yaml");
      if (!decoded.ok()) return std::move(decoded).error();
      if (c->metadata.api_version == "v1") c->files.push_back(f);
    } else if (n == "requirements.lock") {
      c->lock_file = f;
      if (c->metadata.api_version == "v1") c->files.push_back(f);
    } else if (n.rfind("templates/", 0) == 0) {
      c->templates.push_back(f);
    } else if (n.rfind("charts/", 0) == 0) {
      if (extension(n) == ".prov") {
        c->files.push_back(f);
        continue;
      }
      std::string rest = n.substr(7);
      std::string cname = rest.substr(0, rest.find('/'));
      subcharts[cname].push_back({rest, std::move(f.data), f.mtime_ns});
    } else {
      c->files.push_back(f);
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
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK) {
    std::string msg = archive_error_string(a) ? archive_error_string(a) : "not a chart archive";
    archive_read_free(a);
    return Error::invalid(msg);
  }
  std::vector<ChartFile> files;
  struct archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string name = archive_entry_pathname(entry);
    // Archives hold one top-level directory, the chart's name; drop it.
    auto slash = name.find('/');
    if (slash == std::string::npos) continue;
    name = name.substr(slash + 1);
    if (name.empty()) continue;
    if (name.find("..") != std::string::npos && (name == ".." || name.rfind("../", 0) == 0 ||
                                                 name.find("/../") != std::string::npos)) {
      archive_read_free(a);
      return Error::invalid("chart illegally contains content outside the base directory: \"" + name + "\"");
    }
    std::string data;
    const void* buf;
    size_t size;
    la_int64_t offset;
    while (archive_read_data_block(a, &buf, &size, &offset) == ARCHIVE_OK) {
      data.append(static_cast<const char*>(buf), size);
    }
    if (data.rfind(kUtf8Bom, 0) == 0) data.erase(0, 3);
    // A later entry of the same name wins, as helm's loader keeps the last.
    auto same = std::find_if(files.begin(), files.end(), [&](const ChartFile& f) { return f.name == name; });
    if (same != files.end()) files.erase(same);
    files.push_back({name, std::move(data), static_cast<long long>(archive_entry_mtime(entry)) * 1000000000LL});
  }
  bool failed = rc != ARCHIVE_EOF;
  std::string msg = failed && archive_error_string(a) ? archive_error_string(a) : "";
  archive_read_free(a);
  if (failed) return Error::invalid(msg.empty() ? "error reading chart archive" : msg);
  if (files.empty()) return Error::invalid("no files in chart archive");
  return load_chart_files(std::move(files));
}

}  // namespace skiff::chart

// `helm repo index` and `helm pull` (HTTP repositories and OCI registries).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chart/action/repo_commands.h"
#include "chart/action/repo_fetch.h"
#include "chart/chart/loader.h"
#include "chart/chart/tar_reader.h"
#include "chart/repo/http_get.h"
#include "chart/repo/index.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

Status write_file(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) return Error::not_found("open " + p.string() + ": no such file or directory");
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  return out ? ok_status() : Error::internal("write " + p.string() + " failed");
}

}  // namespace

Status repo_index(const RepoIndexOptions& opts) {
  std::error_code ec;
  if (!fs::is_directory(opts.dir, ec)) {
    return Error::not_found("open " + (fs::absolute(opts.dir) / "index.yaml").lexically_normal().string() +
                            ": no such file or directory");
  }
  SKIFF_ASSIGN_OR_RETURN(Json index, repo::index_directory(opts.dir, opts.url));
  if (!opts.merge.empty()) {
    Json other;
    if (!fs::exists(opts.merge, ec)) {
      other = repo::new_index();
      SKIFF_ASSIGN_OR_RETURN(std::string text, repo::marshal_index(other));
      SKIFF_TRY(write_file(opts.merge, text));
    } else {
      std::ifstream in(opts.merge, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      auto loaded = repo::load_index(ss.str(), opts.merge);
      if (!loaded.ok()) return Error::invalid("merge failed: " + loaded.error().message);
      other = std::move(loaded).value();
    }
    repo::merge_index(index, other);
  }
  repo::sort_index(index);
  SKIFF_ASSIGN_OR_RETURN(std::string text, repo::marshal_index(index));
  return write_file(fs::path(opts.dir) / "index.yaml", text);
}

Status expand_chart_archive(const std::string& bytes, const std::string& dir) {
  SKIFF_ASSIGN_OR_RETURN(auto chart, load_chart_archive(bytes));
  fs::path target = fs::path(dir) / chart->name();
  std::error_code ec;
  if (fs::exists(target, ec)) {
    return Error::already_exists("failed to untar: a file or directory with the name " + target.string() +
                                 " already exists");
  }
  SKIFF_ASSIGN_OR_RETURN(std::vector<TarEntry> entries, read_tar_gz(bytes));
  for (const auto& entry : entries) {
    fs::path rel = fs::path(entry.name).lexically_normal();
    if (rel.is_absolute() || rel.string().rfind("..", 0) == 0) {
      return Error::invalid("chart illegally contains content outside the base directory: \"" + rel.string() + "\"");
    }
    fs::path out = fs::path(dir) / rel;
    fs::create_directories(out.parent_path(), ec);
    SKIFF_TRY(write_file(out, entry.data));
  }
  return ok_status();
}

Result<std::string> pull_chart(const PullOptions& opts) {
  ChartSource source{opts.repo_url, opts.version, opts.username, opts.password};
  SKIFF_ASSIGN_OR_RETURN(detail::FetchedChart fetched, detail::fetch_chart(opts.chart, source));
  if (opts.untar) {
    fs::path ud = fs::path(opts.untar_dir).is_absolute() ? fs::path(opts.untar_dir)
                                                         : (fs::path(opts.destination) / opts.untar_dir).lexically_normal();
    SKIFF_TRY(expand_chart_archive(fetched.bytes, ud.string()));
    return fetched.printed;
  }
  SKIFF_TRY(write_file(fs::path(opts.destination) / fetched.file_name, fetched.bytes));
  return fetched.printed;
}

}  // namespace skiff::chart

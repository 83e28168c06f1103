// `skiff image import ARCHIVE...` loads OCI-layout or docker-archive tars into this node's containerd
// (for nodes without a registry); `skiff image ls` lists the images the node's CRI runtime has.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#ifdef SKIFF_HAVE_CRI
#include "agent/cri/cri_client.h"
#include "agent/cri/image_import.h"
#endif
#include "cli/commands.h"
#include "util/strings.h"

namespace skiff::cli {
namespace {

#ifdef SKIFF_HAVE_CRI

// As crictl prints sizes: decimal units, three significant digits.
std::string human_size(uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1000 && u + 1 < std::size(units)) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%s", v, units[u]);
  return buf;
}

// "repo:tag" → {repo, tag}; the colon of a registry's port is not a tag separator.
std::pair<std::string, std::string> split_tag(const std::string& ref) {
  auto colon = ref.rfind(':');
  auto slash = ref.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return {ref, "<none>"};
  return {ref.substr(0, colon), ref.substr(colon + 1)};
}

int list_images(const ImageFlags& f) {
  if (!std::filesystem::exists(f.containerd_socket)) {
    std::cerr << "skiff image ls: containerd does not answer on " << f.containerd_socket
              << ": no such socket (start containerd or pass --containerd-socket)\n";
    return 1;
  }
  agent::cri::CriClientOptions options;
  options.socket_path = f.containerd_socket;
  options.connect_timeout = std::chrono::seconds(3);
  auto cri = agent::cri::connect_cri_client(options);
  if (!cri.ok()) {
    std::cerr << "skiff image ls: containerd does not answer on " << f.containerd_socket << ": "
              << cri.error().message << "\n";
    return 1;
  }
  auto images = (*cri)->list_images();
  if (!images.ok()) {
    std::cerr << "skiff image ls: " << images.error().message << "\n";
    return 1;
  }
  struct Row {
    std::string repo, tag, id, size;
  };
  std::vector<Row> rows;
  for (const auto& image : *images) {
    std::string id = image.id;
    if (starts_with(id, "sha256:")) id = id.substr(7);
    id = id.substr(0, 13);
    std::string size = human_size(image.size);
    for (const auto& ref : image.repo_tags) {
      auto [repo, tag] = split_tag(ref);
      rows.push_back({repo, tag, id, size});
    }
    if (image.repo_tags.empty()) {
      std::string repo = image.repo_digests.empty() ? "<none>" : image.repo_digests.front();
      rows.push_back({repo.substr(0, repo.find('@')), "<none>", id, size});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.repo + a.tag < b.repo + b.tag; });
  if (f.quiet) {
    for (const auto& r : rows)
      if (r.tag != "<none>") std::cout << r.repo << ":" << r.tag << "\n";
    return 0;
  }
  size_t repo_w = 5, tag_w = 3;
  for (const auto& r : rows) {
    repo_w = std::max(repo_w, r.repo.size());
    tag_w = std::max(tag_w, r.tag.size());
  }
  auto print = [&](const std::string& repo, const std::string& tag, const std::string& id, const std::string& size) {
    std::printf("%-*s   %-*s   %-13s   %s\n", static_cast<int>(repo_w), repo.c_str(), static_cast<int>(tag_w),
                tag.c_str(), id.c_str(), size.c_str());
  };
  print("IMAGE", "TAG", "IMAGE ID", "SIZE");
  for (const auto& r : rows) print(r.repo, r.tag, r.id, r.size);
  return 0;
}

// The CRI plugin's snapshotter, so that ctr unpacks where the CRI looks; "" (ctr's default) when containerd
// does not say, or does not answer (import_image_archive then says so).
std::string cri_snapshotter(const std::string& socket) {
  if (!std::filesystem::exists(socket)) return "";
  agent::cri::CriClientOptions options;
  options.socket_path = socket;
  options.connect_timeout = std::chrono::seconds(2);
  auto cri = agent::cri::connect_cri_client(options);
  if (!cri.ok()) return "";
  auto from_cri = agent::cri::import_options_from_cri(**cri);
  return from_cri.ok() ? from_cri->snapshotter : "";
}

int import_archives(const ImageFlags& f) {
  agent::cri::ImageImportOptions options;
  options.containerd_address = f.containerd_socket;
  options.ns = f.ns;
  options.snapshotter = cri_snapshotter(f.containerd_socket);
  int failures = 0;
  for (const auto& archive : f.archives) {
    auto imported = agent::cri::import_image_archive(options, archive);
    if (!imported.ok()) {
      std::cerr << "skiff image import: " << imported.error().message << "\n";
      ++failures;
      continue;
    }
    if (imported->empty()) std::cout << "imported " << archive << "\n";
    for (const auto& name : *imported) std::cout << "imported " << name << " (from " << archive << ")\n";
  }
  return failures == 0 ? 0 : 1;
}

#endif

}  // namespace

ImageCommands add_image_command(CLI::App& app, ImageFlags& f) {
  CLI::App* image = app.add_subcommand("image", "Images of this node's containerd (for nodes without a registry)");
  image->require_subcommand(1);
  ImageCommands commands;
  commands.import = image->add_subcommand(
      "import", "Load OCI-layout or docker-archive tars into containerd (archives in DATA_DIR/images/ load at start)");
  commands.import->add_option("ARCHIVE", f.archives, "Image archive (.tar)")->required();
  commands.import->add_option("--namespace,-n", f.ns, "containerd namespace (the CRI uses k8s.io)")
      ->capture_default_str();
  commands.ls = image->add_subcommand("ls", "List the images the node's container runtime has");
  commands.ls->alias("list");
  commands.ls->add_flag("--quiet,-q", f.quiet, "Print only image references (NAME:TAG)");
  for (CLI::App* sub : {commands.import, commands.ls})
    sub->add_option("--containerd-socket", f.containerd_socket, "containerd's socket")->capture_default_str();
  return commands;
}

int run_image(const ImageCommands& commands, const ImageFlags& f) {
#ifdef SKIFF_HAVE_CRI
  return commands.import->parsed() ? import_archives(f) : list_images(f);
#else
  (void)commands;
  (void)f;
  std::cerr << "skiff image: this skiff was built without the CRI runtime (needs libgrpc++-dev, libprotobuf-dev, "
               "protobuf-compiler-grpc; reconfigure with -DSKIFF_CRI=ON)\n";
  return 2;
#endif
}

}  // namespace skiff::cli

// Images for nodes without a registry: OCI-layout and docker-archive tars loaded into containerd, as k3s
// does for air-gapped nodes. The import goes through containerd's own client (`ctr images import`), so
// the images land in the content store and snapshotter the CRI plugin uses.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "util/result.h"

namespace skiff::agent::cri {

class CriClient;

struct ImageImportOptions {
  std::string containerd_address;  // containerd's gRPC socket (the CRI socket)
  std::string ns = "k8s.io";       // the CRI plugin's namespace
  std::string snapshotter;         // empty: ctr's default
  std::string ctr_binary = "ctr";
};

// Where containerd's API is and which snapshotter the CRI plugin unpacks with, from the runtime's
// verbose status. Fails when the runtime does not say (not containerd, or an older version).
Result<ImageImportOptions> import_options_from_cri(CriClient& cri);

// Checks that path is a plain tar holding index.json (OCI layout) or manifest.json (docker save); the
// error says what it is instead.
Status check_image_archive(const std::string& path);

// Imports one archive; returns the names of the images it held. Errors name the archive and say
// whether ctr is missing, containerd does not answer, or the archive is not an image archive.
Result<std::vector<std::string>> import_image_archive(const ImageImportOptions& options, const std::string& archive);

struct ImageDirImport {
  std::vector<std::string> imported;  // archive file names
  std::vector<std::string> images;    // image names from those archives
  std::vector<std::string> unchanged;  // imported before, unchanged and still present
  std::vector<std::string> failed;    // "archive: why"
};

// Imports every *.tar in dir (sorted by name). An archive imported before is skipped while its size and
// modification time are unchanged and every image it held is still present (image_present); dir/.imported
// remembers them. A missing dir imports nothing.
ImageDirImport import_image_dir(const ImageImportOptions& options, const std::string& dir,
                                const std::function<bool(const std::string& image)>& image_present);

}  // namespace skiff::agent::cri

// Reading chart archives (.tgz): a gzip stream around a tar in the formats helm and Go's
// archive/tar write (ustar, GNU long names, pax headers). Uncompressed tars are accepted too.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace skiff::chart {

struct TarEntry {
  std::string name;  // as stored, pax/GNU long names applied
  std::string data;
  long long mtime_s = 0;
};

// The regular files of the archive, in archive order (directories, links and special files
// are skipped). Fails on a corrupt gzip stream, a damaged header or truncated data.
Result<std::vector<TarEntry>> read_tar_gz(std::string_view bytes);

}  // namespace skiff::chart

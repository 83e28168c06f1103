// Downloading a chart archive named on the command line: shared by pull and locate_chart.
#pragma once

#include <string>

#include "chart/action/repo_commands.h"

namespace skiff::chart::detail {

struct FetchedChart {
  std::string bytes;
  std::string file_name;  // what `pull` saves it as
  std::string printed;    // helm's "Pulled: ... Digest: ..." for OCI
};

// REPO/CHART, a chart name with --repo, an http:// archive URL, or oci://.
Result<FetchedChart> fetch_chart(const std::string& ref, const ChartSource& source);

// From an OCI registry; the tag from the reference or the highest one matching `version`.
Result<FetchedChart> fetch_oci_chart(const std::string& ref, const ChartSource& source);

}  // namespace skiff::chart::detail

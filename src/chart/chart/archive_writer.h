// Chart archives as helm writes them (pkg/chart/v2/util/save.go): a gzipped ustar stream with
// one top directory named after the chart, Chart.yaml first, every entry mode 0644.
#pragma once

#include <string>

#include "chart/chart/chart.h"
#include "util/result.h"

namespace skiff::chart {

// The .tgz bytes for the chart (subcharts written as directories under charts/).
// Entries without a known modification time get `now_ns`.
Result<std::string> chart_archive_bytes(const Chart& chart, long long now_ns);

// helm's chartutil.Save: writes DIR/NAME-VERSION.tgz (creating DIR) and returns its path.
Result<std::string> save_chart_archive(const Chart& chart, const std::string& out_dir);

}  // namespace skiff::chart

// Chart.yaml (and v1 requirements.yaml) decoding and helm's metadata validation.
#pragma once

#include <string_view>

#include "chart/chart/chart.h"
#include "util/result.h"

namespace skiff::chart {

// Decodes Chart.yaml fields into `md` (keys matched case-insensitively, scalars
// converted to strings where the field is a string, as sigs.k8s.io/yaml does).
// Errors: "cannot load Chart.yaml: ...".
Status decode_metadata(const Json& doc, Metadata& md, std::string_view file);

// helm's Metadata.Validate: sanitizes strings and reports
// "validation: chart.metadata.name is required" and the like.
Status validate_metadata(Metadata& md);

}  // namespace skiff::chart

// Tables for custom resources, as the apiextensions server prints them: NAME, then the
// version's additionalPrinterColumns (JSONPath cells; "date" columns as ages), or AGE.
#pragma once

#include <vector>

#include "api/schema.h"
#include "apiserver/tables.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::apiserver {

// info.custom must be set. Cells hold every column; priority > 0 marks -o wide ones.
Json make_custom_resource_table(const api::ResourceInfo& info, const std::vector<const Json*>& objects,
                                IncludeObject include, WallTime now);

}  // namespace skiff::apiserver

// Go time.Time values as templates see them (methods, %v printing), for functions
// outside the date group that produce times (fromToml datetimes).
#pragma once

#include "chart/funcs/go_time.h"
#include "chart/template/value.h"

namespace skiff::chart::funcs {

tmpl::Value time_value(const GoTime& t);

}  // namespace skiff::chart::funcs

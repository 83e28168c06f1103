// The groups call_function() dispatches to; each returns nullopt for names it does not own.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "api/cel/functions.h"

namespace skiff::api::cel {

// Strings (standard and ext.Strings v2) and the regex library.
std::optional<Value> call_string_function(std::string_view name, const Value* target, const std::vector<Value>& args,
                                          CostMeter& cost, const re2::RE2* regex);
// Timestamp and duration accessors (getHours, getFullYear, ...).
std::optional<Value> call_time_function(std::string_view name, const Value* target, const std::vector<Value>& args);

}  // namespace skiff::api::cel

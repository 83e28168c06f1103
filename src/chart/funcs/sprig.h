// Sprig v3's text function map (Masterminds/sprig functions.go) as helm uses it:
// every function except env and expandenv, with Sprig's conversion rules, results
// and error texts.
#pragma once

#include "chart/template/template.h"

namespace skiff::chart::funcs {

// Adds Sprig's functions to `set`. Call before parsing templates that use them.
void add_sprig_functions(tmpl::TemplateSet& set);

}  // namespace skiff::chart::funcs

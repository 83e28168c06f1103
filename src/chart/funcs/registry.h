// Shared plumbing of the Sprig function groups: each group adds its functions to the
// set through one of these register_* entry points (called by add_sprig_functions).
#pragma once

#include <string>
#include <vector>

#include "chart/template/function.h"
#include "chart/template/template.h"

namespace skiff::chart::funcs {

using tmpl::Kind;
using tmpl::ParamKind;
using tmpl::Value;
using tmpl::ValueList;
using tmpl::ValueMap;
using Args = std::vector<Value>;

inline void add(tmpl::TemplateSet& set, std::string name, std::vector<ParamKind> params, bool variadic,
                tmpl::Function fn) {
  set.add_function(std::move(name), tmpl::make_function(std::move(params), variadic, std::move(fn)));
}

// An error a function returns (or a panic Go's safeCall recovers); the executor adds
// "error calling NAME: ".
inline Error func_error(std::string msg) { return Error::invalid(std::move(msg)); }

void register_string_functions(tmpl::TemplateSet& set);
void register_conversion_functions(tmpl::TemplateSet& set);
void register_list_functions(tmpl::TemplateSet& set);
void register_dict_functions(tmpl::TemplateSet& set);
void register_numeric_functions(tmpl::TemplateSet& set);
void register_default_functions(tmpl::TemplateSet& set);
void register_reflect_functions(tmpl::TemplateSet& set);
void register_regex_functions(tmpl::TemplateSet& set);
void register_semver_functions(tmpl::TemplateSet& set);
void register_date_functions(tmpl::TemplateSet& set);
void register_crypto_functions(tmpl::TemplateSet& set);
void register_encoding_functions(tmpl::TemplateSet& set);
void register_path_functions(tmpl::TemplateSet& set);
void register_url_functions(tmpl::TemplateSet& set);
void register_json_functions(tmpl::TemplateSet& set);

}  // namespace skiff::chart::funcs

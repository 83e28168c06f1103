#include "chart/funcs/sprig.h"

#include "chart/funcs/registry.h"

namespace skiff::chart::funcs {

void add_sprig_functions(tmpl::TemplateSet& set) {
  register_string_functions(set);
  register_conversion_functions(set);
  register_list_functions(set);
  register_dict_functions(set);
  register_numeric_functions(set);
  register_default_functions(set);
  register_reflect_functions(set);
  register_regex_functions(set);
  register_semver_functions(set);
  register_date_functions(set);
  register_crypto_functions(set);
  register_encoding_functions(set);
  register_path_functions(set);
  register_url_functions(set);
  register_json_functions(set);
}

}  // namespace skiff::chart::funcs

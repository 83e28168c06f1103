// The Go template parser with every Sprig function name registered (as the chart engine
// parses): any input parses or fails with a clean error.
#include <cstdint>
#include <string_view>

#include "chart/funcs/sprig.h"
#include "chart/template/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const skiff::chart::tmpl::TemplateSet base = [] {
    skiff::chart::tmpl::TemplateSet set("fuzz");
    skiff::chart::funcs::add_sprig_functions(set);
    return set;
  }();
  skiff::chart::tmpl::TemplateSet set = base;
  (void)set.parse("fuzz.yaml", std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

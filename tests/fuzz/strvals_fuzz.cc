// helm's --set / --set-string / --set-json grammar: any input either parses into a JSON
// object or fails cleanly.
#include <cstdint>
#include <string_view>

#include "chart/values/strvals.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using skiff::chart::StrvalsMode;
  for (StrvalsMode mode : {StrvalsMode::kTyped, StrvalsMode::kString, StrvalsMode::kJson}) {
    skiff::Json dest = skiff::Json::object();
    (void)skiff::chart::parse_strvals_into(text, dest, mode);
  }
  return 0;
}

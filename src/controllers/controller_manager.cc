#include <functional>
#include <map>

#include "controllers/controller.h"

namespace skiff::controllers {

// The list can be swapped for a partial one while controllers are being written
// (cmake -DSKIFF_CONTROLLER_LIST=/path/to/list.inc).
#ifndef SKIFF_CONTROLLER_LIST
#define SKIFF_CONTROLLER_LIST "controllers/controller_list.inc"
#endif

// Each controller's factory, declared in its own file.
#define SKIFF_CONTROLLER(fn) std::unique_ptr<Controller> fn(ControllerContext& ctx);
#include SKIFF_CONTROLLER_LIST
#undef SKIFF_CONTROLLER

namespace {

using Factory = std::unique_ptr<Controller> (*)(ControllerContext&);

const std::vector<std::pair<std::string, Factory>>& factories() {
  static const std::vector<std::pair<std::string, Factory>> all = {
#define SKIFF_CONTROLLER(fn) {#fn, &fn},
#include SKIFF_CONTROLLER_LIST
#undef SKIFF_CONTROLLER
  };
  return all;
}

}  // namespace

const std::vector<std::string>& all_controller_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, f] : factories()) out.push_back(name);
    return out;
  }();
  return names;
}

Result<std::vector<std::unique_ptr<Controller>>> make_controllers(ControllerContext& ctx,
                                                                  const std::vector<std::string>& names) {
  std::vector<std::unique_ptr<Controller>> out;
  for (const auto& name : names) {
    Factory factory = nullptr;
    for (const auto& [n, f] : factories())
      if (n == name) factory = f;
    if (!factory) return Error::bad_request("unknown controller \"" + name + "\"");
    out.push_back(factory(ctx));
  }
  return out;
}

}  // namespace skiff::controllers

// Go's base64.StdEncoding.DecodeString, quantum by quantum (\r and \n are skipped), with
// its error text ("illegal base64 data at input byte N").
#pragma once

#include <string>

#include "util/result.h"

namespace skiff::chart::funcs {

Result<std::string> go_base64_decode(const std::string& src);

}  // namespace skiff::chart::funcs

// helm's release encoding (pkg/storage/driver/util.go): base64(gzip(json(release))).
#pragma once

#include <string>
#include <string_view>

#include "chart/release/release.h"
#include "util/result.h"

namespace skiff::chart::release {

// JSON, gzipped at best compression, base64 (standard alphabet).
Result<std::string> encode_release(const Release& r);
// The inverse; plain (ungzipped) JSON under the base64 is accepted too, as helm does.
Result<Release> decode_release(std::string_view data);

Result<std::string> gzip_compress(std::string_view data);
Result<std::string> gzip_decompress(std::string_view data);

}  // namespace skiff::chart::release

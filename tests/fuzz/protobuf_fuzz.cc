// Fuzzes the Kubernetes protobuf body decoder; whatever decodes must survive a round trip
// through the encoder unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/protobuf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto decoded = skiff::api::decode_k8s_protobuf(body);
  if (!decoded.ok()) {
    if (decoded.error().code != 400) std::abort();
    return 0;
  }
  auto encoded = skiff::api::encode_k8s_protobuf(*decoded);
  if (!encoded.ok()) std::abort();
  auto again = skiff::api::decode_k8s_protobuf(*encoded);
  if (!again.ok() || *again != *decoded) std::abort();
  return 0;
}

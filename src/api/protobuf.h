// Kubernetes' protobuf wire format (application/vnd.kubernetes.protobuf) for built-in kinds:
// the "k8s\0" magic, then a runtime.Unknown {typeMeta, raw, contentEncoding, contentType} whose
// raw is the object's own message. Decoding and encoding are driven by the generated field
// table (tools/gen_proto_fields.py), so no kind needs code of its own.
#pragma once

#include <string>
#include <string_view>

#include "util/json.h"
#include "util/result.h"

namespace skiff::api {

inline constexpr std::string_view kProtobufContentType = "application/vnd.kubernetes.protobuf";

// True when the body starts with Kubernetes' protobuf magic bytes "k8s\0".
bool has_k8s_protobuf_magic(std::string_view body);

// The body as the JSON object a JSON client would have sent, apiVersion and kind set from
// typeMeta. Mirrors what Kubernetes' Go types make of the body: singular string and bytes
// fields that are empty are left out (Go always writes non-pointer strings, so "" on the
// wire means "unset"), as is a Time whose message is empty (Go's zero time); numbers and
// booleans are kept even when zero, because pointer fields (replicas: 0) depend on it.
// Unknown field numbers are skipped, as Go does. Malformed bodies and kinds outside the
// table are 400 BadRequest errors.
Result<Json> decode_k8s_protobuf(std::string_view body);

// The inverse: obj must carry apiVersion and kind of a kind in the table; fields are written
// in field-number order, map entries in key order, as Go does. Fields unknown to the kind's
// message and values of the wrong JSON type are 400 BadRequest errors.
Result<std::string> encode_k8s_protobuf(const Json& obj);

}  // namespace skiff::api

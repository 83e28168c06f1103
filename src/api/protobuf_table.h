// The protobuf field table behind protobuf.cc: Kubernetes' generated.proto messages as data
// (generated into src/api/generated/proto_fields.cc by tools/gen_proto_fields.py).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace skiff::api::proto_table {

enum class FieldType : uint8_t { kString, kBytes, kBool, kInt32, kInt64, kMessage, kMap };

// How a message looks in JSON. Everything but kPlain is a Kubernetes type with a custom
// JSON form (metav1.Time is a string, intstr.IntOrString a number or a string, ...).
enum class MessageKind : uint8_t {
  kPlain,        // an object of its fields
  kTime,         // meta.v1.Time {1 seconds, 2 nanos} -> RFC3339, second precision
  kMicroTime,    // meta.v1.MicroTime -> RFC3339 with 6 fractional digits
  kQuantity,     // resource.Quantity {1 string} -> the string
  kIntOrString,  // intstr.IntOrString {1 type, 2 intVal, 3 strVal} -> number or string
  kRawJson,      // runtime.RawExtension / meta.v1.FieldsV1 {1 raw} -> the embedded JSON
  kStringArray,  // Go named []string (meta.v1.Verbs, ExtraValue) {repeated 1 items} -> array
};

struct FieldInfo {
  const char* name;  // the JSON field name
  uint32_t number;
  FieldType type;
  bool repeated;
  bool inline_;         // Go `json:",inline"`: the message's fields sit in the parent's JSON object
  FieldType map_value;  // for kMap: kString, kBytes or kMessage
  int16_t message;      // index into messages() for kMessage fields and message-valued maps, else -1
};

struct MessageInfo {
  const char* name;  // "k8s.io.api.apps.v1.Deployment"
  MessageKind kind;
  uint16_t first_field;  // fields()[first_field, first_field + field_count), sorted by number
  uint16_t field_count;
};

struct KindEntry {
  const char* api_version;  // "" = the kind under any apiVersion (meta/v1 DeleteOptions, Status)
  const char* kind;
  int16_t message;
};

extern const std::span<const FieldInfo> kAllFields;
extern const std::span<const MessageInfo> kAllMessages;
extern const std::span<const KindEntry> kAllKinds;

inline std::span<const FieldInfo> fields_of(const MessageInfo& m) {
  return kAllFields.subspan(m.first_field, m.field_count);
}

}  // namespace skiff::api::proto_table

#include "api/protobuf.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "api/protobuf_table.h"
#include "api/protobuf_wire.h"
#include "util/encoding.h"

namespace skiff::api {
namespace {

using proto_table::FieldInfo;
using proto_table::FieldType;
using proto_table::MessageInfo;
using proto_table::MessageKind;
using wire::WireType;

constexpr std::string_view kMagic{"k8s\0", 4};
// Deep enough for every built-in kind (a Pod is ~12 levels); bounds the recursion on hostile input.
constexpr int kMaxDepth = 64;
// runtime.Unknown's fields.
constexpr uint32_t kUnknownTypeMeta = 1, kUnknownRaw = 2, kUnknownContentEncoding = 3, kUnknownContentType = 4;

Error bad(std::string msg) { return Error::bad_request("protobuf body: " + std::move(msg)); }

// The path to the value being decoded or encoded, built into a string only for errors.
struct Path {
  const Path* parent;
  std::string_view name;

  std::string str() const {
    std::string s = parent ? parent->str() : "";
    if (!name.empty()) {
      if (!s.empty() && name.front() != '[') s += '.';
      s += name;
    }
    return s;
  }
};

Error at(const Path& path, std::string msg) {
  std::string p = path.str();
  return bad(p.empty() ? std::move(msg) : p + ": " + msg);
}

// A wire-level error (which names the byte offset) located at path.
Error prefixed(const Path& path, Error e) {
  std::string p = path.str();
  e.message = "protobuf body: " + (p.empty() ? e.message : p + ": " + e.message);
  return e;
}

const MessageInfo& message_at(int index) { return proto_table::kAllMessages[index]; }

const FieldInfo* field_by_number(const MessageInfo& msg, uint32_t number) {
  auto fields = proto_table::fields_of(msg);
  auto it = std::lower_bound(fields.begin(), fields.end(), number,
                             [](const FieldInfo& f, uint32_t n) { return f.number < n; });
  return it != fields.end() && it->number == number ? &*it : nullptr;
}

// The field that holds JSON key `name`, looking through inline (embedded) messages.
const FieldInfo* field_by_name(const MessageInfo& msg, std::string_view name) {
  for (const auto& f : proto_table::fields_of(msg)) {
    if (f.inline_) {
      if (const FieldInfo* inner = field_by_name(message_at(f.message), name)) return inner;
    } else if (name == f.name) {
      return &f;
    }
  }
  return nullptr;
}

int find_kind(std::string_view api_version, std::string_view kind) {
  int any_version = -1;
  for (const auto& k : proto_table::kAllKinds) {
    if (kind != k.kind) continue;
    if (api_version == k.api_version) return k.message;
    if (*k.api_version == '\0') any_version = k.message;
  }
  return any_version;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// --- time: metav1.Time and MicroTime as Go's JSON encoder writes them (UTC) ---

// Days since 1970-01-01 -> civil date (proleptic Gregorian).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// RFC 3339 ("2024-01-02T03:04:05.123Z", "...+02:00") -> seconds and nanoseconds since the
// epoch. Written here rather than through WallTime, whose nanosecond count overflows beyond
// about 290 years from 1970 while metav1.Time spans years 0000-9999.
std::optional<std::pair<int64_t, int64_t>> parse_time(std::string_view s) {
  size_t i = 0;
  auto digits = [&](size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k, ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  auto expect = [&](char c) { return i < s.size() && (s[i] == c || (c == 'T' && s[i] == 't')) ? (++i, true) : false; };
  int year, month, day, hour, minute, second;
  if (!digits(4, year) || !expect('-') || !digits(2, month) || !expect('-') || !digits(2, day) || !expect('T') ||
      !digits(2, hour) || !expect(':') || !digits(2, minute) || !expect(':') || !digits(2, second)) {
    return std::nullopt;
  }
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDaysIn[month - 1] || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    int64_t scale = 100'000'000;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) nanos += (s[i] - '0') * scale;
    if (i == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i++] == '-' ? -1 : 1, oh, om;
    if (!digits(2, oh) || !expect(':') || !digits(2, om) || oh > 23 || om > 59) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  int64_t days = days_from_civil(year, month, day);
  return std::make_pair(days * 86400 + hour * 3600 + minute * 60 + second - offset, nanos);
}

// Go refuses to marshal years outside [0, 9999]; so do we.
Result<Json> format_time(int64_t seconds, int64_t nanos, bool micro, const Path& path) {
  seconds += nanos / 1'000'000'000;
  nanos %= 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    seconds -= 1;
  }
  constexpr int64_t kYear0 = -62167219200, kYear10000 = 253402300800;
  if (seconds < kYear0 || seconds >= kYear10000) return at(path, "time out of range [0000, 9999]");
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t secs_of_day = seconds - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  int h = static_cast<int>(secs_of_day / 3600), mi = static_cast<int>(secs_of_day / 60 % 60),
      s = static_cast<int>(secs_of_day % 60);
  if (micro) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<long long>(y), m, d, h, mi,
                  s, static_cast<long long>(nanos / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m, d, h, mi, s);
  }
  return Json(std::string(buf));
}

// --- decoding ---

class Decoder {
 public:
  // Decodes a message's fields into obj (an object; repeated occurrences merge, as in protobuf).
  Status decode_fields(std::string_view data, const MessageInfo& msg, Json& obj, const Path& path, int depth);

  // A message-typed value: nullopt when Go would hold its zero value and omit it.
  Result<std::optional<Json>> decode_message_value(std::string_view data, const MessageInfo& msg, const Path& path,
                                                   int depth);

  Result<Json> decode_unknown(std::string_view body, int depth);

 private:
  Status decode_field(wire::Reader& r, wire::Tag tag, const FieldInfo& f, Json& obj, const Path& path, int depth);
  Result<Json> decode_map_entry_value(std::string_view entry, const FieldInfo& f, std::string& key, const Path& path,
                                      int depth);
  Result<Json> scalar(wire::Reader& r, FieldType type, const Path& path);
  Result<Json> special(std::string_view data, const MessageInfo& msg, const Path& path, int depth, bool& absent);
};

bool is_varint_type(FieldType t) { return t == FieldType::kBool || t == FieldType::kInt32 || t == FieldType::kInt64; }

Result<Json> Decoder::scalar(wire::Reader& r, FieldType type, const Path& path) {
  switch (type) {
    case FieldType::kString: {
      SKIFF_ASSIGN_OR_RETURN(auto s, r.length_delimited());
      if (!valid_utf8(s)) return Error::bad_request("string is not valid UTF-8");
      return Json(std::string(s));
    }
    case FieldType::kBytes: {
      SKIFF_ASSIGN_OR_RETURN(auto s, r.length_delimited());
      return Json(base64_encode(s));
    }
    case FieldType::kBool: {
      SKIFF_ASSIGN_OR_RETURN(auto v, r.varint());
      return Json(v != 0);
    }
    case FieldType::kInt32: {
      SKIFF_ASSIGN_OR_RETURN(auto v, r.varint());
      return Json(static_cast<int32_t>(static_cast<uint32_t>(v)));
    }
    case FieldType::kInt64: {
      SKIFF_ASSIGN_OR_RETURN(auto v, r.varint());
      return Json(static_cast<int64_t>(v));
    }
    default:
      return at(path, "internal: not a scalar field");
  }
}

Status expect_wire(WireType got, WireType want, const Path& path) {
  if (got == want) return ok_status();
  return at(path, "wrong wire type " + std::to_string(got) + " (want " + std::to_string(want) + ")");
}

Status Decoder::decode_fields(std::string_view data, const MessageInfo& msg, Json& obj, const Path& path, int depth) {
  if (depth > kMaxDepth) return at(path, "messages nested deeper than " + std::to_string(kMaxDepth));
  if (!obj.is_object()) obj = Json::object();
  wire::Reader r(data);
  while (!r.done()) {
    auto tag = r.tag();
    if (!tag.ok()) return prefixed(path, std::move(tag).error());
    const FieldInfo* f = field_by_number(msg, tag->field);
    if (f == nullptr) {
      auto skipped = r.skip(tag->type);
      if (!skipped.ok()) return prefixed(path, std::move(skipped).error());
      continue;
    }
    SKIFF_TRY(decode_field(r, *tag, *f, obj, path, depth));
  }
  return ok_status();
}

Status Decoder::decode_field(wire::Reader& r, wire::Tag tag, const FieldInfo& f, Json& obj, const Path& parent,
                             int depth) {
  Path path{&parent, f.name};
  auto fail = [&](Error e) { return prefixed(path, std::move(e)); };

  if (f.type == FieldType::kMap) {
    SKIFF_TRY(expect_wire(tag.type, wire::kLengthDelimited, path));
    auto entry = r.length_delimited();
    if (!entry.ok()) return fail(std::move(entry).error());
    std::string key;
    SKIFF_ASSIGN_OR_RETURN(Json value, decode_map_entry_value(*entry, f, key, path, depth));
    Json& map = obj[f.name];
    if (!map.is_object()) map = Json::object();
    map[key] = std::move(value);
    return ok_status();
  }

  if (f.type == FieldType::kMessage) {
    SKIFF_TRY(expect_wire(tag.type, wire::kLengthDelimited, path));
    auto data = r.length_delimited();
    if (!data.ok()) return fail(std::move(data).error());
    const MessageInfo& msg = message_at(f.message);
    if (f.repeated) {
      Json& array = obj[f.name];
      if (!array.is_array()) array = Json::array();
      std::string index = "[" + std::to_string(array.size()) + "]";
      Path item{&path, index};
      SKIFF_ASSIGN_OR_RETURN(auto value, decode_message_value(*data, msg, item, depth + 1));
      array.push_back(value ? std::move(*value) : Json());
      return ok_status();
    }
    if (f.inline_) return decode_fields(*data, msg, obj, parent, depth + 1);
    if (msg.kind == MessageKind::kPlain) return decode_fields(*data, msg, obj[f.name], path, depth + 1);
    SKIFF_ASSIGN_OR_RETURN(auto value, decode_message_value(*data, msg, path, depth + 1));
    if (value) obj[f.name] = std::move(*value);
    else obj.erase(f.name);
    return ok_status();
  }

  if (f.repeated && is_varint_type(f.type) && tag.type == wire::kLengthDelimited) {  // packed
    auto packed = r.length_delimited();
    if (!packed.ok()) return fail(std::move(packed).error());
    wire::Reader pr(*packed);
    while (!pr.done()) {  // an empty payload adds nothing: Go's empty slice is omitted
      auto v = scalar(pr, f.type, path);
      if (!v.ok()) return fail(std::move(v).error());
      obj[f.name].push_back(std::move(*v));
    }
    return ok_status();
  }
  SKIFF_TRY(expect_wire(tag.type, is_varint_type(f.type) ? wire::kVarint : wire::kLengthDelimited, path));
  auto v = scalar(r, f.type, path);
  if (!v.ok()) return fail(std::move(v).error());
  if (f.repeated) {
    obj[f.name].push_back(std::move(*v));
  } else if (v->is_string() && v->get_ref<const std::string&>().empty()) {
    obj.erase(f.name);  // Go writes "" for every unset non-pointer string; JSON omits it
  } else {
    obj[f.name] = std::move(*v);
  }
  return ok_status();
}

Result<Json> Decoder::decode_map_entry_value(std::string_view entry, const FieldInfo& f, std::string& key,
                                             const Path& path, int depth) {
  wire::Reader r(entry);
  std::optional<Json> value;
  while (!r.done()) {
    auto tag = r.tag();
    if (!tag.ok()) return prefixed(path, std::move(tag).error());
    if (tag->field == 1) {
      SKIFF_TRY(expect_wire(tag->type, wire::kLengthDelimited, path));
      auto k = scalar(r, FieldType::kString, path);
      if (!k.ok()) return prefixed(path, std::move(k).error());
      key = k->get<std::string>();
    } else if (tag->field == 2) {
      SKIFF_TRY(expect_wire(tag->type, wire::kLengthDelimited, path));
      if (f.map_value == FieldType::kMessage) {
        auto data = r.length_delimited();
        if (!data.ok()) return prefixed(path, std::move(data).error());
        Path item{&path, key};
        SKIFF_ASSIGN_OR_RETURN(auto v, decode_message_value(*data, message_at(f.message), item, depth + 1));
        value = v ? std::move(*v) : Json();
      } else {
        auto v = scalar(r, f.map_value, path);
        if (!v.ok()) return prefixed(path, std::move(v).error());
        value = std::move(*v);
      }
    } else {
      auto skipped = r.skip(tag->type);
      if (!skipped.ok()) return prefixed(path, std::move(skipped).error());
    }
  }
  if (value) return std::move(*value);
  // An entry without a value holds the value type's zero.
  if (f.map_value != FieldType::kMessage) return Json("");
  SKIFF_ASSIGN_OR_RETURN(auto zero, decode_message_value("", message_at(f.message), path, depth + 1));
  return zero ? std::move(*zero) : Json();
}

Result<std::optional<Json>> Decoder::decode_message_value(std::string_view data, const MessageInfo& msg,
                                                          const Path& path, int depth) {
  if (msg.kind == MessageKind::kPlain) {
    Json obj = Json::object();
    SKIFF_TRY(decode_fields(data, msg, obj, path, depth));
    return std::optional<Json>(std::move(obj));
  }
  bool absent = false;
  SKIFF_ASSIGN_OR_RETURN(Json value, special(data, msg, path, depth, absent));
  if (absent) return std::optional<Json>();
  return std::optional<Json>(std::move(value));
}

// The Kubernetes types whose JSON form is not an object of their proto fields.
Result<Json> Decoder::special(std::string_view data, const MessageInfo& msg, const Path& path, int depth,
                              bool& absent) {
  if (depth > kMaxDepth) return at(path, "messages nested deeper than " + std::to_string(kMaxDepth));
  int64_t ints[4] = {0, 0, 0, 0};  // varint fields 1..3
  std::optional<std::string_view> strs[4];
  Json items = Json::array();
  wire::Reader r(data);
  while (!r.done()) {
    auto tag = r.tag();
    if (!tag.ok()) return prefixed(path, std::move(tag).error());
    uint32_t n = tag->field;
    if (n <= 3 && tag->type == wire::kVarint) {
      auto v = r.varint();
      if (!v.ok()) return prefixed(path, std::move(v).error());
      ints[n] = static_cast<int64_t>(*v);
    } else if (n <= 3 && tag->type == wire::kLengthDelimited) {
      auto v = r.length_delimited();
      if (!v.ok()) return prefixed(path, std::move(v).error());
      strs[n] = *v;
      if (msg.kind == MessageKind::kStringArray && n == 1) {
        if (!valid_utf8(*v)) return at(path, "string is not valid UTF-8");
        items.push_back(std::string(*v));
      }
    } else {
      auto skipped = r.skip(tag->type);
      if (!skipped.ok()) return prefixed(path, std::move(skipped).error());
    }
  }
  switch (msg.kind) {
    case MessageKind::kTime:
      // Go's zero time is an empty message; Kubernetes keeps only seconds of a Time.
      if (data.empty()) {
        absent = true;
        return Json();
      }
      return format_time(ints[1], 0, false, path);
    case MessageKind::kMicroTime:
      if (data.empty()) {
        absent = true;
        return Json();
      }
      return format_time(ints[1], static_cast<int32_t>(ints[2]), true, path);
    case MessageKind::kQuantity:
      if (!strs[1]) return Json("0");
      if (!valid_utf8(*strs[1])) return at(path, "quantity is not valid UTF-8");
      return Json(std::string(*strs[1]));
    case MessageKind::kIntOrString:
      if (ints[1] == 0) return Json(static_cast<int32_t>(ints[2]));
      if (ints[1] == 1) {
        std::string_view s = strs[3].value_or("");
        if (!valid_utf8(s)) return at(path, "string is not valid UTF-8");
        return Json(std::string(s));
      }
      return at(path, "IntOrString type " + std::to_string(ints[1]) + " is neither 0 (int) nor 1 (string)");
    case MessageKind::kRawJson: {
      if (!strs[1] || strs[1]->empty()) {
        absent = true;
        return Json();
      }
      if (has_k8s_protobuf_magic(*strs[1])) {
        return decode_unknown(*strs[1], depth + 1);
      }
      Json parsed;
      try {
        parsed = Json::parse(strs[1]->begin(), strs[1]->end());
      } catch (const Json::exception& e) {  // parse errors and out-of-range numbers alike
        return at(path, std::string("embedded object is not JSON: ") + e.what());
      }
      if (parsed.is_null()) absent = true;
      return parsed;
    }
    case MessageKind::kStringArray:
      return items;
    case MessageKind::kPlain:
      break;
  }
  return at(path, "internal: unexpected message kind");
}

// runtime.TypeMeta {1 apiVersion, 2 kind}.
Status read_type_meta(std::string_view data, std::string& api_version, std::string& kind, const Path& path) {
  wire::Reader r(data);
  while (!r.done()) {
    auto tag = r.tag();
    if (!tag.ok()) return prefixed(path, std::move(tag).error());
    if ((tag->field == 1 || tag->field == 2) && tag->type == wire::kLengthDelimited) {
      auto s = r.length_delimited();
      if (!s.ok()) return prefixed(path, std::move(s).error());
      if (!valid_utf8(*s)) return at(path, "not valid UTF-8");
      (tag->field == 1 ? api_version : kind) = *s;
    } else {
      auto skipped = r.skip(tag->type);
      if (!skipped.ok()) return prefixed(path, std::move(skipped).error());
    }
  }
  return ok_status();
}

Result<Json> Decoder::decode_unknown(std::string_view body, int depth) {
  if (!has_k8s_protobuf_magic(body)) return bad("missing the k8s\\0 magic prefix");
  body.remove_prefix(kMagic.size());
  std::string api_version, kind;
  std::string_view raw, content_encoding, content_type;
  Path root{nullptr, ""};
  Path type_meta{nullptr, "typeMeta"};
  wire::Reader r(body);
  while (!r.done()) {
    auto tag = r.tag();
    if (!tag.ok()) return prefixed(root, std::move(tag).error());
    if (tag->field < kUnknownTypeMeta || tag->field > kUnknownContentType) {
      auto skipped = r.skip(tag->type);
      if (!skipped.ok()) return prefixed(root, std::move(skipped).error());
      continue;
    }
    SKIFF_TRY(expect_wire(tag->type, wire::kLengthDelimited, root));
    auto bytes = r.length_delimited();
    if (!bytes.ok()) return prefixed(root, std::move(bytes).error());
    switch (tag->field) {
      case kUnknownTypeMeta:
        SKIFF_TRY(read_type_meta(*bytes, api_version, kind, type_meta));
        break;
      case kUnknownRaw:
        raw = *bytes;
        break;
      case kUnknownContentEncoding:
        content_encoding = *bytes;
        break;
      case kUnknownContentType:
        content_type = *bytes;
        break;
    }
  }
  if (!content_encoding.empty()) return bad("unsupported contentEncoding \"" + std::string(content_encoding) + "\"");
  if (!content_type.empty() && content_type != kProtobufContentType) {
    return bad("unsupported contentType \"" + std::string(content_type) + "\"");
  }
  if (kind.empty()) return bad("typeMeta.kind is not set");
  int index = find_kind(api_version, kind);
  if (index < 0) return bad("no protobuf decoding for kind \"" + kind + "\" in apiVersion \"" + api_version + "\"");
  Json obj = Json::object();
  SKIFF_TRY(decode_fields(raw, message_at(index), obj, root, depth));
  obj["apiVersion"] = api_version;
  obj["kind"] = kind;
  return obj;
}

// --- encoding ---

class Encoder {
 public:
  // check_unknown: fail on JSON keys that are no field of msg (off for inline messages,
  // whose object is the parent's).
  Status encode_fields(const Json& obj, const MessageInfo& msg, wire::Writer& w, const Path& path, int depth,
                       bool check_unknown);

 private:
  Status encode_field(const Json& value, const FieldInfo& f, wire::Writer& w, const Path& path, int depth);
  Status encode_one(const Json& value, uint32_t number, FieldType type, int message, wire::Writer& w,
                    const Path& path, int depth);
  // A message-typed value's bytes; nullopt when nothing should be written (JSON null).
  Result<std::optional<std::string>> message_bytes(const Json& value, const MessageInfo& msg, const Path& path,
                                                   int depth);
};

Result<int64_t> json_integer(const Json& v, int64_t min, int64_t max, const Path& path) {
  int64_t i;
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max)) return at(path, "integer out of range");
    i = v.get<int64_t>();
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    if (!(std::trunc(d) == d) || d < static_cast<double>(min) || d > static_cast<double>(max)) {
      return at(path, "expected an integer, got " + v.dump());
    }
    i = static_cast<int64_t>(d);
  } else {
    return at(path, std::string("expected an integer, got ") + v.type_name());
  }
  if (i < min || i > max) return at(path, "integer " + std::to_string(i) + " out of range");
  return i;
}

Result<std::string> json_string(const Json& v, const Path& path) {
  if (!v.is_string()) return at(path, std::string("expected a string, got ") + v.type_name());
  return v.get<std::string>();
}

Status Encoder::encode_fields(const Json& obj, const MessageInfo& msg, wire::Writer& w, const Path& path, int depth,
                              bool check_unknown) {
  if (depth > kMaxDepth) return at(path, "objects nested deeper than " + std::to_string(kMaxDepth));
  if (!obj.is_object()) return at(path, std::string("expected an object, got ") + obj.type_name());
  if (check_unknown) {
    for (const auto& [key, value] : obj.items()) {
      if (field_by_name(msg, key) != nullptr) continue;
      // Go's TypeMeta (apiVersion, kind) is not part of any message: the envelope carries it.
      if (key == "apiVersion" || key == "kind") continue;
      return at(path, "unknown field \"" + key + "\" for " + std::string(msg.name));
    }
  }
  for (const auto& f : proto_table::fields_of(msg)) {
    if (f.inline_) {
      // Go writes embedded structs unconditionally; their keys were checked above.
      wire::Writer inner;
      SKIFF_TRY(encode_fields(obj, message_at(f.message), inner, path, depth + 1, false));
      w.bytes_field(f.number, inner.data());
      continue;
    }
    auto it = obj.find(f.name);
    if (it == obj.end() || it->is_null()) continue;
    Path child{&path, f.name};
    SKIFF_TRY(encode_field(*it, f, w, child, depth));
  }
  return ok_status();
}

Status Encoder::encode_field(const Json& value, const FieldInfo& f, wire::Writer& w, const Path& path, int depth) {
  if (f.type == FieldType::kMap) {
    if (!value.is_object()) return at(path, std::string("expected an object, got ") + value.type_name());
    for (const auto& [key, item] : value.items()) {
      Path item_path{&path, key};
      wire::Writer entry;
      entry.bytes_field(1, key);
      if (!item.is_null()) SKIFF_TRY(encode_one(item, 2, f.map_value, f.message, entry, item_path, depth));
      w.bytes_field(f.number, entry.data());
    }
    return ok_status();
  }
  if (f.repeated) {
    if (!value.is_array()) return at(path, std::string("expected an array, got ") + value.type_name());
    for (size_t i = 0; i < value.size(); ++i) {
      std::string index = "[" + std::to_string(i) + "]";
      Path item_path{&path, index};
      if (value[i].is_null()) {
        if (f.type != FieldType::kMessage) return at(item_path, "null in a list of scalars");
        w.bytes_field(f.number, "");
        continue;
      }
      SKIFF_TRY(encode_one(value[i], f.number, f.type, f.message, w, item_path, depth));
    }
    return ok_status();
  }
  return encode_one(value, f.number, f.type, f.message, w, path, depth);
}

Status Encoder::encode_one(const Json& value, uint32_t number, FieldType type, int message, wire::Writer& w,
                           const Path& path, int depth) {
  switch (type) {
    case FieldType::kString: {
      SKIFF_ASSIGN_OR_RETURN(auto s, json_string(value, path));
      w.bytes_field(number, s);
      return ok_status();
    }
    case FieldType::kBytes: {
      SKIFF_ASSIGN_OR_RETURN(auto s, json_string(value, path));
      auto decoded = base64_decode(s);
      if (!decoded) return at(path, "invalid base64");
      w.bytes_field(number, *decoded);
      return ok_status();
    }
    case FieldType::kBool:
      if (!value.is_boolean()) return at(path, std::string("expected a boolean, got ") + value.type_name());
      w.varint_field(number, value.get<bool>() ? 1 : 0);
      return ok_status();
    case FieldType::kInt32: {
      SKIFF_ASSIGN_OR_RETURN(auto i, json_integer(value, INT32_MIN, INT32_MAX, path));
      w.int_field(number, i);
      return ok_status();
    }
    case FieldType::kInt64: {
      SKIFF_ASSIGN_OR_RETURN(auto i, json_integer(value, INT64_MIN, INT64_MAX, path));
      w.int_field(number, i);
      return ok_status();
    }
    case FieldType::kMessage: {
      SKIFF_ASSIGN_OR_RETURN(auto bytes, message_bytes(value, message_at(message), path, depth + 1));
      if (bytes) w.bytes_field(number, *bytes);
      return ok_status();
    }
    case FieldType::kMap:
      break;
  }
  return at(path, "internal: unexpected field type");
}

Result<std::optional<std::string>> Encoder::message_bytes(const Json& value, const MessageInfo& msg,
                                                          const Path& path, int depth) {
  wire::Writer w;
  switch (msg.kind) {
    case MessageKind::kPlain:
      SKIFF_TRY(encode_fields(value, msg, w, path, depth, true));
      break;
    case MessageKind::kTime:
    case MessageKind::kMicroTime: {
      SKIFF_ASSIGN_OR_RETURN(auto s, json_string(value, path));
      auto t = parse_time(s);
      if (!t) return at(path, "invalid RFC3339 time \"" + s + "\"");
      auto [seconds, nanos] = *t;
      if (msg.kind == MessageKind::kTime) nanos = 0;
      else nanos -= nanos % 1000;
      w.int_field(1, seconds);
      w.int_field(2, nanos);
      break;
    }
    case MessageKind::kQuantity:
      if (value.is_number()) w.bytes_field(1, value.dump());
      else {
        SKIFF_ASSIGN_OR_RETURN(auto s, json_string(value, path));
        w.bytes_field(1, s);
      }
      break;
    case MessageKind::kIntOrString:
      if (value.is_string()) {
        w.int_field(1, 1);
        w.int_field(2, 0);
        w.bytes_field(3, value.get<std::string>());
      } else {
        SKIFF_ASSIGN_OR_RETURN(auto i, json_integer(value, INT32_MIN, INT32_MAX, path));
        w.int_field(1, 0);
        w.int_field(2, i);
        w.bytes_field(3, "");
      }
      break;
    case MessageKind::kRawJson:
      w.bytes_field(1, dump_json(value));
      break;
    case MessageKind::kStringArray:
      if (!value.is_array()) return at(path, std::string("expected an array, got ") + value.type_name());
      for (const auto& item : value) {
        SKIFF_ASSIGN_OR_RETURN(auto s, json_string(item, path));
        w.bytes_field(1, s);
      }
      break;
  }
  return std::optional<std::string>(std::move(w).data());
}

}  // namespace

bool has_k8s_protobuf_magic(std::string_view body) { return body.substr(0, kMagic.size()) == kMagic; }

Result<Json> decode_k8s_protobuf(std::string_view body) {
  Decoder decoder;
  return decoder.decode_unknown(body, 0);
}

Result<std::string> encode_k8s_protobuf(const Json& obj) {
  if (!obj.is_object()) return bad("expected an object");
  std::string api_version = get_string(obj, "apiVersion"), kind = get_string(obj, "kind");
  if (kind.empty()) return bad("the object has no kind");
  int index = find_kind(api_version, kind);
  if (index < 0) return bad("no protobuf encoding for kind \"" + kind + "\" in apiVersion \"" + api_version + "\"");
  Encoder encoder;
  wire::Writer raw;
  Path root{nullptr, ""};
  SKIFF_TRY(encoder.encode_fields(obj, message_at(index), raw, root, 0, true));

  wire::Writer type_meta;
  type_meta.bytes_field(1, api_version);
  type_meta.bytes_field(2, kind);
  wire::Writer unknown;
  unknown.bytes_field(kUnknownTypeMeta, type_meta.data());
  unknown.bytes_field(kUnknownRaw, raw.data());
  unknown.bytes_field(kUnknownContentEncoding, "");
  unknown.bytes_field(kUnknownContentType, "");
  std::string out(kMagic);
  out += unknown.data();
  return out;
}

}  // namespace skiff::api

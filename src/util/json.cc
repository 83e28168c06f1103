#include "util/json.h"

#include <array>
#include <charconv>

#include "util/go_strconv.h"
#include "util/json_reader.h"

namespace skiff {

Result<Json> parse_json(std::string_view text, bool* repeated_keys) {
  if (auto fast = read_json_fast(text, repeated_keys)) return std::move(*fast);
  if (repeated_keys) *repeated_keys = true;  // not known: the fast reader declined the text
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
    return Error::bad_request(std::string("invalid JSON: ") + e.what());
  }
}

Json parse_own_json(std::string_view text) {
  if (auto fast = read_json_fast(text)) return std::move(*fast);
  return Json::parse(text.begin(), text.end());
}

namespace {

std::string nlohmann_dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Bytes a JSON string holds as they are: printable ASCII other than '"' and '\\'.
constexpr std::array<bool, 256> kVerbatim = [] {
  std::array<bool, 256> table{};
  for (int b = 0x20; b < 0x80; ++b) table[b] = b != '"' && b != '\\';
  return table;
}();

void write_string(const std::string& s, std::string& out) {
  size_t run = 0;
  while (run < s.size() && kVerbatim[static_cast<unsigned char>(s[run])]) ++run;
  out += '"';
  if (run == s.size()) {  // the usual case: nothing to escape
    out += s;
    out += '"';
    return;
  }
  if (!valid_utf8(s)) {  // nlohmann's replacement of bad sequences
    out.pop_back();
    out += nlohmann_dump(Json(s));
    return;
  }
  out.append(s, 0, run);
  for (size_t i = run; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (kVerbatim[b] || b >= 0x80) {
      out += static_cast<char>(b);
    } else {
      append_json_escape(out, b);
    }
  }
  out += '"';
}

template <class Int>
void write_integer(Int v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// nlohmann's dump(-1) written out for what objects hold, byte for byte the same; floats (its
// own shortest form) and strings that are not UTF-8 (its replacement) are left to it.
void write_json(const Json& j, std::string& out) {
  switch (j.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : j.get_ref<const Json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        write_string(key, out);
        out += ':';
        write_json(value, out);
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : j.get_ref<const Json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        write_json(item, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::string: return write_string(j.get_ref<const std::string&>(), out);
    case Json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
    case Json::value_t::number_integer: return write_integer(j.get<int64_t>(), out);
    case Json::value_t::number_unsigned: return write_integer(j.get<uint64_t>(), out);
    case Json::value_t::null: out += "null"; return;
    default: out += nlohmann_dump(j); return;  // floats, binary, discarded
  }
}

}  // namespace

void append_json_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
  }
}

std::string dump_json(const Json& j) {
  std::string out;
  write_json(j, out);
  return out;
}

const Json* find_path(const Json& j, std::string_view dotted) {
  const Json* cur = &j;
  while (!dotted.empty()) {
    auto dot = dotted.find('.');
    std::string_view part = dotted.substr(0, dot);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return cur;
}

std::string get_string(const Json& obj, std::string_view key, std::string_view fallback) {
  if (!obj.is_object()) return std::string(fallback);
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::string(fallback);
  return it->get<std::string>();
}

}  // namespace skiff

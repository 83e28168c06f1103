#include "chart/funcs/go_json.h"

#include <cmath>

#include "chart/funcs/go_values.h"
#include "chart/template/function.h"
#include "chart/template/go_strconv.h"
#include "chart/template/value_json.h"
#include "util/json.h"

namespace skiff::chart::funcs {

using tmpl::Kind;
using tmpl::Value;

namespace {

void write_string(std::string& out, const std::string& s, bool escape_html) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      bool html = c == '<' || c == '>' || c == '&';
      if (c >= 0x20 && c != '"' && c != '\\' && !(escape_html && html)) {
        out += static_cast<char>(c);
      } else {
        append_json_escape(out, c);
      }
      ++i;
      continue;
    }
    int w;
    int32_t r = tmpl::decode_rune(std::string_view(s).substr(i), &w);
    if (r == tmpl::kRuneError && w == 1) {
      out += "\\ufffd";
    } else if (r == 0x2028 || r == 0x2029) {
      out += r == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s, i, w);
    }
    i += w;
  }
  out += '"';
}

Status write_float(std::string& out, double f) {
  if (std::isnan(f) || std::isinf(f)) {
    return Error::invalid("json: unsupported value: " + tmpl::go_format_float(f, 'g', -1));
  }
  double abs = std::fabs(f);
  char fmt = 'f';
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) fmt = 'e';
  std::string s = tmpl::go_format_float(f, fmt, -1);
  if (fmt == 'e') {
    size_t n = s.size();
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
      s.erase(n - 2, 1);
    }
  }
  out += s;
  return ok_status();
}

void newline(std::string& out, const std::string& indent, int depth) {
  if (indent.empty()) return;
  out += '\n';
  for (int i = 0; i < depth; ++i) out += indent;
}

Status write(std::string& out, const Value& v_in, bool escape_html, const std::string& indent, int depth) {
  Value v = v_in.unboxed();
  if (!v.is_valid()) {
    out += "null";
    return ok_status();
  }
  if (v.type_info() && v.type_info()->stringer && v.type_info()->name != "sprig.certificate") {
    // time.Time and semver.Version marshal as strings.
    std::string s = v.type_info()->name == "time.Time" ? v.type_info()->stringer(v) : strval(v);
    write_string(out, s, escape_html);
    return ok_status();
  }
  Kind k = v.kind();
  if (k == Kind::kBool) {
    out += v.as_bool() ? "true" : "false";
  } else if (tmpl::is_signed_int_kind(k)) {
    out += std::to_string(v.as_int());
  } else if (tmpl::is_unsigned_int_kind(k)) {
    out += std::to_string(v.as_uint());
  } else if (tmpl::is_float_kind(k)) {
    SKIFF_TRY(write_float(out, v.as_float()));
  } else if (k == Kind::kString) {
    write_string(out, v.as_string(), escape_html);
  } else if (k == Kind::kMap) {
    if (v.is_nil_container()) {
      out += "null";
      return ok_status();
    }
    const auto& entries = v.map_entries();
    out += '{';
    bool first = true;
    for (const auto& [key, item] : entries) {
      if (!first) out += ',';
      first = false;
      newline(out, indent, depth + 1);
      write_string(out, key, escape_html);
      out += indent.empty() ? ":" : ": ";
      SKIFF_TRY(write(out, item, escape_html, indent, depth + 1));
    }
    if (!entries.empty()) newline(out, indent, depth);
    out += '}';
  } else if (k == Kind::kSlice) {
    if (v.is_nil_container()) {
      out += "null";
      return ok_status();
    }
    const auto& items = v.list_items();
    out += '[';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += ',';
      newline(out, indent, depth + 1);
      SKIFF_TRY(write(out, items[i], escape_html, indent, depth + 1));
    }
    if (!items.empty()) newline(out, indent, depth);
    out += ']';
  } else {
    return Error::invalid("json: unsupported type: " + v.type_name());
  }
  return ok_status();
}

}  // namespace

Result<std::string> go_json_marshal(const Value& v, bool escape_html, const std::string& indent) {
  std::string out;
  SKIFF_TRY(write(out, v, escape_html, indent, 0));
  return out;
}

Result<Value> go_json_unmarshal(const std::string& text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) {
    bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank) return Error::invalid("unexpected end of JSON input");
    return Error::invalid(parsed.error().message);
  }
  return tmpl::value_from_json(*parsed, tmpl::JsonNumbers::kFloat64);
}

}  // namespace skiff::chart::funcs

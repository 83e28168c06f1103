#include "util/yaml.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <regex>

namespace skiff {
namespace {

bool is_null_scalar(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// YAML 1.1 booleans as go-yaml v2 (used by sigs.k8s.io/yaml) resolves them.
std::optional<bool> bool_scalar(const std::string& s) {
  static const char* truthy[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
  static const char* falsy[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
  for (auto* t : truthy) if (s == t) return true;
  for (auto* f : falsy) if (s == f) return false;
  return std::nullopt;
}

// A number in JSON's range, or an error for numbers JSON cannot carry (overflowing floats,
// infinities), as Kubernetes' YAML-to-JSON conversion rejects them.
Result<Json> finite_number(double v, const std::string& text) {
  if (!std::isfinite(v)) return Error::bad_request("yaml: cannot convert " + text + " to JSON: number out of range");
  return Json(v);
}

Result<Json> parse_float(const std::string& clean, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (errno == ERANGE && std::isinf(v)) return finite_number(v, text);
  return finite_number(v, text);
}

Result<Json> parse_based_integer(const std::string& digits, int base, const std::string& text) {
  unsigned long long u = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
  if (ec != std::errc() || p != digits.data() + digits.size())
    return Error::bad_request("yaml: cannot convert " + text + " to JSON: number out of range");
  if (u <= static_cast<unsigned long long>(INT64_MAX)) return Json(static_cast<int64_t>(u));
  return Json(u);
}

// YAML 1.1 numbers: nullopt when the scalar is not a number at all.
Result<std::optional<Json>> number_scalar(const std::string& s) {
  static const std::regex int_re(R"(^[-+]?(0|[1-9][0-9_]*)$)");
  static const std::regex hex_re(R"(^0x[0-9a-fA-F_]+$)");
  static const std::regex oct_re(R"(^0o?[0-7_]+$)");
  static const std::regex float_re(R"(^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$)");
  std::string clean;
  for (char c : s) if (c != '_') clean += c;
  if (std::regex_match(s, int_re)) {
    long long v = 0;
    const char* b = clean.data() + (clean[0] == '+' ? 1 : 0);
    auto [p, ec] = std::from_chars(b, clean.data() + clean.size(), v);
    if (ec == std::errc() && p == clean.data() + clean.size()) return std::optional<Json>(Json(v));
    unsigned long long u = 0;
    auto [p2, ec2] = std::from_chars(b, clean.data() + clean.size(), u);
    if (ec2 == std::errc() && p2 == clean.data() + clean.size()) return std::optional<Json>(Json(u));
    SKIFF_ASSIGN_OR_RETURN(Json f, parse_float(clean, s));
    return std::optional<Json>(std::move(f));
  }
  if (std::regex_match(s, hex_re)) {
    SKIFF_ASSIGN_OR_RETURN(Json v, parse_based_integer(clean.substr(2), 16, s));
    return std::optional<Json>(std::move(v));
  }
  if (s.size() > 1 && s[0] == '0' && std::regex_match(s, oct_re)) {
    SKIFF_ASSIGN_OR_RETURN(Json v, parse_based_integer(clean.substr(clean[1] == 'o' ? 2 : 1), 8, s));
    return std::optional<Json>(std::move(v));
  }
  if (std::regex_match(s, float_re)) {
    SKIFF_ASSIGN_OR_RETURN(Json f, parse_float(clean, s));
    return std::optional<Json>(std::move(f));
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "-.inf" || s == "-.Inf" || s == "-.INF" ||
      s == ".nan" || s == ".NaN" || s == ".NAN")
    return Error::bad_request("yaml: cannot convert " + s + " to JSON: unsupported value");
  return std::optional<Json>();
}

// Whether a plain scalar with this text would read back as something other than a string.
bool reads_as_number(const std::string& s) {
  auto n = number_scalar(s);
  return !n.ok() || n->has_value();
}

Result<Json> to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Json(nullptr);
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      // Quoted or explicitly tagged scalars stay strings.
      if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return Json(s);
      if (n.Tag() == "?" || n.Tag().empty()) {
        if (is_null_scalar(s)) return Json(nullptr);
        if (auto b = bool_scalar(s)) return Json(*b);
        SKIFF_ASSIGN_OR_RETURN(auto num, number_scalar(s));
        if (num) return std::move(*num);
      }
      return Json(s);
    }
    case YAML::NodeType::Sequence: {
      Json arr = Json::array();
      for (const auto& item : n) {
        SKIFF_ASSIGN_OR_RETURN(Json v, to_json(item));
        arr.push_back(std::move(v));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      Json obj = Json::object();
      for (const auto& kv : n) {
        if (kv.first.Type() != YAML::NodeType::Scalar) {
          auto m = kv.first.Mark();
          return Error::bad_request("yaml: line " + std::to_string(m.line + 1) +
                                    ": mapping keys must be scalars");
        }
        std::string key = kv.first.Scalar();
        if (key == "<<") {  // merge key
          SKIFF_ASSIGN_OR_RETURN(Json merged, to_json(kv.second));
          if (merged.is_object())
            for (auto& [k, v] : merged.items())
              if (!obj.contains(k)) obj[k] = v;
          continue;
        }
        SKIFF_ASSIGN_OR_RETURN(Json v, to_json(kv.second));
        obj[key] = std::move(v);
      }
      return obj;
    }
  }
  return Json(nullptr);
}

Error yaml_error(const YAML::Exception& e) {
  std::string msg = "yaml: ";
  if (!e.mark.is_null()) msg += "line " + std::to_string(e.mark.line + 1) + ", column " +
                               std::to_string(e.mark.column + 1) + ": ";
  msg += e.msg;
  return Error::bad_request(msg);
}

void emit(const Json& j, YAML::Emitter& out) {
  switch (j.type()) {
    case Json::value_t::object:
      out << YAML::BeginMap;
      for (auto& [k, v] : j.items()) {
        out << YAML::Key << k << YAML::Value;
        emit(v, out);
      }
      out << YAML::EndMap;
      break;
    case Json::value_t::array:
      out << YAML::BeginSeq;
      for (auto& v : j) emit(v, out);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      // Quote strings that would otherwise read back as another type.
      bool needs_quotes = is_null_scalar(s) || bool_scalar(s) || reads_as_number(s);
      if (needs_quotes) out << YAML::DoubleQuoted << s;
      else out << s;
      break;
    }
    case Json::value_t::boolean: out << (j.get<bool>() ? "true" : "false"); break;
    case Json::value_t::null: out << YAML::Null; break;
    default: out << j.dump(); break;
  }
}

}  // namespace

Result<Json> parse_yaml(std::string_view text) {
  SKIFF_ASSIGN_OR_RETURN(auto docs, parse_yaml_documents(text));
  if (docs.empty()) return Json(nullptr);
  if (docs.size() > 1) return Error::bad_request("yaml: expected a single document, found " +
                                                 std::to_string(docs.size()));
  return std::move(docs[0]);
}

Result<std::vector<Json>> parse_yaml_documents(std::string_view text) {
  std::vector<Json> out;
  try {
    auto nodes = YAML::LoadAll(std::string(text));
    for (const auto& n : nodes) {
      SKIFF_ASSIGN_OR_RETURN(Json j, to_json(n));
      if (!j.is_null()) out.push_back(std::move(j));
    }
  } catch (const YAML::Exception& e) {
    return yaml_error(e);
  }
  return out;
}

std::string to_yaml(const Json& j) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetMapFormat(YAML::Block);
  out.SetSeqFormat(YAML::Block);
  emit(j, out);
  std::string s = out.c_str();
  if (!s.empty() && s.back() != '\n') s += '\n';
  return s;
}

}  // namespace skiff

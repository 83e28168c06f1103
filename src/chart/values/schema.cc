#include "chart/values/schema.h"

#include <re2/re2.h>

#include <cmath>
#include <optional>
#include <set>

#include "util/json_reader.h"

namespace skiff::chart {

namespace {

std::string type_of(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool is_integer(const Json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return true;
  if (v.is_number_float()) {
    double d = v.get<double>();
    return std::isfinite(d) && d == std::floor(d);
  }
  return false;
}

bool matches_type(const Json& v, const std::string& t) {
  if (t == "integer") return is_integer(v);
  if (t == "number") return v.is_number();
  return type_of(v) == t;
}

std::string escape_pointer(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string quote_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", '" : "'") + items[i] + "'";
  return out;
}

std::string number_text(const Json& v) {
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == std::floor(d) && std::abs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  }
  return v.dump();
}

// JSON equality where 1 and 1.0 are the same number.
bool json_equal(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) if (!json_equal(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto o = b.find(it.key());
      if (o == b.end() || !json_equal(*it, *o)) return false;
    }
    return true;
  }
  return a == b;
}

struct Violation {
  std::string location;
  std::string message;
};

class Validator {
 public:
  explicit Validator(const Json& root) : root_(root) {}

  Status validate(const Json& schema, const Json& v, const std::string& loc, std::vector<Violation>& out, int depth = 0) {
    if (depth > 200) return Error::invalid("schema nesting too deep");
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) out.push_back({loc, "false schema"});
      return ok_status();
    }
    if (!schema.is_object()) return ok_status();
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      SKIFF_ASSIGN_OR_RETURN(const Json* target, resolve(ref->get<std::string>()));
      SKIFF_TRY(validate(*target, v, loc, out, depth + 1));
    }
    if (auto t = schema.find("type"); t != schema.end()) {
      std::vector<std::string> want;
      if (t->is_string()) want.push_back(t->get<std::string>());
      if (t->is_array()) for (const auto& x : *t) if (x.is_string()) want.push_back(x.get<std::string>());
      bool ok = want.empty();
      for (const auto& w : want) ok = ok || matches_type(v, w);
      if (!ok) {
        std::string w;
        for (size_t i = 0; i < want.size(); ++i) w += (i ? " or " : "") + want[i];
        out.push_back({loc, "got " + type_of(v) + ", want " + w});
        return ok_status();
      }
    }
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
      bool found = false;
      for (const auto& x : *e) found = found || json_equal(x, v);
      if (!found) {
        std::string list;
        for (size_t i = 0; i < e->size(); ++i) list += (i ? ", " : "") + (*e)[i].dump();
        out.push_back({loc, "value must be one of " + list});
      }
    }
    if (auto c = schema.find("const"); c != schema.end() && !json_equal(*c, v)) {
      out.push_back({loc, "value must be " + c->dump()});
    }
    if (v.is_object()) SKIFF_TRY(validate_object(schema, v, loc, out, depth));
    if (v.is_array()) SKIFF_TRY(validate_array(schema, v, loc, out, depth));
    if (v.is_number()) validate_number(schema, v, loc, out);
    if (v.is_string()) validate_string(schema, v, loc, out);
    SKIFF_TRY(validate_combinators(schema, v, loc, out, depth));
    return ok_status();
  }

 private:
  Result<const Json*> resolve(const std::string& ref) {
    if (ref.empty() || ref[0] != '#') return Error::invalid("$ref \"" + ref + "\" is not supported yet (only local references)");
    std::string ptr = ref.substr(1);
    try {
      const Json& target = ptr.empty() ? root_ : root_.at(Json::json_pointer(ptr));
      return &target;
    } catch (const std::exception&) {
      return Error::invalid("jsonschema: cannot resolve $ref \"" + ref + "\"");
    }
  }

  Status validate_object(const Json& schema, const Json& v, const std::string& loc, std::vector<Violation>& out, int depth) {
    if (auto r = schema.find("required"); r != schema.end() && r->is_array()) {
      std::vector<std::string> missing;
      for (const auto& k : *r) {
        if (k.is_string() && !v.contains(k.get<std::string>())) missing.push_back(k.get<std::string>());
      }
      if (missing.size() == 1) out.push_back({loc, "missing property " + quote_list(missing)});
      if (missing.size() > 1) out.push_back({loc, "missing properties " + quote_list(missing)});
    }
    const Json* props = nullptr;
    if (auto p = schema.find("properties"); p != schema.end() && p->is_object()) props = &*p;
    const Json* pattern_props = nullptr;
    if (auto p = schema.find("patternProperties"); p != schema.end() && p->is_object()) pattern_props = &*p;
    std::vector<std::string> additional;
    for (auto it = v.begin(); it != v.end(); ++it) {
      bool covered = false;
      std::string child = loc + "/" + escape_pointer(it.key());
      if (props) {
        if (auto ps = props->find(it.key()); ps != props->end()) {
          covered = true;
          SKIFF_TRY(validate(*ps, *it, child, out, depth + 1));
        }
      }
      if (pattern_props) {
        for (auto pp = pattern_props->begin(); pp != pattern_props->end(); ++pp) {
          RE2 re(pp.key(), RE2::Quiet);
          if (re.ok() && RE2::PartialMatch(it.key(), re)) {
            covered = true;
            SKIFF_TRY(validate(*pp, *it, child, out, depth + 1));
          }
        }
      }
      if (!covered) {
        if (auto ap = schema.find("additionalProperties"); ap != schema.end()) {
          if (ap->is_boolean() && !ap->get<bool>()) {
            additional.push_back(it.key());
          } else if (ap->is_object()) {
            SKIFF_TRY(validate(*ap, *it, child, out, depth + 1));
          }
        }
      }
    }
    if (!additional.empty()) out.push_back({loc, "additional properties " + quote_list(additional) + " not allowed"});
    return ok_status();
  }

  Status validate_array(const Json& schema, const Json& v, const std::string& loc, std::vector<Violation>& out, int depth) {
    if (auto items = schema.find("items"); items != schema.end()) {
      if (items->is_array()) {
        for (size_t i = 0; i < v.size() && i < items->size(); ++i) {
          SKIFF_TRY(validate((*items)[i], v[i], loc + "/" + std::to_string(i), out, depth + 1));
        }
      } else {
        for (size_t i = 0; i < v.size(); ++i) SKIFF_TRY(validate(*items, v[i], loc + "/" + std::to_string(i), out, depth + 1));
      }
    }
    if (auto m = schema.find("minItems"); m != schema.end() && m->is_number() && v.size() < m->get<double>()) {
      out.push_back({loc, "minItems: got " + std::to_string(v.size()) + ", want " + number_text(*m)});
    }
    if (auto m = schema.find("maxItems"); m != schema.end() && m->is_number() && v.size() > m->get<double>()) {
      out.push_back({loc, "maxItems: got " + std::to_string(v.size()) + ", want " + number_text(*m)});
    }
    if (auto u = schema.find("uniqueItems"); u != schema.end() && u->is_boolean() && u->get<bool>()) {
      for (size_t i = 0; i < v.size(); ++i) {
        for (size_t j = i + 1; j < v.size(); ++j) {
          if (json_equal(v[i], v[j])) {
            out.push_back({loc, "items at " + std::to_string(i) + " and " + std::to_string(j) + " are equal"});
            return ok_status();
          }
        }
      }
    }
    return ok_status();
  }

  void validate_number(const Json& schema, const Json& v, const std::string& loc, std::vector<Violation>& out) {
    double x = v.get<double>();
    auto bound = [&](const char* key, auto fails, const char* op) {
      if (auto b = schema.find(key); b != schema.end() && b->is_number() && fails(x, b->get<double>())) {
        out.push_back({loc, std::string("must be ") + op + " " + number_text(*b) + " but found " + number_text(v)});
      }
    };
    bound("minimum", [](double a, double b) { return a < b; }, ">=");
    bound("maximum", [](double a, double b) { return a > b; }, "<=");
    bound("exclusiveMinimum", [](double a, double b) { return a <= b; }, ">");
    bound("exclusiveMaximum", [](double a, double b) { return a >= b; }, "<");
  }

  void validate_string(const Json& schema, const Json& v, const std::string& loc, std::vector<Violation>& out) {
    const std::string& s = v.get_ref<const std::string&>();
    size_t runes = 0;
    for (unsigned char c : s) if ((c & 0xC0) != 0x80) ++runes;
    if (auto m = schema.find("minLength"); m != schema.end() && m->is_number() && runes < m->get<double>()) {
      out.push_back({loc, "minLength: got " + std::to_string(runes) + ", want " + number_text(*m)});
    }
    if (auto m = schema.find("maxLength"); m != schema.end() && m->is_number() && runes > m->get<double>()) {
      out.push_back({loc, "maxLength: got " + std::to_string(runes) + ", want " + number_text(*m)});
    }
    if (auto p = schema.find("pattern"); p != schema.end() && p->is_string()) {
      RE2 re(p->get<std::string>(), RE2::Quiet);
      if (re.ok() && !RE2::PartialMatch(s, re)) {
        out.push_back({loc, "'" + s + "' does not match pattern '" + p->get<std::string>() + "'"});
      }
    }
  }

  Status validate_combinators(const Json& schema, const Json& v, const std::string& loc, std::vector<Violation>& out, int depth) {
    if (auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
      for (const auto& s : *all) SKIFF_TRY(validate(s, v, loc, out, depth + 1));
    }
    auto count_valid = [&](const Json& list, size_t& valid) -> Status {
      valid = 0;
      for (const auto& s : list) {
        std::vector<Violation> sub;
        SKIFF_TRY(validate(s, v, loc, sub, depth + 1));
        if (sub.empty()) ++valid;
      }
      return ok_status();
    };
    if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array()) {
      size_t valid = 0;
      SKIFF_TRY(count_valid(*any, valid));
      if (valid == 0) out.push_back({loc, "anyOf failed"});
    }
    if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array()) {
      size_t valid = 0;
      SKIFF_TRY(count_valid(*one, valid));
      if (valid == 0) out.push_back({loc, "oneOf failed, none matched"});
      if (valid > 1) out.push_back({loc, "oneOf failed, more than one matched"});
    }
    if (auto n = schema.find("not"); n != schema.end()) {
      std::vector<Violation> sub;
      SKIFF_TRY(validate(*n, v, loc, sub, depth + 1));
      if (sub.empty()) out.push_back({loc, "not failed"});
    }
    if (auto cond = schema.find("if"); cond != schema.end()) {
      std::vector<Violation> sub;
      SKIFF_TRY(validate(*cond, v, loc, sub, depth + 1));
      const char* branch = sub.empty() ? "then" : "else";
      if (auto b = schema.find(branch); b != schema.end()) SKIFF_TRY(validate(*b, v, loc, out, depth + 1));
    }
    return ok_status();
  }

  const Json& root_;
};

Status validate_chart(const Chart& chart, const Json& values, std::string& report) {
  if (chart.schema) {
    Status st = validate_against_schema(values, *chart.schema);
    if (!st.ok()) report += chart.name() + ":\n" + st.error().message;
  }
  for (const auto& sub : chart.dependencies) {
    auto it = values.find(sub->name());
    if (it == values.end() || it->is_null()) continue;
    if (!it->is_object()) {
      report += sub->name() + ":\ninvalid type for values: expected object (map), got " +
                std::string(it->is_string() ? "string" : it->is_boolean() ? "bool" : it->is_array() ? "[]interface {}" : "float64") +
                "\n";
      continue;
    }
    SKIFF_TRY(validate_chart(*sub, *it, report));
  }
  return ok_status();
}

}  // namespace

Status validate_against_schema(const Json& values, const std::string& schema_text) {
  // The fast reader takes well-formed documents; nlohmann's parser reports the rest.
  std::optional<Json> read = read_json_fast(schema_text);
  Json schema;
  if (read) {
    schema = std::move(*read);
  } else {
    try {
      schema = Json::parse(schema_text);
    } catch (const std::exception& e) {
      return Error::invalid(std::string("invalid schema: ") + e.what());
    }
  }
  Validator validator(schema);
  std::vector<Violation> violations;
  SKIFF_TRY(validator.validate(schema, values, "", violations));
  if (violations.empty()) return ok_status();
  std::string msg;
  for (const auto& v : violations) msg += "- at '" + v.location + "': " + v.message + "\n";
  return Error::invalid(msg);
}

Status validate_values_against_schemas(const Chart& chart, const Json& values) {
  std::string report;
  SKIFF_TRY(validate_chart(chart, values, report));
  if (report.empty()) return ok_status();
  return Error::invalid(report);
}

}  // namespace skiff::chart

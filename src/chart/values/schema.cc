#include "chart/values/schema.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>

#include "util/go_strconv.h"
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

// Numbers as jsonschema's message printer (golang.org/x/text, English) writes them: thousands
// grouped with commas, and where Go's %v would use an exponent, "×10" and a superscript one.
std::string group_thousands(std::string digits) {
  size_t start = digits[0] == '-' ? 1 : 0;
  size_t end = digits.find('.');
  if (end == std::string::npos) end = digits.size();
  for (size_t i = end; i > start + 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

std::string printed_number(double x) {
  std::string text = go_format_float(x, 'g', -1);
  size_t e = text.find('e');
  if (e == std::string::npos) return group_thousands(text);
  static const char* const kSuperscript[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string out = text.substr(0, e) + "×10";
  for (char c : text.substr(e + 1)) {
    if (c == '-') out += "⁻";
    if (c >= '0' && c <= '9') out += kSuperscript[c - '0'];
  }
  return out;
}

std::string printed_count(size_t n) { return group_thousands(std::to_string(n)); }

// jsonschema's quote(): Go's %q with double quotes left bare and single quotes escaped, in
// single quotes.
std::string single_quote(std::string_view text) {
  std::string q = go_quote(text);
  std::string out = "'";
  for (size_t i = 1; i + 1 < q.size(); ++i) {
    if (q[i] == '\\' && q[i + 1] == '"') continue;  // \" becomes "
    if (q[i] == '\'') out += '\\';
    out += q[i];
  }
  return out + "'";
}

std::string join_quoted(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + single_quote(items[i]);
  return out;
}

// Go's %v of a JSON number: integers as written, others as float64's shortest form.
std::string go_number(const Json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  return go_format_float(v.get<double>(), 'g', -1);
}

// The kind's display() for enum and const values.
std::string display(const Json& v) {
  if (v.is_string()) return single_quote(v.get<std::string>());
  if (v.is_array() || v.is_object()) return "value";
  if (v.is_null()) return "<nil>";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return go_number(v);
}

bool is_primitive(const Json& v) { return !v.is_array() && !v.is_object(); }

// a / b is a whole number, computed on the decimal forms as jsonschema does with big.Rat.
bool multiple_of(const Json& a, const Json& b) {
  auto decimal = [](const Json& v, __int128& mantissa, int& exponent) {
    std::string text = go_number(v);
    if (text.find_first_of("eE") != std::string::npos) return false;
    bool neg = !text.empty() && text[0] == '-';
    if (neg) text.erase(0, 1);
    size_t dot = text.find('.');
    exponent = dot == std::string::npos ? 0 : -static_cast<int>(text.size() - dot - 1);
    if (dot != std::string::npos) text.erase(dot, 1);
    if (text.size() > 30) return false;
    mantissa = 0;
    for (char c : text) mantissa = mantissa * 10 + (c - '0');
    if (neg) mantissa = -mantissa;
    return true;
  };
  __int128 ma, mb;
  int ea, eb;
  if (decimal(a, ma, ea) && decimal(b, mb, eb) && mb != 0) {
    const int e = std::min(ea, eb);
    for (int i = e; i < ea; ++i) ma *= 10;
    for (int i = e; i < eb; ++i) mb *= 10;
    return ma % mb == 0;
  }
  double q = a.get<double>() / b.get<double>();
  return std::isfinite(q) && q == std::floor(q);
}

// A validation failure as jsonschema v6 builds them: a message about the value at `location`,
// with the failures that caused it. A group ("validation failed") gathers several failures of
// one schema; a reference with one cause is not printed itself, only its cause.
struct Failure {
  enum class Type { kPlain, kGroup, kReference };
  std::string location;
  std::string message;
  std::vector<Failure> causes;
  Type type = Type::kPlain;

  static Failure group(std::string location, std::vector<Failure> causes, Type type = Type::kGroup) {
    return {std::move(location), "validation failed", std::move(causes), type};
  }
  // A group's causes, else the failure alone.
  std::vector<Failure> flattened() && {
    if (type == Type::kGroup) return std::move(causes);
    std::vector<Failure> one;
    one.push_back(std::move(*this));
    return one;
  }
};

void print_failure(const Failure& f, int indent, std::string& out) {
  if (f.type == Failure::Type::kReference && f.causes.size() == 1) {
    print_failure(f.causes[0], indent, out);
    return;
  }
  out += std::string(static_cast<size_t>(2 * indent), ' ') + "- at " + single_quote(f.location) + ": " + f.message + "\n";
  for (const auto& c : f.causes) print_failure(c, indent + 1, out);
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

using Outcome = Result<std::optional<Failure>>;  // nullopt: valid

class Validator {
 public:
  Validator(const Json& root, int draft) : root_(root), draft_(draft) {}

  Outcome validate(const Json& schema, const Json& v, const std::string& loc, int depth = 0) {
    if (depth > 200) return Error::invalid("schema nesting too deep");
    if (schema.is_boolean()) {
      if (schema.get<bool>()) return std::optional<Failure>();
      return std::optional<Failure>(Failure{loc, "false schema"});
    }
    if (!schema.is_object()) return std::optional<Failure>();
    auto fail = [&](std::string message) { return std::optional<Failure>(Failure{loc, std::move(message)}); };

    if (auto t = schema.find("type"); t != schema.end()) {
      std::set<std::string> want;
      if (t->is_string()) want.insert(t->get<std::string>());
      if (t->is_array())
        for (const auto& x : *t)
          if (x.is_string()) want.insert(x.get<std::string>());
      bool ok = want.empty();
      for (const auto& w : want) ok = ok || matches_type(v, w);
      if (!ok) {
        std::string w;
        for (const char* name : {"null", "boolean", "number", "integer", "string", "array", "object"}) {
          if (want.count(name)) w += (w.empty() ? "" : " or ") + std::string(name);
        }
        return fail("got " + type_of(v) + ", want " + w);
      }
    }
    if (auto c = schema.find("const"); draft_ >= 6 && c != schema.end() && !json_equal(*c, v)) {
      return fail(is_primitive(*c) ? "value must be " + display(*c) : "'const' failed");
    }
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
      bool found = false;
      for (const auto& x : *e) found = found || json_equal(x, v);
      if (!found) {
        bool primitive = std::all_of(e->begin(), e->end(), [](const Json& x) { return is_primitive(x); });
        if (!primitive) return fail("'enum' failed");
        if (e->size() == 1) return fail("value must be " + display((*e)[0]));
        std::string list;
        for (size_t i = 0; i < e->size(); ++i) list += (i ? ", " : "") + display((*e)[i]);
        return fail("value must be one of " + list);
      }
    }

    std::vector<Failure> failures;
    auto add = [&](std::optional<Failure> f) {
      if (f) failures.push_back(std::move(*f));
    };
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      SKIFF_ASSIGN_OR_RETURN(const Json* target, resolve(ref->get<std::string>()));
      SKIFF_ASSIGN_OR_RETURN(auto failed, validate(*target, v, loc, depth + 1));
      std::optional<Failure> wrapped;
      if (failed) wrapped = Failure::group(loc, std::move(*failed).flattened(), Failure::Type::kReference);
      if (draft_ < 2019) return wrapped;  // before 2019-09 a $ref's siblings are ignored
      add(std::move(wrapped));
    }

    if (v.is_object()) SKIFF_TRY(validate_object(schema, v, loc, depth, failures));
    if (v.is_array()) SKIFF_TRY(validate_array(schema, v, loc, depth, failures));
    if (v.is_string()) validate_string(schema, v, loc, failures);
    if (v.is_number()) validate_number(schema, v, loc, failures);
    SKIFF_TRY(validate_combinators(schema, v, loc, depth, failures));

    if (failures.empty()) return std::optional<Failure>();
    if (failures.size() == 1) return std::optional<Failure>(std::move(failures[0]));
    return std::optional<Failure>(Failure::group(loc, std::move(failures)));
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

  static std::optional<size_t> count_of(const Json& schema, const char* key) {
    auto it = schema.find(key);
    if (it == schema.end() || !it->is_number()) return std::nullopt;
    double d = it->get<double>();
    return d < 0 ? 0 : static_cast<size_t>(d);
  }

  static std::vector<std::string> missing_of(const Json& obj, const Json& required) {
    std::vector<std::string> missing;
    for (const auto& k : required)
      if (k.is_string() && !obj.contains(k.get<std::string>())) missing.push_back(k.get<std::string>());
    return missing;
  }

  Status validate_object(const Json& schema, const Json& v, const std::string& loc, int depth,
                         std::vector<Failure>& out) {
    if (auto n = count_of(schema, "minProperties"); n && v.size() < *n) {
      out.push_back({loc, "minProperties: got " + printed_count(v.size()) + ", want " + printed_count(*n)});
    }
    if (auto n = count_of(schema, "maxProperties"); n && v.size() > *n) {
      out.push_back({loc, "maxProperties: got " + printed_count(v.size()) + ", want " + printed_count(*n)});
    }
    if (auto r = schema.find("required"); r != schema.end() && r->is_array()) {
      auto missing = missing_of(v, *r);
      if (missing.size() == 1) out.push_back({loc, "missing property " + single_quote(missing[0])});
      if (missing.size() > 1) out.push_back({loc, "missing properties " + join_quoted(missing)});
    }
    if (auto deps = schema.find("dependencies"); deps != schema.end() && deps->is_object()) {
      for (auto d = deps->begin(); d != deps->end(); ++d) {
        if (!v.contains(d.key())) continue;
        if (d->is_array()) {
          auto missing = missing_of(v, *d);
          if (!missing.empty()) {
            out.push_back({loc, "properties " + join_quoted(missing) + " required, if " + single_quote(d.key()) + " exists"});
          }
        } else {
          SKIFF_ASSIGN_OR_RETURN(auto f, validate(*d, v, loc, depth + 1));
          if (f) out.push_back(std::move(*f));
        }
      }
    }
    const Json* props = nullptr;
    if (auto p = schema.find("properties"); p != schema.end() && p->is_object()) props = &*p;
    const Json* pattern_props = nullptr;
    if (auto p = schema.find("patternProperties"); p != schema.end() && p->is_object()) pattern_props = &*p;
    auto additional_schema = schema.find("additionalProperties");
    std::vector<std::string> additional;
    for (auto it = v.begin(); it != v.end(); ++it) {
      bool evaluated = false;
      const std::string child = loc + "/" + pointer_token(it.key());
      if (props) {
        if (auto ps = props->find(it.key()); ps != props->end()) {
          evaluated = true;
          SKIFF_ASSIGN_OR_RETURN(auto f, validate(*ps, *it, child, depth + 1));
          if (f) out.push_back(std::move(*f));
        }
      }
      if (pattern_props) {
        for (auto pp = pattern_props->begin(); pp != pattern_props->end(); ++pp) {
          RE2 re(pp.key(), RE2::Quiet);
          if (!re.ok() || !RE2::PartialMatch(it.key(), re)) continue;
          evaluated = true;
          SKIFF_ASSIGN_OR_RETURN(auto f, validate(*pp, *it, child, depth + 1));
          if (f) out.push_back(std::move(*f));
        }
      }
      if (!evaluated && additional_schema != schema.end()) {
        if (additional_schema->is_boolean()) {
          if (!additional_schema->get<bool>()) additional.push_back(it.key());
        } else {
          SKIFF_ASSIGN_OR_RETURN(auto f, validate(*additional_schema, *it, child, depth + 1));
          if (f) out.push_back(std::move(*f));
        }
      }
    }
    if (!additional.empty()) out.push_back({loc, "additional properties " + join_quoted(additional) + " not allowed"});
    if (draft_ == 4) return ok_status();
    if (auto names = schema.find("propertyNames"); names != schema.end()) {
      for (auto it = v.begin(); it != v.end(); ++it) {
        // Each name is validated as a document of its own: its failures are at ''.
        SKIFF_ASSIGN_OR_RETURN(auto f, validate(*names, Json(it.key()), "", depth + 1));
        if (!f) continue;
        out.push_back({"", "invalid propertyName " + single_quote(it.key()), std::move(*f).flattened()});
      }
    }
    if (draft_ < 2019) return ok_status();
    if (auto deps = schema.find("dependentSchemas"); deps != schema.end() && deps->is_object()) {
      for (auto d = deps->begin(); d != deps->end(); ++d) {
        if (!v.contains(d.key())) continue;
        SKIFF_ASSIGN_OR_RETURN(auto f, validate(*d, v, loc, depth + 1));
        if (f) out.push_back(std::move(*f));
      }
    }
    if (auto deps = schema.find("dependentRequired"); deps != schema.end() && deps->is_object()) {
      for (auto d = deps->begin(); d != deps->end(); ++d) {
        if (!v.contains(d.key()) || !d->is_array()) continue;
        auto missing = missing_of(v, *d);
        if (!missing.empty()) {
          out.push_back({loc, "properties " + join_quoted(missing) + " required, if " + single_quote(d.key()) + " exists"});
        }
      }
    }
    return ok_status();
  }

  Status validate_array(const Json& schema, const Json& v, const std::string& loc, int depth, std::vector<Failure>& out) {
    if (auto n = count_of(schema, "minItems"); n && v.size() < *n) {
      out.push_back({loc, "minItems: got " + printed_count(v.size()) + ", want " + printed_count(*n)});
    }
    if (auto n = count_of(schema, "maxItems"); n && v.size() > *n) {
      out.push_back({loc, "maxItems: got " + printed_count(v.size()) + ", want " + printed_count(*n)});
    }
    if (auto u = schema.find("uniqueItems"); u != schema.end() && u->is_boolean() && u->get<bool>()) {
      bool found = false;
      for (size_t i = 1; i < v.size() && !found; ++i) {
        for (size_t j = 0; j < i && !found; ++j) {
          if (!json_equal(v[i], v[j])) continue;
          out.push_back({loc, "items at " + printed_count(j) + " and " + printed_count(i) + " are equal"});
          found = true;
        }
      }
    }
    // Items past the positional schemas are numbered from 0 again, as jsonschema v6 does.
    auto each_from = [&](const Json& item_schema, size_t first) -> Status {
      for (size_t i = first; i < v.size(); ++i) {
        SKIFF_ASSIGN_OR_RETURN(auto f, validate(item_schema, v[i], loc + "/" + std::to_string(i - first), depth + 1));
        if (f) out.push_back(std::move(*f));
      }
      return ok_status();
    };
    auto items = schema.find("items");
    if (draft_ < 2020) {
      size_t evaluated = 0;
      if (items != schema.end() && items->is_array()) {
        evaluated = std::min(v.size(), items->size());
        for (size_t i = 0; i < evaluated; ++i) {
          SKIFF_ASSIGN_OR_RETURN(auto f, validate((*items)[i], v[i], loc + "/" + std::to_string(i), depth + 1));
          if (f) out.push_back(std::move(*f));
        }
        if (auto extra = schema.find("additionalItems"); extra != schema.end()) {
          if (extra->is_boolean()) {
            if (!extra->get<bool>() && evaluated != v.size()) {
              out.push_back({loc, "last " + printed_count(v.size() - evaluated) + " additionalItem(s) not allowed"});
            }
          } else {
            SKIFF_TRY(each_from(*extra, evaluated));
          }
        }
      } else if (items != schema.end()) {
        SKIFF_TRY(each_from(*items, 0));
      }
    } else {
      size_t evaluated = 0;
      if (auto prefix = schema.find("prefixItems"); prefix != schema.end() && prefix->is_array()) {
        evaluated = std::min(v.size(), prefix->size());
        for (size_t i = 0; i < evaluated; ++i) {
          SKIFF_ASSIGN_OR_RETURN(auto f, validate((*prefix)[i], v[i], loc + "/" + std::to_string(i), depth + 1));
          if (f) out.push_back(std::move(*f));
        }
      }
      if (items != schema.end()) SKIFF_TRY(each_from(*items, evaluated));
    }
    if (auto contains = schema.find("contains"); draft_ >= 6 && contains != schema.end()) {
      std::vector<Failure> misses;
      std::vector<size_t> matched;
      for (size_t i = 0; i < v.size(); ++i) {
        SKIFF_ASSIGN_OR_RETURN(auto f, validate(*contains, v[i], loc + "/" + std::to_string(i), depth + 1));
        if (f) {
          misses.push_back(std::move(*f));
        } else {
          matched.push_back(i);
        }
      }
      auto indexes = [&] {
        std::string s;
        for (size_t i = 0; i < matched.size(); ++i) s += (i ? " " : "") + std::to_string(matched[i]);
        return s;
      };
      auto min = draft_ >= 2019 ? count_of(schema, "minContains") : std::nullopt;
      if (min) {
        if (matched.size() < *min) {
          out.push_back({loc,
                         matched.empty() ? "min " + printed_count(*min) + " items required to match contains schema, but none matched"
                                         : "min " + printed_count(*min) + " items required to match contains schema, but matched " +
                                               printed_count(matched.size()) + " items at " + indexes(),
                         std::move(misses)});
        }
      } else if (matched.empty()) {
        out.push_back({loc, "no items match contains schema", std::move(misses)});
      }
      auto max = draft_ >= 2019 ? count_of(schema, "maxContains") : std::nullopt;
      if (max && matched.size() > *max) {
        out.push_back({loc, "max " + printed_count(*max) + " items required to match contains schema, but matched " +
                                printed_count(matched.size()) + " items at " + indexes()});
      }
    }
    return ok_status();
  }

  void validate_string(const Json& schema, const Json& v, const std::string& loc, std::vector<Failure>& out) {
    const std::string& s = v.get_ref<const std::string&>();
    const size_t runes = rune_count(s);
    if (auto n = count_of(schema, "minLength"); n && runes < *n) {
      out.push_back({loc, "minLength: got " + printed_count(runes) + ", want " + printed_count(*n)});
    }
    if (auto n = count_of(schema, "maxLength"); n && runes > *n) {
      out.push_back({loc, "maxLength: got " + printed_count(runes) + ", want " + printed_count(*n)});
    }
    if (auto p = schema.find("pattern"); p != schema.end() && p->is_string()) {
      RE2 re(p->get<std::string>(), RE2::Quiet);
      if (re.ok() && !RE2::PartialMatch(s, re)) {
        out.push_back({loc, single_quote(s) + " does not match pattern " + single_quote(p->get<std::string>())});
      }
    }
  }

  void validate_number(const Json& schema, const Json& v, const std::string& loc, std::vector<Failure>& out) {
    const double x = v.get<double>();
    auto bound = [&](const char* key) -> const Json* {
      auto b = schema.find(key);
      return b != schema.end() && b->is_number() ? &*b : nullptr;
    };
    // A boolean exclusiveMinimum/exclusiveMaximum (draft 4) makes the bound beside it exclusive.
    auto flag = [&](const char* key) {
      auto b = schema.find(key);
      return b != schema.end() && b->is_boolean() && b->get<bool>();
    };
    const Json* minimum = bound("minimum");
    const Json* maximum = bound("maximum");
    const Json* exclusive_min = flag("exclusiveMinimum") ? std::exchange(minimum, nullptr) : bound("exclusiveMinimum");
    const Json* exclusive_max = flag("exclusiveMaximum") ? std::exchange(maximum, nullptr) : bound("exclusiveMaximum");
    auto report = [&](const char* name, const Json& want) {
      out.push_back({loc, std::string(name) + ": got " + printed_number(x) + ", want " + printed_number(want.get<double>())});
    };
    if (minimum && x < minimum->get<double>()) report("minimum", *minimum);
    if (maximum && x > maximum->get<double>()) report("maximum", *maximum);
    if (exclusive_min && x <= exclusive_min->get<double>()) report("exclusiveMinimum", *exclusive_min);
    if (exclusive_max && x >= exclusive_max->get<double>()) report("exclusiveMaximum", *exclusive_max);
    if (const Json* m = bound("multipleOf"); m && m->get<double>() != 0 && !multiple_of(v, *m)) report("multipleOf", *m);
  }

  Status validate_combinators(const Json& schema, const Json& v, const std::string& loc, int depth,
                              std::vector<Failure>& out) {
    if (auto n = schema.find("not"); n != schema.end()) {
      SKIFF_ASSIGN_OR_RETURN(auto f, validate(*n, v, loc, depth + 1));
      if (!f) out.push_back({loc, "'not' failed"});
    }
    auto each = [&](const Json& list, std::vector<Failure>& misses, std::vector<size_t>& matched) -> Status {
      for (size_t i = 0; i < list.size(); ++i) {
        SKIFF_ASSIGN_OR_RETURN(auto f, validate(list[i], v, loc, depth + 1));
        if (f) {
          misses.push_back(std::move(*f));
        } else {
          matched.push_back(i);
        }
      }
      return ok_status();
    };
    if (auto all = schema.find("allOf"); all != schema.end() && all->is_array() && !all->empty()) {
      std::vector<Failure> misses;
      std::vector<size_t> matched;
      SKIFF_TRY(each(*all, misses, matched));
      if (!misses.empty()) out.push_back({loc, "'allOf' failed", std::move(misses)});
    }
    if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array() && !any->empty()) {
      std::vector<Failure> misses;
      std::vector<size_t> matched;
      SKIFF_TRY(each(*any, misses, matched));
      if (matched.empty()) out.push_back({loc, "'anyOf' failed", std::move(misses)});
    }
    if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array() && !one->empty()) {
      std::vector<Failure> misses;
      std::vector<size_t> matched;
      SKIFF_TRY(each(*one, misses, matched));
      if (matched.empty()) {
        out.push_back({loc, "'oneOf' failed, none matched", std::move(misses)});
      } else if (matched.size() > 1) {
        out.push_back({loc, "'oneOf' failed, subschemas " + printed_count(matched[0]) + ", " + printed_count(matched[1]) +
                                " matched"});
      }
    }
    if (auto cond = schema.find("if"); draft_ >= 7 && cond != schema.end()) {
      SKIFF_ASSIGN_OR_RETURN(auto f, validate(*cond, v, loc, depth + 1));
      if (auto branch = schema.find(f ? "else" : "then"); branch != schema.end()) {
        SKIFF_ASSIGN_OR_RETURN(auto g, validate(*branch, v, loc, depth + 1));
        if (g) out.push_back(std::move(*g));
      }
    }
    return ok_status();
  }

  const Json& root_;
  const int draft_;
};

// The checks of a draft's metaschema that charts' schemas can fail, shaped as jsonschema v6
// reports a schema that is not valid against its metaschema (draft-06/07 and 2020-12; other
// drafts are not checked): a keyword's value of the wrong type, an unknown type name, a
// negative length, a subschema that is neither an object nor a boolean.
class MetaschemaCheck {
 public:
  explicit MetaschemaCheck(int draft) : draft_(draft) {}

  std::optional<Failure> schema(const Json& node, const std::string& ptr) {
    if (node.is_boolean()) return std::nullopt;
    if (!node.is_object()) return Failure{ptr, "got " + type_of(node) + ", want boolean or object"};
    // 2020-12: the keywords' vocabularies, each a $ref from the metaschema's allOf.
    std::vector<Failure> core, applicator, unevaluated, validation, metadata, content;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string& k = it.key();
      const std::string at = ptr + "/" + pointer_token(k);
      std::optional<Failure> f = keyword(k, *it, at);
      if (!f) continue;
      std::vector<Failure>& bucket = k == "$ref" || k == "$defs" || k == "$id" || k == "$schema" ? core
                                     : k == "unevaluatedItems" || k == "unevaluatedProperties"     ? unevaluated
                                     : k == "title" || k == "description" || k == "readOnly" || k == "writeOnly" ? metadata
                                     : k == "contentSchema"                                        ? content
                                     : is_validation(k)                                            ? validation
                                                                                                   : applicator;
      bucket.push_back(std::move(*f));
    }
    if (draft_ < 2019) {
      std::vector<Failure> all;
      for (auto* b : {&core, &applicator, &unevaluated, &validation, &metadata, &content})
        for (auto& f : *b) all.push_back(std::move(f));
      return combine(ptr, std::move(all));
    }
    std::vector<Failure> vocabularies;
    for (auto* b : {&core, &applicator, &unevaluated, &validation, &metadata, &content}) {
      if (b->empty()) continue;
      if (b->size() == 1) {
        vocabularies.push_back(std::move((*b)[0]));
      } else {
        vocabularies.push_back(Failure::group(ptr, std::move(*b), Failure::Type::kReference));
      }
    }
    if (vocabularies.empty()) return std::nullopt;
    return Failure{ptr, "'allOf' failed", std::move(vocabularies)};
  }

  std::string url() const {
    if (draft_ == 6) return "http://json-schema.org/draft-06/schema#";
    if (draft_ == 7) return "http://json-schema.org/draft-07/schema#";
    return "https://json-schema.org/draft/2020-12/schema#";
  }

 private:
  static bool is_validation(const std::string& k) {
    static const std::set<std::string> kValidation = {
        "type",      "const",     "enum",     "multipleOf", "maximum",     "exclusiveMaximum", "minimum",
        "exclusiveMinimum", "maxLength", "minLength", "pattern",    "maxItems",    "minItems",         "uniqueItems",
        "maxContains", "minContains", "maxProperties", "minProperties", "required", "dependentRequired"};
    return kValidation.count(k) > 0;
  }

  static std::optional<Failure> combine(const std::string& ptr, std::vector<Failure> failures) {
    if (failures.empty()) return std::nullopt;
    if (failures.size() == 1) return std::move(failures[0]);
    return Failure::group(ptr, std::move(failures));
  }

  static std::optional<Failure> want(const Json& v, const std::string& type, const std::string& at) {
    if (matches_type(v, type)) return std::nullopt;
    return Failure{at, "got " + type_of(v) + ", want " + type};
  }

  std::optional<Failure> non_negative_integer(const Json& v, const std::string& at, bool default_zero) {
    std::optional<Failure> f = want(v, "integer", at);
    if (!f && v.get<double>() < 0) f = Failure{at, "minimum: got " + printed_number(v.get<double>()) + ", want 0"};
    // Before 2019-09 the "default 0" form is an allOf.
    if (f && default_zero && draft_ < 2019) return Failure{at, "'allOf' failed", {std::move(*f)}};
    return f;
  }

  std::optional<Failure> string_array(const Json& v, const std::string& at) {
    if (auto f = want(v, "array", at)) return f;
    std::vector<Failure> failures;
    for (size_t i = 0; i < v.size(); ++i)
      if (auto f = want(v[i], "string", at + "/" + std::to_string(i))) failures.push_back(std::move(*f));
    for (size_t i = 1; i < v.size() && failures.empty(); ++i)
      for (size_t j = 0; j < i && failures.empty(); ++j)
        if (json_equal(v[i], v[j])) failures.push_back({at, "items at " + printed_count(j) + " and " + printed_count(i) + " are equal"});
    return combine(at, std::move(failures));
  }

  std::optional<Failure> schema_map(const Json& v, const std::string& at) {
    if (auto f = want(v, "object", at)) return f;
    std::vector<Failure> failures;
    for (auto it = v.begin(); it != v.end(); ++it)
      if (auto f = schema(*it, at + "/" + pointer_token(it.key()))) failures.push_back(std::move(*f));
    return combine(at, std::move(failures));
  }

  std::optional<Failure> schema_array(const Json& v, const std::string& at) {
    if (auto f = want(v, "array", at)) return f;
    std::vector<Failure> failures;
    if (v.empty()) failures.push_back({at, "minItems: got 0, want 1"});
    for (size_t i = 0; i < v.size(); ++i)
      if (auto f = schema(v[i], at + "/" + std::to_string(i))) failures.push_back(std::move(*f));
    return combine(at, std::move(failures));
  }

  std::optional<Failure> keyword(const std::string& k, const Json& v, const std::string& at) {
    if (k == "type") {
      static const char* kSimpleTypes = "value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'";
      static const std::set<std::string> kNames = {"array", "boolean", "integer", "null", "number", "object", "string"};
      if (v.is_string() && kNames.count(v.get<std::string>())) return std::nullopt;
      std::vector<Failure> causes;
      causes.push_back({at, kSimpleTypes});
      if (!v.is_array()) {
        causes.push_back({at, "got " + type_of(v) + ", want array"});
      } else {
        std::vector<Failure> items;
        if (v.empty()) items.push_back({at, "minItems: got 0, want 1"});
        for (size_t i = 0; i < v.size(); ++i)
          if (!v[i].is_string() || !kNames.count(v[i].get<std::string>())) items.push_back({at + "/" + std::to_string(i), kSimpleTypes});
        if (items.empty()) return std::nullopt;
        causes.push_back(*combine(at, std::move(items)));
      }
      return Failure{at, "'anyOf' failed", std::move(causes)};
    }
    if (k == "minimum" || k == "maximum" || k == "exclusiveMinimum" || k == "exclusiveMaximum") {
      if (draft_ == 4 && k.rfind("exclusive", 0) == 0) return want(v, "boolean", at);
      return want(v, "number", at);
    }
    if (k == "multipleOf") {
      if (auto f = want(v, "number", at)) return f;
      if (v.get<double>() <= 0) return Failure{at, "exclusiveMinimum: got " + printed_number(v.get<double>()) + ", want 0"};
      return std::nullopt;
    }
    if (k == "minLength" || k == "minItems" || k == "minProperties") return non_negative_integer(v, at, true);
    if (k == "maxLength" || k == "maxItems" || k == "maxProperties") return non_negative_integer(v, at, false);
    if (draft_ >= 2019 && (k == "minContains" || k == "maxContains")) return non_negative_integer(v, at, k == "minContains");
    if (k == "pattern" || k == "title" || k == "description" || k == "$ref" || k == "$id" || k == "$schema") {
      return want(v, "string", at);
    }
    if (k == "uniqueItems" || k == "readOnly" || k == "writeOnly") return want(v, "boolean", at);
    if (k == "enum") return want(v, "array", at);
    if (k == "required") return string_array(v, at);
    if (k == "properties" || k == "patternProperties" || k == "definitions" ||
        (draft_ >= 2019 && (k == "$defs" || k == "dependentSchemas"))) {
      if (draft_ >= 2019 && k == "definitions") return std::nullopt;  // outside the vocabularies
      return schema_map(v, at);
    }
    if (k == "allOf" || k == "anyOf" || k == "oneOf" || (draft_ >= 2020 && k == "prefixItems")) return schema_array(v, at);
    if (k == "items" && draft_ < 2020) {
      auto as_schema = schema(v, at);
      if (!as_schema) return std::nullopt;
      auto as_array = schema_array(v, at);
      if (!as_array) return std::nullopt;
      return Failure{at, "'anyOf' failed", {std::move(*as_schema), std::move(*as_array)}};
    }
    if (k == "items" || k == "additionalProperties" || k == "additionalItems" || k == "contains" ||
        k == "propertyNames" || k == "not" || k == "if" || k == "then" || k == "else" ||
        (draft_ >= 2019 && (k == "unevaluatedItems" || k == "unevaluatedProperties" || k == "contentSchema"))) {
      if (draft_ >= 2020 && k == "additionalItems") return std::nullopt;
      return schema(v, at);
    }
    return std::nullopt;
  }

  const int draft_;
};

// The draft a schema declares with $schema; jsonschema v6 defaults to 2020-12.
int draft_of(const Json& schema) {
  if (!schema.is_object()) return 2020;
  auto s = schema.find("$schema");
  if (s == schema.end() || !s->is_string()) return 2020;
  const std::string& url = s->get_ref<const std::string&>();
  for (const auto& [name, draft] : {std::pair{"draft-04", 4}, {"draft-06", 6}, {"draft-07", 7}, {"2019-09", 2019}}) {
    if (url.find(name) != std::string::npos) return draft;
  }
  return 2020;
}

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
  const int draft = draft_of(schema);
  if (draft == 6 || draft == 7 || draft == 2020) {
    MetaschemaCheck meta(draft);
    if (auto invalid = meta.schema(schema, "")) {
      std::string msg = "\"file:///values.schema.json#\" is not valid against metaschema: jsonschema validation failed with " +
                        single_quote(meta.url()) + "\n";
      for (const auto& f : std::move(*invalid).flattened()) print_failure(f, 0, msg);
      msg.pop_back();  // a compile error: helm adds no blank line after it
      return Error::invalid(msg);
    }
  }
  Validator validator(schema, draft);
  SKIFF_ASSIGN_OR_RETURN(auto failure, validator.validate(schema, values, ""));
  if (!failure) return ok_status();
  std::string msg;
  for (const auto& f : std::move(*failure).flattened()) print_failure(f, 0, msg);
  return Error::invalid(msg);
}

Status validate_values_against_schemas(const Chart& chart, const Json& values) {
  std::string report;
  SKIFF_TRY(validate_chart(chart, values, report));
  if (report.empty()) return ok_status();
  return Error::invalid(report);
}

}  // namespace skiff::chart

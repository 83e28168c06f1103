// apiextensions-apiserver's x-kubernetes-validations: the CRD-time checks of
// pkg/apis/apiextensions/validation (rule/message/reason/fieldPath, compilation, oldSelf use)
// and the runtime validator of pkg/apiserver/schema/cel/validation.go.
#include "api/crd_validation_rules.h"

#include <algorithm>

#include "api/cel/checker.h"
#include "api/cel/format.h"
#include "api/cel/interpreter.h"
#include "api/cel/parser.h"
#include "api/cel/schema_values.h"
#include "api/crd_definition.h"
#include "api/crd_schema.h"
#include "api/schema.h"

namespace skiff::api {

struct CompiledRule {
  const ValidationRule* spec = nullptr;  // owned by the schema node
  cel::ExprPtr expr;                     // null: not evaluated (empty, invalid or unsupported)
  cel::RegexCache regexes;
  cel::ExprPtr message_expr;
  cel::RegexCache message_regexes;
  bool uses_old_self = false;
  std::string field_path;  // normalized fieldPath, or empty
};

// Attached to every node that has rules in its subtree (rules may be empty).
struct CompiledValidationRules {
  std::vector<CompiledRule> rules;
  std::string type;  // the node's schema type, the "Invalid value" Kubernetes reports
};

namespace {

constexpr uint64_t kPerCallLimit = 1000000;       // celconfig.PerCallLimit
constexpr int64_t kRuntimeCostBudget = 10000000;  // celconfig.RuntimeCELCostBudget
constexpr size_t kMaxMessageExpressionBytes = 5 * 1024;

std::string trim(std::string_view s) {
  const char* ws = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

bool has_newline(std::string_view s) { return s.find('\n') != std::string_view::npos; }

// Go's %#v of the internal apiextensions.ValidationRule, the value Kubernetes prints for a bad rule.
std::string render_rule(const ValidationRule& r) {
  return "apiextensions.ValidationRule{Rule:" + go_quote(r.rule) + ", Message:" + go_quote(r.message) +
         ", MessageExpression:" + go_quote(r.message_expression) + ", Reason:(*apiextensions.FieldValueErrorReason)(" +
         (r.reason ? "0xc000010000" : "nil") + "), FieldPath:" + go_quote(r.field_path) + ", OptionalOldSelf:(*bool)(" +
         (r.optional_old_self ? "0xc000010008" : "nil") + ")}";
}

// The error text of a rule in runtime messages: its message, else the rule itself.
std::string rule_error_string(const ValidationRule& r) { return r.message.empty() ? trim(r.rule) : trim(r.message); }

// cel.ValidFieldPath: ".a.b", ".a['b.c']", "['x']" against the node's schema; the normalized
// field.Path text, or nullopt when the path names no field.
std::optional<std::string> normalize_field_path(const std::string& json_path, const StructuralSchema& root) {
  const StructuralSchema* s = &root;
  std::string out;
  size_t i = 0;
  auto append = [&](const std::string& name) -> bool {
    if (!s->properties.empty()) {
      const StructuralSchema* next = s->property(name);
      if (!next) return false;
      out = path_child(out, name);
      s = next;
      return true;
    }
    if (s->additional_properties) {
      out = path_key(out, name);
      s = s->additional_properties.get();
      return true;
    }
    return false;
  };
  while (i < json_path.size()) {
    char c = json_path[i];
    if (c == '.') {
      size_t end = json_path.find_first_of(".[]", i + 1);
      if (end == std::string::npos) end = json_path.size();
      if (end == i + 1) return std::nullopt;
      if (!append(json_path.substr(i + 1, end - i - 1))) return std::nullopt;
      i = end;
    } else if (c == '[') {
      if (i + 1 >= json_path.size() || json_path[i + 1] != '\'') return std::nullopt;
      std::string name;
      size_t j = i + 2;
      bool closed = false;
      for (; j < json_path.size(); ++j) {
        if (json_path[j] == '\\' && j + 1 < json_path.size()) {
          char e = json_path[++j];
          switch (e) {
            case 'a': name += '\a'; break;
            case 'b': name += '\b'; break;
            case 'f': name += '\f'; break;
            case 'n': name += '\n'; break;
            case 'r': name += '\r'; break;
            case 't': name += '\t'; break;
            case 'v': name += '\v'; break;
            case '\'': name += '\''; break;
            case '\\': name += '\\'; break;
            default: return std::nullopt;
          }
          continue;
        }
        if (json_path[j] == '\'') {
          closed = true;
          break;
        }
        name += json_path[j];
      }
      if (!closed || j + 1 >= json_path.size() || json_path[j + 1] != ']') return std::nullopt;
      if (!append(name)) return std::nullopt;
      i = j + 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// cel-go's literal validators: a literal pattern for matches() must compile, and literal
// arguments of duration() and timestamp() must parse.
void validate_literals(const cel::Expr& e, std::vector<cel::Issue>& issues) {
  using cel::ExprKind;
  if (e.kind == ExprKind::kCall && !e.operand && e.args.size() == 1 && e.args[0]->kind == ExprKind::kLiteral &&
      e.args[0]->literal.kind == cel::Literal::Kind::kString) {
    const std::string& text = e.args[0]->literal.s;
    if (e.name == "duration" && !cel::parse_duration(text))
      issues.push_back({e.args[0]->offset, "invalid duration argument"});
    if (e.name == "timestamp" && !cel::parse_timestamp(text))
      issues.push_back({e.args[0]->offset, "invalid timestamp argument"});
  }
  if (e.operand) validate_literals(*e.operand, issues);
  for (const auto& a : e.args) validate_literals(*a, issues);
  for (const auto& entry : e.entries) {
    validate_literals(*entry.key, issues);
    validate_literals(*entry.value, issues);
  }
  for (const cel::Expr* child : {e.range.get(), e.predicate.get(), e.transform.get()})
    if (child) validate_literals(*child, issues);
}

struct Compiled {
  cel::ExprPtr expr;
  cel::RegexCache regexes;
  cel::CheckResult check;
  std::string error;  // "compilation failed: ..." when not empty
};

Compiled compile_expression(const std::string& text, const std::vector<cel::Declaration>& vars) {
  Compiled out;
  cel::ParseResult parsed = cel::parse(text);
  if (!parsed.issues.empty()) {
    out.error = cel::format_issues(text, std::move(parsed.issues));
    return out;
  }
  out.check = cel::check(*parsed.expr, vars);
  std::vector<cel::Issue> issues = out.check.issues;
  if (issues.empty()) {
    validate_literals(*parsed.expr, issues);
    const cel::Expr* bad_regex = nullptr;
    if (!cel::precompile_regexes(*parsed.expr, out.regexes, &bad_regex))
      issues.push_back({bad_regex->offset, "invalid matches argument"});
  }
  if (!issues.empty()) {
    out.error = cel::format_issues(text, std::move(issues));
    return out;
  }
  out.expr = std::move(parsed.expr);
  return out;
}

class RuleCompiler {
 public:
  RuleCompiler(bool compile_programs, std::vector<std::string>* warnings)
      : compile_programs_(compile_programs), warnings_(warnings) {}

  // Returns whether the subtree has rules; appends schema errors and CEL errors separately, as
  // Kubernetes lists all schema errors before any compilation error.
  bool visit(StructuralSchema& s, const std::string& path, bool resource_root, const std::string& uncorrelatable) {
    size_t below = schema_errors_.causes().size();
    bool has_rules = false;
    if (s.additional_properties)
      has_rules |= visit(*s.additional_properties, path_child(path, "additionalProperties"),
                         s.additional_properties->embedded_resource, uncorrelatable);
    for (auto& [name, prop] : s.properties)
      has_rules |=
          visit(*prop, path_key(path_child(path, "properties"), name), prop->embedded_resource, uncorrelatable);
    if (s.items) {
      // Only list-type=map items correlate with their old values; oldSelf is forbidden below others.
      std::string within = uncorrelatable.empty() && s.list_type != "map" ? path : uncorrelatable;
      has_rules |= visit(*s.items, path_child(path, "items"), s.items->embedded_resource, within);
    }
    if (!s.validation_rules.empty()) {
      has_rules = true;
      check_rules(s, path);
    }
    const bool clean = schema_errors_.causes().size() == below;
    auto compiled = std::make_shared<CompiledValidationRules>();
    compiled->type = s.type;
    if (!s.validation_rules.empty() && clean && compile_programs_)
      compile_rules(s, path, resource_root, uncorrelatable, *compiled);
    s.compiled_rules = has_rules ? std::move(compiled) : nullptr;
    return has_rules;
  }

  FieldErrors& schema_errors() { return schema_errors_; }
  FieldErrors& cel_errors() { return cel_errors_; }

 private:
  void check_rules(const StructuralSchema& s, const std::string& path) {
    for (size_t i = 0; i < s.validation_rules.size(); ++i) {
      const ValidationRule& r = s.validation_rules[i];
      const std::string rp = path_index(path_child(path, "x-kubernetes-validations"), i);
      const std::string rule = trim(r.rule), message = trim(r.message);
      if (rule.empty())
        schema_errors_.required(path_child(rp, "rule"), "rule is not specified");
      else if (!r.message.empty() && message.empty())
        schema_errors_.invalid(path_child(rp, "message"), r.message, "message must be non-empty if specified");
      else if (has_newline(message))
        schema_errors_.invalid(path_child(rp, "message"), r.message, "message must not contain line breaks");
      else if (has_newline(rule) && message.empty())
        schema_errors_.required(path_child(rp, "message"), "message must be specified if rule contains line breaks");
      if (!r.message_expression.empty() && trim(r.message_expression).empty())
        schema_errors_.required(path_child(rp, "messageExpression"),
                                "messageExpression must be non-empty if specified");
      static const std::vector<std::string> kReasons = {"FieldValueDuplicate", "FieldValueForbidden",
                                                        "FieldValueInvalid", "FieldValueRequired"};
      if (r.reason && std::find(kReasons.begin(), kReasons.end(), *r.reason) == kReasons.end())
        schema_errors_.not_supported(path_child(rp, "reason"), *r.reason, kReasons);
      if (!r.field_path.empty() && trim(r.field_path).empty())
        schema_errors_.invalid(path_child(rp, "fieldPath"), r.field_path, "fieldPath must be non-empty if specified");
      if (has_newline(r.field_path))
        schema_errors_.invalid(path_child(rp, "fieldPath"), r.field_path, "fieldPath must not contain line breaks");
      if (!r.field_path.empty() && !normalize_field_path(r.field_path, s))
        schema_errors_.invalid(path_child(rp, "fieldPath"), r.field_path, "fieldPath must be a valid path");
    }
  }

  void compile_rules(const StructuralSchema& s, const std::string& path, bool resource_root,
                     const std::string& uncorrelatable, CompiledValidationRules& out) {
    cel::TypePtr self_type = cel::schema_type(s, resource_root);
    if (!self_type) {
      cel_errors_.add({"InternalError",
                       "Internal error: internal error: failed to construct type information for "
                       "x-kubernetes-validations rules: unable to convert structural schema to CEL declarations",
                       path_child(path, "x-kubernetes-validations")});
      return;
    }
    for (size_t i = 0; i < s.validation_rules.size(); ++i) {
      const ValidationRule& r = s.validation_rules[i];
      const std::string rp = path_index(path_child(path, "x-kubernetes-validations"), i);
      CompiledRule& c = out.rules.emplace_back();
      c.spec = &r;
      if (trim(r.rule).empty()) continue;
      const bool optional = r.optional_old_self.value_or(false);
      const std::vector<cel::Declaration> vars = {{"self", self_type},
                                                  {"oldSelf", optional ? cel::Type::optional(self_type) : self_type}};
      Compiled rule = compile_expression(r.rule, vars);
      if (!rule.error.empty()) {
        cel_errors_.add(
            field_invalid_rendered(path_child(rp, "rule"), render_rule(r), "compilation failed: " + rule.error));
        continue;
      }
      if (rule.check.type->kind != cel::TypeKind::kBool && rule.check.unsupported.empty()) {
        cel_errors_.add(
            field_invalid_rendered(path_child(rp, "rule"), render_rule(r), "cel expression must evaluate to a bool"));
        continue;
      }
      c.uses_old_self = rule.check.referenced.count("oldSelf") > 0;
      bool usable = true;
      if (!rule.check.unsupported.empty()) {
        usable = false;
        if (warnings_) {
          std::string names;
          for (const auto& n : rule.check.unsupported) names += (names.empty() ? "" : ", ") + n + "()";
          warnings_->push_back(path_child(rp, "rule") + ": rule is not evaluated by this server: it uses " + names +
                               ", which this server's CEL interpreter does not implement");
        }
      }
      if (!r.message_expression.empty()) {
        Compiled message = compile_expression(r.message_expression, vars);
        if (!message.error.empty()) {
          cel_errors_.add(field_invalid_rendered(path_child(rp, "messageExpression"), render_rule(r),
                                                 "messageExpression compilation failed: " + message.error));
        } else if (message.check.type->kind != cel::TypeKind::kString && message.check.unsupported.empty()) {
          cel_errors_.add(field_invalid_rendered(path_child(rp, "messageExpression"), render_rule(r),
                                                 "messageExpression must evaluate to a string"));
        } else if (message.check.unsupported.empty()) {
          c.message_expr = std::move(message.expr);
          c.message_regexes = std::move(message.regexes);
        }
      }
      if (!r.field_path.empty()) c.field_path = normalize_field_path(r.field_path, s).value_or("");
      if (c.uses_old_self) {
        if (!uncorrelatable.empty())
          cel_errors_.invalid(
              path_child(rp, "rule"), r.rule,
              "oldSelf cannot be used on the uncorrelatable portion of the schema within " + uncorrelatable);
      } else if (r.optional_old_self) {
        cel_errors_.invalid(path_child(rp, "optionalOldSelf"), *r.optional_old_self,
                            "may not be set if oldSelf is not used in rule");
      }
      if (usable) {
        c.expr = std::move(rule.expr);
        c.regexes = std::move(rule.regexes);
      }
    }
  }

  bool compile_programs_;
  std::vector<std::string>* warnings_;
  FieldErrors schema_errors_, cel_errors_;
};

// Where an update's unchanged values excuse a failing rule (CRD validation ratcheting): the
// nearest node correlated with its old value, and whether `pair` is this node's own.
struct Ratchet {
  const Json* old_value = nullptr;
  const Json* new_value = nullptr;
  bool own = false;  // the pair is this node's (else the nearest correlated ancestor's)
  bool root = false;

  Ratchet child(std::string_view key, const Json* old_child, const Json& new_child) const {
    if (!own) return {old_value, new_value, false, false};
    if (root && (key == "apiVersion" || key == "kind")) return {};
    if (old_child) return {old_child, &new_child, true, false};
    return {old_value, new_value, false, false};
  }
  bool unchanged() const { return old_value && *old_value == *new_value; }
};

// The old element of a list-type=map list with the same key fields as `element`.
const Json* correlated_item(const Json& old_list, const Json& element, const std::vector<std::string>& keys) {
  if (!old_list.is_array() || !element.is_object()) return nullptr;
  for (const auto& candidate : old_list) {
    if (!candidate.is_object()) continue;
    bool same = true;
    for (const auto& k : keys) {
      auto a = element.find(k);
      auto b = candidate.find(k);
      const bool has_a = a != element.end(), has_b = b != candidate.end();
      if (has_a != has_b || (has_a && *a != *b)) {
        same = false;
        break;
      }
    }
    if (same) return &candidate;
  }
  return nullptr;
}

class RuleValidator {
 public:
  RuleValidator(FieldErrors& errs, std::vector<std::string>* warnings) : errs_(errs), warnings_(warnings) {}

  void node(const StructuralSchema& s, const Json& v, const Json* old, const std::string& path, bool resource_root,
            const Ratchet& ratchet) {
    if (stopped_ || v.is_null() || !s.compiled_rules) return;
    if (old && old->is_null()) old = nullptr;
    if (!s.compiled_rules->rules.empty()) evaluate(s, v, old, path, resource_root, ratchet);
    if (stopped_) return;
    if (v.is_object()) {
      for (const auto& [k, child] : v.items()) {
        const StructuralSchema* sub = s.additional_properties ? s.additional_properties.get() : s.property(k);
        if (!sub || !sub->compiled_rules) continue;
        const Json* old_child = nullptr;
        if (old && old->is_object()) {
          auto it = old->find(k);
          if (it != old->end()) old_child = &*it;
        }
        node(*sub, child, old_child, s.additional_properties ? path_key(path, k) : path_child(path, k),
             sub->embedded_resource, ratchet.child(k, old_child, child));
        if (stopped_) return;
      }
    } else if (v.is_array() && s.items && s.items->compiled_rules) {
      for (size_t i = 0; i < v.size(); ++i) {
        const Json* old_item = old && s.list_type == "map" ? correlated_item(*old, v[i], s.list_map_keys) : nullptr;
        node(*s.items, v[i], old_item, path_index(path, i), s.items->embedded_resource,
             ratchet.child(std::to_string(i), old_item, v[i]));
        if (stopped_) return;
      }
    }
  }

 private:
  static std::string error_path(const std::string& path) { return path.empty() ? "<nil>" : path; }

  void invalid(const std::string& path, const std::string& type, const std::string& detail) {
    errs_.add(field_invalid_rendered(error_path(path), go_quote(type), detail));
  }

  void stop(const std::string& path, const std::string& type, const std::string& detail) {
    invalid(path, type, detail);
    stopped_ = true;
  }

  void evaluate(const StructuralSchema& s, const Json& v, const Json* old, const std::string& path, bool resource_root,
                const Ratchet& ratchet) {
    const CompiledValidationRules& compiled = *s.compiled_rules;
    const std::string& type = compiled.type;
    if (budget_ <= 0)
      return stop(path, type,
                  "validation failed due to running out of cost budget, no further validation rules will be run");
    const cel::Value self = cel::schema_value(v, s, resource_root);
    const cel::Value old_self = old ? cel::schema_value(*old, s, resource_root) : cel::Value();
    for (const CompiledRule& rule : compiled.rules) {
      if (!rule.expr) continue;
      const ValidationRule& spec = *rule.spec;
      const bool optional = spec.optional_old_self.value_or(false);
      if (rule.uses_old_self && !old && !optional) continue;  // transition rules need an old value
      cel::Bindings vars = {{"self", self}};
      if (rule.uses_old_self)
        vars.emplace_back("oldSelf", !optional ? old_self
                                     : old     ? cel::Value::optional_of(old_self)
                                               : cel::Value::optional_none());
      cel::EvalResult result = cel::evaluate(*rule.expr, vars, kPerCallLimit, &rule.regexes);
      if (result.cost_limit_exceeded)
        return stop(path, type,
                    "'" + std::string(cel::kCostLimitExceeded) +
                        "': no further validation rules will be run due to call cost exceeds limit for rule: " +
                        rule_error_string(spec));
      if (static_cast<int64_t>(result.cost) > budget_)
        return stop(path, type,
                    "validation failed due to running out of cost budget, no further validation rules will be run");
      budget_ -= static_cast<int64_t>(result.cost);
      const cel::Value& value = result.value;
      if (value.is_error()) {
        const std::string& err = value.error_message();
        if (err.rfind("no such overload", 0) == 0)
          invalid(path, type,
                  "'" + err +
                      "': call arguments did not match a supported operator, function or macro "
                      "signature for rule: " +
                      rule_error_string(spec));
        else
          invalid(path, type, err + " evaluating rule: " + rule_error_string(spec));
        continue;
      }
      if (value.is(cel::ValueKind::kBool) && value.as_bool()) continue;

      const std::string at = rule.field_path.empty() ? path : path_child(path, rule.field_path);
      std::string detail;
      if (rule.message_expr && !message(rule, vars, at, type, detail)) return;
      if (detail.empty()) detail = spec.message.empty() ? "failed rule: " + trim(spec.rule) : trim(spec.message);
      StatusCause cause;
      const std::string reason = spec.reason.value_or("FieldValueInvalid");
      if (reason == "FieldValueForbidden")
        cause = field_forbidden(error_path(at), detail);
      else if (reason == "FieldValueRequired")
        cause = field_required(error_path(at), detail);
      else if (reason == "FieldValueDuplicate")
        cause = field_duplicate(error_path(at), type);
      else
        cause = field_invalid_rendered(error_path(at), go_quote(type), detail);
      if (!rule.uses_old_self && ratchet.unchanged()) {
        if (warnings_) warnings_->push_back(field_error_text(cause));
      } else {
        errs_.add(std::move(cause));
      }
    }
  }

  // messageExpression: its trimmed string, or "" to fall back to the static message; false when
  // validation must stop (the budget ran out).
  bool message(const CompiledRule& rule, const cel::Bindings& vars, const std::string& at, const std::string& type,
               std::string& detail) {
    cel::EvalResult m = cel::evaluate(*rule.message_expr, vars, kPerCallLimit, &rule.message_regexes);
    if (m.cost_limit_exceeded) {
      stop(at, type,
           "no further validation rules will be run due to call cost exceeds limit for messageExpression: " +
               go_quote(rule.spec->message_expression));
      return false;
    }
    if (static_cast<int64_t>(m.cost) > budget_) {
      stop(at, type,
           "messageExpression evaluation failed due to running out of cost budget, no further validation rules will be "
           "run");
      return false;
    }
    budget_ -= static_cast<int64_t>(m.cost);
    if (!m.value.is(cel::ValueKind::kString)) return true;
    std::string text = trim(m.value.as_string());
    if (text.size() > kMaxMessageExpressionBytes || has_newline(text)) return true;
    detail = std::move(text);
    return true;
  }

  FieldErrors& errs_;
  std::vector<std::string>* warnings_;
  int64_t budget_ = kRuntimeCostBudget;
  bool stopped_ = false;
};

}  // namespace

void compile_validation_rules(StructuralSchema& root, const std::string& path, bool structural, FieldErrors& errs,
                              std::vector<std::string>* warnings) {
  RuleCompiler compiler(structural, warnings);
  compiler.visit(root, path, true, "");
  errs.add(compiler.schema_errors().causes());
  errs.add(compiler.cel_errors().causes());
}

void validate_custom_resource_rules(const StructuralSchema& root, const Json& obj, const Json* old, FieldErrors& errs,
                                    std::vector<std::string>* warnings) {
  Ratchet ratchet;
  if (old) ratchet = {old, &obj, true, true};
  RuleValidator(errs, warnings).node(root, obj, old, "", true, ratchet);
}

Status check_custom_resource_rules(const ResourceInfo& info, const Json& obj, const Json* old,
                                   std::vector<std::string>* warnings) {
  if (!info.custom || !info.custom->schema || !info.custom->schema->compiled_rules) return ok_status();
  FieldErrors errs;
  // The stored object carries its resourceVersion, the new one may not: that alone is no change.
  std::optional<Json> comparable_old;
  if (old && find_path(*old, "metadata.resourceVersion") && !find_path(obj, "metadata.resourceVersion")) {
    comparable_old = *old;
    (*comparable_old)["metadata"].erase("resourceVersion");
    old = &*comparable_old;
  }
  validate_custom_resource_rules(*info.custom->schema, obj, old, errs, warnings);
  if (errs.empty()) return ok_status();
  const Json* name = find_path(obj, "metadata.name");
  return errs.to_error(info.gvk.group, info.gvk.kind, name && name->is_string() ? name->get<std::string>() : "");
}

}  // namespace skiff::api

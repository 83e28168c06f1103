#include "chart/template/exec.h"

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "chart/template/go_fmt.h"
#include "chart/template/go_strconv.h"
#include "chart/template/node.h"
#include "chart/template/stack_guard.h"
#include "chart/template/truth.h"

namespace skiff::chart::tmpl {
namespace {

constexpr int kMaxExecDepth = 100000;

struct ExecError {
  std::string message;
};

enum class Flow { kNormal, kBreak, kContinue };

using ArgNodes = std::span<Node* const>;
// Go's "missingVal": no value piped in from the previous command.
using Final = std::optional<Value>;

bool can_be_nil(const ParamType& t) {
  switch (t.kind) {
    case ParamKind::kValue:
    case ParamKind::kAny:
    case ParamKind::kMap:
    case ParamKind::kSlice:
      return true;
    case ParamKind::kNamed:
      return !t.named.empty() && t.named[0] == '*';
    default:
      return false;
  }
}

Value zero_of(const ParamType& t) {
  switch (t.kind) {
    case ParamKind::kMap: return Value::nil_map();
    case ParamKind::kSlice: return Value::nil_list();
    default: return Value();
  }
}

// Go's AssignableTo for the parameter types functions declare.
bool assignable(const Value& v, const ParamType& t) {
  switch (t.kind) {
    case ParamKind::kValue:
    case ParamKind::kAny: return true;
    case ParamKind::kBool: return v.kind() == Kind::kBool && !v.type_info();
    case ParamKind::kInt: return v.kind() == Kind::kInt && !v.type_info();
    case ParamKind::kInt64: return v.kind() == Kind::kInt64 && !v.type_info();
    case ParamKind::kUint32: return v.kind() == Kind::kUint32 && !v.type_info();
    case ParamKind::kFloat64: return v.kind() == Kind::kFloat64 && !v.type_info();
    case ParamKind::kString: return v.kind() == Kind::kString && !v.type_info();
    case ParamKind::kMap:
      return v.kind() == Kind::kMap && v.elem_kind() == Kind::kInterface &&
             (!v.type_info() || !v.type_info()->is_struct);
    case ParamKind::kSlice: return v.kind() == Kind::kSlice && v.elem_kind() == Kind::kInterface;
    case ParamKind::kNamed: return v.type_info() && v.type_info()->name == t.named;
  }
  return false;
}

bool int_like_param(const ParamType& t) {
  return t.kind == ParamKind::kInt || t.kind == ParamKind::kInt64 || t.kind == ParamKind::kUint32;
}

Value convert_int(const Value& v, const ParamType& t) {
  int64_t i = is_signed_int_kind(v.kind()) ? v.as_int() : static_cast<int64_t>(v.as_uint());
  switch (t.kind) {
    case ParamKind::kInt: return Value::integer(i, Kind::kInt);
    case ParamKind::kInt64: return Value::integer(i, Kind::kInt64);
    default: return Value::unsigned_integer(static_cast<uint32_t>(i), Kind::kUint32);
  }
}

bool is_hex_int(std::string_view s) {
  return s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
         s.find_first_of("pP") == std::string::npos;
}

class Executor final : public CallContext {
 public:
  Executor(const TemplateSet& set, const Tree& tmpl, std::string* out, int depth)
      : set_(set), tmpl_(&tmpl), out_(out), depth_(depth) {}

  void run(const Value& data) {
    vars_.emplace_back("$", data);
    if (!tmpl_->root) errorf(go_quote(tmpl_->name) + " is an incomplete or empty template");
    walk(data, tmpl_->root);
  }

  // CallContext
  const TemplateSet& templates() const override { return set_; }
  std::string_view template_name() const override { return tmpl_->name; }
  Result<std::string> execute_template(std::string_view name, const Value& data) override {
    const Tree* tree = set_.find_tree(name);
    if (tree == nullptr) {
      return Error::invalid("template: no template " + go_quote(name) + " associated with template " +
                            go_quote(set_.name()));
    }
    std::string buf;
    SKIFF_TRY(execute_tree(set_, *tree, data, buf));
    return buf;
  }

 private:
  [[noreturn]] void errorf(const std::string& message) const {
    if (node_ == nullptr) throw ExecError{"template: " + tmpl_->name + ": " + message};
    throw ExecError{"template: " + tmpl_->location(*node_) + ": executing " + go_quote(tmpl_->name) +
                    " at <" + node_->str() + ">: " + message};
  }

  void at(const Node* n) { node_ = n; }

  size_t mark() const { return vars_.size(); }
  void pop(size_t m) { vars_.resize(m); }
  void push(std::string_view name, Value v) { vars_.emplace_back(name, std::move(v)); }

  void set_var(std::string_view name, const Value& v) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) {
        vars_[i].second = v;
        return;
      }
    }
    errorf("undefined variable: " + std::string(name));
  }

  void set_top_var(size_t n, const Value& v) { vars_[vars_.size() - n].second = v; }

  Value var_value(std::string_view name) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) return vars_[i].second;
    }
    errorf("undefined variable: " + std::string(name));
  }

  Flow walk(const Value& dot, const Node* node) {
    at(node);
    switch (node->type) {
      case NodeType::kAction: {
        auto* a = static_cast<const ActionNode*>(node);
        Value val = eval_pipeline(dot, a->pipe);
        if (a->pipe->decl.empty()) print_value(node, val);
        return Flow::kNormal;
      }
      case NodeType::kBreak: return Flow::kBreak;
      case NodeType::kContinue: return Flow::kContinue;
      case NodeType::kComment: return Flow::kNormal;
      case NodeType::kIf:
      case NodeType::kWith: return walk_if_or_with(dot, static_cast<const BranchNode*>(node));
      case NodeType::kList:
        for (const auto& child : static_cast<const ListNode*>(node)->nodes) {
          Flow f = walk(dot, child);
          if (f != Flow::kNormal) return f;
        }
        return Flow::kNormal;
      case NodeType::kRange: walk_range(dot, static_cast<const BranchNode*>(node)); return Flow::kNormal;
      case NodeType::kTemplate: walk_template(dot, static_cast<const TemplateNode*>(node)); return Flow::kNormal;
      case NodeType::kText: out_->append(static_cast<const TextNode*>(node)->text); return Flow::kNormal;
      default: errorf("unknown node: " + node->str());
    }
  }

  Flow walk_if_or_with(const Value& dot, const BranchNode* n) {
    size_t m = mark();
    Value val = eval_pipeline(dot, n->pipe);
    Flow f = Flow::kNormal;
    if (is_true(val)) {
      f = walk(n->type == NodeType::kWith ? val : dot, n->list);
    } else if (n->else_list) {
      f = walk(dot, n->else_list);
    }
    pop(m);
    return f;
  }

  // Returns false on {{break}}.
  bool one_iteration(const BranchNode* r, size_t m, const Value& index, const Value& elem) {
    const auto& decl = r->pipe->decl;
    if (!decl.empty()) {
      if (r->pipe->is_assign) {
        set_var(decl[0]->ident[0], decl.size() > 1 ? index : elem);
      } else {
        set_top_var(1, elem);
      }
    }
    if (decl.size() > 1) {
      if (r->pipe->is_assign) {
        set_var(decl[1]->ident[0], elem);
      } else {
        set_top_var(2, index);
      }
    }
    Flow f = walk(elem, r->list);
    pop(m);
    return f != Flow::kBreak;
  }

  void walk_range(const Value& dot, const BranchNode* r) {
    at(r);
    size_t outer = mark();
    Value val = eval_pipeline(dot, r->pipe);
    size_t m = mark();
    Kind k = val.kind();
    bool ran = false;
    if (is_signed_int_kind(k) || is_unsigned_int_kind(k)) {
      if (r->pipe->decl.size() > 1) {
        errorf("can't use " + go_format_value(val) + " to iterate over more than one variable");
      }
      bool is_signed = is_signed_int_kind(k);
      int64_t n = is_signed ? val.as_int() : static_cast<int64_t>(val.as_uint());
      for (int64_t i = 0; i < n; ++i) {
        ran = true;
        Value elem = is_signed ? Value::integer(i, k) : Value::unsigned_integer(static_cast<uint64_t>(i), k);
        if (!one_iteration(r, m, Value(), elem)) break;
      }
    } else if (k == Kind::kSlice) {
      // Like Go, the length is fixed when the range starts; holding the storage keeps
      // it alive if the body replaces the variable that referred to it.
      std::shared_ptr<ListData> items = val.list_data();
      size_t n = items ? items->items.size() : 0;
      for (size_t i = 0; i < n && i < items->items.size(); ++i) {
        ran = true;
        Value elem = val.element(items->items[i]);
        if (!one_iteration(r, m, Value::integer(static_cast<int64_t>(i)), elem)) break;
      }
    } else if (k == Kind::kMap) {
      const auto entries = val.map_entries();  // Go sorts a snapshot of the map
      for (const auto& [key, v] : entries) {
        ran = true;
        if (!one_iteration(r, m, Value::string(key), val.element(v))) break;
      }
    } else if (k != Kind::kInvalid) {
      errorf("range can't iterate over " + go_format_value(val));
    }
    if (!ran && r->else_list) walk(dot, r->else_list);
    pop(outer);
  }

  void walk_template(const Value& dot_in, const TemplateNode* t) {
    at(t);
    const Tree* tree = set_.find_tree(t->name);
    if (tree == nullptr) errorf("template " + go_quote(t->name) + " not defined");
    if (depth_ + 1 >= kMaxExecDepth || StackGuard::exhausted()) {
      errorf("exceeded maximum template depth (" + std::to_string(kMaxExecDepth) + ")");
    }
    Value dot = eval_pipeline(dot_in, t->pipe);
    Executor nested(set_, *tree, out_, depth_ + 1);
    nested.vars_.emplace_back("$", dot);
    nested.walk(dot, tree->root);
  }

  Value eval_pipeline(const Value& dot, const PipeNode* pipe) {
    if (pipe == nullptr) return Value();
    at(pipe);
    Final final;  // each command's result is the next one's final argument
    for (const auto& cmd : pipe->cmds) final = eval_command(dot, cmd, final).unboxed();
    Value value = final ? std::move(*final) : Value();
    for (const auto& var : pipe->decl) {
      if (pipe->is_assign) {
        set_var(var->ident[0], value);
      } else {
        push(var->ident[0], value);
      }
    }
    return value;
  }

  void not_a_function(ArgNodes rest, const Node* first, const Final& final) {
    if (!rest.empty() || final) errorf("can't give argument to non-function " + first->str());
  }

  Value eval_command(const Value& dot, const CommandNode* cmd, const Final& final) {
    const Node* first = cmd->args[0];
    ArgNodes rest(cmd->args.data() + 1, cmd->args.size() - 1);
    switch (first->type) {
      case NodeType::kField:
        return eval_field_node(dot, static_cast<const FieldNode*>(first), rest, final);
      case NodeType::kChain:
        return eval_chain_node(dot, static_cast<const ChainNode*>(first), rest, final);
      case NodeType::kIdentifier:
        return eval_function(dot, static_cast<const IdentifierNode*>(first), cmd, rest, final);
      case NodeType::kPipe:
        not_a_function(rest, first, final);
        return eval_pipeline(dot, static_cast<const PipeNode*>(first));
      case NodeType::kVariable:
        return eval_variable_node(dot, static_cast<const VariableNode*>(first), rest, final);
      default:
        break;
    }
    at(first);
    not_a_function(rest, first, final);
    switch (first->type) {
      case NodeType::kBool: return Value::boolean(static_cast<const BoolNode*>(first)->value);
      case NodeType::kDot: return dot;
      case NodeType::kNil: errorf("nil is not a command");
      case NodeType::kNumber: return ideal_constant(static_cast<const NumberNode*>(first));
      case NodeType::kString: return Value::string(std::string(static_cast<const StringNode*>(first)->text));
      default: errorf("can't evaluate command " + go_quote(first->str()));
    }
  }

  Value ideal_constant(const NumberNode* c) {
    at(c);
    if (c->is_complex) errorf("complex constants are not supported: " + std::string(c->text));
    if (c->is_float && !is_hex_int(c->text) && c->text[0] != '\'' &&
        c->text.find_first_of(".eEpP") != std::string::npos) {
      return Value::float64(c->float64);
    }
    if (c->is_int) return Value::integer(c->int64, Kind::kInt);
    if (c->is_uint) errorf(std::string(c->text) + " overflows int");
    return Value();
  }

  Value eval_field_node(const Value& dot, const FieldNode* field, ArgNodes rest, const Final& final) {
    at(field);
    return eval_field_chain(dot, dot, field, field->ident, rest, final);
  }

  Value eval_chain_node(const Value& dot, const ChainNode* chain, ArgNodes rest, const Final& final) {
    at(chain);
    if (chain->field.empty()) errorf("internal error: no fields in evalChainNode");
    if (chain->node->type == NodeType::kNil) errorf("indirection through explicit nil in " + chain->str());
    Value pipe = eval_arg(dot, nullptr, chain->node);
    return eval_field_chain(dot, pipe, chain, chain->field, rest, final);
  }

  Value eval_variable_node(const Value& dot, const VariableNode* var, ArgNodes rest, const Final& final) {
    at(var);
    Value value = var_value(var->ident[0]);
    if (var->ident.size() == 1) {
      not_a_function(rest, var, final);
      return value;
    }
    std::span<const std::string_view> fields(var->ident.data() + 1, var->ident.size() - 1);
    return eval_field_chain(dot, value, var, fields, rest, final);
  }

  Value eval_field_chain(const Value& dot, Value receiver, const Node* node,
                         std::span<const std::string_view> ident, ArgNodes rest, const Final& final) {
    size_t n = ident.size();
    for (size_t i = 0; i + 1 < n; ++i) {
      receiver = eval_field(dot, ident[i], node, {}, std::nullopt, receiver);
    }
    return eval_field(dot, ident[n - 1], node, rest, final, receiver);
  }

  Value eval_function(const Value& dot, const IdentifierNode* node, const Node* cmd, ArgNodes rest,
                      const Final& final) {
    at(node);
    bool is_builtin = false;
    const FunctionDef* fn = set_.find_function(node->ident, &is_builtin);
    if (fn == nullptr) errorf(go_quote(node->ident) + " is not a defined function");
    return eval_call(dot, *fn, nullptr, is_builtin, cmd, node->ident, rest, final);
  }

  Value eval_field(const Value& dot, std::string_view field_name, const Node* node, ArgNodes rest,
                   const Final& final, const Value& receiver_in) {
    if (!receiver_in.is_valid() && !receiver_in.is_boxed()) {
      if (set_.missing_key() == MissingKey::kError) {
        errorf("nil data; no entry for key " + go_quote(field_name));
      }
      return Value();
    }
    if (receiver_in.is_nil_interface()) {
      errorf("nil pointer evaluating " + receiver_in.static_type_name() + "." + std::string(field_name));
    }
    // Boxing matters only to a method's receiver argument: fields are read in place.
    const Value& receiver = receiver_in;
    const auto& type = receiver.type_info();
    if (type) {
      auto it = type->methods.find(field_name);
      if (it != type->methods.end()) {
        Value unboxed = receiver_in.unboxed();
        return eval_call(dot, it->second, &unboxed, false, node, field_name, rest, final);
      }
    }
    bool has_args = !rest.empty() || final.has_value();
    if (receiver.kind() == Kind::kMap) {
      const auto& entries = receiver.map_entries();
      auto found = entries.find(field_name);
      if (type && type->is_struct) {
        if (found != entries.end()) {
          if (has_args) errorf(std::string(field_name) + " has arguments but cannot be invoked as function");
          return receiver.element(found->second);
        }
      } else {
        if (has_args) errorf(std::string(field_name) + " is not a method but has arguments");
        if (found != entries.end()) return receiver.element(found->second);
        switch (set_.missing_key()) {
          case MissingKey::kDefault: return Value();
          case MissingKey::kZero: return zero_value(receiver.elem_kind());
          case MissingKey::kError: errorf("map has no entry for key " + go_quote(field_name));
        }
      }
    }
    errorf("can't evaluate field " + std::string(field_name) + " in type " + receiver_in.static_type_name());
  }

  Value eval_call(const Value& dot, const FunctionDef& fn, const Value* receiver, bool is_builtin,
                  const Node* node, std::string_view name, ArgNodes args, const Final& final) {
    const auto& params = fn.sig.params;
    size_t num_in = args.size() + (final ? 1 : 0);
    size_t num_fixed = args.size();
    if (fn.sig.variadic) {
      num_fixed = params.size() - 1;
      if (num_in < num_fixed) {
        errorf("wrong number of args for " + std::string(name) + ": want at least " +
               std::to_string(params.size() - 1) + " got " + std::to_string(args.size()));
      }
    } else if (num_in != params.size()) {
      errorf("wrong number of args for " + std::string(name) + ": want " + std::to_string(params.size()) + " got " +
             std::to_string(num_in));
    }

    if (is_builtin && (name == "and" || name == "or")) {
      const ParamType& arg_type = params[0];
      Value v;
      for (const auto& arg : args) {
        v = eval_arg(dot, &arg_type, arg);
        if (is_true(v) == (name == "or")) return v;
      }
      if (final) v = validate_type(*final, &arg_type);
      return v;
    }

    std::vector<Value> argv;
    argv.reserve(num_in + 1);
    if (receiver != nullptr) argv.push_back(*receiver);
    size_t i = 0;
    for (; i < num_fixed && i < args.size(); ++i) argv.push_back(eval_arg(dot, &params[i], args[i]));
    if (fn.sig.variadic) {
      for (; i < args.size(); ++i) argv.push_back(eval_arg(dot, &params.back(), args[i]));
    }
    if (final) {
      const ParamType* t = &params.back();
      if (fn.sig.variadic && num_in - 1 < num_fixed) t = &params[num_in - 1];
      argv.push_back(validate_type(*final, t));
    }

    Result<Value> result = Value();
    if (is_builtin && name == "call") {
      std::string callee = !args.empty() ? args[0]->str() : "<" + final->type_name() + " Value>";
      result = call_function(callee, argv);
    } else {
      if (StackGuard::exhausted()) errorf("exceeded maximum template depth (" + std::to_string(kMaxExecDepth) + ")");
      const Node* saved = node_;
      result = fn.fn(argv, *this);
      node_ = saved;
    }
    if (!result.ok()) {
      at(node);
      errorf("error calling " + std::string(name) + ": " + result.error().message);
    }
    return std::move(result).value();
  }

  // The builtin call: invokes a function value with Go's prepareArg conversions.
  Result<Value> call_function(const std::string& name, std::vector<Value>& argv) {
    Value fn = argv[0].unboxed();
    if (!fn.is_valid()) return Error::invalid("call of nil");
    if (fn.kind() != Kind::kFunc || !fn.function_def()) {
      return Error::invalid("non-function " + name + " of type " + fn.type_name());
    }
    const FunctionDef& def = *fn.function_def();
    const auto& params = def.sig.params;
    size_t nargs = argv.size() - 1;
    if (def.sig.variadic) {
      if (nargs < params.size() - 1) {
        return Error::invalid("wrong number of args for " + name + ": got " + std::to_string(nargs) +
                              " want at least " + std::to_string(params.size() - 1));
      }
    } else if (nargs != params.size()) {
      return Error::invalid("wrong number of args for " + name + ": got " + std::to_string(nargs) + " want " +
                            std::to_string(params.size()));
    }
    std::vector<Value> call_args;
    for (size_t i = 0; i < nargs; ++i) {
      Value arg = argv[i + 1].unboxed();
      const ParamType& t = (!def.sig.variadic || i < params.size() - 1) ? params[i] : params.back();
      if (!arg.is_valid()) {
        if (!can_be_nil(t)) return Error::invalid("arg " + std::to_string(i) + ": value is nil; should be of type " + t.go_name());
        call_args.push_back(zero_of(t));
      } else if (assignable(arg, t)) {
        call_args.push_back(arg);
      } else if ((is_signed_int_kind(arg.kind()) || is_unsigned_int_kind(arg.kind())) && int_like_param(t)) {
        call_args.push_back(convert_int(arg, t));
      } else {
        return Error::invalid("arg " + std::to_string(i) + ": value has type " + arg.type_name() + "; should be " +
                              t.go_name());
      }
    }
    return def.fn(call_args, *this);
  }

  // Takes the value by value: arguments are mostly fresh results, moved through.
  Value validate_type(Value value, const ParamType* typ) {
    if (typ == nullptr) return value;
    if (!value.is_valid() && !value.is_boxed()) {
      if (can_be_nil(*typ)) return zero_of(*typ);
      errorf("invalid value; expected " + typ->go_name());
    }
    if (typ->kind == ParamKind::kValue) return value;
    if (typ->kind == ParamKind::kAny) return std::move(value).unboxed();
    if (value.is_nil_interface()) {
      errorf("wrong type for value; expected " + typ->go_name() + "; got " + value.static_type_name());
    }
    Value v = std::move(value).unboxed();
    if (!assignable(v, *typ)) {
      errorf("wrong type for value; expected " + typ->go_name() + "; got " + v.type_name());
    }
    return v;
  }

  Value eval_arg(const Value& dot, const ParamType* typ, const Node* n) {
    at(n);
    switch (n->type) {
      case NodeType::kDot: return validate_type(dot, typ);
      case NodeType::kNil:
        if (typ != nullptr && can_be_nil(*typ)) return zero_of(*typ);
        errorf("cannot assign nil to " + (typ ? typ->go_name() : std::string("<nil>")));
      case NodeType::kField:
        return validate_type(eval_field_node(dot, static_cast<const FieldNode*>(n), {}, std::nullopt), typ);
      case NodeType::kVariable:
        return validate_type(eval_variable_node(dot, static_cast<const VariableNode*>(n), {}, std::nullopt), typ);
      case NodeType::kPipe: return validate_type(eval_pipeline(dot, static_cast<const PipeNode*>(n)), typ);
      case NodeType::kIdentifier:
        return validate_type(eval_function(dot, static_cast<const IdentifierNode*>(n), n, {}, std::nullopt), typ);
      case NodeType::kChain:
        return validate_type(eval_chain_node(dot, static_cast<const ChainNode*>(n), {}, std::nullopt), typ);
      default: break;
    }
    if (typ == nullptr) errorf("can't handle " + n->str() + " for arg of type <nil>");
    auto* num = n->type == NodeType::kNumber ? static_cast<const NumberNode*>(n) : nullptr;
    switch (typ->kind) {
      case ParamKind::kBool:
        if (n->type == NodeType::kBool) return Value::boolean(static_cast<const BoolNode*>(n)->value);
        errorf("expected bool; found " + n->str());
      case ParamKind::kFloat64:
        if (num && num->is_float) return Value::float64(num->float64);
        errorf("expected float; found " + n->str());
      case ParamKind::kInt:
      case ParamKind::kInt64:
        if (num && num->is_int) return Value::integer(num->int64, typ->kind == ParamKind::kInt ? Kind::kInt : Kind::kInt64);
        errorf("expected integer; found " + n->str());
      case ParamKind::kUint32:
        if (num && num->is_uint) return Value::unsigned_integer(static_cast<uint32_t>(num->uint64), Kind::kUint32);
        errorf("expected unsigned integer; found " + n->str());
      case ParamKind::kString:
        if (n->type == NodeType::kString) return Value::string(std::string(static_cast<const StringNode*>(n)->text));
        errorf("expected string; found " + n->str());
      case ParamKind::kAny:
      case ParamKind::kValue: {
        Value v = eval_empty_interface(dot, n);
        return typ->kind == ParamKind::kAny ? v.unboxed() : v;
      }
      default:
        errorf("can't handle " + n->str() + " for arg of type " + typ->go_name());
    }
  }

  Value eval_empty_interface(const Value& dot, const Node* n) {
    at(n);
    switch (n->type) {
      case NodeType::kBool: return Value::boolean(static_cast<const BoolNode*>(n)->value);
      case NodeType::kNumber: return ideal_constant(static_cast<const NumberNode*>(n));
      case NodeType::kString: return Value::string(std::string(static_cast<const StringNode*>(n)->text));
      default: errorf("can't handle assignment of " + n->str() + " to empty interface argument");
    }
  }

  void print_value(const Node* n, const Value& v) {
    at(n);
    if (!v.is_valid()) {
      out_->append("<no value>");
      return;
    }
    if (v.kind() == Kind::kFunc) errorf("can't print " + n->str() + " of type " + v.type_name());
    out_->append(go_format_value(v));
  }

  const TemplateSet& set_;
  const Tree* tmpl_;
  std::string* out_;
  int depth_;
  const Node* node_ = nullptr;
  std::vector<std::pair<std::string_view, Value>> vars_;  // names view the templates' texts
};

}  // namespace

Status execute_tree(const TemplateSet& set, const Tree& tree, const Value& data, std::string& out) {
  StackGuard guard;
  Executor ex(set, tree, &out, 0);
  try {
    ex.run(data);
  } catch (const ExecError& e) {
    return Error::invalid(e.message);
  }
  return ok_status();
}

}  // namespace skiff::chart::tmpl

// Sprig's JSON functions that helm keeps: toPrettyJson, toRawJson, mustToPrettyJson,
// mustToRawJson, mustFromJson (helm supplies its own toJson, fromJson, mustToJson).
#include "chart/funcs/go_json.h"
#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

}  // namespace

void register_json_functions(tmpl::TemplateSet& set) {
  add(set, "toPrettyJson", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    auto s = go_json_marshal(a[0], true, "  ");
    return Value::string(s.ok() ? *s : "");
  });
  add(set, "mustToPrettyJson", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(std::string s, go_json_marshal(a[0], true, "  "));
    return Value::string(std::move(s));
  });
  // toRawJson panics on errors; both forms fail the call.
  auto raw = [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(std::string s, go_json_marshal(a[0], false));
    return Value::string(std::move(s));
  };
  add(set, "toRawJson", {P::kAny}, false, raw);
  add(set, "mustToRawJson", {P::kAny}, false, raw);
  add(set, "mustFromJson", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(Value v, go_json_unmarshal(a[0].as_string()));
    return interface_result(v);
  });
}

}  // namespace skiff::chart::funcs

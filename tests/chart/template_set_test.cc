// TemplateSet: definitions across parses, functions, methods and named types.
#include <gtest/gtest.h>

#include "template_test_util.h"

namespace skiff::chart::tmpl::testing {
namespace {

Result<Value> upper(std::vector<Value>& args, CallContext&) {
  std::string s = args[0].as_string();
  for (char& c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return Value::string(s);
}

TEST(TemplateSet, LaterDefinitionReplacesEarlier) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse("a", "{{define \"d\"}}first{{end}}").ok());
  ASSERT_TRUE(set.parse("b", "{{define \"d\"}}second{{end}}{{template \"d\"}}").ok());
  std::string out;
  ASSERT_TRUE(set.execute("b", Value(), out).ok());
  EXPECT_EQ(out, "second");
}

TEST(TemplateSet, EmptyDefinitionDoesNotReplace) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse("a", "{{define \"d\"}}kept{{end}}").ok());
  ASSERT_TRUE(set.parse("b", "{{define \"d\"}}  {{/* nothing */}}\n{{end}}{{template \"d\"}}").ok());
  std::string out;
  ASSERT_TRUE(set.execute("b", Value(), out).ok());
  EXPECT_EQ(out, "kept");
}

TEST(TemplateSet, BlockIsOverriddenByLaterDefine) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse("page", "<{{block \"body\" .}}default{{end}}>").ok());
  ASSERT_TRUE(set.parse("override", "{{define \"body\"}}custom{{end}}").ok());
  std::string out;
  ASSERT_TRUE(set.execute("page", Value(), out).ok());
  EXPECT_EQ(out, "<custom>");
}

TEST(TemplateSet, ListsDefinedTemplates) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse("file", "{{define \"x\"}}{{end}}{{define \"y\"}}y{{end}}body").ok());
  EXPECT_EQ(set.template_names(), (std::vector<std::string>{"file", "x", "y"}));
  EXPECT_TRUE(set.has_template("y"));
  EXPECT_FALSE(set.has_template("z"));
}

TEST(TemplateSet, FailedParseLeavesSetUnchanged) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse("a", "{{define \"d\"}}ok{{end}}").ok());
  EXPECT_FALSE(set.parse("b", "{{define \"d\"}}new{{end}}{{if}}").ok());
  std::string out;
  ASSERT_TRUE(set.parse("c", "{{template \"d\"}}").ok());
  ASSERT_TRUE(set.execute("c", Value(), out).ok());
  EXPECT_EQ(out, "ok");
  EXPECT_FALSE(set.has_template("b"));
}

TEST(TemplateSet, CopyIsIndependent) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse("a", "A").ok());
  TemplateSet copy = set;
  ASSERT_TRUE(copy.parse("b", "B").ok());
  copy.add_function("upper", make_function({ParamKind::kString}, false, upper));
  EXPECT_TRUE(copy.has_template("b"));
  EXPECT_FALSE(set.has_template("b"));
  EXPECT_EQ(set.find_function("upper"), nullptr);
}

TEST(TemplateSet, UserFunctionWithTypedParameters) {
  TemplateSet set("root");
  set.add_function("upper", make_function({ParamKind::kString}, false, upper));
  Rendered r = render_set(set, "{{upper \"abc\"}} {{\"x\" | upper}}", Value());
  EXPECT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "ABC X");
}

TEST(TemplateSet, UserFunctionOverridesBuiltinWithoutShortCircuit) {
  TemplateSet set("root");
  int calls = 0;
  set.add_function("and", make_function({ParamKind::kAny, ParamKind::kAny}, false,
                                        [&calls](std::vector<Value>&, CallContext&) -> Result<Value> {
                                          ++calls;
                                          return Value::string("mine");
                                        }));
  Rendered r = render_set(set, "{{and false true}}", Value());
  EXPECT_EQ(r.text, "mine");
  EXPECT_EQ(calls, 1);
}

TEST(TemplateSet, IntArgumentsConvertForIntParameters) {
  TemplateSet set("root");
  set.add_function("twice", make_function({ParamKind::kInt64}, false, [](std::vector<Value>& a, CallContext&) {
                     return Result<Value>(Value::integer(a[0].as_int() * 2, Kind::kInt64));
                   }));
  EXPECT_EQ(render_set(set, "{{twice 21}}", Value()).text, "42");
  Rendered wrong = render_set(set, "{{twice .}}", Value::integer(1, Kind::kInt));
  EXPECT_EQ(wrong.text,
            "template: t:1:8: executing \"t\" at <.>: wrong type for value; expected int64; got int");
}

TEST(TemplateSet, FunctionsSeeArgumentsAsInterfaceValues) {
  TemplateSet set("root");
  std::vector<std::string> seen;
  set.add_function("probe", make_function({ParamKind::kAny}, true, [&seen](std::vector<Value>& a, CallContext&) {
                     for (const auto& v : a) seen.push_back(v.is_valid() ? v.type_name() : "nil");
                     return Result<Value>(Value::string(""));
                   }));
  set.set_missing_key(MissingKey::kZero);
  ASSERT_TRUE(render_set(set, "{{probe .a .missing .l}}", data_from_json(R"({"a": 1, "l": []})")).ok);
  EXPECT_EQ(seen, (std::vector<std::string>{"float64", "nil", "[]interface {}"}));
}

TEST(TemplateSet, CallInvokesFunctionValues) {
  auto fn = std::make_shared<FunctionDef>(make_function(
      {ParamKind::kInt, ParamKind::kInt}, false, [](std::vector<Value>& a, CallContext&) {
        return Result<Value>(Value::integer(a[0].as_int() + a[1].as_int()));
      }));
  Value data = Value::map({{"add", Value::function(fn)}});
  EXPECT_EQ(render("{{call .add 2 3}}", data).text, "5");
  EXPECT_EQ(render("{{call .add 2}}", data).text,
            "template: t:1:2: executing \"t\" at <call .add 2>: error calling call: wrong number of args for "
            ".add: got 1 want 2");
  EXPECT_EQ(render("{{call .add \"a\" 1}}", data).text,
            "template: t:1:2: executing \"t\" at <call .add \"a\" 1>: error calling call: arg 0: value has type "
            "string; should be int");
  EXPECT_EQ(render("{{call .nope}}", data).text,
            "template: t:1:2: executing \"t\" at <call .nope>: error calling call: call of nil");
  EXPECT_EQ(render("{{call 3}}", data).text,
            "template: t:1:2: executing \"t\" at <call 3>: error calling call: non-function 3 of type int");
}

TEST(TemplateSet, FunctionValuesCannotBePrinted) {
  auto fn = std::make_shared<FunctionDef>(
      make_function({}, false, [](std::vector<Value>&, CallContext&) { return Result<Value>(Value()); }));
  Value data = Value::map({{"f", Value::function(fn)}});
  Rendered r = render("{{.f}}", data);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text, "template: t:1:2: executing \"t\" at <{{.f}}>: can't print {{.f}} of type func(...)");
}

TEST(TemplateSet, MethodsOfNamedTypes) {
  auto files = std::make_shared<TypeInfo>();
  files->name = "engine.files";
  files->methods["Get"] = make_function({ParamKind::kString}, false, [](std::vector<Value>& a, CallContext&) {
    const auto& entries = a[0].map_entries();
    auto it = entries.find(a[1].as_string());
    return Result<Value>(it == entries.end() ? Value::string("") : it->second);
  });
  Value data = Value::map({{"Files", Value::map({{"a.txt", Value::string("content")}}).with_type(files)}});
  EXPECT_EQ(render("{{.Files.Get \"a.txt\"}}|{{.Files.Get \"b\"}}", data).text, "content|");
  EXPECT_EQ(render("{{\"a.txt\" | .Files.Get}}", data).text, "content");
  EXPECT_EQ(render("{{.Files.Get}}", data).text,
            "template: t:1:8: executing \"t\" at <.Files.Get>: wrong number of args for Get: want 1 got 0");
}

TEST(TemplateSet, StructTypesRejectUnknownFields) {
  auto meta = std::make_shared<TypeInfo>();
  meta->name = "*chart.Metadata";
  meta->is_struct = true;
  Value data = Value::map({{"Chart", Value::map({{"Name", Value::string("app")}}).with_type(meta)}});
  EXPECT_EQ(render("{{.Chart.Name}}", data).text, "app");
  EXPECT_EQ(render("{{.Chart.Nope}}", data).text,
            "template: t:1:8: executing \"t\" at <.Chart.Nope>: can't evaluate field Nope in type interface {}");
  // Through a variable the value is no longer boxed in interface{}.
  EXPECT_EQ(render("{{$c := .Chart}}{{$c.Nope}}", data).text,
            "template: t:1:20: executing \"t\" at <$c.Nope>: can't evaluate field Nope in type *chart.Metadata");
}

TEST(TemplateSet, StringerFormatsNamedValues) {
  auto version = std::make_shared<TypeInfo>();
  version->name = "*semver.Version";
  version->stringer = [](const Value& v) { return v.map_entries().at("Original").as_string(); };
  Value v = Value::map({{"Original", Value::string("1.2.3")}}).with_type(version);
  EXPECT_EQ(render("{{.}} {{printf \"%s|%q|%T\" . . .}}", v).text, "1.2.3 1.2.3|\"1.2.3\"|*semver.Version");
}

TEST(TemplateSet, FunctionsCanExecuteNamedTemplates) {
  TemplateSet set("root");
  set.add_function("include",
                   make_function({ParamKind::kString, ParamKind::kAny}, false,
                                 [](std::vector<Value>& a, CallContext& ctx) -> Result<Value> {
                                   SKIFF_ASSIGN_OR_RETURN(std::string s, ctx.execute_template(a[0].as_string(), a[1]));
                                   return Value::string(s);
                                 }));
  ASSERT_TRUE(set.parse("helpers", "{{define \"name\"}}<{{.}}>{{end}}").ok());
  EXPECT_EQ(render_set(set, "{{include \"name\" \"x\" | printf \"%s!\"}}", Value()).text, "<x>!");
  EXPECT_EQ(render_set(set, "{{include \"nope\" 1}}", Value()).text,
            "template: t:1:2: executing \"t\" at <include \"nope\" 1>: error calling include: template: no "
            "template \"nope\" associated with template \"root\"");
}

TEST(TemplateSet, MapsAreSharedReferences) {
  TemplateSet set("root");
  set.add_function("set", make_function({ParamKind::kMap, ParamKind::kString, ParamKind::kAny}, false,
                                        [](std::vector<Value>& a, CallContext&) -> Result<Value> {
                                          a[0].map_data()->entries[a[1].as_string()] = a[2];
                                          return a[0];
                                        }));
  set.add_function("dict", make_function({}, false, [](std::vector<Value>&, CallContext&) {
                     return Result<Value>(Value::map());
                   }));
  Rendered r = render_set(set, "{{$d := dict}}{{$_ := set $d \"k\" 1}}{{$d.k}}", Value());
  EXPECT_EQ(r.text, "1");
}

TEST(TemplateSet, MissingKeyModes) {
  Value data = data_from_json(R"({"m": {}})");
  EXPECT_EQ(render("{{.m.x}}", data, MissingKey::kDefault).text, "<no value>");
  EXPECT_EQ(render("{{.m.x}}", data, MissingKey::kZero).text, "<no value>");
  EXPECT_EQ(render("{{.m.x.y}}", data, MissingKey::kDefault).text, "<no value>");
  EXPECT_FALSE(render("{{.m.x.y}}", data, MissingKey::kZero).ok);
  EXPECT_FALSE(render("{{.m.x}}", data, MissingKey::kError).ok);
  EXPECT_EQ(render("{{.x}}", Value(), MissingKey::kError).text,
            "template: t:1:2: executing \"t\" at <.x>: nil data; no entry for key \"x\"");
}

TEST(TemplateSet, TypedMapsYieldTypedZero) {
  Value data = Value::map({{"labels", Value::map({{"a", Value::string("1")}}, Kind::kString)}});
  EXPECT_EQ(render("[{{.labels.b}}]", data, MissingKey::kZero).text, "[]");
  EXPECT_EQ(render("{{printf \"%T\" .labels}}", data).text, "map[string]string");
}

TEST(TemplateSet, RangeOverIntKeepsIntType) {
  Value data = Value::map({{"n", Value::integer(2, Kind::kInt64)}});
  EXPECT_EQ(render("{{range .n}}{{printf \"%T\" .}}{{end}}", data).text, "int64int64");
}

}  // namespace
}  // namespace skiff::chart::tmpl::testing

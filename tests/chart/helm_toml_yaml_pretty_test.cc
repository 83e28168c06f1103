// helm's toToml/fromToml (BurntSushi/toml v1.6.0) and toYamlPretty (go-yaml v3, indent 2);
// expected texts checked against helm 4.1.4 (tests/e2e/chart_generated covers more).
#include <gtest/gtest.h>

#include <memory>

#include "chart/engine/helm_funcs.h"
#include "chart/funcs/sprig.h"
#include "chart/funcs/toml.h"
#include "template_test_util.h"

namespace skiff::chart {
namespace {

tmpl::testing::Rendered render(const std::string& text, const std::string& json = "") {
  tmpl::TemplateSet set("root");
  set.set_missing_key(tmpl::MissingKey::kZero);
  funcs::add_sprig_functions(set);
  add_helm_functions(set, std::make_shared<IncludeCounts>());
  return tmpl::testing::render_set(set, text, tmpl::testing::data_from_json(json));
}

TEST(HelmToml, EncodesPlainKeysBeforeTablesWithIndentedSubtables) {
  auto r = render(R"({{ toToml (dict "b" "x" "a" 1 "t" (dict "u" (dict "v" true) "w" 2.5) "l" (list 1 "s")) }})");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "a = 1\nb = \"x\"\nl = [1, \"s\"]\n\n[t]\n  w = 2.5\n  [t.u]\n    v = true\n");
}

TEST(HelmToml, EncodesArraysOfTablesAndInlineTables) {
  auto r = render(R"({{ toToml (dict "s" (list (dict "n" "a") (dict "n" "b")) "m" (list (dict "x" 1) 2)) }})");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "m = [{x = 1}, 2]\n\n[[s]]\n  n = \"a\"\n\n[[s]]\n  n = \"b\"\n");
}

TEST(HelmToml, FloatsKeepADecimalPointAndQuotedKeysEscape) {
  auto r = render(R"({{ toToml (dict "f" 100.0 "e" 1e21 "k y" "q\"\t") }})");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "e = 1e+21\nf = 100.0\n\"k y\" = \"q\\\"\\t\"\n");
}

TEST(HelmToml, ControlCharactersAndDeleteEscapeAsUnicode) {
  auto r = render("{{ toToml (dict \"c\" (printf \"a%cb%c\\\\\" 31 127)) }}");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "c = \"a\\u001fb\\u007f\\\\\"\n");
}

TEST(HelmToml, EncoderErrorsBecomeTheResultButNilFailsTheCall) {
  auto r = render(R"({{ toToml (dict "a" (list 1 nil)) }}|{{ toToml (list (dict "a" 1)) }})");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "toml: cannot encode array with nil element|toml: top-level values must be Go maps or structs");
  auto n = render("{{ toToml nil }}");
  EXPECT_FALSE(n.ok);
  EXPECT_NE(n.text.find("reflect: call of reflect.Value.Type on zero Value"), std::string::npos) << n.text;
}

TEST(HelmToml, DecodesTypesTablesAndArraysOfTables) {
  auto r = render(
      "{{ $t := fromToml \"i = 0x1F\\nf = 1.5\\ns = 'x'\\n[a.b]\\nc = true\\n[[arr]]\\nz = 1\\n[[arr]]\\nz = 2\" }}"
      "{{ $t.i }} {{ typeOf $t.i }} {{ $t.f }} {{ $t.s }} {{ $t.a.b.c }} {{ typeOf $t.arr }} {{ $t.arr }}");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "31 int64 1.5 x true []map[string]interface {} [map[z:1] map[z:2]]");
}

TEST(HelmToml, DecodeErrorsNameTheLineAndLastKey) {
  auto dup = funcs::toml_decode("a = 1\na = 2");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message, "toml: line 2 (last key \"a\"): Key 'a' has already been defined.");
  auto table = funcs::toml_decode("[t]\n[t]");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().message, "toml: line 2: Key 't' has already been defined.");
  auto r = render(R"({{ fromToml "a = " }})");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "map[Error:toml: line 1 (last key \"a\"): unexpected EOF; expected value]");
}

TEST(HelmToml, MustToTomlIsNotAHelm414Function) {
  auto r = render("{{ mustToToml (dict) }}");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("function \"mustToToml\" not defined"), std::string::npos) << r.text;
}

TEST(HelmToYamlPretty, IndentsSequencesUnderKeysAndDoesNotFold) {
  auto r = render(R"({{ toYamlPretty (dict "a" (list 1 (dict "b" (list "x")) (list 1 2)) "s" "multi\nline" "t" "yes" "u" 1000000.0) }})");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "a:\n  - 1\n  - b:\n      - x\n  - - 1\n    - 2\ns: |-\n  multi\n  line\nt: \"yes\"\nu: 1e+06");
  std::string long_text(100, 'w');
  auto l = render("{{ toYamlPretty (dict \"k\" \"" + long_text + " " + long_text + "\") }}");
  EXPECT_EQ(l.text, "k: " + long_text + " " + long_text);
}

}  // namespace
}  // namespace skiff::chart

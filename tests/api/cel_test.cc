// The CEL engine behind CRD validation rules: parsing (with cel-go's error texts), type
// checking, and evaluation with CEL's semantics (errors as values, overflow, macros, the
// string/list/time libraries Kubernetes enables, the cost limit).
#include <gtest/gtest.h>

#include "api/cel/checker.h"
#include "api/cel/format.h"
#include "api/cel/interpreter.h"
#include "api/cel/parser.h"

namespace skiff::api::cel {
namespace {

// Parses and checks `text` (no variables unless given); the cel-go style error text, or "".
std::string compile_error(std::string_view text, const std::vector<Declaration>& vars = {}) {
  ParseResult parsed = parse(text);
  if (!parsed.issues.empty()) return format_issues(text, parsed.issues);
  CheckResult checked = check(*parsed.expr, vars);
  return checked.issues.empty() ? "" : format_issues(text, checked.issues);
}

EvalResult run_full(std::string_view text, uint64_t limit = 1000000) {
  ParseResult parsed = parse(text);
  EXPECT_TRUE(parsed.issues.empty()) << format_issues(text, parsed.issues);
  if (!parsed.expr) return {};
  CheckResult checked = check(*parsed.expr, {});
  EXPECT_TRUE(checked.issues.empty()) << format_issues(text, checked.issues);
  RegexCache regexes;
  precompile_regexes(*parsed.expr, regexes, nullptr);
  return evaluate(*parsed.expr, {}, limit, &regexes);
}

Value run(std::string_view text) { return run_full(text).value; }

// Whether `text` evaluates to true (the tests are written as boolean facts).
::testing::AssertionResult holds(std::string_view text) {
  Value v = run(text);
  if (v.is(ValueKind::kBool) && v.as_bool()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << text << " evaluated to "
                                       << (v.is_error() ? "error: " + v.error_message() : display(v));
}

std::string error_of(std::string_view text) {
  Value v = run(text);
  return v.is_error() ? v.error_message() : "no error: " + display(v);
}

TEST(CelParser, LiteralsOfEveryKind) {
  EXPECT_TRUE(holds("0x1F == 31 && -0x10 == -16"));
  EXPECT_TRUE(holds("-9223372036854775808 < 0"));
  EXPECT_TRUE(holds("18446744073709551615u > 0u"));
  EXPECT_TRUE(holds("1.5e3 == 1500.0 && .5 == 0.5"));
  EXPECT_TRUE(holds(R"('a\tb' == "a\u0009b" && "\x41\101" == 'AA')"));
  EXPECT_TRUE(holds(R"(r'\d+' == '\\d+' && R"\n" == '\\n')"));
  EXPECT_TRUE(holds("'''multi\nline''' == \"multi\\nline\" && \"\"\"a\"b\"\"\" == 'a\"b'"));
  EXPECT_TRUE(holds(R"(b'\xff\x00' == bytes("") + b'\377\000' && size(b'abc') == 3)"));
  EXPECT_TRUE(holds("null == null && true != false"));
}

TEST(CelParser, PrecedenceAndAssociativity) {
  EXPECT_TRUE(holds("1 + 2 * 3 == 7 && (1 + 2) * 3 == 9"));
  EXPECT_TRUE(holds("10 - 4 - 3 == 3 && 100 / 10 / 5 == 2"));
  EXPECT_TRUE(holds("!false && !!true"));
  EXPECT_TRUE(holds("(false ? 1 : true ? 2 : 3) == 2"));
  EXPECT_NE(compile_error("true ? false ? 1 : 2 : 3"), "");  // the middle operand is no ternary
  EXPECT_TRUE(holds("-(-3) == 3 && - -3 == 3"));
  EXPECT_TRUE(holds("1 < 2 == true"));
}

TEST(CelParser, SyntaxErrorsAreWordedAsCelGo) {
  EXPECT_EQ(compile_error("self.x >"),
            "ERROR: <input>:1:9: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', "
            "'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n"
            " | self.x >\n"
            " | ........^");
  EXPECT_EQ(compile_error("a | b"),
            "ERROR: <input>:1:3: Syntax error: token recognition error at: '| '\n | a | b\n | ..^\n"
            "ERROR: <input>:1:5: Syntax error: extraneous input 'b' expecting <EOF>\n | a | b\n | ....^");
  EXPECT_EQ(compile_error("self.x = 1"),
            "ERROR: <input>:1:8: Syntax error: token recognition error at: '= '\n | self.x = 1\n | .......^\n"
            "ERROR: <input>:1:10: Syntax error: extraneous input '1' expecting <EOF>\n | self.x = 1\n | .........^");
  EXPECT_EQ(compile_error("1 + 2 3"),
            "ERROR: <input>:1:7: Syntax error: extraneous input '3' expecting <EOF>\n | 1 + 2 3\n | ......^");
  EXPECT_EQ(compile_error("var == 1"), "ERROR: <input>:1:1: reserved identifier: var\n | var == 1\n | ^");
  EXPECT_EQ(compile_error("has(x)"), "ERROR: <input>:1:5: invalid argument to has() macro\n | has(x)\n | ....^");
  EXPECT_EQ(compile_error("[1].all(x.y, true)"),
            "ERROR: <input>:1:10: argument must be a simple name\n | [1].all(x.y, true)\n | .........^");
  EXPECT_EQ(compile_error("0xFFFFFFFFFFFFFFFFF == 1"),
            "ERROR: <input>:1:1: invalid int literal\n | 0xFFFFFFFFFFFFFFFFF == 1\n | ^");
  EXPECT_NE(compile_error("'unterminated"), "");
  EXPECT_NE(compile_error(R"('\q')"), "");
}

TEST(CelParser, CaretCountsCodePoints) {
  EXPECT_EQ(compile_error("'é' == x"),
            "ERROR: <input>:1:8: undeclared reference to 'x' (in container '')\n | 'é' == x\n | .\uff0e.....^");
}

TEST(CelParser, DeepNestingIsRejectedNotOverflowed) {
  std::string deep(300, '(');
  deep += "1" + std::string(300, ')');
  EXPECT_NE(compile_error(deep).find("max recursion depth exceeded"), std::string::npos);
  std::string chain = "1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  EXPECT_NE(compile_error(chain).find("max recursion depth exceeded"), std::string::npos);
}

TEST(CelChecker, UndeclaredReferencesAndUndefinedFields) {
  auto object = std::make_shared<Type>();
  object->kind = TypeKind::kObject;
  object->name = "selfType";
  object->fields["replicas"] = Type::of(TypeKind::kInt);
  std::vector<Declaration> vars = {{"self", object}};
  EXPECT_EQ(compile_error("self.replicas > 0", vars), "");
  EXPECT_EQ(compile_error("self.replicaz > 0", vars),
            "ERROR: <input>:1:5: undefined field 'replicaz'\n | self.replicaz > 0\n | ....^");
  EXPECT_EQ(compile_error("replicas > 0", vars),
            "ERROR: <input>:1:1: undeclared reference to 'replicas' (in container '')\n | replicas > 0\n | ^");
  EXPECT_EQ(
      compile_error("self.replicas.foo == 1", vars),
      "ERROR: <input>:1:14: type 'int' does not support field selection\n | self.replicas.foo == 1\n | .............^");
  EXPECT_EQ(compile_error("has(self.replicaz)", vars),
            "ERROR: <input>:1:4: undefined field 'replicaz'\n | has(self.replicaz)\n | ...^");
  EXPECT_EQ(compile_error("self.noSuchFunction()", vars),
            "ERROR: <input>:1:20: undeclared reference to 'noSuchFunction' (in container '')\n"
            " | self.noSuchFunction()\n | ...................^");
}

TEST(CelChecker, OverloadsMustMatch) {
  EXPECT_EQ(
      compile_error("1 + 'a' == 2"),
      "ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'\n | 1 + 'a' == 2\n | ..^");
  EXPECT_EQ(compile_error("'abc'.startsWith(1)"),
            "ERROR: <input>:1:17: found no matching overload for 'startsWith' applied to 'string.(int)'\n"
            " | 'abc'.startsWith(1)\n | ................^");
  EXPECT_EQ(compile_error("'a' == null"),
            "ERROR: <input>:1:5: found no matching overload for '_==_' applied to '(string, null)'\n | 'a' == null\n | "
            "....^");
  EXPECT_EQ(compile_error("1 < 2.5 && 2u > 1"), "");  // cross-type numeric comparisons
  EXPECT_EQ(
      compile_error("1 == 1.0"),
      "ERROR: <input>:1:3: found no matching overload for '_==_' applied to '(int, double)'\n | 1 == 1.0\n | ..^");
}

TEST(CelChecker, AggregateLiteralsAreHomogeneous) {
  EXPECT_EQ(compile_error("[1, 'a'] == []"),
            "ERROR: <input>:1:5: expected type 'int' but found 'string'\n | [1, 'a'] == []\n | ....^");
  EXPECT_EQ(compile_error("[1, dyn('a')].size() == 2"),
            "ERROR: <input>:1:8: expected type 'int' but found 'dyn'\n | [1, dyn('a')].size() == 2\n | .......^");
  EXPECT_EQ(compile_error("'%s: %d'.format(['a', 1]) == 'a: 1'"), "");  // format() arguments may mix
}

TEST(CelChecker, ResultTypesFlowThroughMacros) {
  CheckResult r;
  auto parsed = parse("[1, 2].map(x, x * 2)");
  r = check(*parsed.expr, {});
  EXPECT_EQ(format_type(*r.type), "list(int)");
  parsed = parse("{'a': 1}.filter(k, k == 'a')");
  r = check(*parsed.expr, {});
  EXPECT_EQ(format_type(*r.type), "list(string)");
  EXPECT_EQ(compile_error("[1].all(x, x)"),
            "ERROR: <input>:1:12: found no matching overload for '_&&_' applied to '(bool, int)'\n | [1].all(x, x)\n | "
            "...........^");
}

TEST(CelChecker, KubernetesFunctionsOutsideTheSubsetAreFlagged) {
  auto parsed = parse("quantity('1Gi').isLessThan(quantity('2Gi'))");
  CheckResult r = check(*parsed.expr, {});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_TRUE(r.unsupported.count("quantity"));
  parsed = parse("!format.dns1123Label().validate('x').hasValue()");
  r = check(*parsed.expr, {});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_FALSE(r.unsupported.empty());
}

TEST(CelEval, IntegerArithmeticIsCheckedFor64Bits) {
  EXPECT_EQ(error_of("9223372036854775807 + 1 > 0"), "integer overflow");
  EXPECT_EQ(error_of("-9223372036854775808 - 1 < 0"), "integer overflow");
  EXPECT_EQ(error_of("-9223372036854775808 / -1 < 0"), "integer overflow");
  EXPECT_EQ(error_of("4611686018427387904 * 2 > 0"), "integer overflow");
  EXPECT_EQ(error_of("1 / 0 == 1"), "division by zero");
  EXPECT_EQ(error_of("1 % 0 == 1"), "modulus by zero");
  EXPECT_EQ(error_of("0u - 1u == 0u"), "unsigned integer overflow");
  EXPECT_TRUE(holds("-7 / 2 == -3 && -7 % 2 == -1 && 7.0 / 2.0 == 3.5"));
}

TEST(CelEval, LogicalOperatorsAbsorbErrorsCommutatively) {
  EXPECT_TRUE(holds("1 / 0 == 1 || true"));
  EXPECT_TRUE(holds("true || 1 / 0 == 1"));
  EXPECT_TRUE(holds("!(1 / 0 == 1 && false)"));
  EXPECT_TRUE(holds("!(false && 1 / 0 == 1)"));
  EXPECT_EQ(error_of("true && 1 / 0 == 1"), "division by zero");
  EXPECT_EQ(error_of("1 / 0 == 1 || false"), "division by zero");
  EXPECT_EQ(error_of("(1 / 0 == 1 ? 1 : 2) == 1"), "division by zero");
}

TEST(CelEval, EqualityAndComparison) {
  EXPECT_TRUE(holds("dyn(1) == 1.0 && dyn(1u) == 1 && dyn('a') != 1"));
  EXPECT_TRUE(holds("[1, 2] == [1, 2] && [1, 2] != [2, 1] && {'a': [1]} == {'a': [1]}"));
  EXPECT_TRUE(holds("'abc' < 'abd' && b'a' < b'b' && false < true"));
  EXPECT_TRUE(holds("-1 < 1u && 1u < 1.5 && 9223372036854775807 < 1e19 && 1 > -1e30"));
  EXPECT_TRUE(holds("type(1) == int && type('a') == string && type([]) == list"));
}

TEST(CelEval, InListsAndMaps) {
  EXPECT_TRUE(holds("2 in [1, 2, 3] && !(4 in [1, 2, 3])"));
  EXPECT_TRUE(holds("'a' in {'a': 1} && !('b' in {'a': 1})"));
  EXPECT_TRUE(holds("{'a': 1}['a'] == 1 && [10, 20][1] == 20"));
  EXPECT_EQ(error_of("{'a': 1}['b'] == 1"), "no such key: b");
  EXPECT_EQ(error_of("[1][1] == 1"), "index '1' out of range in list size '1'");
}

TEST(CelEval, StringFunctions) {
  EXPECT_TRUE(holds("'kubernetes'.startsWith('kube') && 'kubernetes'.endsWith('tes') && 'abc'.contains('b')"));
  EXPECT_TRUE(holds("'v1.2.3'.matches('^v[0-9]+\\\\.[0-9]+') && !'x'.matches('^y') && matches('ab', 'b$')"));
  EXPECT_TRUE(holds("'MiXeD'.lowerAscii() == 'mixed' && 'MiXeD'.upperAscii() == 'MIXED'"));
  EXPECT_TRUE(holds("'  pad\\t'.trim() == 'pad'"));
  EXPECT_TRUE(holds("'a,b,,c'.split(',') == ['a', 'b', '', 'c'] && 'a,b,c'.split(',', 2) == ['a', 'b,c']"));
  EXPECT_TRUE(holds("['a', 'b'].join() == 'ab' && ['a', 'b'].join('-') == 'a-b'"));
  EXPECT_TRUE(holds("'héllo'.indexOf('l') == 2 && 'hello'.lastIndexOf('l') == 3 && 'hello'.indexOf('z') == -1"));
  EXPECT_TRUE(holds("'hello'.indexOf('l', 3) == 3 && 'hello'.indexOf('') == 0"));
  EXPECT_TRUE(holds("'aaa'.replace('a', 'b') == 'bbb' && 'aaa'.replace('a', 'b', 2) == 'bba'"));
  EXPECT_TRUE(holds("'héllo'.substring(1) == 'éllo' && 'hello'.substring(1, 3) == 'el' && 'héllo'.charAt(1) == 'é'"));
  EXPECT_TRUE(holds("size('héllo') == 5 && 'héllo'.size() == 5"));
  EXPECT_EQ(error_of("'abc'.substring(2, 1) == ''"), "invalid substring range. start: 2, end: 1");
  EXPECT_EQ(error_of("'abc'.substring(4) == ''"), "index out of range: 4");
  EXPECT_TRUE(holds("'%s has %d items'.format(['list', 3]) == 'list has 3 items'"));
  EXPECT_TRUE(holds("strings.quote('a\"b') == '\"a\\\\\"b\"'"));
  EXPECT_TRUE(holds("'abc123def45'.find('[0-9]+') == '123' && 'abc123def45'.findAll('[0-9]+') == ['123', '45']"));
}

TEST(CelEval, Macros) {
  EXPECT_TRUE(holds("[1, 2, 3].all(x, x > 0) && ![1, 2, 3].all(x, x > 1)"));
  EXPECT_TRUE(holds("[1, 2, 3].exists(x, x == 2) && ![1, 2, 3].exists(x, x == 4)"));
  EXPECT_TRUE(holds("[1, 2, 3].exists_one(x, x > 2) && ![1, 2, 3].exists_one(x, x > 1)"));
  EXPECT_TRUE(holds("[1, 2, 3].map(x, x * 10) == [10, 20, 30] && [1, 2, 3].map(x, x > 1, x) == [2, 3]"));
  EXPECT_TRUE(holds("[1, 2, 3].filter(x, x % 2 == 1) == [1, 3]"));
  EXPECT_TRUE(holds("{'a': 1, 'b': 2}.all(k, k in ['a', 'b']) && {'a': 1}.map(k, k) == ['a']"));
  EXPECT_TRUE(holds("[10, 20].all(i, v, i < 2 && v >= 10) && {'a': 1}.exists(k, v, k == 'a' && v == 1)"));
  EXPECT_TRUE(holds("[1, 2].transformList(i, v, v * 2) == [2, 4] && {'a': 1}.transformMap(k, v, v + 1) == {'a': 2}"));
  // An error for one element does not matter once another decides the result.
  EXPECT_TRUE(holds("![0, 1].all(x, 1 / x > 5)"));
  EXPECT_TRUE(holds("[0, 1].exists(x, 1 / x == 1)"));
  EXPECT_EQ(error_of("[0, 1].all(x, 1 / x == 1)"), "division by zero");
}

TEST(CelEval, Conversions) {
  EXPECT_TRUE(holds("int('42') == 42 && int(3.9) == 3 && int(-3.9) == -3 && int(5u) == 5"));
  EXPECT_TRUE(holds("uint(5) == 5u && double(2) == 2.0 && double('1.5') == 1.5"));
  EXPECT_TRUE(holds("string(15) == '15' && string(1.5) == '1.5' && string(1e6) == '1e+06' && string(true) == 'true'"));
  EXPECT_TRUE(holds("string(b'abc') == 'abc' && bytes('abc') == b'abc' && bool('true') && !bool('0')"));
  EXPECT_EQ(error_of("int('4x') == 4"), "type conversion error from 'string' to 'int'");
  EXPECT_EQ(error_of("uint(-1) == 1u"), "unsigned integer overflow");
  EXPECT_EQ(error_of("int(1e19) == 1"), "integer overflow");
  EXPECT_EQ(error_of("int(18446744073709551615u) == 1"), "integer overflow");
}

TEST(CelEval, KubernetesListLibrary) {
  EXPECT_TRUE(holds("[1, 2, 2, 5].isSorted() && ![2, 1].isSorted() && ['a', 'b'].isSorted()"));
  EXPECT_TRUE(holds("[1, 2, 3].sum() == 6 && [1.5, 2.5].sum() == 4.0 && [].sum() == 0"));
  EXPECT_TRUE(holds("[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && ['b', 'a'].min() == 'a'"));
  EXPECT_TRUE(holds("[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && [1].indexOf(5) == -1"));
  EXPECT_EQ(error_of("[].min() == 1"), "min called on empty list");
  EXPECT_TRUE(
      holds("sets.contains([1, 2, 3], [2, 3]) && sets.equivalent([1, 2], [2, 1, 1]) && sets.intersects([1], [1, 5])"));
}

TEST(CelEval, KubernetesIpAndCidrChecks) {
  EXPECT_TRUE(holds("isIP('10.0.0.1') && isIP('fd00::1') && !isIP('10.0.0.256') && !isIP('010.0.0.1')"));
  EXPECT_TRUE(holds("!isIP('::ffff:10.0.0.1') && !isIP('fe80::1%eth0') && !isIP('example.com')"));
  EXPECT_TRUE(holds("isCIDR('10.0.0.0/8') && isCIDR('fd00::/64') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0')"));
}

TEST(CelEval, DurationsAndTimestamps) {
  EXPECT_TRUE(holds("duration('1h30m') == duration('90m') && duration('1.5s') < duration('2s')"));
  EXPECT_TRUE(holds("timestamp('2024-01-01T00:00:00Z') + duration('24h') == timestamp('2024-01-02T00:00:00Z')"));
  EXPECT_TRUE(
      holds("timestamp('2024-03-01T10:20:30+02:00').getHours() == 8 && timestamp('2024-03-01T00:00:00Z').getFullYear() "
            "== 2024"));
  EXPECT_TRUE(holds(
      "timestamp('2024-03-01T00:00:00Z').getMonth() == 2 && timestamp('2024-03-01T00:00:00Z').getDayOfMonth() == 0"));
  EXPECT_TRUE(holds("timestamp('2024-01-02T00:00:00Z') - timestamp('2024-01-01T00:00:00Z') == duration('24h')"));
  EXPECT_TRUE(holds("duration('2h').getMinutes() == 120 && string(duration('1m30s')) == '90s'"));
  EXPECT_TRUE(holds("string(timestamp('2024-01-01T00:00:00.500Z')) == '2024-01-01T00:00:00.5Z'"));
  EXPECT_TRUE(
      holds("int(timestamp('1970-01-01T00:01:00Z')) == 60 && timestamp(60) == timestamp('1970-01-01T00:01:00Z')"));
  EXPECT_EQ(error_of("duration(dyn('forever')) > duration('1s')"),
            "type conversion error from 'string' to 'google.protobuf.Duration'");
}

TEST(CelEval, Optionals) {
  EXPECT_TRUE(holds("optional.of(1).hasValue() && !optional.none().hasValue() && optional.of(2).value() == 2"));
  EXPECT_TRUE(holds("optional.none().orValue(5) == 5 && optional.of(1).or(optional.of(2)) == optional.of(1)"));
  EXPECT_TRUE(
      holds("{'a': 1}[?'a'] == optional.of(1) && !{'a': 1}[?'b'].hasValue() && {'a': {'b': 1}}.?a.?b.orValue(0) == 1"));
  EXPECT_TRUE(holds("[?{'a': 1}[?'b'], ?optional.of(1)] == [1]"));
  EXPECT_EQ(error_of("optional.none().value() == 1"), "optional.none() dereference");
}

TEST(CelEval, CostLimitStopsRunawayExpressions) {
  std::string list = "[";
  for (int i = 0; i < 100; ++i) list += (i ? ", " : "") + std::to_string(i);
  list += "]";
  std::string expr = list + ".all(a, " + list + ".all(b, " + list + ".all(c, a + b + c >= 0)))";
  EvalResult r = run_full(expr);
  EXPECT_TRUE(r.cost_limit_exceeded);
  EXPECT_EQ(r.value.error_message(), "operation cancelled: actual cost limit exceeded");
  EXPECT_LE(r.cost, 1000100u);
  EvalResult small = run_full("[1, 2, 3].all(x, x > 0)");
  EXPECT_FALSE(small.cost_limit_exceeded);
  EXPECT_GT(small.cost, 0u);
}

TEST(CelFormat, GoTextForms) {
  EXPECT_EQ(format_double(1.5), "1.5");
  EXPECT_EQ(format_double(1e6), "1e+06");
  EXPECT_EQ(format_double(123456), "123456");
  EXPECT_EQ(format_double(0.0001), "0.0001");
  EXPECT_EQ(format_double(0.00001), "1e-05");
  EXPECT_EQ(format_duration(Duration{1500000000}), "1.5s");
  EXPECT_EQ(format_duration(Duration{-60000000000}), "-60s");
  EXPECT_EQ(parse_duration("1h2m3.5s")->nanos, 3723500000000);
  EXPECT_FALSE(parse_duration("1x").has_value());
  EXPECT_FALSE(parse_duration("").has_value());
  EXPECT_FALSE(parse_timestamp("2024-02-30T00:00:00Z").has_value());
  EXPECT_EQ(format_timestamp(*parse_timestamp("2024-02-29T23:59:59.123456789-01:00")),
            "2024-03-01T00:59:59.123456789Z");
}

}  // namespace
}  // namespace skiff::api::cel

#include "api/labels.h"

#include <gtest/gtest.h>

#include <map>

namespace skiff::api {
namespace {

using Op = LabelRequirement::Op;

LabelSelector sel(std::string_view text) {
  auto r = LabelSelector::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : LabelSelector();
}

std::string sel_error(std::string_view text) {
  auto r = LabelSelector::parse(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, 400);
  return r.error().message;
}

const std::string kKeyRegexMessage =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const std::string kValueRegexMessage =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

TEST(LabelSelectorParse, EmptyStringSelectsEverything) {
  EXPECT_TRUE(sel("").empty());
  EXPECT_TRUE(sel("  ").empty());
  EXPECT_TRUE(sel("").matches(Json{{"a", "b"}}));
}

TEST(LabelSelectorParse, RecognisesEveryOperator) {
  auto reqs = sel("a=1,b==2,c!=3,d in (x),e notin (y),f,!g,h>4,i<5").requirements();
  ASSERT_EQ(reqs.size(), 9u);
  std::vector<Op> ops;
  for (const auto& r : reqs) ops.push_back(r.op);
  EXPECT_EQ(ops, (std::vector<Op>{Op::kEquals, Op::kEquals, Op::kNotEquals, Op::kIn, Op::kNotIn, Op::kExists,
                                  Op::kDoesNotExist, Op::kGreaterThan, Op::kLessThan}));
}

TEST(LabelSelectorParse, SortsRequirementsByKeyAndValuesWithinSets) {
  EXPECT_EQ(sel("z=1,a in (c,b,b)").to_string(), "a in (b,c),z=1");
}

TEST(LabelSelectorParse, IgnoresWhitespaceBetweenTokens) {
  EXPECT_EQ(sel(" a = b , c in ( x , y ) ").to_string(), "a=b,c in (x,y)");
}

TEST(LabelSelectorParse, KeywordsAreIdentifiersInValuePositions) {
  auto s = sel("in in (in,notin)");
  ASSERT_EQ(s.requirements().size(), 1u);
  EXPECT_EQ(s.requirements()[0].key, "in");
  EXPECT_EQ(s.requirements()[0].values, (std::vector<std::string>{"in", "notin"}));
}

TEST(LabelSelectorParse, EmptyValuesAreAllowed) {
  EXPECT_EQ(sel("a=").requirements()[0].values, std::vector<std::string>{""});
  EXPECT_EQ(sel("a in ()").requirements()[0].values, std::vector<std::string>{""});
  EXPECT_EQ(sel("a in (,b)").requirements()[0].values, (std::vector<std::string>{"", "b"}));
  EXPECT_EQ(sel("a in (b,,c)").requirements()[0].values, (std::vector<std::string>{"", "b", "c"}));
}

TEST(LabelSelectorParse, DoubleEqualsPrintsAsSingleEquals) { EXPECT_EQ(sel("a==b").to_string(), "a=b"); }

TEST(LabelSelectorParse, PrefixedKeysAreAccepted) {
  EXPECT_EQ(sel("app.kubernetes.io/name=web").requirements()[0].key, "app.kubernetes.io/name");
}

TEST(LabelSelectorParseErrors, MissingOperatorNamesTheExpectedOperators) {
  EXPECT_EQ(sel_error("a b"), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
}

TEST(LabelSelectorParseErrors, TrailingCommaNeedsAnIdentifier) {
  EXPECT_EQ(sel_error("a,"), "found '', expected: identifier after ','");
}

TEST(LabelSelectorParseErrors, LeadingOperatorIsRejected) {
  EXPECT_EQ(sel_error("=a"), "found '=', expected: !, identifier, or 'end of string'");
}

TEST(LabelSelectorParseErrors, TwoRequirementsNeedAComma) {
  EXPECT_EQ(sel_error("a=b c"), "found 'c', expected: ',' or 'end of string'");
}

TEST(LabelSelectorParseErrors, SetOperatorsNeedParentheses) {
  EXPECT_EQ(sel_error("a in b"), "unable to parse requirement: found 'b' expected: '('");
  EXPECT_EQ(sel_error("a in (b"), "unable to parse requirement: found '', expected: ',' or ')'");
}

TEST(LabelSelectorParseErrors, OperatorSymbolsAreScannedGreedily) {
  EXPECT_EQ(sel_error("a<=1"), "unable to parse requirement: found '=', expected: identifier");
}

TEST(LabelSelectorParseErrors, InvalidKeyIsReportedWithoutAFieldPath) {
  EXPECT_EQ(sel_error("-a=b"), "unable to parse requirement: <nil>: Invalid value: \"-a\": " + kKeyRegexMessage);
}

TEST(LabelSelectorParseErrors, InvalidValueNamesItsIndexAndKey) {
  EXPECT_EQ(sel_error("a=b/c"),
            "unable to parse requirement: values[0][a]: Invalid value: \"b/c\": " + kValueRegexMessage);
}

TEST(LabelSelectorParseErrors, GreaterThanNeedsAnInteger) {
  EXPECT_EQ(sel_error("a>x"),
            "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value "
            "must be an integer");
}

TEST(LabelSelectorMatch, EqualityAndInequality) {
  EXPECT_TRUE(sel("a=b").matches(Json{{"a", "b"}}));
  EXPECT_FALSE(sel("a=b").matches(Json{{"a", "c"}}));
  EXPECT_FALSE(sel("a=b").matches(Json::object()));
  EXPECT_TRUE(sel("a!=b").matches(Json::object()));
  EXPECT_FALSE(sel("a!=b").matches(Json{{"a", "b"}}));
}

TEST(LabelSelectorMatch, SetMembership) {
  EXPECT_TRUE(sel("a in (x,y)").matches(Json{{"a", "y"}}));
  EXPECT_FALSE(sel("a in (x,y)").matches(Json::object()));
  EXPECT_TRUE(sel("a notin (x)").matches(Json::object()));
  EXPECT_FALSE(sel("a notin (x)").matches(Json{{"a", "x"}}));
}

TEST(LabelSelectorMatch, ExistenceIgnoresTheValue) {
  EXPECT_TRUE(sel("a").matches(Json{{"a", ""}}));
  EXPECT_FALSE(sel("a").matches(nullptr));
  EXPECT_TRUE(sel("!a").matches(nullptr));
  EXPECT_FALSE(sel("!a").matches(Json{{"a", "x"}}));
}

TEST(LabelSelectorMatch, NumericComparisonsNeedIntegerLabels) {
  EXPECT_TRUE(sel("a>5").matches(Json{{"a", "6"}}));
  EXPECT_FALSE(sel("a>5").matches(Json{{"a", "5"}}));
  EXPECT_FALSE(sel("a>5").matches(Json{{"a", "x"}}));
  EXPECT_FALSE(sel("a>5").matches(Json::object()));
  EXPECT_TRUE(sel("a<5").matches(Json{{"a", "-1"}}));
}

TEST(LabelSelectorMatch, AllRequirementsMustHold) {
  EXPECT_TRUE(sel("a=1,b").matches(Json{{"a", "1"}, {"b", "2"}}));
  EXPECT_FALSE(sel("a=1,b").matches(Json{{"a", "1"}}));
}

TEST(LabelSelectorJson, ConvertsMatchLabelsAndExpressions) {
  Json j = {{"matchLabels", {{"app", "web"}}},
            {"matchExpressions", {{{"key", "tier"}, {"operator", "In"}, {"values", {"b", "a"}}},
                                  {{"key", "gone"}, {"operator", "DoesNotExist"}}}}};
  auto s = LabelSelector::from_json(j);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->to_string(), "app=web,!gone,tier in (a,b)");
}

TEST(LabelSelectorJson, NullAndEmptySelectEverything) {
  EXPECT_TRUE(LabelSelector::from_json(nullptr)->empty());
  EXPECT_TRUE(LabelSelector::from_json(Json::object())->empty());
}

TEST(LabelSelectorJson, UnknownOperatorIsAnError) {
  auto s = LabelSelector::from_json({{"matchExpressions", {{{"key", "a"}, {"operator", "Gt"}, {"values", {"1"}}}}}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "\"Gt\" is not a valid label selector operator");
}

TEST(LabelSelectorJson, InWithoutValuesIsAnError) {
  auto s = LabelSelector::from_json({{"matchExpressions", {{{"key", "a"}, {"operator", "In"}}}}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
}

TEST(LabelSelectorJson, SeveralProblemsAreAggregated) {
  auto s = LabelSelector::from_json({{"matchExpressions", {{{"key", "-a"}, {"operator", "Exists"}, {"values", {"x"}}}}}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "[key: Invalid value: \"-a\": " + kKeyRegexMessage +
                                   ", values: Invalid value: []string{\"x\"}: values set must be empty for exists "
                                   "and does not exist]");
}

TEST(LabelSelectorValidation, ReportsFieldPathsForSelectorProblems) {
  Json j = {{"matchLabels", {{"ok", "-bad"}}},
            {"matchExpressions", {{{"key", "a"}, {"operator", "Foo"}}, {{"key", "b"}, {"operator", "In"}}}}};
  auto causes = validate_label_selector(j, "spec.selector");
  ASSERT_EQ(causes.size(), 3u);
  EXPECT_EQ(causes[0].field, "spec.selector.matchLabels");
  EXPECT_EQ(causes[0].message, "Invalid value: \"-bad\": " + kValueRegexMessage);
  EXPECT_EQ(causes[1].field, "spec.selector.matchExpressions[0].operator");
  EXPECT_EQ(causes[1].message, "Invalid value: \"Foo\": not a valid selector operator");
  EXPECT_EQ(causes[2].type, "FieldValueRequired");
  EXPECT_EQ(causes[2].field, "spec.selector.matchExpressions[1].values");
  EXPECT_EQ(causes[2].message, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
}

TEST(LabelKeyValidation, AcceptsQualifiedNames) {
  EXPECT_FALSE(validate_label_key("app").has_value());
  EXPECT_FALSE(validate_label_key("example.com/My_Name-1.x").has_value());
}

TEST(LabelKeyValidation, NamePartIsLimitedTo63Characters) {
  EXPECT_EQ(validate_label_key(std::string(64, 'a')), "name part must be no more than 63 characters");
}

TEST(LabelKeyValidation, PrefixMustBeALowercaseSubdomain) {
  EXPECT_EQ(validate_label_key("Example.com/x"),
            "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
            "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
            "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  EXPECT_EQ(validate_label_key("/x"), "prefix part must be non-empty");
}

TEST(LabelKeyValidation, EmptyNamePartGivesBothMessages) {
  EXPECT_EQ(validate_label_key("a/"), "name part must be non-empty; " + kKeyRegexMessage);
}

TEST(LabelKeyValidation, MoreThanOneSlashIsNotAQualifiedName) {
  EXPECT_EQ(validate_label_key("a/b/c"),
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and "
            "'/' (e.g. 'example.com/MyName')");
}

TEST(LabelValueValidation, EmptyOrAlphanumericValuesAreValid) {
  EXPECT_FALSE(validate_label_value("").has_value());
  EXPECT_FALSE(validate_label_value("v1.2_3-x").has_value());
  EXPECT_EQ(validate_label_value("-x"), kValueRegexMessage);
  EXPECT_EQ(validate_label_value(std::string(64, 'a')), "must be no more than 63 characters");
}

FieldSelector fsel(std::string_view text) {
  auto r = FieldSelector::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : FieldSelector();
}

std::string fsel_error(std::string_view text) {
  auto r = FieldSelector::parse(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(FieldSelectorParse, SplitsTermsAndOperators) {
  auto s = fsel("status.phase!=Running,metadata.name==foo");
  ASSERT_EQ(s.requirements().size(), 2u);
  EXPECT_EQ(s.requirements()[0].field, "metadata.name");  // terms are sorted
  EXPECT_FALSE(s.requirements()[0].negate);
  EXPECT_EQ(s.requirements()[0].value, "foo");
  EXPECT_TRUE(s.requirements()[1].negate);
  EXPECT_EQ(s.to_string(), "metadata.name=foo,status.phase!=Running");
}

TEST(FieldSelectorParse, EmptyTermsAreSkipped) {
  EXPECT_TRUE(fsel("").empty());
  EXPECT_EQ(fsel("a=b,,").requirements().size(), 1u);
}

TEST(FieldSelectorParse, EscapedSeparatorsStayInTheValue) {
  auto s = fsel("a=x\\,y\\=z\\\\");
  ASSERT_EQ(s.requirements().size(), 1u);
  EXPECT_EQ(s.requirements()[0].value, "x,y=z\\");
  EXPECT_EQ(s.to_string(), "a=x\\,y\\=z\\\\");
}

TEST(FieldSelectorParseErrors, TermWithoutOperator) {
  EXPECT_EQ(fsel_error("a=b,abc"), "invalid selector: 'a=b,abc'; can't understand 'abc'");
}

TEST(FieldSelectorParseErrors, UnknownEscape) {
  EXPECT_EQ(fsel_error("a=x\\y"), "invalid field selector: invalid escape sequence: \\y");
  EXPECT_EQ(fsel_error("a=x\\"), "invalid field selector: invalid escape sequence: \\");
}

TEST(FieldSelectorParseErrors, UnescapedEqualsInValueIsReportedAsACodePoint) {
  EXPECT_EQ(fsel_error("a=b=c"), "invalid field selector: unescaped character in value: 61");
}

TEST(FieldSelectorMatch, ComparesLookedUpValues) {
  std::map<std::string, std::string, std::less<>> fields = {{"metadata.name", "foo"}, {"status.phase", "Running"}};
  auto lookup = [&](std::string_view f) -> std::optional<std::string> {
    auto it = fields.find(f);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_TRUE(fsel("metadata.name=foo").matches(lookup));
  EXPECT_FALSE(fsel("metadata.name=foo,status.phase!=Running").matches(lookup));
  EXPECT_TRUE(fsel("spec.nodeName=").matches(lookup));  // absent reads as ""
}

}  // namespace
}  // namespace skiff::api

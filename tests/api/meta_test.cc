#include "api/meta.h"

#include <gtest/gtest.h>

#include "api/field_errors.h"

namespace skiff::api {
namespace {

const std::string kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const std::string kLabelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

std::vector<StatusCause> validate(const Json& meta, bool namespaced = true,
                                  NameRule rule = NameRule::kDns1123Subdomain) {
  return validate_object_meta(meta, namespaced, rule);
}

TEST(ObjectMetaValidation, ValidMetadataHasNoErrors) {
  Json meta = {{"name", "web-1.example"},
               {"namespace", "default"},
               {"labels", {{"app", "web"}}},
               {"annotations", {{"example.com/Note", "anything at all"}}},
               {"finalizers", {"example.com/cleanup"}},
               {"ownerReferences", {{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "rs"}, {"uid", "u1"}}}}};
  EXPECT_TRUE(validate(meta).empty());
}

TEST(ObjectMetaValidation, NameIsRequired) {
  auto causes = validate({{"namespace", "default"}});
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].type, "FieldValueRequired");
  EXPECT_EQ(causes[0].field, "metadata.name");
  EXPECT_EQ(causes[0].message, "Required value: name or generateName is required");
}

TEST(ObjectMetaValidation, SubdomainRuleRejectsUppercaseNames) {
  auto causes = validate({{"name", "Web"}, {"namespace", "default"}});
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].type, "FieldValueInvalid");
  EXPECT_EQ(causes[0].field, "metadata.name");
  EXPECT_EQ(causes[0].message, "Invalid value: \"Web\": " + kSubdomainMessage);
}

TEST(ObjectMetaValidation, SubdomainRuleLimitsLengthTo253) {
  auto causes = validate({{"name", std::string(254, 'a')}, {"namespace", "default"}});
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_NE(causes[0].message.find("must be no more than 253 characters"), std::string::npos);
}

TEST(ObjectMetaValidation, LabelRuleRejectsDots) {
  auto causes = validate({{"name", "a.b"}}, false, NameRule::kDns1123Label);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].message, "Invalid value: \"a.b\": must not contain dots");
}

TEST(ObjectMetaValidation, LabelRuleGivesTheLabelRegex) {
  auto causes = validate({{"name", "-a"}}, false, NameRule::kDns1123Label);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].message, "Invalid value: \"-a\": " + kLabelMessage);
}

TEST(ObjectMetaValidation, Dns1035RuleNeedsALeadingLetter) {
  EXPECT_FALSE(validate_name("1abc", NameRule::kDns1035Label, false).empty());
  EXPECT_TRUE(validate_name("abc-1", NameRule::kDns1035Label, false).empty());
}

TEST(ObjectMetaValidation, PathSegmentRuleAllowsColonsButNotSlashes) {
  EXPECT_TRUE(validate_name("system:controller:Foo", NameRule::kPathSegment, false).empty());
  EXPECT_EQ(validate_name("a/b%c", NameRule::kPathSegment, false),
            (std::vector<std::string>{"may not contain '/'", "may not contain '%'"}));
  EXPECT_EQ(validate_name("..", NameRule::kPathSegment, false), std::vector<std::string>{"may not be '..'"});
  EXPECT_TRUE(validate_name("..", NameRule::kPathSegment, true).empty());
}

TEST(ObjectMetaValidation, GenerateNameMayEndInADash) {
  EXPECT_TRUE(validate({{"name", "web-x1"}, {"generateName", "web-"}, {"namespace", "default"}}).empty());
  auto causes = validate({{"name", "web-x1"}, {"generateName", "Web-"}, {"namespace", "default"}});
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "metadata.generateName");
  EXPECT_EQ(causes[0].message, "Invalid value: \"Web-\": " + kSubdomainMessage);
}

TEST(ObjectMetaValidation, NamespacedObjectsNeedANamespace) {
  auto causes = validate({{"name", "a"}});
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "metadata.namespace");
  EXPECT_EQ(causes[0].message, "Required value");
}

TEST(ObjectMetaValidation, NamespaceMustBeADnsLabel) {
  auto causes = validate({{"name", "a"}, {"namespace", "a.b"}});
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].message, "Invalid value: \"a.b\": must not contain dots");
}

TEST(ObjectMetaValidation, ClusterScopedObjectsMayNotHaveANamespace) {
  auto causes = validate({{"name", "a"}, {"namespace", "default"}}, false);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].type, "FieldValueForbidden");
  EXPECT_EQ(causes[0].message, "Forbidden: not allowed on this type");
}

TEST(ObjectMetaValidation, NegativeGenerationIsInvalid) {
  auto causes = validate({{"name", "a"}, {"generation", -1}}, false);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "metadata.generation");
  EXPECT_EQ(causes[0].message, "Invalid value: -1: must be greater than or equal to 0");
}

TEST(ObjectMetaValidation, LabelKeysAndValuesAreChecked) {
  auto causes = validate({{"name", "a"}, {"labels", {{"bad key", "ok"}, {"k", "bad value"}}}}, false);
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(causes[0].field, "metadata.labels");
  EXPECT_EQ(causes[0].message.rfind("Invalid value: \"bad key\": name part must consist", 0), 0u);
  EXPECT_EQ(causes[1].message.rfind("Invalid value: \"bad value\": a valid label must be", 0), 0u);
}

TEST(ObjectMetaValidation, AnnotationKeysAreCheckedCaseInsensitively) {
  EXPECT_TRUE(validate({{"name", "a"}, {"annotations", {{"Example.COM/Key", "v"}}}}, false).empty());
  auto causes = validate({{"name", "a"}, {"annotations", {{"a/b/c", "v"}}}}, false);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "metadata.annotations");
}

TEST(ObjectMetaValidation, AnnotationsAreLimitedTo256KiBInTotal) {
  std::string big(kTotalAnnotationSizeLimitBytes / 2, 'x');
  EXPECT_TRUE(validate({{"name", "a"}, {"annotations", {{"a", big}, {"b", big.substr(2)}}}}, false).empty());
  auto causes = validate({{"name", "a"}, {"annotations", {{"a", big}, {"b", big}}}}, false);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].type, "FieldValueTooLong");
  EXPECT_EQ(causes[0].field, "metadata.annotations");
  EXPECT_EQ(causes[0].message, "Too long: may not be more than 262144 bytes");
}

TEST(ObjectMetaValidation, FinalizersMustBeQualifiedNames) {
  auto causes = validate({{"name", "a"}, {"finalizers", {"ok", "not ok"}}}, false);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "metadata.finalizers");
}

TEST(ObjectMetaValidation, OrphanAndForegroundFinalizersConflict) {
  auto causes = validate({{"name", "a"}, {"finalizers", {"orphan", "foregroundDeletion"}}}, false);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_NE(causes[0].message.find("finalizer orphan and foregroundDeletion cannot be both set"), std::string::npos);
}

TEST(ObjectMetaValidation, OwnerReferencesNeedAllIdentifyingFields) {
  auto causes = validate({{"name", "a"}, {"ownerReferences", {Json::object()}}}, false);
  ASSERT_EQ(causes.size(), 4u);
  EXPECT_EQ(causes[0].field, "metadata.ownerReferences.apiVersion");
  EXPECT_EQ(causes[0].message, "Invalid value: \"\": version must not be empty");
  EXPECT_EQ(causes[1].field, "metadata.ownerReferences.kind");
  EXPECT_EQ(causes[2].field, "metadata.ownerReferences.name");
  EXPECT_EQ(causes[3].field, "metadata.ownerReferences.uid");
  EXPECT_EQ(causes[3].message, "Invalid value: \"\": uid must not be empty");
}

TEST(ObjectMetaValidation, OnlyOneOwnerMayBeTheController) {
  Json ref1 = {{"apiVersion", "v1"}, {"kind", "A"}, {"name", "x"}, {"uid", "1"}, {"controller", true}};
  Json ref2 = {{"apiVersion", "v1"}, {"kind", "B"}, {"name", "y"}, {"uid", "2"}, {"controller", true}};
  auto causes = validate({{"name", "a"}, {"ownerReferences", {ref1, ref2}}}, false);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_NE(causes[0].message.find("Only one reference can have Controller set to true. Found \"true\" in "
                                   "references for A/x and B/y"),
            std::string::npos);
}

TEST(ObjectMetaValidation, EventsCannotOwnObjects) {
  Json ref = {{"apiVersion", "v1"}, {"kind", "Event"}, {"name", "e"}, {"uid", "1"}};
  auto causes = validate({{"name", "a"}, {"ownerReferences", {ref}}}, false);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_NE(causes[0].message.find("/v1, Kind=Event is disallowed from being an owner"), std::string::npos);
}

TEST(GenerateName, AppendsFiveRandomCharacters) {
  std::string name = generate_name("web-");
  ASSERT_EQ(name.size(), 9u);
  EXPECT_EQ(name.substr(0, 4), "web-");
  EXPECT_TRUE(is_dns1123_subdomain(name));
}

TEST(GenerateName, TruncatesLongPrefixesTo58Characters) {
  std::string name = generate_name(std::string(70, 'a'));
  EXPECT_EQ(name.size(), 63u);
  EXPECT_EQ(name.substr(0, 58), std::string(58, 'a'));
}

TEST(NameAccessors, RecogniseLabelsAndSubdomains) {
  EXPECT_TRUE(is_dns1123_label("a-1"));
  EXPECT_FALSE(is_dns1123_label("a.b"));
  EXPECT_FALSE(is_dns1123_label(std::string(64, 'a')));
  EXPECT_TRUE(is_dns1123_subdomain("a.b-c.d"));
  EXPECT_FALSE(is_dns1123_subdomain("a..b"));
  EXPECT_FALSE(is_dns1123_subdomain(""));
}

TEST(InvalidObjectError, AggregatesCausesLikeKubernetes) {
  auto causes = validate({{"name", "Bad"}}, true);
  Error err = invalid_object_error("apps", "Deployment", "Bad", causes);
  EXPECT_EQ(err.code, 422);
  EXPECT_EQ(err.reason, "Invalid");
  EXPECT_EQ(err.detail_kind, "Deployment");
  EXPECT_EQ(err.causes.size(), 2u);
  EXPECT_EQ(err.message, "Deployment.apps \"Bad\" is invalid: [metadata.name: Invalid value: \"Bad\": " +
                             kSubdomainMessage + ", metadata.namespace: Required value]");
}

TEST(InvalidObjectError, SingleCauseIsNotBracketed) {
  Error err = invalid_object_error("", "Pod", "p", {field_required("spec.containers", "")});
  EXPECT_EQ(err.message, "Pod \"p\" is invalid: spec.containers: Required value");
}

TEST(GoQuote, EscapesLikeGo) {
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\n\x01"), "\"\\n\\x01\"");
  EXPECT_EQ(go_quote("h\xc3\xa9"), "\"h\xc3\xa9\"");
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
}

}  // namespace
}  // namespace skiff::api

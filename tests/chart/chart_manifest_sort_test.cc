#include <gtest/gtest.h>

#include "chart/action/manifest_sort.h"
#include "chart/chart/go_glob.h"
#include "chart/chart/helmignore.h"
#include "chart/chart/semver_range.h"
#include "chart/engine/exec_error.h"

namespace skiff::chart {
namespace {

TEST(SplitManifests, SplitsOnSeparatorLinesAndTrims) {
  auto docs = split_manifests("\n---\na: 1\n\n---\n# only a comment\n---   \n\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0], "a: 1");
  EXPECT_EQ(docs[1], "# only a comment");
}

TEST(SortManifests, OrdersByInstallOrderStably) {
  std::map<std::string, std::string> files = {
      {"c/templates/a.yaml", "kind: Deployment\nmetadata:\n  name: d\n---\nkind: Service\nmetadata:\n  name: s\n"},
      {"c/templates/b.yaml", "kind: Widget\n---\nkind: Namespace\n"},
  };
  auto sorted = sort_manifests(files);
  ASSERT_TRUE(sorted.ok());
  std::vector<std::string> kinds;
  for (const auto& m : sorted->manifests) kinds.push_back(m.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"Namespace", "Service", "Deployment", "Widget"}));
}

TEST(SortManifests, HooksAreSeparatedAndUnknownHooksDropped) {
  std::map<std::string, std::string> files = {
      {"c/templates/t.yaml",
       "kind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n---\n"
       "kind: Pod\nmetadata:\n  name: u\n  annotations:\n    helm.sh/hook: bogus\n"},
  };
  auto sorted = sort_manifests(files);
  ASSERT_TRUE(sorted.ok());
  EXPECT_TRUE(sorted->manifests.empty());
  ASSERT_EQ(sorted->hooks.size(), 1u);
  EXPECT_EQ(sorted->hooks[0].events, std::vector<std::string>{"test"});
}

TEST(SemverRange, MatchesHelmConstraints) {
  EXPECT_TRUE(semver_satisfies(">=1.19.0-0", "v1.35.0"));
  EXPECT_FALSE(semver_satisfies("^1.25.0-0", "v1.24.0"));
  EXPECT_TRUE(semver_satisfies("1.42.*", "1.42.7"));
  EXPECT_FALSE(semver_satisfies("1.42.*", "1.43.0"));
  EXPECT_TRUE(semver_satisfies("~1.2", "1.2.9"));
  EXPECT_FALSE(semver_satisfies(">=1.0.0", "1.1.0-rc.1"));  // prereleases need a prerelease constraint
  EXPECT_TRUE(semver_satisfies("<1.0.0 || >=2.0.0", "2.1.0"));
  EXPECT_FALSE(semver_satisfies("", "1.0.0"));
}

TEST(GoGlob, PathMatchKeepsStarsWithinSegments) {
  EXPECT_TRUE(go_path_match("templates/*.yaml", "templates/cm.yaml"));
  EXPECT_FALSE(go_path_match("templates/*.yaml", "templates/sub/cm.yaml"));
  EXPECT_TRUE(gobwas_glob_match("files/**", "files/a/b.txt"));
  EXPECT_TRUE(gobwas_glob_match("*.{json,yaml}", "x.yaml"));
}

TEST(HelmIgnore, BaseNamePatternsMatchInAnyDirectory) {
  auto rules = IgnoreRules::parse("*.tmp\n.git/\n");
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(rules->ignore("dir/a.tmp", false));
  EXPECT_TRUE(rules->ignore(".git", true));
  EXPECT_FALSE(rules->ignore(".git", false));  // a trailing slash only matches directories
}

TEST(HelmIgnore, PlainAndStarSuffixRulesMatchLikeTheGlob) {
  // Rules without glob syntax, and "*" plus such a suffix, skip the glob matcher: they must
  // still agree with it, a star never crossing a slash.
  auto rules = IgnoreRules::parse("CHANGELOG.md\n*~\nci/*.bak\n*/keep.txt\n");
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(rules->ignore("CHANGELOG.md", false));
  EXPECT_TRUE(rules->ignore("docs/CHANGELOG.md", false));
  EXPECT_FALSE(rules->ignore("CHANGELOG.mdx", false));
  EXPECT_TRUE(rules->ignore("values.yaml~", false));
  EXPECT_FALSE(rules->ignore("~values.yaml", false));
  EXPECT_TRUE(rules->ignore("ci/a.bak", false));
  EXPECT_FALSE(rules->ignore("ci/sub/a.bak", false));
  EXPECT_TRUE(rules->ignore("a/keep.txt", false));
  EXPECT_FALSE(rules->ignore("a/b/keep.txt", false));
}

TEST(HelmIgnore, NegationIgnoresWhatDoesNotMatch) {
  // helm's rules stop at the first decisive pattern; "!p" ignores every path not matching p.
  auto rules = IgnoreRules::parse("!*.yaml\n");
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(rules->ignore("notes.txt", false));
  EXPECT_FALSE(rules->ignore("values.yaml", false));
}

TEST(ExecErrors, RequiredBecomesExecutionErrorAtOuterLocation) {
  std::string msg =
      "template: c/templates/NOTES.txt:2:3: executing \"c/templates/NOTES.txt\" at <include \"x\" .>: error calling "
      "include: template: c/templates/_h.tpl:5:7: executing \"x\" at <required \"need\" .Values.a>: error calling "
      "required: HELM_ERR_STARTneed itHELM_ERR_END";
  EXPECT_EQ(reformat_exec_error("c/templates/NOTES.txt", msg), "execution error at (c/templates/NOTES.txt:2:3): need it");
}

TEST(ExecErrors, NilPointerTraceListsEachTemplate) {
  std::string msg =
      "template: c/templates/a.yaml:3:4: executing \"c/templates/a.yaml\" at <.Values.a.b>: nil pointer evaluating "
      "interface {}.b";
  EXPECT_EQ(reformat_exec_error("c/templates/a.yaml", msg),
            "c/templates/a.yaml:3:4\n  executing \"c/templates/a.yaml\" at <.Values.a.b>:\n    nil pointer evaluating "
            "interface {}.b");
}

TEST(ExecErrors, ParseErrorKeepsLocationAndLastMessage) {
  EXPECT_EQ(cleanup_parse_error("c/templates/a.yaml", "template: c/templates/a.yaml:7: function \"nope\" not defined"),
            "parse error at (c/templates/a.yaml:7): function \"nope\" not defined");
}

}  // namespace
}  // namespace skiff::chart

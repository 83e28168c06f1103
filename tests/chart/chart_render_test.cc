#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "chart/action/template_action.h"

namespace skiff::chart {
namespace {

namespace fs = std::filesystem;

class ChartDir {
 public:
  ChartDir() {
    root_ = fs::temp_directory_path() / ("skiff-chart-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(root_);
  }
  ~ChartDir() { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::string path(const std::string& rel = "") const { return (root_ / rel).string(); }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

Result<std::string> render(const ChartDir& dir, std::vector<std::string> sets = {}) {
  TemplateOptions o;
  o.args = {"rel", dir.path("app")};
  o.namespace_ = "ns1";
  o.values.values = std::move(sets);
  return run_template(o);
}

void write_app(ChartDir& d) {
  d.write("app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n"
                            "- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n");
  d.write("app/values.yaml", "greeting: hi\nglobal:\n  region: eu\nsub:\n  enabled: true\n");
  d.write("app/templates/_helpers.tpl", "{{- define \"who\" -}}parent{{- end -}}");
  d.write("app/templates/cm.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n  namespace: {{ .Release.Namespace }}\n"
          "data:\n  greeting: {{ .Values.greeting }}\n  missing: \"{{ .Values.nope }}\"\n  who: {{ include \"who\" . }}\n");
  d.write("app/templates/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n");
  d.write("app/templates/NOTES.txt", "notes are not printed\n");
  d.write("app/charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n");
  d.write("app/charts/sub/values.yaml", "port: 80\n");
  d.write("app/charts/sub/templates/_helpers.tpl", "{{- define \"who\" -}}sub{{- end -}}");
  d.write("app/charts/sub/templates/svc.yaml",
          "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Chart.Name }}\n  labels:\n    region: {{ .Values.global.region }}\n"
          "spec:\n  ports:\n  - port: {{ .Values.port }}\n");
}

TEST(ChartRender, PrintsInInstallOrderWithSourceHeaders) {
  ChartDir d;
  write_app(d);
  auto out = render(d);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(*out,
            "---\n# Source: app/templates/ns.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n"
            "---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rel-cm\n"
            "  namespace: ns1\ndata:\n  greeting: hi\n  missing: \"\"\n  who: parent\n"
            "---\n# Source: app/charts/sub/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: sub\n"
            "  labels:\n    region: eu\nspec:\n  ports:\n  - port: 80\n");
}

TEST(ChartRender, ConditionFromSetDisablesSubchart) {
  ChartDir d;
  write_app(d);
  auto out = render(d, {"sub.enabled=false"});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->find("kind: Service"), std::string::npos);
}

TEST(ChartRender, MissingChartFieldIsAValidationError) {
  ChartDir d;
  d.write("app/Chart.yaml", "apiVersion: v2\nname: app\n");
  auto out = render(d);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "validation: chart.metadata.version is required");
}

TEST(ChartRender, MissingDependencyIsReported) {
  ChartDir d;
  d.write("app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: gone\n  version: 1.0.0\n");
  auto out = render(d);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("found in Chart.yaml, but missing in charts/ directory: gone"), std::string::npos);
}

TEST(ChartRender, NilPointerErrorsReadLikeHelm) {
  ChartDir d;
  d.write("app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
  d.write("app/templates/x.yaml", "a: {{ .Values.a.b }}\n");
  auto out = render(d);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message,
            "app/templates/x.yaml:1:13\n  executing \"app/templates/x.yaml\" at <.Values.a.b>:\n    nil pointer "
            "evaluating interface {}.b\n\nUse --debug flag to render out invalid YAML");
}

TEST(ChartRender, FailMessageIsVerbatim) {
  ChartDir d;
  d.write("app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
  d.write("app/templates/x.yaml", "{{ fail \"stop here\" }}\n");
  auto out = render(d);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message,
            "execution error at (app/templates/x.yaml:1:3): stop here\n\nUse --debug flag to render out invalid YAML");
}

TEST(ChartRender, SchemaViolationNamesThePath) {
  ChartDir d;
  d.write("app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
  d.write("app/values.yaml", "port: 80\n");
  d.write("app/values.schema.json", R"({"type": "object", "properties": {"port": {"type": "integer"}}})");
  auto out = render(d, {"port=abc"});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message,
            "values don't meet the specifications of the schema(s) in the following chart(s):\napp:\n- at '/port': got "
            "string, want integer\n");
}

TEST(ChartRender, ReleaseNamesMustBeDnsSubdomainsOfAtMost53Characters) {
  ChartDir d;
  write_app(d);
  auto with_name = [&](const std::string& name) {
    TemplateOptions o;
    o.args = {name, d.path("app")};
    return run_template(o);
  };
  for (const std::string& good : std::vector<std::string>{"rel", "a", "a.b-c", "0-9", std::string(53, 'x')}) {
    EXPECT_TRUE(with_name(good).ok()) << good;
  }
  for (const std::string& bad : std::vector<std::string>{"Rel", "a_b", "-a", "a-", "a..b", ".a", "a.", "a.-b", std::string(54, 'x')}) {
    auto r = with_name(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("release name check failed: release name \"" + bad + "\""), std::string::npos);
  }
}

}  // namespace
}  // namespace skiff::chart

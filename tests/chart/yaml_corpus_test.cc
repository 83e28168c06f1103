// The YAML layer against the chart corpus: every values.yaml and Chart.yaml parses, and
// toYaml output of real values appears verbatim in helm 4's rendered goldens.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "chart/yaml/go_yaml.h"

namespace skiff::chart::yaml {
namespace {

namespace fs = std::filesystem;
using tmpl::Value;

const fs::path kCharts = fs::path(SKIFF_SHARED_DIR) / "testdata" / "charts";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Sprig's indent/nindent over helm's toYaml (which trims one trailing newline).
std::string nindent(int n, const std::string& yaml) {
  std::string text = yaml;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::string pad(n, ' ');
  std::string out = "\n" + pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

TEST(YamlCorpus, EveryValuesAndChartFileParses) {
  if (!fs::exists(kCharts)) GTEST_SKIP() << "no chart corpus at " << kCharts;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kCharts)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (name != "values.yaml" && name != "Chart.yaml") continue;
    auto v = parse_yaml(read_file(entry.path()));
    ASSERT_TRUE(v.ok()) << entry.path() << ": " << v.error().message;
    if (v->is_valid()) {
      auto again = to_yaml(*v);
      ASSERT_TRUE(again.ok()) << entry.path() << ": " << again.error().message;
      // The shortcut from the value and the JSON text read back as YAML agree.
      auto through_json = to_yaml_through_json(*v);
      ASSERT_TRUE(through_json.ok()) << entry.path() << ": " << through_json.error().message;
      EXPECT_EQ(*again, *through_json) << entry.path();
      auto back = parse_yaml(*again);
      ASSERT_TRUE(back.ok()) << entry.path() << ": " << back.error().message;
      EXPECT_EQ(*to_yaml(*back), *again) << entry.path();
    }
    ++files;
  }
  EXPECT_GT(files, 20);
}

// prometheus' cm.yaml renders each scrape config as
//   - {{ printf "job_name: %s" $jobName }}
//     {{- toYaml (omit $scrapeValue "enabled" "job_name") | nindent 6 }}
TEST(YamlCorpus, PrometheusScrapeConfigsMatchGolden) {
  fs::path chart = kCharts / "prometheus";
  if (!fs::exists(chart)) GTEST_SKIP() << "no prometheus chart";
  auto values = parse_yaml(read_file(chart / "chart" / "values.yaml"));
  ASSERT_TRUE(values.ok()) << values.error().message;
  std::string golden = read_file(chart / "cases" / "default.v4.yaml");
  const Value& scrape = values->map_entries().at("scrapeConfigs");
  int checked = 0;
  for (const auto& [name, config] : scrape.map_entries()) {
    tmpl::ValueMap rest = config.map_entries();
    auto enabled = rest.find("enabled");
    if (enabled != rest.end() && enabled->second.kind() == tmpl::Kind::kBool && !enabled->second.as_bool()) {
      continue;
    }
    std::string job = name;
    auto job_name = rest.find("job_name");
    if (job_name != rest.end() && job_name->second.kind() == tmpl::Kind::kString &&
        !job_name->second.as_string().empty()) {
      job = job_name->second.as_string();  // sprig's default skips the empty string
    }
    rest.erase("enabled");
    rest.erase("job_name");
    auto yaml = to_yaml(Value::map(rest));
    ASSERT_TRUE(yaml.ok());
    std::string expected = "    - job_name: " + job + nindent(6, *yaml);
    EXPECT_NE(golden.find(expected), std::string::npos) << "scrape config " << name << ":\n" << expected;
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

}  // namespace
}  // namespace skiff::chart::yaml

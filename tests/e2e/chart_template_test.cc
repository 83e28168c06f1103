// Differential test: `skiff chart template` against the helm 4 (and helm 3) goldens of
// the chart corpus in ../shared/testdata/charts. Every case is run the way the goldens
// were produced (`helm template rel ../chart ARGS` from the case directory, with
// KUBECONFIG=/dev/null); outputs are compared byte for byte after masking fields that
// are random by design. A pass-rate table is printed; the cases listed in
// chart_cases_passing.txt must keep passing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "harness.h"

namespace skiff::e2e {
namespace {

namespace fs = std::filesystem;

std::string corpus_dir() { return shared_dir() + "/testdata/charts"; }

// Kept next to this file (the e2e target has no source-dir define).
std::string passing_list_path() { return std::string(SKIFF_SOURCE_DIR) + "/tests/e2e/chart_cases_passing.txt"; }

struct CaseId {
  std::string chart;
  std::string name;
  std::string id() const { return chart + "/" + name; }
  bool operator<(const CaseId& o) const { return id() < o.id(); }
};

std::vector<CaseId> corpus_cases() {
  std::vector<CaseId> out;
  if (!fs::exists(corpus_dir())) return out;
  for (const auto& chart : fs::directory_iterator(corpus_dir())) {
    if (!fs::is_directory(chart.path() / "cases")) continue;
    for (const auto& f : fs::directory_iterator(chart.path() / "cases")) {
      if (f.path().extension() == ".args") {
        out.push_back({chart.path().filename().string(), f.path().stem().string()});
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool file_exists(const std::string& p) { return fs::exists(p); }

// Values that are random by design (generated certificates and keys, random strings,
// UUIDs, timestamps) are replaced by a marker on both sides before comparing.
std::string mask_random(const std::string& text) {
  static const std::regex pem_block("-----BEGIN [A-Z ]+-----[\\s\\S]*?-----END [A-Z ]+-----");
  static const std::regex cert_field("((?:tls\\.crt|tls\\.key|ca\\.crt|ca\\.key|caBundle):\\s*)\\S+");
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  static const std::regex timestamp("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})?");
  std::string out = std::regex_replace(text, pem_block, "<masked-pem>");
  out = std::regex_replace(out, cert_field, "$1<masked>");
  out = std::regex_replace(out, uuid, "<masked-uuid>");
  out = std::regex_replace(out, timestamp, "<masked-time>");
  return out;
}

std::set<std::string> expected_passing() {
  std::set<std::string> ids;
  std::istringstream in(read_file(passing_list_path()));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ids.insert(line);
  }
  return ids;
}

struct Outcome {
  bool v4 = false;
  bool v3 = false;
  std::string detail;  // first difference or error, for failures
};

std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  int line = 0;
  while (true) {
    bool ha = static_cast<bool>(std::getline(a, la));
    bool hb = static_cast<bool>(std::getline(b, lb));
    ++line;
    if (!ha && !hb) return "identical lines, different bytes";
    if (!ha || !hb || la != lb) {
      return "line " + std::to_string(line) + ": want [" + (ha ? la : "<eof>") + "] got [" + (hb ? lb : "<eof>") + "]";
    }
  }
}

Outcome run_case(const CaseId& c) {
  std::string cases = corpus_dir() + "/" + c.chart + "/cases";
  std::string args = read_file(cases + "/" + c.name + ".args");
  while (!args.empty() && (args.back() == '\n' || args.back() == '\r')) args.pop_back();
  std::string script = "cd '" + cases + "' && exec '" + std::string(SKIFF_BINARY) + "' chart template rel ../chart " + args;
  CommandResult r = run_command({"/bin/sh", "-c", script}, "", {"KUBECONFIG=/dev/null", "HELM_DEBUG="}, 120);
  Outcome o;
  bool v4_fails = file_exists(cases + "/" + c.name + ".v4.error");
  bool v3_fails = file_exists(cases + "/" + c.name + ".v3.error");
  std::string got = mask_random(r.out);
  if (v4_fails) {
    o.v4 = r.exit_code != 0 && r.out.empty();
    if (!o.v4) o.detail = "expected a failure like: " + read_file(cases + "/" + c.name + ".v4.error");
  } else {
    std::string want = mask_random(read_file(cases + "/" + c.name + ".v4.yaml"));
    o.v4 = r.exit_code == 0 && got == want;
    if (!o.v4) o.detail = r.exit_code != 0 ? "exit " + std::to_string(r.exit_code) + ": " + r.err : first_difference(want, got);
  }
  if (v3_fails) {
    o.v3 = r.exit_code != 0 && r.out.empty();
  } else {
    o.v3 = r.exit_code == 0 && got == mask_random(read_file(cases + "/" + c.name + ".v3.yaml"));
  }
  return o;
}

TEST(ChartTemplateCorpus, PassingListNamesCorpusCases) {
  auto cases = corpus_cases();
  if (cases.empty()) GTEST_SKIP() << "chart corpus not found at " << corpus_dir();
  std::set<std::string> ids;
  for (const auto& c : cases) ids.insert(c.id());
  for (const auto& id : expected_passing()) EXPECT_TRUE(ids.count(id)) << id << " is not a corpus case";
}

TEST(ChartTemplateCorpus, RendersLikeHelm) {
  auto cases = corpus_cases();
  if (cases.empty()) GTEST_SKIP() << "chart corpus not found at " << corpus_dir();
  std::set<std::string> must_pass = expected_passing();
  struct Tally {
    int total = 0, v4 = 0, v3 = 0;
  };
  std::map<std::string, Tally> per_chart;
  std::vector<std::string> newly_passing;
  for (const auto& c : cases) {
    Outcome o = run_case(c);
    Tally& t = per_chart[c.chart];
    ++t.total;
    t.v4 += o.v4;
    t.v3 += o.v3;
    if (must_pass.count(c.id())) {
      EXPECT_TRUE(o.v4) << c.id() << " regressed: " << o.detail;
    } else if (o.v4) {
      newly_passing.push_back(c.id());
    } else {
      std::cout << "  [not yet] " << c.id() << ": " << o.detail.substr(0, 300) << "\n";
    }
  }
  int total = 0, v4 = 0, v3 = 0;
  std::printf("\n%-32s %6s %10s %10s\n", "chart", "cases", "helm v4", "helm v3");
  for (const auto& [chart, t] : per_chart) {
    std::printf("%-32s %6d %5d/%-4d %5d/%-4d\n", chart.c_str(), t.total, t.v4, t.total, t.v3, t.total);
    total += t.total;
    v4 += t.v4;
    v3 += t.v3;
  }
  std::printf("%-32s %6d %5d/%-4d %5d/%-4d\n\n", "TOTAL", total, v4, total, v3, total);
  for (const auto& id : newly_passing) {
    std::cout << "  newly passing (add to chart_cases_passing.txt): " << id << "\n";
  }
}

}  // namespace
}  // namespace skiff::e2e

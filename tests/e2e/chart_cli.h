// What the release and repository suites share: files written for charts, helm's tables read
// back, and a fixture base running `skiff chart`, the real helm 4 and kubectl in one environment
// (the suite says which: its kubeconfig, HOME and HELM_* variables).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"
#include "util/json.h"

namespace skiff::e2e {

// Writes text to p, creating its directories.
void write(const std::filesystem::path& p, const std::string& text);

// Lines of a helm table as cells (padding trimmed).
std::vector<std::vector<std::string>> table(const std::string& text);

class ChartCliTest : public ::testing::Test {
 protected:
  // Finds helm 4.1.4 and kubectl (1.33, else 1.27); either is "" when absent.
  void find_clients();
  virtual std::vector<std::string> env() const = 0;

  CommandResult skiff(std::vector<std::string> args) const;
  CommandResult helm(std::vector<std::string> args) const;
  CommandResult kubectl(std::vector<std::string> args) const;
  // Stdout of a command that must succeed (a test failure with its output otherwise).
  std::string ok(const CommandResult& r) const;
  // `kubectl <args> -o json` parsed.
  Json get_json(std::vector<std::string> args) const;

  std::string helm_;
  std::string kubectl_;
};

}  // namespace skiff::e2e

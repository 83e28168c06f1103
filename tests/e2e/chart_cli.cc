#include "chart_cli.h"

#include <fstream>
#include <sstream>

namespace skiff::e2e {

void write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::vector<std::vector<std::string>> table(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream cs(line);
    std::string cell;
    while (std::getline(cs, cell, '\t')) {
      while (!cell.empty() && cell.back() == ' ') cell.pop_back();
      cells.push_back(cell);
    }
    rows.push_back(cells);
  }
  return rows;
}

void ChartCliTest::find_clients() {
  helm_ = helm_path("4.1.4");
  kubectl_ = kubectl_path(33);
  if (kubectl_.empty()) kubectl_ = kubectl_path(27);
}

CommandResult ChartCliTest::skiff(std::vector<std::string> args) const {
  args.insert(args.begin(), {SKIFF_BINARY, "chart"});
  return run_command(args, "", env(), 120);
}

CommandResult ChartCliTest::helm(std::vector<std::string> args) const {
  args.insert(args.begin(), helm_);
  return run_command(args, "", env(), 120);
}

CommandResult ChartCliTest::kubectl(std::vector<std::string> args) const {
  args.insert(args.begin(), kubectl_);
  return run_command(args, "", env(), 60);
}

std::string ChartCliTest::ok(const CommandResult& r) const {
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return r.out;
}

Json ChartCliTest::get_json(std::vector<std::string> args) const {
  args.push_back("-o");
  args.push_back("json");
  auto parsed = parse_json(ok(kubectl(args)));
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? *parsed : Json();
}

}  // namespace skiff::e2e

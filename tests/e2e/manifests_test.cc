// Every real-world manifest in ../shared/testdata/manifests applies with kubectl and reads
// back with what was applied (plus the server's defaults).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "api/quantity.h"
#include "harness.h"
#include "util/encoding.h"
#include "util/json.h"
#include "util/yaml.h"

namespace skiff::e2e {
namespace {

namespace fs = std::filesystem;

bool same_quantity(const Json& a, const Json& b) {
  if (!(a.is_string() || a.is_number()) || !(b.is_string() || b.is_number())) return false;
  auto qa = api::Quantity::parse(a.is_string() ? a.get<std::string>() : a.dump());
  auto qb = api::Quantity::parse(b.is_string() ? b.get<std::string>() : b.dump());
  return qa.ok() && qb.ok() && *qa == *qb;
}

// Every field of `applied` is in `live` with the same value (live may have more: defaults).
void expect_subset(const Json& applied, const Json& live, const std::string& path, std::vector<std::string>& diffs) {
  if (applied.is_object()) {
    if (!live.is_object()) {
      diffs.push_back(path + ": expected an object, got " + live.dump());
      return;
    }
    for (auto& [k, v] : applied.items()) {
      if (v.is_null()) continue;
      auto it = live.find(k);
      if (it == live.end()) {
        if (v.is_object() && v.empty()) continue;  // {} reads back as absent for omitempty structs
        if (v.is_array() && v.empty()) continue;
        diffs.push_back(path + "." + k + ": missing");
        continue;
      }
      expect_subset(v, *it, path + "." + k, diffs);
    }
  } else if (applied.is_array()) {
    if (path.size() >= 17 && path.compare(path.size() - 17, 17, ".spec.tolerations") == 0 && live.is_array()) {
      // DefaultTolerationSeconds admission adds these to every pod, as Kubernetes does.
      Json own = Json::array();
      for (const auto& t : live)
        if (t.value("tolerationSeconds", 0) != 300 || (t.value("key", "") != "node.kubernetes.io/not-ready" &&
                                                       t.value("key", "") != "node.kubernetes.io/unreachable"))
          own.push_back(t);
      if (own.size() != live.size()) return expect_subset(applied, own, path, diffs);
    }
    if (!live.is_array() || live.size() != applied.size()) {
      diffs.push_back(path + ": expected " + applied.dump() + ", got " + live.dump());
      return;
    }
    for (size_t i = 0; i < applied.size(); ++i)
      expect_subset(applied[i], live[i], path + "[" + std::to_string(i) + "]", diffs);
  } else if (applied != live && !same_quantity(applied, live)) {
    // Integers written as strings for int-or-string fields stay as written; numbers must match.
    diffs.push_back(path + ": expected " + applied.dump() + ", got " + live.dump());
  }
}

class ManifestsTest : public ::testing::TestWithParam<int> {};

TEST_P(ManifestsTest, EveryManifestAppliesAndReadsBack) {
  if (kubectl_path(GetParam()).empty()) GTEST_SKIP() << "kubectl not on this machine";
  std::string dir = shared_dir() + "/testdata/manifests";
  if (!fs::exists(dir)) GTEST_SKIP() << dir << " is absent";
  ServerProcess server;
  server.start();
  Kubectl k(server, GetParam());
  k.ok({"create", "namespace", "default-mem-example"});
  k.ok({"create", "namespace", "qos-example"});

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 50u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    auto docs = parse_yaml_documents(read_file(file.string()));
    ASSERT_TRUE(docs.ok()) << docs.error().message;
    // Each file gets a namespace of its own unless it names one: quotas and limit ranges
    // among the manifests must not govern the others.
    std::vector<std::string> ns_args;
    bool names_namespace = false;
    for (const auto& d : *docs)
      if (find_path(d, "metadata.namespace")) names_namespace = true;
    if (!names_namespace) {
      std::string ns = "m-" + std::to_string(&file - files.data());
      k.ok({"create", "namespace", ns});
      ns_args = {"-n", ns};
    }
    std::vector<std::string> apply_args = {"apply", "-f", file.string()};
    apply_args.insert(apply_args.end(), ns_args.begin(), ns_args.end());
    auto applied = k(apply_args);
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    EXPECT_EQ(applied.err, "");
    std::vector<std::string> get_args = {"get", "-f", file.string(), "-o", "json"};
    get_args.insert(get_args.end(), ns_args.begin(), ns_args.end());
    auto got = k(get_args);
    ASSERT_EQ(got.exit_code, 0) << got.err;
    auto live = parse_json(got.out);
    ASSERT_TRUE(live.ok());
    std::vector<Json> items = live->contains("items") ? (*live)["items"].get<std::vector<Json>>()
                                                       : std::vector<Json>{*live};
    ASSERT_EQ(items.size(), docs->size());
    for (size_t i = 0; i < items.size(); ++i) {
      Json expected = (*docs)[i];
      // Secret stringData is write-only: the server folds it into data, base64-encoded.
      if (expected.value("kind", "") == "Secret" && expected.contains("stringData")) {
        for (auto& [key, value] : expected["stringData"].items())
          expected["data"][key] = base64_encode(value.get<std::string>());
        expected.erase("stringData");
      }
      std::vector<std::string> diffs;
      expect_subset(expected, items[i], "", diffs);
      for (const auto& d : diffs) ADD_FAILURE() << file.filename().string() << d;
      EXPECT_TRUE(items[i]["metadata"].contains("uid"));
      EXPECT_TRUE(items[i]["metadata"].contains("creationTimestamp"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, ManifestsTest, ::testing::Values(33, 27),
                         [](const auto& info) { return "kubectl_1_" + std::to_string(info.param); });

}  // namespace
}  // namespace skiff::e2e

// Every real-world manifest in the shared corpus must pass decoding, defaulting and validation
// in Strict mode: the registry may not reject what kube-apiserver accepts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/gvk.h"
#include "api/schema.h"
#include "util/yaml.h"

namespace skiff::api {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SchemaManifests, RealManifestsPassStrictValidation) {
  const std::filesystem::path dir = std::filesystem::path(SKIFF_SHARED_DIR) / "testdata" / "manifests";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no manifest corpus at " << dir;
  const SchemaRegistry& reg = SchemaRegistry::builtin();
  int objects = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    auto docs = parse_yaml_documents(read_file(entry.path()));
    ASSERT_TRUE(docs.ok()) << entry.path() << ": " << docs.error().message;
    for (Json& obj : *docs) {
      const GroupVersion gv = GroupVersion::parse(get_string(obj, "apiVersion"));
      const ResourceInfo* info = reg.find_kind(gv.group, gv.version, get_string(obj, "kind"));
      ASSERT_NE(info, nullptr) << entry.path() << ": " << get_string(obj, "kind");
      const Json original = obj;
      std::vector<std::string> warnings;
      Status st = reg.validate_and_prune(*info, obj, FieldValidation::kStrict, &warnings);
      EXPECT_TRUE(st.ok()) << entry.path().filename() << ": " << (st.ok() ? "" : st.error().message);
      EXPECT_TRUE(warnings.empty()) << entry.path().filename();
      reg.apply_defaults(*info, obj);
      Status valid = reg.validate(*info, obj);
      EXPECT_TRUE(valid.ok()) << entry.path().filename() << ": " << (valid.ok() ? "" : valid.error().message);
      Json again = obj;
      reg.apply_defaults(*info, again);
      EXPECT_EQ(again, obj) << "defaults are not idempotent for " << entry.path().filename();
      ++objects;
    }
  }
  EXPECT_GE(objects, 70);
}

}  // namespace
}  // namespace skiff::api

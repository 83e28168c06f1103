// The fast JSON reader builds what nlohmann's parser builds, and declines what it rejects.
#include "util/json_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace skiff {
namespace {

// Same values and the same number types (unsigned, signed, float) throughout.
void expect_same(const Json& a, const Json& b) {
  ASSERT_EQ(a.type(), b.type()) << a.dump() << " vs " << b.dump();
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size());
    for (auto it = a.begin(); it != a.end(); ++it) expect_same(it.value(), b.at(it.key()));
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i]);
  } else {
    EXPECT_EQ(a, b);
  }
}

void expect_like_nlohmann(const std::string& text) {
  auto fast = read_json_fast(text);
  ASSERT_TRUE(fast.has_value()) << text;
  expect_same(*fast, Json::parse(text));
}

TEST(JsonReader, ReadsScalarsWithNlohmannNumberTypes) {
  for (const char* text : {"0", "-0", "7", "-7", "18446744073709551615", "18446744073709551616", "-9223372036854775808",
                           "-9223372036854775809", "1.5", "-2.5e-3", "1E300", "true", "false", "null", "\"x\""}) {
    expect_like_nlohmann(text);
  }
}

TEST(JsonReader, ReadsEscapesAndUtf8) {
  expect_like_nlohmann(R"("a\"b\\c\/d\b\f\n\r\t")");
  expect_like_nlohmann(R"("\u00e9\u20ac\ud83d\ude00")");
  expect_like_nlohmann("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}

TEST(JsonReader, LaterDuplicateKeyWins) {
  expect_like_nlohmann(R"({"a": 1, "b": {"c": [1, 2, {}]}, "a": 2, "d": []})");
}

TEST(JsonReader, DeclinesWhatNlohmannRejects) {
  for (const char* text : {"", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "tru", "\"\\x\"", "\"\\ud800\"",
                           "\"a\nb\"", "\"\xC3\"", "\"\xED\xA0\x80\"", "1 2", "1E400", "{\"a\" 1}", "\xEF\xBB\xBF{}"}) {
    EXPECT_FALSE(read_json_fast(text).has_value()) << text;
  }
}

TEST(JsonReader, ReportsKeysRepeatedInAnObject) {
  // The API server runs its exact duplicate-field search only for texts flagged here.
  auto repeated = [](std::string_view text) {
    bool flag = false;
    EXPECT_TRUE(read_json_fast(text, &flag).has_value()) << text;
    return flag;
  };
  EXPECT_FALSE(repeated(R"({"a":1,"b":{"a":2},"c":[{"x":1},{"x":2}]})"));
  EXPECT_FALSE(repeated("[]"));
  EXPECT_TRUE(repeated(R"({"a":1,"a":2})"));
  EXPECT_TRUE(repeated(R"({"s":{"c":[1,{"k":1,"j":{},"k":2}]}})"));
  EXPECT_TRUE(repeated(R"({"ab":1,"a\u0062":2})"));  // the same name once unescaped
  EXPECT_FALSE(repeated(R"({"a\u0062":1})"));
}

TEST(JsonReader, ReadsEveryCorpusSchemaLikeNlohmann) {
  std::filesystem::path corpus = std::string(SKIFF_SHARED_DIR) + "/testdata/charts";
  if (!std::filesystem::exists(corpus)) GTEST_SKIP() << "no chart corpus at " << corpus;
  int schemas = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
    if (entry.path().filename() != "values.schema.json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    SCOPED_TRACE(entry.path().string());
    expect_like_nlohmann(text.str());
    ++schemas;
  }
  EXPECT_GT(schemas, 0);
}

}  // namespace
}  // namespace skiff

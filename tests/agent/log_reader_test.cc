// Reading CRI container log files as kubectl logs shows them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent/logs/cri_log_reader.h"

namespace skiff::agent {
namespace {

namespace fs = std::filesystem;

class LogReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() / ("skiff-log-" + std::to_string(::getpid()) + ".log")).string();
    fs::remove(path_);
  }
  void TearDown() override { fs::remove(path_); }
  void append(const std::string& text) { std::ofstream(path_, std::ios::app) << text; }

  std::string path_;
};

const char* kLog =
    "2026-11-27T10:00:00.000000001Z stdout F one\n"
    "2026-11-27T10:00:01.5Z stderr F two\n"
    "2026-11-27T10:00:02Z stdout P thr\n"
    "2026-11-27T10:00:02.1Z stdout F ee\n"
    "not a log line\n"
    "2026-11-27T10:00:03Z stdout F four\n";

TEST_F(LogReaderTest, ReassemblesPartialLinesAndSkipsMalformedOnes) {
  append(kLog);
  CriLogReader reader(path_, {});
  EXPECT_EQ(*reader.read_new(), "one\ntwo\nthree\nfour\n");
  EXPECT_EQ(*reader.read_new(), "") << "nothing new";
}

TEST_F(LogReaderTest, TailSinceTimestampsAndLimit) {
  append(kLog);
  EXPECT_EQ(*CriLogReader(path_, {.tail_lines = 2}).read_new(), "three\nfour\n");
  EXPECT_EQ(*CriLogReader(path_, {.tail_lines = 0}).read_new(), "");
  EXPECT_EQ(*CriLogReader(path_, {.since = parse_rfc3339("2026-11-27T10:00:01Z")}).read_new(), "two\nthree\nfour\n");
  EXPECT_EQ(*CriLogReader(path_, {.tail_lines = 1, .timestamps = true}).read_new(), "2026-11-27T10:00:03Z four\n");
  CriLogReader limited(path_, {.limit_bytes = 6});
  EXPECT_EQ(*limited.read_new(), "one\ntw");
  EXPECT_TRUE(limited.limit_reached());
}

TEST_F(LogReaderTest, FollowingReturnsOnlyCompleteNewLines) {
  append("2026-11-27T10:00:00Z stdout F a\n");
  CriLogReader reader(path_, {.tail_lines = 10});
  EXPECT_EQ(*reader.read_new(), "a\n");
  append("2026-11-27T10:00:01Z stdout F b\n2026-11-27T10:00:02Z stdout F c");
  EXPECT_EQ(*reader.read_new(), "b\n") << "the unterminated entry waits";
  append("\n");
  EXPECT_EQ(*reader.read_new(), "c\n");
}

TEST_F(LogReaderTest, MissingFileIsNotFound) {
  auto r = CriLogReader(path_ + ".absent", {}).read_new();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 404);
}

}  // namespace
}  // namespace skiff::agent
